/* UTF-8 <-> UTF-16 for the A and W forms of the API (WCHAR is UTF-16). */
#include "ws2.h"

#include <string.h>

void ws2__a_to_w(const char *a, WCHAR *w, size_t n) {
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)a;
    while (*p && o + 1 < n) {
        uint32_t c = *p++;
        int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        if (more)
            c &= 0x3f >> more;
        for (; more && (*p & 0xc0) == 0x80; more--)
            c = (c << 6) | (*p++ & 0x3f);
        if (more)
            c = 0xfffd; /* truncated sequence */
        if (c >= 0x10000) {
            if (o + 2 >= n)
                break;
            c -= 0x10000;
            w[o++] = (WCHAR)(0xd800 | (c >> 10));
            w[o++] = (WCHAR)(0xdc00 | (c & 0x3ff));
        } else {
            w[o++] = (WCHAR)c;
        }
    }
    if (n)
        w[o] = 0;
}

void ws2__w_to_a(const WCHAR *w, char *a, size_t n) {
    size_t o = 0;
    while (*w) {
        uint32_t c = *w++;
        if (c >= 0xd800 && c < 0xdc00 && *w >= 0xdc00 && *w < 0xe000)
            c = 0x10000 + ((c - 0xd800) << 10) + (*w++ - 0xdc00);
        char buf[4];
        size_t k;
        if (c < 0x80) {
            buf[0] = (char)c;
            k = 1;
        } else if (c < 0x800) {
            buf[0] = (char)(0xc0 | (c >> 6));
            buf[1] = (char)(0x80 | (c & 0x3f));
            k = 2;
        } else if (c < 0x10000) {
            buf[0] = (char)(0xe0 | (c >> 12));
            buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            buf[2] = (char)(0x80 | (c & 0x3f));
            k = 3;
        } else {
            buf[0] = (char)(0xf0 | (c >> 18));
            buf[1] = (char)(0x80 | ((c >> 12) & 0x3f));
            buf[2] = (char)(0x80 | ((c >> 6) & 0x3f));
            buf[3] = (char)(0x80 | (c & 0x3f));
            k = 4;
        }
        if (o + k + 1 > n)
            break;
        memcpy(a + o, buf, k);
        o += k;
    }
    if (n)
        a[o] = 0;
}

/* The A structure is the W one with szProtocol narrowed. */
void ws2__info_w_to_a(const WSAPROTOCOL_INFOW *w, WSAPROTOCOL_INFOA *a) {
    memcpy(a, w, offsetof(WSAPROTOCOL_INFOW, szProtocol));
    ws2__w_to_a(w->szProtocol, a->szProtocol, sizeof a->szProtocol);
}

void ws2__info_a_to_w(const WSAPROTOCOL_INFOA *a, WSAPROTOCOL_INFOW *w) {
    memcpy(w, a, offsetof(WSAPROTOCOL_INFOA, szProtocol));
    ws2__a_to_w(a->szProtocol, w->szProtocol, sizeof w->szProtocol / sizeof(WCHAR));
}
