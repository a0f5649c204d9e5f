/*
 * The SOCKET handle table. A SOCKET is (generation << 22) | (slot + 1) << 2:
 * a multiple of 4 below 2^31 as on Windows (programs that keep a SOCKET in an
 * int keep working), and a closed handle cannot reach the slot's next user
 * because the generation moved on.
 *
 * Each slot has one atomic word: ALLOC and LIVE bits, the generation and a
 * reference count. API calls take a reference on a LIVE slot; closesocket
 * clears LIVE (one winner) and drops the slot's own reference; the slot is
 * freed, and its destructor run, when the last reference goes. Slots live in
 * chunks that never move, so lookups take no lock.
 *
 * select looks at up to 64 handles per call, thousands of times a second; a
 * reference each would cost two locked instructions per handle. A quick look
 * instead announces itself once, on one of two counters, and reads slots
 * without references; a slot whose last reference goes waits, before it is
 * freed or reused, until both counters have been seen at zero (new looks are
 * sent to the other counter meanwhile, so the one waited on drains).
 */
#include "ws2.h"
#include "handles.h"
#include "iocp.h"
#include "common/fault.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BITS 10
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 1023u /* (2^20 - 1) slots: the index field is 20 bits */
#define GEN_BITS 9
#define GEN_MASK ((1u << GEN_BITS) - 1)

#define W_LIVE (1ull << 63)
#define W_ALLOC (1ull << 62)
#define W_GEN_SHIFT 32
#define W_REFS 0xffffffffull

typedef struct slot {
    _Atomic uint64_t word;
    ws2__socket data;
    void (*destructor)(DWORD_PTR context);
    uint32_t next_free; /* index + 1, 0 ends the list */
    uint32_t index;
} slot;

static _Atomic(slot *) chunks[MAX_CHUNKS];
static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t free_head;       /* index + 1 */
static uint32_t used;            /* slots ever handed out (high-water mark) */
static _Atomic size_t live;
static uint32_t limit;           /* configured table size */

static uint32_t table_limit(void) {
    if (!limit) {
        const char *env = getenv("WS2POSIX_MAX_SOCKETS");
        long v = env ? strtol(env, NULL, 10) : 0;
        limit = (v > 0 && v < (long)(MAX_CHUNKS * CHUNK_SIZE)) ? (uint32_t)v : MAX_CHUNKS * CHUNK_SIZE;
    }
    return limit;
}

static inline slot *slot_at(uint32_t index) {
    slot *c = atomic_load_explicit(&chunks[index >> CHUNK_BITS], memory_order_acquire);
    return c ? &c[index & (CHUNK_SIZE - 1)] : NULL;
}

/* Decode a SOCKET into its slot and generation; NULL if it cannot be one. */
static inline slot *decode(SOCKET s, uint64_t *gen) {
    if (s & 3 || s >> 31)
        return NULL;
    uint32_t index = (uint32_t)((s >> 2) & 0xfffff);
    if (index == 0)
        return NULL;
    *gen = (uint64_t)(s >> 22) << W_GEN_SHIFT;
    return index - 1 < MAX_CHUNKS * CHUNK_SIZE ? slot_at(index - 1) : NULL;
}

#define W_GEN(w) ((w) & ((uint64_t)GEN_MASK << W_GEN_SHIFT))

