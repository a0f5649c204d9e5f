/*
 * Shared bits of the libFuzzer targets: a reader that takes typed values
 * from the fuzzer's bytes (zeros once they run out), a Winsock session
 * started once per process, and FUZZ_CHECK, which aborts (a finding) when an
 * invariant of the API does not hold.
 */
#ifndef WS2POSIX_FUZZ_H
#define WS2POSIX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline void fuzz_bytes(fuzz_in *in, void *out, size_t n) {
    size_t k = n < in->n ? n : in->n;
    memcpy(out, in->p, k);
    memset((char *)out + k, 0, n - k);
    in->p += k, in->n -= k;
}
static inline uint8_t fuzz_u8(fuzz_in *in) {
    uint8_t v;
    fuzz_bytes(in, &v, sizeof v);
    return v;
}
static inline uint16_t fuzz_u16(fuzz_in *in) {
    uint16_t v;
    fuzz_bytes(in, &v, sizeof v);
    return v;
}
static inline uint32_t fuzz_u32(fuzz_in *in) {
    uint32_t v;
    fuzz_bytes(in, &v, sizeof v);
    return v;
}
/* Mostly small interesting values, sometimes any 32-bit value. */
static inline int32_t fuzz_int(fuzz_in *in) {
    uint8_t sel = fuzz_u8(in);
    switch (sel >> 6) {
    case 0: return (int32_t)(sel & 63);
    case 1: return -(int32_t)(sel & 63);
    case 2: return (int32_t)fuzz_u16(in);
    default: return (int32_t)fuzz_u32(in);
    }
}

#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

#endif
