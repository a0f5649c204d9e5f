/* Event objects: WSACreateEvent & co., WSAWaitForMultipleEvents, and the
 * windows.h event calls (CreateEvent, SetEvent, WaitFor*, CloseHandle) that
 * share the same objects. windows-behaviour.md has no numbered facts on
 * these calls; the values are those of the Winsock and Win32 reference pages
 * (WSA_INVALID_HANDLE 6, WSA_INVALID_PARAMETER 87, WSA_WAIT_TIMEOUT 258).
 * The alertable side is in test_apc.c. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "common.h"

Test(events, create_set_reset_close) {
    WSAEVENT ev = WSACreateEvent();
    cr_assert_neq(ev, WSA_INVALID_EVENT);
    cr_assert_eq((uintptr_t)ev % 4, 0, "handles are multiples of 4");
    /* manual reset, not signalled */
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
    cr_assert(WSASetEvent(ev));
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_EVENT_0, "a wait does not reset it");
    cr_assert(WSASetEvent(ev), "setting twice is fine");
    cr_assert(WSAResetEvent(ev));
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
    cr_assert(WSAResetEvent(ev), "resetting twice is fine");
    cr_assert(WSACloseEvent(ev));
}

Test(events, no_startup_needed) {
    /* Like CreateEvent, the event calls do not need WSAStartup. */
    WSAEVENT ev = WSACreateEvent();
    cr_assert_neq(ev, WSA_INVALID_EVENT);
    cr_assert(WSACloseEvent(ev));
}

Test(events, closed_handle_is_invalid) {
    WSAEVENT ev = WSACreateEvent();
    cr_assert(WSACloseEvent(ev));
    WSASetLastError(0);
    cr_assert_not(WSASetEvent(ev));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    WSASetLastError(0);
    cr_assert_not(WSAResetEvent(ev));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    WSASetLastError(0);
    cr_assert_not(WSACloseEvent(ev));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    WSASetLastError(0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_FAILED);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
}

Test(events, closed_handle_never_reaches_the_next_event) {
    WSAEVENT old = WSACreateEvent();
    cr_assert(WSACloseEvent(old));
    WSAEVENT fresh = WSACreateEvent(); /* likely the same slot */
    cr_assert_neq(fresh, old);
    cr_assert_not(WSASetEvent(old));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &fresh, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT, "the set went nowhere");
    cr_assert(WSACloseEvent(fresh));
}

Test(events, bogus_handles_are_invalid) {
    WSAEVENT bogus[] = {NULL, (WSAEVENT)(uintptr_t)1, (WSAEVENT)(uintptr_t)4, (WSAEVENT)(uintptr_t)0x80000004,
                        (WSAEVENT)(uintptr_t)0xdeadbeef, (WSAEVENT)(uintptr_t)0xffffffff,
                        (WSAEVENT)(uintptr_t)-1, (WSAEVENT)(uintptr_t)0x1234567800000004ull};
    for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
        WSASetLastError(0);
        cr_assert_not(WSASetEvent(bogus[i]), "%p", bogus[i]);
        cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
        cr_assert_not(WSAResetEvent(bogus[i]));
        cr_assert_not(WSACloseEvent(bogus[i]));
        cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
        cr_assert_eq(WSAWaitForMultipleEvents(1, &bogus[i], FALSE, 0, FALSE), WSA_WAIT_FAILED);
        cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    }
}

Test(events, socket_handle_is_not_an_event) {
    wsa_start();
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    cr_assert_neq(s, INVALID_SOCKET);
    cr_assert_not(WSASetEvent((WSAEVENT)s));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    cr_assert_not(WSACloseEvent((WSAEVENT)s));
    closesocket(s);
    WSACleanup();
}

Test(events, one_bad_handle_fails_the_wait) {
    WSAEVENT ev[2] = {WSACreateEvent(), WSACreateEvent()};
    WSASetEvent(ev[0]);
    WSACloseEvent(ev[1]);
    cr_assert_eq(WSAWaitForMultipleEvents(2, ev, FALSE, 0, FALSE), WSA_WAIT_FAILED);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    WSACloseEvent(ev[0]);
}

