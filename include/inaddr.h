/*
 * ws2posix - inaddr.h: the IPv4 address as Windows lays it out.
 * Four bytes, readable as bytes, as two 16-bit words or as one 32-bit value
 * (network byte order); the BSD field names are macros into that union.
 */
#ifndef WS2POSIX_INADDR_H
#define WS2POSIX_INADDR_H

#include <windef.h>

W2P_BEGIN_DECLS

typedef struct in_addr {
    union {
        struct {
            u_char s_b1;
            u_char s_b2;
            u_char s_b3;
            u_char s_b4;
        } S_un_b;
        struct {
            u_short s_w1;
            u_short s_w2;
        } S_un_w;
        u_long S_addr; /* 32 bits: windef.h's u_long is LLP64 */
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;

/* BSD and old ARPANET names for parts of the address. */
#define s_addr S_un.S_addr
#define s_net S_un.S_un_b.s_b1
#define s_host S_un.S_un_b.s_b2
#define s_lh S_un.S_un_b.s_b3
#define s_impno S_un.S_un_b.s_b4
#define s_imp S_un.S_un_w.s_w2

W2P_END_DECLS

#endif /* WS2POSIX_INADDR_H */