int ws2__handle_create(const ws2__socket *init, SOCKET *out) {
    pthread_mutex_lock(&alloc_lock);
    uint32_t index;
    if (free_head) {
        index = free_head - 1;
        free_head = slot_at(index)->next_free;
    } else {
        if (used >= table_limit()) {
            pthread_mutex_unlock(&alloc_lock);
            return WSAEMFILE;
        }
        index = used;
        if (!atomic_load(&chunks[index >> CHUNK_BITS])) {
            slot *c = W2P_FAULT(W2P_FAULT_NOMEM_HANDLE) || W2P_FAULT_ALLOC() ? NULL
                                                                     : calloc(CHUNK_SIZE, sizeof(slot));
            if (!c) {
                pthread_mutex_unlock(&alloc_lock);
                return WSAENOBUFS;
            }
            atomic_store_explicit(&chunks[index >> CHUNK_BITS], c, memory_order_release);
        }
        used++;
    }
    slot *sl = slot_at(index);
    uint64_t w = atomic_load_explicit(&sl->word, memory_order_relaxed);
    uint64_t gen = (W_GEN(w) >> W_GEN_SHIFT) + 1;
    if ((gen & GEN_MASK) == 0)
        gen = 1; /* generation 0 would make handle values that alias nothing useful */
    gen &= GEN_MASK;
    sl->data = *init;
    sl->destructor = NULL;
    sl->next_free = 0;
    sl->index = index;
    atomic_store_explicit(&sl->word, W_LIVE | W_ALLOC | (gen << W_GEN_SHIFT) | 1, memory_order_release);
    pthread_mutex_unlock(&alloc_lock);
    atomic_fetch_add(&live, 1);
    *out = (SOCKET)((gen << 22) | ((uint64_t)(index + 1) << 2));
    return 0;
}

/* Quick looks in progress, by the counter they announced themselves on. */
typedef struct quick_counter {
    _Alignas(64) _Atomic long n;
} quick_counter;
static quick_counter quick[2];
static _Atomic unsigned quick_epoch;

unsigned ws2__handle_quick_begin(void) {
    unsigned i = atomic_load_explicit(&quick_epoch, memory_order_relaxed) & 1;
    atomic_fetch_add(&quick[i].n, 1); /* before any slot is read (seq_cst) */
    return i;
}

void ws2__handle_quick_end(unsigned ticket) {
    atomic_fetch_sub_explicit(&quick[ticket].n, 1, memory_order_release);
}

/* The slot's last reference has gone (so no new look will take it): wait for
 * the looks that may have taken it before. A look that announced itself after
 * the fence reads the slot's word after the reference went (seq_cst on both
 * sides) and passes it by. */
static void quick_sync(void) {
    atomic_thread_fence(memory_order_seq_cst);
    for (unsigned i = 0; i < 2; i++) {
        if (!atomic_load(&quick[i].n))
            continue;
        atomic_store(&quick_epoch, i ^ 1); /* new looks go to the other counter */
        while (atomic_load_explicit(&quick[i].n, memory_order_acquire))
            sched_yield();
    }
}

ws2__socket *ws2__handle_peek(SOCKET s, void (*owner)(DWORD_PTR context)) {
    uint64_t gen;
    slot *sl = decode(s, &gen);
    if (!sl)
        return NULL;
    uint64_t w = atomic_load(&sl->word); /* seq_cst: pairs with quick_sync's fence */
    if (!(w & W_ALLOC) || W_GEN(w) != gen || (w & W_REFS) == 0 || sl->destructor != owner)
        return NULL;
    return &sl->data;
}

static void slot_free(slot *sl) {
    quick_sync();
    void (*destructor)(DWORD_PTR) = sl->destructor;
    DWORD_PTR context = sl->data.context;
    struct ws2__assoc *assoc = sl->data.assoc;
    sl->data.assoc = NULL;
    pthread_mutex_lock(&alloc_lock);
    atomic_store(&sl->word, W_GEN(atomic_load(&sl->word)));
    sl->next_free = free_head;
    free_head = sl->index + 1;
    pthread_mutex_unlock(&alloc_lock);
    atomic_fetch_sub(&live, 1);
    if (assoc)
        ws2__assoc_put(assoc); /* the handle's reference on its association */
    if (destructor)
        destructor(context);
}

static inline void slot_put(slot *sl) {
    uint64_t w = atomic_fetch_sub_explicit(&sl->word, 1, memory_order_acq_rel) - 1;
    if ((w & W_REFS) == 0)
        slot_free(sl);
}