Test(events, invalid_counts) {
    WSAEVENT ev[WSA_MAXIMUM_WAIT_EVENTS + 1];
    for (int i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++)
        ev[i] = WSACreateEvent();
    WSASetLastError(0);
    cr_assert_eq(WSAWaitForMultipleEvents(0, ev, FALSE, 0, FALSE), WSA_WAIT_FAILED);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_PARAMETER);
    WSASetLastError(0);
    cr_assert_eq(WSAWaitForMultipleEvents(65, ev, FALSE, 0, FALSE), WSA_WAIT_FAILED);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_PARAMETER);
    WSASetLastError(0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, NULL, FALSE, 0, FALSE), WSA_WAIT_FAILED);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_PARAMETER);
    SetLastError(0);
    cr_assert_eq(WaitForMultipleObjects(0, ev, FALSE, 0), WAIT_FAILED);
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    for (int i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++)
        WSACloseEvent(ev[i]);
}

Test(events, wait_any_gives_lowest_signalled_index) {
    WSAEVENT ev[5];
    for (int i = 0; i < 5; i++)
        ev[i] = WSACreateEvent();
    WSASetEvent(ev[4]);
    cr_assert_eq(WSAWaitForMultipleEvents(5, ev, FALSE, 0, FALSE), WSA_WAIT_EVENT_0 + 4);
    WSASetEvent(ev[2]);
    cr_assert_eq(WSAWaitForMultipleEvents(5, ev, FALSE, 0, FALSE), WSA_WAIT_EVENT_0 + 2);
    WSASetEvent(ev[0]);
    cr_assert_eq(WSAWaitForMultipleEvents(5, ev, FALSE, 100, FALSE), WSA_WAIT_EVENT_0);
    for (int i = 0; i < 5; i++)
        WSACloseEvent(ev[i]);
}

Test(events, wait_all) {
    WSAEVENT ev[3];
    for (int i = 0; i < 3; i++)
        ev[i] = WSACreateEvent();
    WSASetEvent(ev[0]);
    WSASetEvent(ev[2]);
    cr_assert_eq(WSAWaitForMultipleEvents(3, ev, TRUE, 0, FALSE), WSA_WAIT_TIMEOUT);
    cr_assert_eq(WSAWaitForMultipleEvents(3, ev, TRUE, 30, FALSE), WSA_WAIT_TIMEOUT);
    WSASetEvent(ev[1]);
    cr_assert_eq(WSAWaitForMultipleEvents(3, ev, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
    cr_assert_eq(WSAWaitForMultipleEvents(3, ev, TRUE, 0, FALSE), WSA_WAIT_EVENT_0, "manual events stay set");
    /* The same object twice in a wait-all list is refused. */
    WSAEVENT dup[2] = {ev[0], ev[0]};
    cr_assert_eq(WSAWaitForMultipleEvents(2, dup, TRUE, 0, FALSE), WSA_WAIT_FAILED);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_PARAMETER);
    cr_assert_eq(WSAWaitForMultipleEvents(2, dup, FALSE, 0, FALSE), WSA_WAIT_EVENT_0, "wait-any allows it");
    for (int i = 0; i < 3; i++)
        WSACloseEvent(ev[i]);
}

Test(events, timeout) {
    WSAEVENT ev = WSACreateEvent();
    int64_t t0 = now_ms();
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 120, FALSE), WSA_WAIT_TIMEOUT);
    int64_t took = now_ms() - t0;
    cr_assert_geq(took, 115, "waited %lld ms", (long long)took);
    cr_assert_lt(took, 2000, "waited %lld ms", (long long)took);
    t0 = now_ms();
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    cr_assert_lt(now_ms() - t0, 100);
    WSACloseEvent(ev);
}

struct setter {
    WSAEVENT ev;
    unsigned delay_ms;
};

static void *set_later(void *arg) {
    struct setter *s = arg;
    Sleep(s->delay_ms);
    WSASetEvent(s->ev);
    return NULL;
}

Test(events, infinite_wait_woken_by_another_thread) {
    struct setter s = {WSACreateEvent(), 50};
    pthread_t t;
    int64_t t0 = now_ms();
    pthread_create(&t, NULL, set_later, &s);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &s.ev, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
    cr_assert_geq(now_ms() - t0, 40);
    pthread_join(t, NULL);
    WSACloseEvent(s.ev);
}

