/* Address text by Windows' rules; see addrtext.h. Facts: windows-behaviour.md
 * section 6 (F262, F263, F271, F274-F279). */
#include "addrtext.h"

#include <string.h>

static int is_dec(char c) { return c >= '0' && c <= '9'; }

static int hex_val(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One number of the loose syntax; the value wraps at 32 bits as Windows'
 * does ("0x123456789" keeps 0x23456789, F263). NULL when no number is
 * there: no digit, "0x" without a hex digit, "0" then 8 or 9 (F262 row
 * "1.1.1.08"; "008" reads 0 and stops at the 8). */
static const char *loose_number(const char *p, uint32_t *v, int *wrapped) {
    uint32_t base = 10, x = 0;
    uint64_t wide = 0;
    if (!is_dec(*p))
        return NULL;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
        if (hex_val(*p) < 0)
            return NULL;
    } else if (p[0] == '0' && is_dec(p[1])) {
        base = 8;
        p++;
        if (*p > '7')
            return NULL;
    }
    for (;; p++) {
        int d = hex_val(*p);
        if (d < 0 || (uint32_t)d >= base)
            break;
        x = x * base + (uint32_t)d;
        wide = wide > 0xffffffffu ? wide : wide * base + (uint64_t)d;
    }
    *v = x;
    if (wrapped)
        *wrapped = wide > 0xffffffffu;
    return p;
}

/* One part of the strict syntax: "0" or [1-9][0-9]* up to 255. A leading
 * zero followed by a digit or an x is no address at all (F274). */
static const char *strict_number(const char *p, uint32_t *v) {
    uint32_t x = 0;
    if (!is_dec(*p))
        return NULL;
    if (p[0] == '0' && (is_dec(p[1]) || p[1] == 'x' || p[1] == 'X'))
        return NULL;
    for (; is_dec(*p); p++) {
        x = x * 10 + (uint32_t)(*p - '0');
        if (x > 255)
            return NULL;
    }
    *v = x;
    return p;
}

int common__v4_parse(const char *s, int strict, uint8_t out[4], const char **end) {
    uint32_t part[4];
    int n = 0, wrapped = 0, w = 0;
    const char *p = s;
    for (;;) {
        p = strict ? strict_number(p, &part[n]) : loose_number(p, &part[n], &w);
        if (!p)
            return -1;
        wrapped |= w;
        n++;
        if (*p != '.')
            break;
        if (n == 4)
            return -1; /* a fifth part ("3.4.5.6.7") */
        p++;
    }
    if (strict && n != 4)
        return -1;
    /* Only a lone part may wrap (F263: "0x123456789"). */
    if (wrapped && n > 1)
        return -1;
    for (int i = 0; i < n - 1; i++)
        if (part[i] > 255)
            return -1;
    uint32_t last_max = n == 1 ? 0xffffffffu : 0xffffffffu >> (8 * (n - 1));
    if (part[n - 1] > last_max)
        return -1;
    uint32_t a = part[n - 1];
    for (int i = 0; i < n - 1; i++)
        a |= part[i] << (24 - 8 * i);
    out[0] = (uint8_t)(a >> 24);
    out[1] = (uint8_t)(a >> 16);
    out[2] = (uint8_t)(a >> 8);
    out[3] = (uint8_t)a;
    *end = p;
    return 0;
}

/* The dotted tail of an IPv6 address: four decimal parts of 1-3 digits
 * ("1::001.2.3.4" is fine, "1::0001.2.3.4" is not), each up to 255. */
static const char *v6_dotted_tail(const char *p, uint8_t out[4]) {
    for (int i = 0; i < 4; i++) {
        uint32_t x = 0;
        int digits = 0;
        for (; is_dec(*p); p++) {
            if (++digits > 3)
                return NULL;
            x = x * 10 + (uint32_t)(*p - '0');
        }
        if (!digits || x > 255)
            return NULL;
        out[i] = (uint8_t)x;
        if (i < 3) {
            if (*p != '.')
                return NULL;
            p++;
        }
    }
    /* The tail ends the address. */
    if (*p == '.' || *p == ':' || hex_val(*p) >= 0)
        return NULL;
    return p;
}

