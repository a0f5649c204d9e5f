/*
 * Names and addresses: byte order, inet_addr / inet_ntoa, inet_pton /
 * inet_ntop, WSAStringToAddress / WSAAddressToString, getaddrinfo and
 * getnameinfo, the hostent / servent / protoent calls, gethostname.
 * Fnnn: windows-behaviour.md (Wine's conformance tests, which pass on
 * Windows). Lookups stay on this host: numeric addresses, "localhost",
 * /etc/services names.
 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include "common.h"

static void w(const char *a, WCHAR *out, size_t n) {
    size_t i = 0;
    for (; a[i] && i + 1 < n; i++)
        out[i] = (WCHAR)(unsigned char)a[i];
    out[i] = 0;
}

static void dotted(const void *addr, char *out) {
    const unsigned char *b = addr;
    sprintf(out, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* ---- byte order ------------------------------------------------------------ */

Test(names, byte_order) {
    cr_assert_eq(htons(0x1234), 0x3412);
    cr_assert_eq(ntohs(0x3412), 0x1234);
    cr_assert_eq(htonl(0x12345678), 0x78563412u);
    cr_assert_eq(ntohl(0x78563412u), 0x12345678u);
    cr_assert_eq(htonll(0x0102030405060708ull), 0x0807060504030201ull);
    cr_assert_eq(ntohll(0x0807060504030201ull), 0x0102030405060708ull);
}

