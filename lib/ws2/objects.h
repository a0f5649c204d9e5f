/*
 * Tables of the Windows kernel objects ws2posix has (events, I/O completion
 * ports). An object's HANDLE is tag | generation << 18 | (slot + 1) << 2: a
 * multiple of 4 like every Windows handle, its tag bits (31 and up) telling
 * the kinds apart and from SOCKET values (below 2^31, see handles.c). Each
 * object begins with one atomic word (ALLOC and LIVE bits, generation,
 * reference count): a closed handle cannot reach the slot's next object
 * because the generation moved on, and an object lives until its last
 * reference (the handle's, a wait's ...) is dropped.
 */
#ifndef WS2POSIX_OBJECTS_H
#define WS2POSIX_OBJECTS_H

#include "ws2.h"

#include <pthread.h>

#define WS2__OBJ_IDX_BITS 16
#define WS2__OBJ_MAX_CHUNKS 1024 /* enough for chunks of 64 objects or more */

typedef struct ws2__obj {
    _Atomic uint64_t word;
    uint32_t next_free; /* index + 1; 0 ends the list */
    uint32_t index;
} ws2__obj;

typedef struct ws2__objtab {
    uintptr_t tag;       /* the handle's bits from 31 up */
    unsigned gen_bits;   /* generation bits, from bit 18 to below the tag */
    unsigned chunk_bits; /* objects per allocation: 1 << chunk_bits */
    size_t size;         /* of the object's type, which begins with ws2__obj */
    void (*destroy)(ws2__obj *o); /* the last reference has gone */
    const char *limit_env; /* names the variable that sizes the table (tests reach "full") */
    pthread_mutex_t lock;
    uint32_t free_head; /* index + 1 */
    uint32_t used;      /* high-water mark */
    uint32_t limit;     /* slots at most; 0 until the first ws2__obj_new reads limit_env */
    _Atomic(char *) chunks[WS2__OBJ_MAX_CHUNKS];
} ws2__objtab;

#define WS2__OBJTAB(tag_, gen_bits_, chunk_bits_, type_, destroy_, limit_env_)                           \
    {                                                                                                  \
        .tag = (tag_), .gen_bits = (gen_bits_), .chunk_bits = (chunk_bits_), .size = sizeof(type_),    \
        .destroy = (destroy_), .limit_env = (limit_env_), .lock = PTHREAD_MUTEX_INITIALIZER            \
    }

enum { WS2__OBJ_FULL = 1, WS2__OBJ_NOMEM = 2 };

/* A free slot for a new object (0, or WS2__OBJ_FULL / _NOMEM); nobody can
 * reach it until ws2__obj_publish, after the caller has set its fields.
 * Full: every slot up to the limit holds an object (live, or closed and
 * still referenced). The limit is 65,535, or the value of the table's
 * limit_env variable (1 to 65,535; read once), as WS2POSIX_MAX_SOCKETS
 * sizes the SOCKET table. */
int ws2__obj_new(ws2__objtab *t, ws2__obj **out);
/* The object goes live with one reference (the handle's); its handle. */
HANDLE ws2__obj_publish(ws2__objtab *t, ws2__obj *o);
/* A reference on the live object h names, or NULL. */
ws2__obj *ws2__obj_get(ws2__objtab *t, HANDLE h);
/* One more reference on an object the caller holds one on. */
void ws2__obj_ref(ws2__obj *o);
/* Drop a reference; the last one destroys the object and frees its slot. */
void ws2__obj_put(ws2__objtab *t, ws2__obj *o);
/* CloseHandle: h no longer names the object, which keeps the handle's
 * reference for the caller to drop (after what closing means to it); NULL
 * if h names no live object. */
ws2__obj *ws2__obj_close(ws2__objtab *t, HANDLE h);

#endif