Test(events, wait_all_completed_by_another_thread) {
    WSAEVENT ev[2] = {WSACreateEvent(), WSACreateEvent()};
    WSASetEvent(ev[0]);
    struct setter s = {ev[1], 30};
    pthread_t t;
    pthread_create(&t, NULL, set_later, &s);
    cr_assert_eq(WSAWaitForMultipleEvents(2, ev, TRUE, 5000, FALSE), WSA_WAIT_EVENT_0);
    pthread_join(t, NULL);
    WSACloseEvent(ev[0]);
    WSACloseEvent(ev[1]);
}

Test(events, sixty_four_events) {
    WSAEVENT ev[WSA_MAXIMUM_WAIT_EVENTS];
    for (int i = 0; i < WSA_MAXIMUM_WAIT_EVENTS; i++) {
        ev[i] = WSACreateEvent();
        cr_assert_neq(ev[i], WSA_INVALID_EVENT);
    }
    cr_assert_eq(WSAWaitForMultipleEvents(64, ev, FALSE, 10, FALSE), WSA_WAIT_TIMEOUT);
    struct setter s = {ev[63], 20};
    pthread_t t;
    pthread_create(&t, NULL, set_later, &s);
    cr_assert_eq(WSAWaitForMultipleEvents(64, ev, FALSE, 5000, FALSE), WSA_WAIT_EVENT_0 + 63);
    pthread_join(t, NULL);
    for (int i = 0; i < 63; i++)
        WSASetEvent(ev[i]);
    cr_assert_eq(WSAWaitForMultipleEvents(64, ev, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
    for (int i = 0; i < WSA_MAXIMUM_WAIT_EVENTS; i++)
        cr_assert(WSACloseEvent(ev[i]));
}

Test(events, many_events_distinct) {
    enum { N = 300 };
    static WSAEVENT ev[N];
    for (int i = 0; i < N; i++) {
        ev[i] = WSACreateEvent();
        cr_assert_neq(ev[i], WSA_INVALID_EVENT, "event %d", i);
        for (int j = 0; j < i; j++)
            cr_assert_neq(ev[i], ev[j]);
    }
    WSASetEvent(ev[N - 1]);
    cr_assert_eq(WaitForSingleObject(ev[N - 1], 0), WAIT_OBJECT_0);
    cr_assert_eq(WaitForSingleObject(ev[N - 2], 0), WAIT_TIMEOUT);
    for (int i = 0; i < N; i++)
        cr_assert(WSACloseEvent(ev[i]));
}

/* ---- the event table full ------------------------------------------------------------ */

/* Open descriptors of the process (each event is an eventfd). */
static int fd_count(void) {
    DIR *d = opendir("/proc/self/fd");
    cr_assert_not_null(d);
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", "..", and the directory stream itself */
}

/* The slot bits of an event handle (0x80000000 | generation << 18 | (slot
 * + 1) << 2, lib/ws2/objects.h): what stays the same when a slot is reused. */
#define SLOT_OF(h) ((uintptr_t)(h) & 0x3fffc)

/* The table holds 65,535 events; WS2POSIX_MAX_EVENTS makes it small, as
 * WS2POSIX_MAX_SOCKETS does for sockets (read at the first creation, so it
 * is set before any event exists in this test's process). */
static void small_event_table(void) { setenv("WS2POSIX_MAX_EVENTS", "4", 1); }

/* Full: WSACreateEvent is WSA_INVALID_EVENT with WSA_NOT_ENOUGH_MEMORY, the
 * one code its reference page and WPUCreateEvent's list (the facts file
 * says nothing of a full table). CreateEvent shares the table and says the
 * same number through GetLastError, ERROR_NOT_ENOUGH_MEMORY (8); its page
 * names no code. The failed calls leave no eventfd behind, the events
 * there keep working, a closed event's slot takes the next event, and the
 * closed handle stays dead although its slot lives again. */
Test(events, table_full, .init = small_event_table) {
    int fds = fd_count();
    WSAEVENT ev[4];
    for (int i = 0; i < 4; i++)
        cr_assert_neq(ev[i] = WSACreateEvent(), WSA_INVALID_EVENT, "event %d: %d", i, WSAGetLastError());
    cr_assert_eq(fd_count(), fds + 4);
    for (int round = 0; round < 3; round++) {
        WSASetLastError(0);
        cr_assert_eq(WSACreateEvent(), WSA_INVALID_EVENT);
        cr_assert_eq(WSAGetLastError(), WSA_NOT_ENOUGH_MEMORY);
        SetLastError(0);
        cr_assert_null(CreateEventW(NULL, FALSE, TRUE, NULL));
        cr_assert_eq(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
        int err = 0;
        cr_assert_eq(WPUCreateEvent(&err), WSA_INVALID_EVENT);
        cr_assert_eq(err, WSA_NOT_ENOUGH_MEMORY);
    }
    cr_assert_eq(fd_count(), fds + 4, "the refused creations closed their eventfds");
    cr_assert(WSASetEvent(ev[3]), "the events there still work");
    cr_assert_eq(WSAWaitForMultipleEvents(4, ev, FALSE, 0, FALSE), WSA_WAIT_EVENT_0 + 3);

    /* Closing one makes room for one: in the same slot, a new generation. */
    cr_assert(WSACloseEvent(ev[1]));
    cr_assert_eq(fd_count(), fds + 3);
    WSAEVENT fresh = WSACreateEvent();
    cr_assert_neq(fresh, WSA_INVALID_EVENT, "%d", WSAGetLastError());
    cr_assert_eq(SLOT_OF(fresh), SLOT_OF(ev[1]), "the freed slot was reused");
    cr_assert_neq(fresh, ev[1]);
    cr_assert_eq(WSACreateEvent(), WSA_INVALID_EVENT, "full again");
    cr_assert_eq(WSAGetLastError(), WSA_NOT_ENOUGH_MEMORY);

    /* The old handle of the reused slot reaches nothing. */
    WSASetLastError(0);
    cr_assert_not(WSASetEvent(ev[1]));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    WSASetLastError(0);
    cr_assert_not(WSAResetEvent(ev[1]));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    WSASetLastError(0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev[1], FALSE, 0, FALSE), WSA_WAIT_FAILED);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    WSASetLastError(0);
    cr_assert_not(WSACloseEvent(ev[1]));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &fresh, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT, "the set went nowhere");
    cr_assert(WSASetEvent(fresh), "the close went nowhere either");
    cr_assert_eq(WSAWaitForMultipleEvents(1, &fresh, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);

    ev[1] = fresh;
    for (int i = 0; i < 4; i++)
        cr_assert(WSACloseEvent(ev[i]));
    cr_assert_eq(fd_count(), fds, "every eventfd closed");
    /* Empty again: the whole table is there to take. */
    for (int i = 0; i < 4; i++)
        cr_assert_neq(ev[i] = WSACreateEvent(), WSA_INVALID_EVENT);
    cr_assert_eq(WSACreateEvent(), WSA_INVALID_EVENT);
    for (int i = 0; i < 4; i++)
        cr_assert(WSACloseEvent(ev[i]));
}

/* A value that is not a size in 1 .. 65,535 leaves the table at its
 * full size. */
static void bad_event_limit(void) { setenv("WS2POSIX_MAX_EVENTS", "-3", 1); }
Test(events, table_limit_ignored_when_bad, .init = bad_event_limit) {
    WSAEVENT ev[8];
    for (int i = 0; i < 8; i++)
        cr_assert_neq(ev[i] = WSACreateEvent(), WSA_INVALID_EVENT, "event %d", i);
    for (int i = 0; i < 8; i++)
        cr_assert(WSACloseEvent(ev[i]));
}

/* ---- windows.h: CreateEvent and the Wait functions -------------------------------- */

Test(events, create_event_manual_and_initial_state) {
    HANDLE on = CreateEventA(NULL, TRUE, TRUE, NULL);
    HANDLE off = CreateEventW(NULL, TRUE, FALSE, NULL);
    cr_assert_not_null(on);
    cr_assert_not_null(off);
    cr_assert_eq(WaitForSingleObject(on, 0), WAIT_OBJECT_0);
    cr_assert_eq(WaitForSingleObject(on, 0), WAIT_OBJECT_0);
    cr_assert_eq(WaitForSingleObject(off, 0), WAIT_TIMEOUT);
    cr_assert(SetEvent(off));
    cr_assert_eq(WaitForSingleObjectEx(off, 10, FALSE), WAIT_OBJECT_0);
    cr_assert(ResetEvent(on));
    cr_assert_eq(WaitForSingleObject(on, 0), WAIT_TIMEOUT);
    cr_assert(CloseHandle(on));
    cr_assert(CloseHandle(off));
    SetLastError(0);
    cr_assert_not(CloseHandle(on));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_eq(WaitForSingleObject(on, 0), WAIT_FAILED);
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
}

Test(events, auto_reset_is_reset_by_the_wait_it_satisfies) {
    HANDLE ev = CreateEvent(NULL, FALSE, TRUE, NULL);
    cr_assert_not_null(ev);
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_TIMEOUT, "the first wait took it");
    cr_assert(SetEvent(ev));
    cr_assert(SetEvent(ev), "sets do not count up");
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    /* A wait-any that is satisfied by a manual event leaves the auto one. */
    HANDLE both[2] = {CreateEvent(NULL, TRUE, TRUE, NULL), ev};
    SetEvent(ev);
    cr_assert_eq(WaitForMultipleObjects(2, both, FALSE, 0), WAIT_OBJECT_0);
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    /* A wait-all takes the auto event only when all are signalled. */
    ResetEvent(both[0]);
    SetEvent(ev);
    cr_assert_eq(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_TIMEOUT);
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_OBJECT_0, "an unsatisfied wait-all took nothing");
    SetEvent(both[0]);
    SetEvent(ev);
    cr_assert_eq(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_OBJECT_0);
    cr_assert_eq(WaitForSingleObject(ev, 0), WAIT_TIMEOUT, "the satisfied wait-all took it");
    cr_assert_eq(WaitForSingleObject(both[0], 0), WAIT_OBJECT_0, "and left the manual one");
    CloseHandle(both[0]);
    CloseHandle(ev);
}

