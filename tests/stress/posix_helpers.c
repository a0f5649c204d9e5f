/*
 * POSIX-world helpers for the reliability programs: descriptor and thread
 * counts from /proc, the descriptor limit. No Winsock header here (one world
 * per file); the declarations are in stress.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

int stress_fd_count(void);
int stress_thread_count(void);
void stress_fd_dump(const char *label);
long stress_set_fd_limit(long soft);
int stress_settle(void);

static int count_entries(const char *path, int skip_fd) {
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int own = skip_fd ? dirfd(d) : -1, n = 0;
    struct dirent *e;
    char own_name[16];
    snprintf(own_name, sizeof own_name, "%d", own);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (skip_fd && strcmp(e->d_name, own_name) == 0))
            continue;
        n++;
    }
    closedir(d);
    return n;
}

int stress_fd_count(void) { return count_entries("/proc/self/fd", 1); }
int stress_thread_count(void) { return count_entries("/proc/self/task", 0); }

void stress_fd_dump(const char *label) {
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[300], target[PATH_MAX];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        fprintf(stderr, "  %s: fd %s -> %s\n", label, e->d_name, target);
    }
    closedir(d);
}

long stress_set_fd_limit(long soft) {
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return -1;
    long old = (long)r.rlim_cur;
    r.rlim_cur = (rlim_t)soft;
    return setrlimit(RLIMIT_NOFILE, &r) == 0 ? old : -1;
}

/* libuv keeps one process-wide pipe (the lock of its signal handling),
 * made at the first uv_loop_init and never closed while libuv may still be
 * used (only uv_library_shutdown, which forbids any later use, closes it).
 * The programs take it before counting, so that what they count is ours.
 * Returns the descriptors it added (2 the first time, 0 after). A thread
 * started and joined lets ThreadSanitizer start its background thread, which
 * it does at the first pthread_create, before the threads are counted. */
static void *nothing(void *arg) { return arg; }

int stress_settle(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) == 0)
        pthread_join(t, NULL);
    int before = stress_fd_count();
    uv_loop_t loop;
    if (uv_loop_init(&loop) == 0)
        uv_loop_close(&loop);
    return stress_fd_count() - before;
}
