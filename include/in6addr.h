/*
 * ws2posix - in6addr.h: the IPv6 address as Windows lays it out: 16 bytes,
 * also readable as eight 16-bit words (network byte order).
 */
#ifndef WS2POSIX_IN6ADDR_H
#define WS2POSIX_IN6ADDR_H

#include <windef.h>

W2P_BEGIN_DECLS

typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;

/* Old spelling of the tag, still accepted by Windows code. */
#define in_addr6 in6_addr

/* s6_addr is the portable name (bytes); the others are Windows-only. */
#define _S6_un u
#define _S6_u8 Byte
#define s6_addr _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word

W2P_END_DECLS

#endif /* WS2POSIX_IN6ADDR_H */