Test(names, wsa_byte_order, .init = wsa_start, .fini = wsa_stop) {
    u_short s16 = 0;
    u_long s32 = 0;
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    cr_assert_eq(WSAHtons(s, 0x1234, &s16), 0);
    cr_assert_eq(s16, 0x3412);
    cr_assert_eq(WSANtohs(s, 0x3412, &s16), 0);
    cr_assert_eq(s16, 0x1234);
    cr_assert_eq(WSAHtonl(s, 0x12345678, &s32), 0);
    cr_assert_eq(s32, 0x78563412u);
    cr_assert_eq(WSANtohl(s, 0x78563412u, &s32), 0);
    cr_assert_eq(s32, 0x12345678u);
    cr_assert_eq(WSAHtons(s, 1, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(WSANtohl(s, 1, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    closesocket(s);
    cr_assert_eq(WSAHtons(s, 1, &s16), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(WSAHtonl((SOCKET)12345, 1, &s32), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
}

/* ---- inet_addr / inet_ntoa ---------------------------------------------------- */

/* F271 (NULL result: INADDR_NONE). */
static const struct {
    const char *s, *addr;
} inet_addr_rows[] = {
    {"1.2.3.4", "1.2.3.4"}, {"1 2 3 4", "0.0.0.1"}, {"1.2.3. 4", NULL}, {"1.2.3 .4", "1.2.0.3"},
    {"1.2.3 \xfe\xff", "1.2.0.3"}, {"3.4.5.6.7", NULL}, {"3.4.5.6. 7", NULL}, {"3.4.5.6  7", "3.4.5.6"},
    {" 3.4.5.6", NULL}, {"\t3.4.5.6", NULL}, {"3.4.5.6 ", "3.4.5.6"}, {"3.4.5.6  ", "3.4.5.6"},
    {"3. 4.5.6", NULL}, {"3 .4.5.6", "0.0.0.3"}, {"1.2.3", "1.2.0.3"}, {".1.2.3", NULL},
    {"0.0.0.0", "0.0.0.0"}, {"", NULL}, {" 0", NULL}, {"0xa1a2b3b4 ", "161.162.179.180"},
    {".", NULL}, {" ", "0.0.0.0"}, {"\t", NULL}, {"  ", NULL}, {"127.127.127.255", "127.127.127.255"},
    {"127.127.127.255:123", NULL}, {"127.127.127.256", NULL}, {"a", NULL}, {"1.2.3.0xaA", "1.2.3.170"},
    {"1.1.1.0x", NULL}, {"1.2.3.010", "1.2.3.8"}, {"1.2.3.00", "1.2.3.0"}, {"1.2.3.0a", NULL},
    {"1.1.1.0o10", NULL}, {"1.1.1.0b10", NULL}, {"1.1.1.-2", NULL}, {"1", "0.0.0.1"}, {"1.2", "1.0.0.2"},
    {"203569230", "12.34.56.78"}, {"[0.1.2.3]", NULL}, {"0x00010203", "0.1.2.3"}, {"0x2134", "0.0.33.52"},
    {"1234BEEF", NULL}, {"017700000001", "127.0.0.1"}, {"0777", "0.0.1.255"},
    {"2607:f0d0:1002:51::4", NULL}, {"::177.32.45.20", NULL}, {"::1/128", NULL}, {"::1", NULL},
    {":1", NULL},
};

Test(names, inet_addr_table) {
    for (size_t i = 0; i < sizeof inet_addr_rows / sizeof inet_addr_rows[0]; i++) {
        WSASetLastError(0xdead);
        ULONG a = inet_addr(inet_addr_rows[i].s);
        cr_assert_eq(WSAGetLastError(), 0xdead, "F269: \"%s\" touched the last error", inet_addr_rows[i].s);
        if (!inet_addr_rows[i].addr) {
            cr_assert_eq(a, INADDR_NONE, "\"%s\" should be INADDR_NONE, got %#x", inet_addr_rows[i].s, (unsigned)a);
        } else {
            char got[16];
            dotted(&a, got);
            cr_assert_str_eq(got, inet_addr_rows[i].addr, "\"%s\"", inet_addr_rows[i].s);
        }
    }
    /* F269 */
    cr_assert_eq(inet_addr(NULL), INADDR_NONE);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
}

/* F270: "1.2.3" and one more byte. */
Test(names, inet_addr_trailing_byte) {
    for (int c = 1; c < 256; c++) {
        if (c >= '0' && c <= '9')
            continue;
        char s[8] = "1.2.3";
        s[5] = (char)c;
        s[6] = 0;
        int space = c == ' ' || (c >= '\t' && c <= '\r');
        ULONG a = inet_addr(s);
        if (space)
            cr_assert_eq(a, inet_addr("1.2.0.3"), "byte %#x", c);
        else
            cr_assert_eq(a, INADDR_NONE, "byte %#x", c);
    }
}

static void *ntoa_thread(void *arg) {
    (void)arg;
    struct in_addr in;
    in.S_un.S_addr = htonl(0x01020304);
    return inet_ntoa(in);
}

Test(names, inet_ntoa) {
    struct in_addr in;
    in.S_un.S_addr = 0;
    cr_assert_str_eq(inet_ntoa(in), "0.0.0.0"); /* F277 */
    in.S_un.S_addr = 0x20201015;
    char *mine = inet_ntoa(in);
    cr_assert_str_eq(mine, "21.16.32.32");
    /* F277: another thread's call leaves this thread's buffer alone. */
    pthread_t t;
    void *theirs;
    pthread_create(&t, NULL, ntoa_thread, NULL);
    pthread_join(t, &theirs);
    cr_assert_neq(theirs, mine);
    cr_assert_str_eq(mine, "21.16.32.32");
}

/* ---- inet_pton / InetPtonW ---------------------------------------------------------- */

/* F274: written = what the output holds after a 0 (NULL: untouched). */
static const struct {
    const char *s;
    int r;
    const char *written;
} pton4_rows[] = {
    {"1.1.1.1", 1, "1.1.1.1"}, {"0.0.0.0", 1, "0.0.0.0"}, {"127.127.127.255", 1, "127.127.127.255"},
    {"", 0, NULL}, {" ", 0, NULL}, {"127.127.127.255:123", 0, "127.127.127.255"},
    {"127.127.127.256", 0, NULL}, {"a", 0, NULL}, {"1.1.1.0xaA", 0, NULL}, {"1.1.1.0x", 0, NULL},
    {"1.1.1.010", 0, NULL}, {"1.1.1.00", 0, NULL}, {"1.1.1.0a", 0, "1.1.1.0"}, {"1.1.1.0o10", 0, "1.1.1.0"},
    {"1.1.1.0b10", 0, "1.1.1.0"}, {"1.1.1.-2", 0, NULL}, {"1", 0, NULL}, {"1.2", 0, NULL},
    {"1.2.3", 0, NULL}, {"203569230", 0, NULL}, {"3.4.5.6.7", 0, NULL}, {" 3.4.5.6", 0, NULL},
    {"\t3.4.5.6", 0, NULL}, {"3.4.5.6 ", 0, "3.4.5.6"}, {"3. 4.5.6", 0, NULL}, {"[0.1.2.3]", 0, NULL},
    {"0x00010203", 0, NULL}, {"0x2134", 0, NULL}, {"1234BEEF", 0, NULL}, {"017700000001", 0, NULL},
    {"0777", 0, NULL}, {"::1", 0, NULL}, {"2001::1", 0, NULL},
};

Test(names, inet_pton_ipv4) {
    for (size_t i = 0; i < sizeof pton4_rows / sizeof pton4_rows[0]; i++) {
        unsigned char buf[4];
        char got[16];
        WCHAR ws[64];
        for (int wide = 0; wide < 2; wide++) {
            memset(buf, 0xab, sizeof buf);
            WSASetLastError(0xdead);
            int r;
            if (wide) {
                w(pton4_rows[i].s, ws, 64);
                r = InetPtonW(AF_INET, ws, buf);
            } else {
                r = inet_pton(AF_INET, pton4_rows[i].s, buf);
            }
            cr_assert_eq(r, pton4_rows[i].r, "%s(\"%s\") = %d", wide ? "InetPtonW" : "inet_pton", pton4_rows[i].s, r);
            /* F273: a 0 leaves the A form's last error; the W form sets WSAEINVAL. */
            cr_assert_eq(WSAGetLastError(), r == 0 && wide ? WSAEINVAL : 0xdead, "\"%s\"", pton4_rows[i].s);
            dotted(buf, got);
            if (pton4_rows[i].written)
                cr_assert_str_eq(got, pton4_rows[i].written, "\"%s\"", pton4_rows[i].s);
            else
                cr_assert_str_eq(got, "171.171.171.171", "\"%s\" wrote %s", pton4_rows[i].s, got);
        }
    }
}

/* F275 (1) and F276 (0). */
static const char *pton6_good[] = {
    "0000:0000:0000:0000:0000:0000:0000:0000", "0000:0000:0000:0000:0000:0000:0000:0001",
    "0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0::", "0:0:0:0:0:0:13.1.68.3", "0:0:0:0:0:0::",
    "0:0:0:0:0::", "0:0:0:0:0:FFFF:129.144.52.38", "0::", "0:1:2:3:4:5:6:7", "1080:0:0:0:8:800:200c:417a",
    "0:a:b:c:d:e:f::", "1111:2222:3333:4444:5555:6666:123.123.123.123",
    "1111:2222:3333:4444:5555:6666:7777:8888", "1111:2222:3333:4444:5555:6666:7777::",
    "1111:2222:3333:4444:5555:6666::", "1111:2222:3333:4444:5555:6666::8888", "1111:2222:3333:4444:5555::",
    "1111:2222:3333:4444:5555::123.123.123.123", "1111:2222:3333:4444:5555::7777:8888",
    "1111:2222:3333:4444:5555::8888", "1111::", "1111::123.123.123.123",
    "1111::3333:4444:5555:6666:123.123.123.123", "1111::3333:4444:5555:6666:7777:8888",
    "1111::4444:5555:6666:123.123.123.123", "1111::4444:5555:6666:7777:8888", "1111::5555:6666:123.123.123.123",
    "1111::5555:6666:7777:8888", "1111::6666:123.123.123.123", "1111::6666:7777:8888", "1111::7777:8888",
    "1111::8888", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6::", "1:2:3:4:5:6::8",
    "2001:0000:1234:0000:0000:C1C0:ABCD:0876", "2001:0000:4136:e378:8000:63bf:3fff:fdd2",
    "2001:0db8:0:0:0:0:1428:57ab", "2001:0db8:1234:ffff:ffff:ffff:ffff:ffff",
    "2001::CE49:7601:2CAD:DFFF:7C94:FFFE", "2001:db8:85a3::8a2e:370:7334",
    "3ffe:0b00:0000:0000:0001:0000:0000:000a", "::", "::0", "::0:0", "::0:0:0:0:0:0", "::0:0:0:0:0:0:0",
    "::0:a:b:c:d:e:f", "::123.123.123.123", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1::001.2.3.4",
    "1::1.002.3.4", "1::1.2.3.4",
};
static const char *pton6_bad[] = {
    "1111:2222:3333:4444:0x5555:6666:7777:8888", "1111::0x88", "::0x80000000", "x555::", "0r5555::",
    "r5555::", "XXXX:XXXX:XXXX:XXXX:XXXX:XXXX:1.2.3.4", "1111:2222:3333:4444:5555:6666::7777:8888",
    "1111:2222:3333:4444:5555:6666:7777::8888", "1111::08888", "1111::fffff", "1111::01234",
    "02001:0000:1234:0000:0000:C1C0:ABCD:0876", "2001:00000:1234:0000:0000:C1C0:ABCD:0876", "12345::6:7:8",
    "1111", "0x1111", "1111:2222:", "1111:2222:3333", "1:2:3:", "1.2.3.4", "1.2.3.4::5555",
    "1111:2222:1.2.3.4", "1111:2222:3333:4444:5555:6666::1.2.3.4", "1111:2222:3333:4444:5555:6666:7777:1.2.3.4",
    "1111:2222:3333:4444:5555:6666:7777:8888:", "1111:2222:3333:4444:5555:6666:7777:8888:9999",
    "1111:2222:3333:4444:5555:6666:7777:8888:1.2.3.4", "1111::5555:", "2001:0000:1234:0000:0000:C1C0:ABCD:0876  0",
    "1111:2222:::", "1111::3333::5555:6666:1.2.3.4", "1::2::3", "2001::FFD3::57ab",
    "1111::3333:4444:5555:6666:7777::", ":", ":1111::", ":1111:2222:3333:4444:5555:6666:7777:8888",
    "1::0001.2.3.4", "1::1.0002.3.4", "1::1.2.256.4", "1::1.2.3.300", "1::1.2.3.900", "1::256.2.3.4",
    "1::1a.2.3.4", "1::1.2a.3.4", "1::1.", "1::1.2", "1::1.2.3", "1::1.2.3.", "1::1.2::1", "1::1.2.3.4::1",
    "2001:0::b.0", "::%16", "::/16", "-1", "::-1", "::.", "::..", "::...",
    "2001:0000:1234: 0000:0000:C1C0:ABCD:0876", "[::]",
};

Test(names, inet_pton_ipv6) {
    unsigned char buf[16];
    for (size_t i = 0; i < sizeof pton6_good / sizeof pton6_good[0]; i++)
        cr_assert_eq(inet_pton(AF_INET6, pton6_good[i], buf), 1, "F275: \"%s\"", pton6_good[i]);
    for (size_t i = 0; i < sizeof pton6_bad / sizeof pton6_bad[0]; i++)
        cr_assert_eq(inet_pton(AF_INET6, pton6_bad[i], buf), 0, "F276: \"%s\"", pton6_bad[i]);
    /* F276: the groups read before the error are written. */
    memset(buf, 0xab, sizeof buf);
    cr_assert_eq(inet_pton(AF_INET6, "1111:2222:3333:4444:0x5555:6666:7777:8888", buf), 0);
    static const unsigned char first4[] = {0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44};
    cr_assert_arr_eq(buf, first4, 8);
    cr_assert_eq(buf[10], 0xab);
    /* Values. */
    cr_assert_eq(inet_pton(AF_INET6, "2001:db8::1", buf), 1);
    static const unsigned char v[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    cr_assert_arr_eq(buf, v, 16);
    cr_assert_eq(inet_pton(AF_INET6, "::ffff:1.2.3.4", buf), 1);
    static const unsigned char m[16] = {[10] = 0xff, [11] = 0xff, [12] = 1, 2, 3, 4};
    cr_assert_arr_eq(buf, m, 16);
}

Test(names, inet_pton_errors) {
    unsigned char buf[16];
    WCHAR ws[32];
    /* F272 */
    cr_assert_eq(inet_pton(AF_UNSPEC, NULL, buf), -1);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(inet_pton(AF_INET, NULL, buf), -1);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(InetPtonW(AF_INET, NULL, buf), -1);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(inet_pton(AF_UNSPEC, "127.0.0.1", buf), -1);
    cr_assert_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
    cr_assert_eq(inet_pton(AF_UNSPEC, "2607:f0d0:1002:51::4", buf), -1);
    cr_assert_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
    w("127.0.0.1", ws, 32);
    cr_assert_eq(InetPtonW(AF_UNSPEC, ws, buf), -1);
    cr_assert_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
    w("::1", ws, 32);
    cr_assert_eq(InetPtonW(AF_INET6, ws, buf), 1);
    cr_assert_eq(buf[15], 1);
}

/* ---- inet_ntop / InetNtopW ------------------------------------------------------------ */

#define STATUS_INVALID_PARAMETER_ ((int)0xC000000D)

Test(names, inet_ntop_ipv4) {
    char buf[32];
    ULONG a = 0x20201015;
    cr_assert_str_eq(inet_ntop(AF_INET, &a, buf, sizeof buf), "21.16.32.32"); /* F277 */
    cr_assert_eq(inet_ntop(AF_INET, &a, buf, 17), buf); /* F278 */
    cr_assert_eq(inet_ntop(AF_INET, &a, buf, 12), buf);
    /* F278: Windows reports the NT status here (Windows 7: WSAEINVAL). */
    cr_assert_null(inet_ntop(AF_INET, &a, buf, 11));
    cr_assert_eq(WSAGetLastError(), STATUS_INVALID_PARAMETER_);
    cr_assert_null(inet_ntop(AF_INET, &a, buf, 6));
    cr_assert_eq(WSAGetLastError(), STATUS_INVALID_PARAMETER_);
    cr_assert_null(inet_ntop(AF_INET, &a, buf, 0));
    cr_assert_eq(WSAGetLastError(), STATUS_INVALID_PARAMETER_);
    cr_assert_null(inet_ntop(AF_INET, &a, NULL, 32));
    cr_assert_eq(WSAGetLastError(), STATUS_INVALID_PARAMETER_);
    cr_assert_null(inet_ntop(1, &a, buf, sizeof buf));
    cr_assert_eq(WSAGetLastError(), WSAEAFNOSUPPORT);
}

static const struct {
    unsigned char a[16];
    const char *text;
} ntop6_rows[] = {
    {{[10] = 0xff, 0xfe, 0xcc, 0x98, 0xbd, 0x74}, "::fffe:cc98:bd74"},           /* F279 */
    {{0x20, 0x30, 0xa4, 0xb1}, "2030:a4b1::"},                                  /* F279 */
    {{[12] = 204, 152, 189, 116}, "::204.152.189.116"},                         /* F279 */
    {{[15] = 1}, "::1"},                                                        /* F267 */
    {{0}, "::"},
    {{0x20, 0xab, [15] = 1}, "20ab::1"},                                        /* F267 */
    {{[10] = 0xff, 0xff, 1, 2, 3, 4}, "::ffff:1.2.3.4"},
    {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}, "2001:db8::1:0:0:1"},
    {{0xfe, 0x80, [15] = 0x0a}, "fe80::a"},
};

Test(names, inet_ntop_ipv6) {
    char buf[64];
    WCHAR wbuf[64];
    for (size_t i = 0; i < sizeof ntop6_rows / sizeof ntop6_rows[0]; i++) {
        cr_assert_str_eq(inet_ntop(AF_INET6, ntop6_rows[i].a, buf, sizeof buf), ntop6_rows[i].text);
        cr_assert_eq(InetNtopW(AF_INET6, ntop6_rows[i].a, wbuf, 64), wbuf);
        char back[64];
        size_t k = 0;
        for (; wbuf[k]; k++)
            back[k] = (char)wbuf[k];
        back[k] = 0;
        cr_assert_str_eq(back, ntop6_rows[i].text);
        /* And back again. */
        unsigned char a[16];
        cr_assert_eq(inet_pton(AF_INET6, buf, a), 1, "%s", buf);
        cr_assert_arr_eq(a, ntop6_rows[i].a, 16, "%s", buf);
    }
    /* F279: 17 characters with the NUL. */
    cr_assert_null(inet_ntop(AF_INET6, ntop6_rows[0].a, buf, 16));
    cr_assert_eq(WSAGetLastError(), STATUS_INVALID_PARAMETER_);
    cr_assert_not_null(inet_ntop(AF_INET6, ntop6_rows[0].a, buf, 18));
}

/* ---- WSAStringToAddress ----------------------------------------------------------------- */

/* F261, F262, F263: the 6.2 table. addr: what sin_addr holds afterwards. */
static const struct {
    const char *s;
    int ok;
    const char *addr;
    int port;
} s2a4_rows[] = {
    {"", 0, "0.0.0.0", 0}, {" ", 0, "0.0.0.0", 0}, {"1.1.1.1", 1, "1.1.1.1", 0}, {"0.0.0.0", 1, "0.0.0.0", 0},
    {"127.127.127.127", 1, "127.127.127.127", 0}, {"127.127.127.127:", 0, "127.127.127.127", 0},
    {"127.127.127.127:0", 0, "127.127.127.127", 0}, {"127.127.127.127:123", 1, "127.127.127.127", 123},
    {"127.127.127.127:65535", 1, "127.127.127.127", 65535}, {"127.127.127.127:65537", 0, "127.127.127.127", 0},
    {"127.127.127.127::1", 0, "127.127.127.127", 0}, {"127.127.127.127:0xAbCd", 1, "127.127.127.127", 43981},
    {"127.127.127.127:0XaBcD", 1, "127.127.127.127", 43981}, {"127.127.127.127:0x", 0, "127.127.127.127", 0},
    {"127.127.127.127:0x10000", 0, "127.127.127.127", 0}, {"127.127.127.127:010", 1, "127.127.127.127", 8},
    {"127.127.127.127:007", 1, "127.127.127.127", 7}, {"127.127.127.127:08", 0, "127.127.127.127", 0},
    {"127.127.127.127:008", 0, "127.127.127.127", 0}, {"127.127.127.127:0a", 0, "127.127.127.127", 0},
    {"127.127.127.127:0o10", 0, "127.127.127.127", 0}, {"127.127.127.127:0b10", 0, "127.127.127.127", 0},
    {"255.255.255.255", 1, "255.255.255.255", 0}, {"255.255.255.255:123", 1, "255.255.255.255", 123},
    {"255.255.255.255:65535", 1, "255.255.255.255", 65535}, {"255.255.255.256", 0, "0.0.0.0", 0},
    {"a", 0, "0.0.0.0", 0}, {"1.1.1.0xaA", 1, "1.1.1.170", 0}, {"1.1.1.0XaA", 1, "1.1.1.170", 0},
    {"1.1.1.0x", 0, "0.0.0.0", 0}, {"1.1.1.0xff", 1, "1.1.1.255", 0}, {"1.1.1.0x100", 0, "0.0.0.0", 0},
    {"1.1.1.010", 1, "1.1.1.8", 0}, {"1.1.1.00", 1, "1.1.1.0", 0}, {"1.1.1.007", 1, "1.1.1.7", 0},
    {"1.1.1.08", 0, "0.0.0.0", 0}, {"1.1.1.008", 0, "1.1.1.0", 0}, {"1.1.1.0a", 0, "1.1.1.0", 0},
    {"1.1.1.0o10", 0, "1.1.1.0", 0}, {"1.1.1.0b10", 0, "1.1.1.0", 0}, {"1.1.1.-2", 0, "0.0.0.0", 0},
    {"1", 1, "0.0.0.1", 0}, {"-1", 0, "0.0.0.0", 0}, {"1:1", 1, "0.0.0.1", 1}, {"1.2", 1, "1.0.0.2", 0},
    {"1.2:1", 1, "1.0.0.2", 1}, {"1000.2000", 0, "0.0.0.0", 0}, {"1.2.", 0, "0.0.0.0", 0},
    {"1..2", 0, "0.0.0.0", 0}, {"1...2", 0, "0.0.0.0", 0}, {"1.2.3", 1, "1.2.0.3", 0},
    {"1.2.3.", 0, "0.0.0.0", 0}, {"1.2.3:1", 1, "1.2.0.3", 1}, {"203569230", 1, "12.34.56.78", 0},
    {"203569230:123", 1, "12.34.56.78", 123}, {"2001::1", 0, "0.0.7.209", 0}, {"1.223756", 1, "1.3.106.12", 0},
    {"3.4.756", 1, "3.4.2.244", 0}, {"756.3.4", 0, "0.0.0.0", 0}, {"3.756.4", 0, "0.0.0.0", 0},
    {"3.4.756.1", 0, "0.0.0.0", 0}, {"3.4.65536", 0, "0.0.0.0", 0}, {"3.4.5.6.7", 0, "0.0.0.0", 0},
    {"3.4.5.+6", 0, "0.0.0.0", 0}, {" 3.4.5.6", 0, "0.0.0.0", 0}, {"\t3.4.5.6", 0, "0.0.0.0", 0},
    {"3.4.5.6 ", 0, "3.4.5.6", 0}, {"3.4.5.6:7 ", 0, "3.4.5.6", 0}, {"3.4.5.6: 7", 0, "3.4.5.6", 0},
    {"3. 4.5.6", 0, "0.0.0.0", 0}, {".", 0, "0.0.0.0", 0}, {"[0.1.2.3]", 0, "0.0.0.0", 0},
    {"0x00010203", 1, "0.1.2.3", 0}, {"0X00010203", 1, "0.1.2.3", 0}, {"0x00010203:10", 1, "0.1.2.3", 10},
    {"0x1234", 1, "0.0.18.52", 0}, {"0x123456789", 1, "35.69.103.137", 0}, {"0x00010Q03", 0, "0.0.0.16", 0},
    {"x00010203", 0, "0.0.0.0", 0}, {"1234BEEF", 0, "0.0.4.210", 0}, {"017700000001", 1, "127.0.0.1", 0},
    {"0777", 1, "0.0.1.255", 0}, {"0777:10", 1, "0.0.1.255", 10}, {"::1", 0, "0.0.0.0", 0},
    {":1", 0, "0.0.0.0", 0},
};

Test(names, string_to_address_ipv4, .init = wsa_start, .fini = wsa_stop) {
    for (size_t i = 0; i < sizeof s2a4_rows / sizeof s2a4_rows[0]; i++) {
        for (int wide = 0; wide < 2; wide++) { /* F260: A and W alike */
            SOCKADDR_IN sin;
            INT len = sizeof sin + 10;
            memset(&sin, 0xab, sizeof sin);
            WSASetLastError(0);
            int r;
            if (wide) {
                WCHAR ws[64];
                w(s2a4_rows[i].s, ws, 64);
                r = WSAStringToAddressW(ws, AF_INET, NULL, (SOCKADDR *)&sin, &len);
            } else {
                r = WSAStringToAddressA((char *)s2a4_rows[i].s, AF_INET, NULL, (SOCKADDR *)&sin, &len);
            }
            const char *s = s2a4_rows[i].s;
            char got[16];
            dotted(&sin.sin_addr, got);
            cr_assert_str_eq(got, s2a4_rows[i].addr, "\"%s\" (%c): address", s, wide ? 'W' : 'A');
            if (s2a4_rows[i].ok) {
                cr_assert_eq(r, 0, "\"%s\" (%c) should parse: %d", s, wide ? 'W' : 'A', WSAGetLastError());
                cr_assert_eq(WSAGetLastError(), 0);
                cr_assert_eq(len, 16);
                cr_assert_eq(sin.sin_family, AF_INET);
            } else {
                cr_assert_eq(r, SOCKET_ERROR, "\"%s\" (%c) should fail", s, wide ? 'W' : 'A');
                cr_assert_eq(WSAGetLastError(), WSAEINVAL);
                cr_assert_eq(len, (INT)sizeof sin + 10, "\"%s\": length changed", s);
                cr_assert_eq(sin.sin_family, 0);
            }
            cr_assert_eq(ntohs(sin.sin_port), s2a4_rows[i].port, "\"%s\": port", s);
        }
    }
}

/* F259: the room is checked before the text. */
Test(names, string_to_address_short_buffer, .init = wsa_start, .fini = wsa_stop) {
    SOCKADDR_IN sin;
    INT len = 0;
    cr_assert_eq(WSAStringToAddressA("", AF_INET, NULL, (SOCKADDR *)&sin, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_geq(len, (INT)sizeof(SOCKADDR_IN));
    SOCKADDR_IN6 sin6;
    len = sizeof(SOCKADDR_IN);
    cr_assert_eq(WSAStringToAddressA("::1", AF_INET6, NULL, (SOCKADDR *)&sin6, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(len, 28);
    /* No provider for the family: WSAEINVAL, as the reference page says. */
    len = sizeof sin6;
    cr_assert_eq(WSAStringToAddressA("1.2.3.4", 0x4242, NULL, (SOCKADDR *)&sin6, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
}

/* The 6.3 table, plus scope ids (RtlIpv6StringToAddressEx's "%n"). */
static const struct {
    const char *s;
    int ok;
    const char *addr;
    int port;
    ULONG scope;
} s2a6_rows[] = {
    {"::1", 1, "::1", 0, 0}, {"[::1]", 1, "::1", 0, 0}, {"[::1]:65535", 1, "::1", 65535, 0},
    {"2001::1", 1, "2001::1", 0, 0}, {"::1]:65535", 0, NULL, 0, 0}, {"001::1", 1, "1::1", 0, 0},
    {"::1:2:3:4:5:6:7", 1, "0:1:2:3:4:5:6:7", 0, 0}, {"1.2.3.4", 0, NULL, 0, 0}, {"1:2:3:", 0, NULL, 0, 0},
    {"", 0, NULL, 0, 0}, {"fe80::1%4", 1, "fe80::1", 0, 4}, {"[fe80::1%4]:80", 1, "fe80::1", 80, 4},
    {"[::1]:0", 0, NULL, 0, 0}, {"::1:80", 1, "::1:80", 0, 0}, {"[::1", 0, NULL, 0, 0},
    {"fe80::1%", 0, NULL, 0, 0},
};

Test(names, string_to_address_ipv6, .init = wsa_start, .fini = wsa_stop) {
    for (size_t i = 0; i < sizeof s2a6_rows / sizeof s2a6_rows[0]; i++) {
        SOCKADDR_IN6 sin6;
        INT len = sizeof sin6 + 10;
        memset(&sin6, 0xab, sizeof sin6);
        WSASetLastError(0);
        int r = WSAStringToAddressA((char *)s2a6_rows[i].s, AF_INET6, NULL, (SOCKADDR *)&sin6, &len);
        const char *s = s2a6_rows[i].s;
        if (s2a6_rows[i].ok) {
            cr_assert_eq(r, 0, "\"%s\" should parse", s);
            cr_assert_eq(len, 28);
            cr_assert_eq(sin6.sin6_family, AF_INET6);
            unsigned char want[16];
            cr_assert_eq(inet_pton(AF_INET6, s2a6_rows[i].addr, want), 1);
            cr_assert_arr_eq(&sin6.sin6_addr, want, 16, "\"%s\"", s);
            cr_assert_eq(ntohs(sin6.sin6_port), s2a6_rows[i].port, "\"%s\"", s);
            cr_assert_eq(sin6.sin6_scope_id, s2a6_rows[i].scope, "\"%s\"", s);
        } else {
            cr_assert_eq(r, SOCKET_ERROR, "\"%s\" should fail", s);
            cr_assert_eq(WSAGetLastError(), WSAEINVAL);
            cr_assert_eq(len, (INT)sizeof sin6 + 10);
            cr_assert_eq(sin6.sin6_family, 0);
            cr_assert_eq(sin6.sin6_scope_id, 0); /* F261 */
        }
        cr_assert_eq(sin6.sin6_flowinfo, 0);
    }
}

/* ---- WSAAddressToString ----------------------------------------------------------------------- */

static const char *a2s(SOCKADDR *sa, int salen) {
    static char buf[128];
    DWORD len = sizeof buf;
    if (WSAAddressToStringA(sa, salen, NULL, buf, &len) != 0)
        return NULL;
    cr_assert_eq(len, strlen(buf) + 1); /* F265 */
    return buf;
}

Test(names, address_to_string, .init = wsa_start, .fini = wsa_stop) {
    SOCKADDR_IN sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    char buf[64];
    WCHAR wbuf[64];
    /* F264: no room gives the length needed, NUL included. */
    DWORD len = 0;
    cr_assert_eq(WSAAddressToStringA((SOCKADDR *)&sin, sizeof sin, NULL, buf, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(len, 8);
    len = 0;
    cr_assert_eq(WSAAddressToStringW((SOCKADDR *)&sin, sizeof sin, NULL, NULL, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(len, 8);
    len = 7;
    cr_assert_eq(WSAAddressToStringA((SOCKADDR *)&sin, sizeof sin, NULL, buf, &len), SOCKET_ERROR);
    cr_assert_eq(len, 8);
    /* F265 */
    len = 64;
    cr_assert_eq(WSAAddressToStringW((SOCKADDR *)&sin, sizeof sin, NULL, wbuf, &len), 0);
    cr_assert_eq(len, 8);
    cr_assert_eq(wbuf[0], '0');
    cr_assert_eq(wbuf[7], 0);
    /* F266 */
    cr_assert_str_eq(a2s((SOCKADDR *)&sin, sizeof sin), "0.0.0.0");
    sin.sin_addr.S_un.S_addr = 0xffffffff;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin, sizeof sin), "255.255.255.255");
    sin.sin_port = 0xffff;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin, sizeof sin), "255.255.255.255:65535");
    sin.sin_addr.S_un.S_addr = 0;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin, sizeof sin), "0.0.0.0:65535");
    /* Short address length. */
    len = sizeof buf;
    cr_assert_eq(WSAAddressToStringA((SOCKADDR *)&sin, sizeof sin - 1, NULL, buf, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    /* F267 */
    SOCKADDR_IN6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr.s6_addr[15] = 1;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin6, sizeof sin6), "::1");
    sin6.sin6_addr.s6_addr[0] = 0x20;
    sin6.sin6_addr.s6_addr[1] = 0xab;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin6, sizeof sin6), "20ab::1");
    sin6.sin6_addr.s6_addr[14] = 0x20;
    sin6.sin6_port = 0xfa81;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin6, sizeof sin6), "[20ab::2001]:33274");
    sin6.sin6_scope_id = 0x1234;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin6, sizeof sin6), "[20ab::2001%4660]:33274");
    sin6.sin6_port = 0;
    cr_assert_str_eq(a2s((SOCKADDR *)&sin6, sizeof sin6), "20ab::2001%4660");
    /* Unknown family: no provider for it. */
    SOCKADDR_STORAGE ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_family = 0x4242;
    len = sizeof buf;
    cr_assert_eq(WSAAddressToStringA((SOCKADDR *)&ss, sizeof ss, NULL, buf, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
}

/* What the text gives back is what the address was. */
Test(names, address_string_round_trip, .init = wsa_start, .fini = wsa_stop) {
    static const char *texts[] = {"1.2.3.4", "1.2.3.4:80", "[2001:db8::1]:443", "fe80::1%3", "[fe80::1%3]:9", "::"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        SOCKADDR_STORAGE ss;
        INT len = sizeof ss;
        int af = strchr(texts[i], ':') && strchr(texts[i], ':') != strrchr(texts[i], ':') ? AF_INET6 : AF_INET;
        cr_assert_eq(WSAStringToAddressA((char *)texts[i], af, NULL, (SOCKADDR *)&ss, &len), 0, "%s", texts[i]);
        cr_assert_str_eq(a2s((SOCKADDR *)&ss, len), texts[i]);
    }
}

/* ---- getaddrinfo / getnameinfo ----------------------------------------------------------------- */

Test(names, addrinfo_layout) {
    /* Windows x64: ai_addrlen (size_t), then ai_canonname, then ai_addr. */
    cr_assert_eq(offsetof(ADDRINFOA, ai_addrlen), 16);
    cr_assert_eq(offsetof(ADDRINFOA, ai_canonname), 24);
    cr_assert_eq(offsetof(ADDRINFOA, ai_addr), 32);
    cr_assert_eq(offsetof(ADDRINFOA, ai_next), 40);
    cr_assert_eq(sizeof(SOCKADDR_IN6), 28);
    cr_assert_eq(EAI_NONAME, 11001);
    cr_assert_eq(EAI_AGAIN, 11002);
    cr_assert_eq(EAI_SERVICE, 10109);
}

Test(names, getaddrinfo_numeric, .init = wsa_start, .fini = wsa_stop) {
    ADDRINFOA hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    WSASetLastError(0xdead);
    cr_assert_eq(getaddrinfo("127.0.0.1", "80", &hints, &res), 0);
    cr_assert_eq(WSAGetLastError(), 0);
    cr_assert_not_null(res);
    cr_assert_eq(res->ai_family, AF_INET);
    cr_assert_eq(res->ai_socktype, SOCK_STREAM);
    cr_assert_eq(res->ai_protocol, IPPROTO_TCP);
    cr_assert_eq(res->ai_addrlen, sizeof(SOCKADDR_IN));
    SOCKADDR_IN *sin = (SOCKADDR_IN *)res->ai_addr;
    cr_assert_eq(sin->sin_family, AF_INET);
    cr_assert_eq(sin->sin_port, htons(80));
    cr_assert_eq(sin->sin_addr.S_un.S_addr, htonl(0x7f000001));
    cr_assert_null(res->ai_next);
    freeaddrinfo(res);

    hints.ai_family = AF_UNSPEC;
    cr_assert_eq(getaddrinfo("::1", "443", &hints, &res), 0);
    cr_assert_eq(res->ai_family, AF_INET6);
    cr_assert_eq(res->ai_addrlen, 28);
    SOCKADDR_IN6 *sin6 = (SOCKADDR_IN6 *)res->ai_addr;
    cr_assert_eq(sin6->sin6_family, 23);
    cr_assert_eq(ntohs(sin6->sin6_port), 443);
    cr_assert_eq(sin6->sin6_addr.s6_addr[15], 1);
    freeaddrinfo(res);

    /* F293 */
    cr_assert_eq(getaddrinfo("localhost", NULL, &hints, &res), WSAHOST_NOT_FOUND);
    cr_assert_null(res);
    cr_assert_eq(WSAGetLastError(), WSAHOST_NOT_FOUND);
    cr_assert_eq(getaddrinfo("192.168.1.253:1024", NULL, &hints, &res), WSAHOST_NOT_FOUND);
    cr_assert_eq(getaddrinfo("[beef::cafe]", NULL, &hints, &res), 0);
    cr_assert_eq(res->ai_family, AF_INET6);
    cr_assert_eq(((SOCKADDR_IN6 *)res->ai_addr)->sin6_port, 0);
    freeaddrinfo(res);
    cr_assert_eq(getaddrinfo("[beef::cafe]:10239", NULL, &hints, &res), 0);
    cr_assert_eq(((SOCKADDR_IN6 *)res->ai_addr)->sin6_port, 0);
    freeaddrinfo(res);
    hints.ai_family = AF_INET;
    cr_assert_eq(getaddrinfo("[beef::cafe]", NULL, &hints, &res), WSAHOST_NOT_FOUND);
    cr_assert_null(res);
    hints.ai_family = AF_UNSPEC;
    cr_assert_eq(getaddrinfo("[beef::cafe", NULL, &hints, &res), WSAHOST_NOT_FOUND);
    cr_assert_eq(getaddrinfo("beef::cafe]", NULL, &hints, &res), WSAHOST_NOT_FOUND);
}

Test(names, getaddrinfo_localhost, .init = wsa_start, .fini = wsa_stop) {
    ADDRINFOA hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_flags = AI_CANONNAME;
    cr_assert_eq(getaddrinfo("localhost", "http", &hints, &res), 0);
    cr_assert_not_null(res);
    cr_assert_not_null(res->ai_canonname);
    cr_assert_str_eq(res->ai_canonname, "localhost");
    /* One element per address, socket type and protocol as hinted (0). */
    int n = 0;
    for (ADDRINFOA *p = res; p; p = p->ai_next, n++) {
        cr_assert_eq(p->ai_family, AF_INET);
        cr_assert_eq(p->ai_socktype, 0);
        cr_assert_eq(p->ai_protocol, 0);
        SOCKADDR_IN *sin = (SOCKADDR_IN *)p->ai_addr;
        cr_assert_eq(sin->sin_port, htons(80));
        cr_assert_eq(((unsigned char *)&sin->sin_addr)[0], 127);
    }
    cr_assert_eq(n, 1);
    freeaddrinfo(res);
}

Test(names, getaddrinfo_codes, .init = wsa_start, .fini = wsa_stop) {
    ADDRINFOA hints, *res = (ADDRINFOA *)0x1;
    /* F292 */
    cr_assert_eq(getaddrinfo(NULL, NULL, NULL, &res), WSAHOST_NOT_FOUND);
    cr_assert_eq(WSAGetLastError(), WSAHOST_NOT_FOUND);
    cr_assert_null(res);
    WSASetLastError(0xdead);
    cr_assert_eq(getaddrinfo("", NULL, NULL, &res), 0);
    cr_assert_eq(WSAGetLastError(), 0);
    freeaddrinfo(res);
    cr_assert_eq(getaddrinfo(NULL, "", NULL, &res), 0);
    freeaddrinfo(res);
    /* F294 */
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = 999;
    cr_assert_eq(getaddrinfo("127.0.0.1", NULL, &hints, &res), WSAESOCKTNOSUPPORT);
    hints.ai_family = AF_INET;
    cr_assert_eq(getaddrinfo("127.0.0.1", NULL, &hints, &res), WSAESOCKTNOSUPPORT);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_UDP;
    cr_assert_eq(getaddrinfo("127.0.0.1", NULL, &hints, &res), 0);
    cr_assert_eq(res->ai_socktype, SOCK_STREAM);
    cr_assert_eq(res->ai_protocol, IPPROTO_UDP);
    freeaddrinfo(res);
    hints.ai_protocol = 999;
    cr_assert_eq(getaddrinfo("127.0.0.1", NULL, &hints, &res), 0);
    cr_assert_eq(res->ai_protocol, 999);
    freeaddrinfo(res);
    hints.ai_protocol = 0;
    cr_assert_eq(getaddrinfo("127.0.0.1", "nonexistentservice", &hints, &res), WSATYPE_NOT_FOUND);
    cr_assert_eq(WSAGetLastError(), WSATYPE_NOT_FOUND);
    hints.ai_family = 0x4242;
    cr_assert_eq(getaddrinfo("127.0.0.1", NULL, &hints, &res), WSAEAFNOSUPPORT);
    cr_assert_str_eq(gai_strerrorA(WSAHOST_NOT_FOUND), "No such host is known.");
}

Test(names, getaddrinfo_w, .init = wsa_start, .fini = wsa_stop) {
    ADDRINFOW hints, *res = NULL;
    WCHAR node[32], serv[8];
    /* F295 */
    cr_assert_eq(GetAddrInfoW(NULL, NULL, NULL, &res), WSAHOST_NOT_FOUND);
    cr_assert_eq(WSAGetLastError(), WSAHOST_NOT_FOUND);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_flags = AI_CANONNAME;
    w("localhost", node, 32);
    w("80", serv, 8);
    cr_assert_eq(GetAddrInfoW(node, serv, &hints, &res), 0);
    cr_assert_not_null(res);
    cr_assert_not_null(res->ai_canonname);
    cr_assert_eq(res->ai_canonname[0], 'l');
    cr_assert_eq(res->ai_canonname[9], 0);
    cr_assert_eq(((SOCKADDR_IN *)res->ai_addr)->sin_port, htons(80));
    FreeAddrInfoW(res);
}

Test(names, getnameinfo, .init = wsa_start, .fini = wsa_stop) {
    SOCKADDR_IN sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.S_un.S_addr = htonl(0x7f000001);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    cr_assert_eq(getnameinfo((SOCKADDR *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv,
                             NI_NUMERICHOST | NI_NUMERICSERV), 0);
    cr_assert_str_eq(host, "127.0.0.1");
    cr_assert_str_eq(serv, "80");
    cr_assert_eq(getnameinfo((SOCKADDR *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, 0), 0);
    cr_assert_str_eq(host, "localhost");
    cr_assert_str_eq(serv, "http");
    /* Too small a buffer. */
    cr_assert_eq(getnameinfo((SOCKADDR *)&sin, sizeof sin, host, 4, NULL, 0, NI_NUMERICHOST), WSAEFAULT);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    SOCKADDR_IN6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr.s6_addr[15] = 1;
    sin6.sin6_port = htons(8080);
    WCHAR whost[64], wserv[16];
    cr_assert_eq(GetNameInfoW((SOCKADDR *)&sin6, sizeof sin6, whost, 64, wserv, 16,
                              NI_NUMERICHOST | NI_NUMERICSERV), 0);
    cr_assert_eq(whost[0], ':');
    cr_assert_eq(whost[1], ':');
    cr_assert_eq(whost[2], '1');
    cr_assert_eq(whost[3], 0);
    cr_assert_eq(wserv[0], '8');
    cr_assert_eq(wserv[4], 0);
}

/* ---- hostent / servent / protoent / gethostname ----------------------------------------------- */

Test(names, gethostbyname, .init = wsa_start, .fini = wsa_stop) {
    struct hostent *h = gethostbyname("localhost");
    cr_assert_not_null(h);
    cr_assert_eq(h->h_addrtype, AF_INET);
    cr_assert_eq(h->h_length, 4);
    cr_assert_not_null(h->h_addr_list[0]);
    cr_assert_eq((unsigned char)h->h_addr_list[0][0], 127);
    cr_assert_not_null(h->h_aliases);
    cr_assert_str_eq(h->h_name, "localhost");
    h = gethostbyname("10.1.2.3");
    cr_assert_not_null(h);
    cr_assert_eq((unsigned char)h->h_addr_list[0][0], 10);
    cr_assert_eq((unsigned char)h->h_addr_list[0][3], 3);
    cr_assert_null(h->h_addr_list[1]);
    ULONG a = htonl(0x7f000001);
    h = gethostbyaddr((char *)&a, 4, AF_INET);
    cr_assert_not_null(h);
    cr_assert_str_eq(h->h_name, "localhost");
    cr_assert_eq(h->h_addrtype, AF_INET);
    cr_assert_null(gethostbyaddr((char *)&a, 2, AF_INET));
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
}

Test(names, gethostname, .init = wsa_start, .fini = wsa_stop) {
    char name[256];
    cr_assert_eq(gethostname(name, sizeof name), 0);
    size_t n = strlen(name);
    cr_assert_gt(n, 0);
    /* F297 */
    cr_assert_eq(gethostname(NULL, 256), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    char small[256];
    memset(small, 0x55, sizeof small);
    cr_assert_eq(gethostname(small, (int)n), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(small[0], 0x55);
    cr_assert_eq(gethostname(small, (int)n + 1), 0);
    cr_assert_str_eq(small, name);
    WCHAR wname[256];
    cr_assert_eq(GetHostNameW(wname, 256), 0);
    cr_assert_eq(wname[0], (WCHAR)(unsigned char)name[0]);
    cr_assert_eq(wname[n], 0);
    cr_assert_eq(GetHostNameW(wname, (int)n), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(GetHostNameW(NULL, 256), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
}

Test(names, getservbyname, .init = wsa_start, .fini = wsa_stop) {
    /* x64 member order: s_name, s_aliases, s_proto, s_port. */
    cr_assert_eq(offsetof(struct servent, s_proto), 16);
    cr_assert_eq(offsetof(struct servent, s_port), 24);
    struct servent *s = getservbyname("http", "tcp");
    cr_assert_not_null(s);
    cr_assert_eq(s->s_port, (short)htons(80));
    cr_assert_str_eq(s->s_name, "http");
    cr_assert_str_eq(s->s_proto, "tcp");
    /* F299 */
    struct servent *again = getservbyname("domain", "udp");
    cr_assert_eq(again, s);
    cr_assert_eq(ntohs(again->s_port), 53);
    s = getservbyname("telnet", "tcp");
    cr_assert_eq(ntohs(s->s_port), 23);
    s = getservbyport(htons(80), "tcp");
    cr_assert_not_null(s);
    cr_assert_str_eq(s->s_name, "http");
    cr_assert_null(getservbyname("nonexistentservice", "tcp"));
    cr_assert_eq(WSAGetLastError(), WSANO_DATA);
}

/* F298 */
static const struct {
    int number;
    const char *name, *alias;
} protos[] = {
    {0, "ip", "IP"}, {1, "icmp", "ICMP"}, {3, "ggp", "GGP"}, {6, "tcp", "TCP"}, {8, "egp", "EGP"},
    {12, "pup", "PUP"}, {17, "udp", "UDP"}, {20, "hmp", "HMP"}, {22, "xns-idp", "XNS-IDP"},
    {27, "rdp", "RDP"}, {41, "ipv6", "IPv6"}, {43, "ipv6-route", "IPv6-Route"},
    {44, "ipv6-frag", "IPv6-Frag"}, {50, "esp", "ESP"}, {51, "ah", "AH"},
    {58, "ipv6-icmp", "IPv6-ICMP"}, {59, "ipv6-nonxt", "IPv6-NoNxt"}, {60, "ipv6-opts", "IPv6-Opts"},
    {66, "rvd", "RVD"},
};

Test(names, getprotobyname, .init = wsa_start, .fini = wsa_stop) {
    size_t k = 0, n = sizeof protos / sizeof protos[0];
    for (int num = -1; num <= 256; num++) {
        struct protoent *p = getprotobynumber(num);
        if (k < n && protos[k].number == num) {
            cr_assert_not_null(p, "%d", num);
            cr_assert_str_eq(p->p_name, protos[k].name);
            cr_assert_str_eq(p->p_aliases[0], protos[k].alias);
            cr_assert_eq(p->p_proto, num);
            struct protoent *q = getprotobyname(protos[k].alias); /* any case */
            cr_assert_not_null(q);
            cr_assert_eq(q->p_proto, num);
            k++;
        } else {
            cr_assert_null(p, "%d", num);
        }
    }
    cr_assert_eq(getprotobyname("tcp")->p_proto, 6);
    cr_assert_eq(getprotobyname("Tcp")->p_proto, 6);
    cr_assert_null(getprotobyname("nonexistent"));
}

/* ---- before WSAStartup --------------------------------------------------------------------- */

Test(names, not_initialised) {
    /* F71 */
    cr_assert_null(gethostbyname("localhost"));
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
    ADDRINFOA *res;
    cr_assert_eq(getaddrinfo("127.0.0.1", NULL, NULL, &res), WSANOTINITIALISED);
    char name[256];
    cr_assert_eq(gethostname(name, sizeof name), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
    SOCKADDR_IN sin;
    INT len = sizeof sin;
    cr_assert_eq(WSAStringToAddressA("1.2.3.4", AF_INET, NULL, (SOCKADDR *)&sin, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
    /* The text and byte-order helpers need no WSAStartup. */
    cr_assert_eq(inet_addr("1.2.3.4"), htonl(0x01020304));
    cr_assert_eq(htons(1), 0x100);
}