int common__v6_parse(const char *s, uint8_t out[16], const char **end) {
    int n = 0, gap = -1;
    const char *p = s;
    if (p[0] == ':') {
        if (p[1] != ':')
            return -1; /* a single leading colon */
        gap = 0;
        p += 2;
        if (hex_val(*p) < 0)
            goto done; /* "::" and whatever follows it */
    }
    for (;;) {
        /* A dotted IPv4 tail? Its first part is followed by a '.'. */
        const char *q = p;
        while (hex_val(*q) >= 0)
            q++;
        if (*q == '.') {
            if (n > 6 || (gap < 0 && n != 6))
                return -1;
            uint8_t v4[4];
            if (!(p = v6_dotted_tail(p, v4)))
                return -1;
            out[2 * n] = v4[0];
            out[2 * n + 1] = v4[1];
            out[2 * n + 2] = v4[2];
            out[2 * n + 3] = v4[3];
            n += 2;
            break;
        }
        uint32_t g = 0;
        int digits = 0;
        for (; hex_val(*p) >= 0; p++) {
            if (++digits > 4)
                return -1; /* five digits in a group */
            g = (g << 4) | (uint32_t)hex_val(*p);
        }
        if (!digits || n == 8)
            return -1;
        out[2 * n] = (uint8_t)(g >> 8);
        out[2 * n + 1] = (uint8_t)g;
        n++;
        if (*p != ':')
            break;
        if (p[1] == ':') {
            if (gap >= 0)
                return -1; /* a second "::" */
            gap = n;
            p += 2;
            if (hex_val(*p) < 0)
                break;
        } else {
            p++;
            if (hex_val(*p) < 0)
                return -1; /* a colon that ends the text, or ":::" */
        }
    }
done:
    if (gap < 0 ? n != 8 : n > 7)
        return -1;
    if (gap >= 0) {
        int tail = n - gap, zeros = 8 - n;
        memmove(out + 2 * (gap + zeros), out + 2 * gap, (size_t)(2 * tail));
        memset(out + 2 * gap, 0, (size_t)(2 * zeros));
    }
    *end = p;
    return 0;
}

int common__port_parse(const char *s, uint16_t *port) {
    uint32_t v;
    int wrapped;
    const char *p = loose_number(s, &v, &wrapped);
    if (!p || *p || wrapped || v == 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

size_t common__v4_format(const uint8_t a[4], char *out) {
    char *o = out;
    for (int i = 0; i < 4; i++) {
        unsigned x = a[i];
        if (x >= 100)
            *o++ = (char)('0' + x / 100);
        if (x >= 10)
            *o++ = (char)('0' + x / 10 % 10);
        *o++ = (char)('0' + x % 10);
        if (i < 3)
            *o++ = '.';
    }
    *o = 0;
    return (size_t)(o - out);
}

/*
 * Lower-case hex, the longest run of two or more zero groups (the first of
 * equal runs) written "::". The IPv4-compatible (::a.b.c.d with a non-zero
 * seventh group, F279), mapped (::ffff:a.b.c.d), translated
 * (::ffff:0:a.b.c.d) and ISATAP (...:0:5efe:a.b.c.d) forms end dotted.
 */
size_t common__v6_format(const uint8_t a[16], char *out) {
    static const char hex[] = "0123456789abcdef";
    unsigned w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    int zero6 = !w[0] && !w[1] && !w[2] && !w[3];
    int dotted = (zero6 && !w[4] && !w[5] && w[6]) || (zero6 && !w[4] && w[5] == 0xffff) ||
                 (zero6 && w[4] == 0xffff && !w[5]) || ((w[4] == 0 || w[4] == 0x200) && w[5] == 0x5efe);
    int groups = dotted ? 6 : 8;
    int best = -1, best_len = 1;
    for (int i = 0; i < groups;) {
        int j = i;
        while (j < groups && !w[j])
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    char *o = out;
    for (int i = 0; i < groups; i++) {
        if (i == best) {
            *o++ = ':';
            if (i == 0)
                *o++ = ':';
            i += best_len - 1;
            continue;
        }
        int started = 0;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned d = (w[i] >> shift) & 0xf;
            if (d || started || shift == 0) {
                *o++ = hex[d];
                started = 1;
            }
        }
        if (i < groups - 1)
            *o++ = ':';
    }
    if (dotted) {
        if (o[-1] != ':')
            *o++ = ':';
        o += common__v4_format(a + 12, o);
    }
    *o = 0;
    return (size_t)(o - out);
}
