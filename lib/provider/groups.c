/*
 * Socket groups (the g argument of WSPSocket): SG_UNCONSTRAINED_GROUP and
 * SG_CONSTRAINED_GROUP make a new group, the id of a live group joins it. A
 * constrained group holds sockets of one family, type and protocol.
 */
#include "wsp.h"
#include "common/fault.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct group {
    GROUP id;
    int members;
    BOOL constrained;
    int af, type, protocol;
} group;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static group *groups;
static size_t n_groups, cap_groups;
static GROUP next_id = 0x100; /* clear of 0, 1 and 2, which are requests */

static group *find(GROUP id) {
    for (size_t i = 0; i < n_groups; i++)
        if (groups[i].id == id)
            return &groups[i];
    return NULL;
}

int wsp__group_join(GROUP g, const wsp__sock *so, GROUP *out) {
    *out = 0;
    if (g == 0)
        return 0;
    pthread_mutex_lock(&lock);
    int err = 0;
    group *gr;
    if (g == SG_UNCONSTRAINED_GROUP || g == SG_CONSTRAINED_GROUP) {
        if (n_groups == cap_groups) {
            size_t cap = cap_groups ? cap_groups * 2 : 8;
            group *grown = W2P_FAULT_ALLOC() ? NULL : realloc(groups, cap * sizeof *grown);
            if (!grown) {
                pthread_mutex_unlock(&lock);
                return WSAENOBUFS;
            }
            groups = grown, cap_groups = cap;
        }
        gr = &groups[n_groups++];
        *gr = (group){next_id++, 0, g == SG_CONSTRAINED_GROUP, so->af, so->type, so->protocol};
    } else if ((gr = find(g)) == NULL ||
               (gr->constrained && (gr->af != so->af || gr->type != so->type || gr->protocol != so->protocol))) {
        err = WSAEINVAL;
    }
    if (!err) {
        gr->members++;
        *out = gr->id;
    }
    pthread_mutex_unlock(&lock);
    return err;
}

void wsp__group_leave(GROUP g) {
    if (g == 0)
        return;
    pthread_mutex_lock(&lock);
    group *gr = find(g);
    if (gr && --gr->members == 0) {
        *gr = groups[--n_groups];
        if (n_groups == 0) {
            free(groups);
            groups = NULL;
            cap_groups = 0;
        }
    }
    pthread_mutex_unlock(&lock);
}