struct taker {
    HANDLE ev;
    _Atomic int *woken;
};

static void *take_one(void *arg) {
    struct taker *t = arg;
    if (WaitForSingleObject(t->ev, 2000) == WAIT_OBJECT_0)
        (*t->woken)++;
    return NULL;
}

Test(events, auto_reset_releases_one_waiter_per_set) {
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    _Atomic int woken = 0;
    struct taker tk = {ev, &woken};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, take_one, &tk);
    Sleep(50);
    SetEvent(ev);
    Sleep(100);
    cr_assert_eq(woken, 1, "one set, %d woken", (int)woken);
    SetEvent(ev);
    Sleep(100);
    cr_assert_eq(woken, 2);
    SetEvent(ev);
    SetEvent(ev);
    SetEvent(ev);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    cr_assert_geq(woken, 3);
    CloseHandle(ev);
}

Test(events, named_events_refused) {
    SetLastError(0);
    cr_assert_null(CreateEventA(NULL, TRUE, FALSE, "Global\\x"));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void *close_later(void *arg) {
    Sleep(30);
    WSACloseEvent(*(WSAEVENT *)arg);
    return NULL;
}

Test(events, close_during_wait_is_safe) {
    /* The wait keeps its reference: it times out normally. */
    WSAEVENT ev = WSACreateEvent();
    pthread_t t;
    pthread_create(&t, NULL, close_later, &ev);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 100, FALSE), WSA_WAIT_TIMEOUT);
    pthread_join(t, NULL);
    cr_assert_not(WSASetEvent(ev));
}

