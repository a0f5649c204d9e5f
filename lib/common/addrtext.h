/*
 * IPv4 and IPv6 addresses as text, by Windows' rules (the parsers behind
 * inet_addr, inet_pton, WSAStringToAddress and the formatters behind
 * inet_ntop, WSAAddressToString). Neutral C only, so the dispatcher and the
 * base provider share it. Addresses are bytes in network order.
 */
#ifndef WS2POSIX_ADDRTEXT_H
#define WS2POSIX_ADDRTEXT_H

#include <stddef.h>
#include <stdint.h>

/* Longest formatted address, with the NUL: "ffff:...:255.255.255.255". */
#define COMMON__V6_TEXT_MAX 46
#define COMMON__V4_TEXT_MAX 16

/*
 * IPv4. Loose form (inet_addr, WSAStringToAddress): one to four parts, each
 * decimal, 0x hex or 0-led octal; the last part fills the remaining bytes.
 * Strict form (inet_pton): four decimal parts, no leading zeros.
 *
 * Returns 0 when a whole address was read: out holds it and *end points at
 * the first character not read (the caller decides whether that character
 * may end the text). Returns -1 when the text does not hold an address (a
 * part missing, too large, a bad prefix): out is untouched.
 */
int common__v4_parse(const char *s, int strict, uint8_t out[4], const char **end);

/*
 * IPv6 (RFC 4291 text: 1-4 hex digits a group, one "::", a dotted IPv4
 * tail). Groups are written to out as they are read, so a failure leaves
 * what came before it (as Windows does). Returns 0 with *end at the first
 * character not read, or -1.
 */
int common__v6_parse(const char *s, uint8_t out[16], const char **end);

/* Port text of WSAStringToAddress: decimal, 0x hex or 0-led octal, the
 * whole of s, 1..65535. Returns 0 or -1. */
int common__port_parse(const char *s, uint16_t *port);

/* Format; return the length without the NUL. out must have room for
 * COMMON__V4_TEXT_MAX / COMMON__V6_TEXT_MAX bytes. */
size_t common__v4_format(const uint8_t a[4], char *out);
size_t common__v6_format(const uint8_t a[16], char *out);

#endif
