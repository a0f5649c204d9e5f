/* Tables of kernel objects: see objects.h. */
#include "objects.h"

#include <stdlib.h>

#define IDX_SHIFT 2
#define GEN_SHIFT (IDX_SHIFT + WS2__OBJ_IDX_BITS) /* 18 */
#define MAX_SLOTS ((1u << WS2__OBJ_IDX_BITS) - 1) /* slot + 1 fits the index field */
#define TAG_MASK (~(uintptr_t)0x7fffffff)

#define W_LIVE (1ull << 63)
#define W_ALLOC (1ull << 62)
#define W_GEN_SHIFT 32
#define W_REFS 0xffffffffull

static inline uint64_t gen_mask(const ws2__objtab *t) { return (1ull << t->gen_bits) - 1; }
static inline uint64_t w_gen(const ws2__objtab *t, uint64_t w) { return w & (gen_mask(t) << W_GEN_SHIFT); }

static inline ws2__obj *slot_at(ws2__objtab *t, uint32_t index) {
    char *c = atomic_load_explicit(&t->chunks[index >> t->chunk_bits], memory_order_acquire);
    return c ? (ws2__obj *)(void *)(c + (index & ((1u << t->chunk_bits) - 1)) * t->size) : NULL;
}

static ws2__obj *decode(ws2__objtab *t, HANDLE h, uint64_t *gen) {
    uintptr_t v = (uintptr_t)h;
    if ((v & TAG_MASK) != t->tag || v & 3)
        return NULL;
    uint32_t index = (uint32_t)(v >> IDX_SHIFT) & MAX_SLOTS;
    if (index == 0)
        return NULL;
    *gen = (uint64_t)((v >> GEN_SHIFT) & gen_mask(t)) << W_GEN_SHIFT;
    return slot_at(t, index - 1);
}

/* Under the lock: the table's size (see ws2__obj_new in objects.h). */
static uint32_t limit_of(ws2__objtab *t) {
    if (!t->limit) {
        uint32_t cap = (uint32_t)WS2__OBJ_MAX_CHUNKS << t->chunk_bits;
        uint32_t max = cap < MAX_SLOTS ? cap : MAX_SLOTS;
        const char *env = t->limit_env ? getenv(t->limit_env) : NULL;
        long v = env ? strtol(env, NULL, 10) : 0;
        t->limit = v > 0 && v <= (long)max ? (uint32_t)v : max;
    }
    return t->limit;
}

int ws2__obj_new(ws2__objtab *t, ws2__obj **out) {
    pthread_mutex_lock(&t->lock);
    uint32_t index;
    if (t->free_head) {
        index = t->free_head - 1;
        t->free_head = slot_at(t, index)->next_free;
    } else {
        if (t->used >= limit_of(t)) {
            pthread_mutex_unlock(&t->lock);
            return WS2__OBJ_FULL;
        }
        index = t->used;
        if (!atomic_load(&t->chunks[index >> t->chunk_bits])) {
            char *c = calloc((size_t)1 << t->chunk_bits, t->size);
            if (!c) {
                pthread_mutex_unlock(&t->lock);
                return WS2__OBJ_NOMEM;
            }
            atomic_store_explicit(&t->chunks[index >> t->chunk_bits], c, memory_order_release);
        }
        t->used++;
    }
    pthread_mutex_unlock(&t->lock);
    ws2__obj *o = slot_at(t, index);
    o->next_free = 0;
    o->index = index;
    *out = o;
    return 0;
}

HANDLE ws2__obj_publish(ws2__objtab *t, ws2__obj *o) {
    uint64_t gen = ((w_gen(t, atomic_load_explicit(&o->word, memory_order_relaxed)) >> W_GEN_SHIFT) + 1) &
                   gen_mask(t);
    if (gen == 0)
        gen = 1;
    atomic_store_explicit(&o->word, W_LIVE | W_ALLOC | gen << W_GEN_SHIFT | 1, memory_order_release);
    return (HANDLE)(t->tag | (uintptr_t)gen << GEN_SHIFT | (uintptr_t)(o->index + 1) << IDX_SHIFT);
}

ws2__obj *ws2__obj_get(ws2__objtab *t, HANDLE h) {
    uint64_t gen;
    ws2__obj *o = decode(t, h, &gen);
    if (!o)
        return NULL;
    uint64_t w = atomic_load_explicit(&o->word, memory_order_acquire);
    do {
        if ((w & (W_LIVE | W_ALLOC)) != (W_LIVE | W_ALLOC) || w_gen(t, w) != gen || (w & W_REFS) == 0)
            return NULL;
    } while (!atomic_compare_exchange_weak_explicit(&o->word, &w, w + 1, memory_order_acq_rel,
                                                    memory_order_acquire));
    return o;
}

void ws2__obj_ref(ws2__obj *o) { atomic_fetch_add_explicit(&o->word, 1, memory_order_relaxed); }

void ws2__obj_put(ws2__objtab *t, ws2__obj *o) {
    uint64_t w = atomic_fetch_sub_explicit(&o->word, 1, memory_order_acq_rel) - 1;
    if ((w & W_REFS) != 0)
        return;
    t->destroy(o); /* nobody can reach it any more: no reference is left */
    pthread_mutex_lock(&t->lock);
    atomic_store(&o->word, w_gen(t, atomic_load(&o->word)));
    o->next_free = t->free_head;
    t->free_head = o->index + 1;
    pthread_mutex_unlock(&t->lock);
}

ws2__obj *ws2__obj_close(ws2__objtab *t, HANDLE h) {
    uint64_t gen;
    ws2__obj *o = decode(t, h, &gen);
    if (!o)
        return NULL;
    uint64_t w = atomic_load(&o->word);
    do {
        if (!(w & W_LIVE) || w_gen(t, w) != gen)
            return NULL;
    } while (!atomic_compare_exchange_weak(&o->word, &w, w & ~W_LIVE));
    return o;
}