Test(events, sleep_and_ids) {
    int64_t t0 = now_ms();
    Sleep(30);
    cr_assert_geq(now_ms() - t0, 25);
    cr_assert_eq(SleepEx(10, FALSE), 0);
    cr_assert_eq(SleepEx(0, TRUE), 0, "nothing queued");
    cr_assert_neq(GetCurrentProcessId(), 0);
    cr_assert_neq(GetCurrentThreadId(), 0);
}

static void *thread_id(void *arg) {
    *(DWORD *)arg = GetCurrentThreadId();
    return NULL;
}

Test(events, thread_ids_differ) {
    DWORD other = 0;
    pthread_t t;
    pthread_create(&t, NULL, thread_id, &other);
    pthread_join(t, NULL);
    cr_assert_neq(other, 0);
    cr_assert_neq(other, GetCurrentThreadId());
}

/* GetCurrentThreadId is kept per thread; a forked child (whose only thread
 * has a new id, its process id) must not report its parent's. */
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>
Test(events, thread_id_after_fork) {
    DWORD parent = GetCurrentThreadId();
    cr_assert_eq(GetCurrentThreadId(), parent, "stable");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0)
        _exit(GetCurrentThreadId() == (DWORD)getpid() && GetCurrentThreadId() != parent ? 0 : 1);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child saw its own thread id");
}