/* Take a reference if the slot holds this generation and has all `need` bits. */
static slot *slot_get(SOCKET s, uint64_t need) {
    uint64_t gen;
    slot *sl = decode(s, &gen);
    if (!sl)
        return NULL;
    uint64_t w = atomic_load_explicit(&sl->word, memory_order_acquire);
    do {
        if ((w & need) != need || W_GEN(w) != gen || (w & W_REFS) == 0)
            return NULL;
    } while (!atomic_compare_exchange_weak_explicit(&sl->word, &w, w + 1, memory_order_acq_rel,
                                                    memory_order_acquire));
    return sl;
}

ws2__socket *ws2__handle_hold(SOCKET s) {
    slot *sl = slot_get(s, W_ALLOC);
    return sl ? &sl->data : NULL;
}

ws2__socket *ws2__handle_get(SOCKET s) {
    slot *sl = slot_get(s, W_LIVE | W_ALLOC);
    return sl ? &sl->data : NULL;
}

void ws2__handle_put(SOCKET s) {
    uint64_t gen;
    slot *sl = decode(s, &gen);
    if (sl)
        slot_put(sl);
}

BOOL ws2__handle_close(SOCKET s) {
    uint64_t gen;
    slot *sl = decode(s, &gen);
    if (!sl)
        return FALSE;
    uint64_t w = atomic_load(&sl->word);
    do {
        if (!(w & W_LIVE) || W_GEN(w) != gen)
            return FALSE;
    } while (!atomic_compare_exchange_weak(&sl->word, &w, w & ~W_LIVE));
    slot_put(sl); /* the slot's own reference */
    return TRUE;
}

/* A provider asks during a call on s, while the caller holds a reference
 * (the dispatcher for the API's handle, a layer for its lower handle), so the
 * slot cannot be freed under this read: no reference of its own is taken. */
static int context_of(SOCKET s, BOOL ifs_too, DWORD_PTR *context) {
    uint64_t gen;
    slot *sl = decode(s, &gen);
    if (!sl)
        return WSAENOTSOCK;
    uint64_t w = atomic_load_explicit(&sl->word, memory_order_acquire);
    if (!(w & W_ALLOC) || W_GEN(w) != gen || (w & W_REFS) == 0 || (sl->data.ifs && !ifs_too))
        return WSAENOTSOCK;
    *context = sl->data.context;
    return 0;
}

int ws2__handle_context(SOCKET s, DWORD_PTR *context) { return context_of(s, TRUE, context); }

int ws2__handle_socket_context(SOCKET s, DWORD_PTR *context) { return context_of(s, FALSE, context); }

void ws2__handle_set_destructor(SOCKET s, void (*destructor)(DWORD_PTR context)) {
    uint64_t gen;
    slot *sl = decode(s, &gen);
    if (sl)
        sl->destructor = destructor;
}

void ws2__handle_foreach(void (*fn)(SOCKET s, ws2__socket *so, void *arg), void *arg) {
    for (uint32_t index = 0; index < used; index++) {
        slot *sl = slot_at(index);
        uint64_t w = atomic_load(&sl->word);
        if (!(w & W_LIVE))
            continue;
        SOCKET s = (SOCKET)(((W_GEN(w) >> W_GEN_SHIFT) << 22) | ((uint64_t)(index + 1) << 2));
        fn(s, &sl->data, arg);
    }
}

size_t ws2__handles_live(void) { return atomic_load(&live); }

/* After the last WSACleanup: whatever a provider left behind is released
 * (its destructor runs), then the memory goes. */
void ws2__handles_reset(void) {
    for (uint32_t index = 0; index < used; index++) {
        slot *sl = slot_at(index);
        uint64_t w = atomic_load(&sl->word);
        if (w & W_ALLOC) {
            atomic_store(&sl->word, W_GEN(w) | W_ALLOC | 1);
            slot_put(sl);
        }
    }
    pthread_mutex_lock(&alloc_lock);
    for (uint32_t c = 0; c < MAX_CHUNKS; c++) {
        free(atomic_load(&chunks[c]));
        atomic_store(&chunks[c], NULL);
    }
    free_head = 0;
    used = 0;
    limit = 0;
    pthread_mutex_unlock(&alloc_lock);
}
