#define _POSIX_C_SOURCE 200809L /* pthread barriers */
/* Completion routines (user APCs) queued with WPUQueueApc to the thread a
 * WPUOpenCurrentThread id names, and the alertable waits that run them.
 * WPU* are exported, so the test calls them as a provider would.
 * Facts: windows-behaviour.md F112 (routines run only in an alertable wait,
 * SleepEx(.., TRUE) gives WAIT_IO_COMPLETION), F117 (SleepEx(0, TRUE) runs
 * routines already queued), F157 (a wait satisfied at once leaves the
 * routine for the next alertable wait). */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <pthread.h>
#include <stdatomic.h>

static _Atomic int ran;
static _Atomic DWORD ran_on;
static int order[16];
static _Atomic int norder;

static void CALLBACK count_apc(DWORD_PTR ctx) {
    (void)ctx;
    ran_on = GetCurrentThreadId();
    ran++;
}

static void CALLBACK order_apc(DWORD_PTR ctx) {
    int i = norder++;
    if (i < 16)
        order[i] = (int)ctx;
}

static WSATHREADID open_self(void) {
    WSATHREADID id = {0};
    int err = 0;
    cr_assert_eq(WPUOpenCurrentThread(&id, &err), 0, "err %d", err);
    cr_assert_not_null(id.ThreadHandle);
    return id;
}

static void queue(WSATHREADID *id, LPWSAUSERAPC fn, DWORD_PTR ctx) {
    int err = 0;
    cr_assert_eq(WPUQueueApc(id, fn, ctx, &err), 0, "err %d", err);
}

static void close_id(WSATHREADID *id) {
    int err = 0;
    cr_assert_eq(WPUCloseThread(id, &err), 0, "err %d", err);
}

Test(apc, null_arguments) {
    int err = 0;
    cr_assert_eq(WPUOpenCurrentThread(NULL, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    err = 0;
    cr_assert_eq(WPUQueueApc(NULL, count_apc, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    WSATHREADID none = {0};
    err = 0;
    cr_assert_eq(WPUQueueApc(&none, count_apc, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    WSATHREADID id = open_self();
    err = 0;
    cr_assert_eq(WPUQueueApc(&id, NULL, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    close_id(&id);
}

Test(apc, runs_only_in_an_alertable_wait_fifo) {
    WSATHREADID id = open_self();
    queue(&id, order_apc, 1);
    queue(&id, order_apc, 2);
    queue(&id, order_apc, 3);
    cr_assert_eq(SleepEx(20, FALSE), 0); /* F112: not alertable: nothing runs */
    Sleep(10);
    WSAEVENT ev = WSACreateEvent();
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 10, FALSE), WSA_WAIT_TIMEOUT);
    cr_assert_eq(WaitForSingleObjectEx(ev, 10, FALSE), WAIT_TIMEOUT);
    cr_assert_eq(norder, 0);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION); /* F117 */
    cr_assert_eq(norder, 3, "all pending routines run in one wait");
    cr_assert_eq(order[0], 1);
    cr_assert_eq(order[1], 2);
    cr_assert_eq(order[2], 3);
    cr_assert_eq(SleepEx(0, TRUE), 0, "nothing left");
    WSACloseEvent(ev);
    close_id(&id);
}

Test(apc, alertable_event_waits) {
    WSATHREADID id = open_self();
    WSAEVENT ev = WSACreateEvent();
    queue(&id, count_apc, 0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 1000, TRUE), WSA_WAIT_IO_COMPLETION);
    cr_assert_eq(ran, 1);
    queue(&id, count_apc, 0);
    cr_assert_eq(WaitForSingleObjectEx(ev, 1000, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(ran, 2);
    queue(&id, count_apc, 0);
    cr_assert_eq(WaitForMultipleObjectsEx(1, &ev, TRUE, 1000, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(ran, 3);
    /* A signalled object satisfies the wait first; the routine waits for the
     * next alertable wait (as F157 has it for select). */
    WSASetEvent(ev);
    queue(&id, count_apc, 0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 1000, TRUE), WSA_WAIT_EVENT_0);
    cr_assert_eq(ran, 3);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(ran, 4);
    WSACloseEvent(ev);
    close_id(&id);
}

static void CALLBACK requeue_apc(DWORD_PTR ctx) {
    WSATHREADID *id = (WSATHREADID *)ctx;
    int err;
    order_apc(10);
    WPUQueueApc(id, order_apc, 11, &err);
}

Test(apc, routine_queued_by_a_routine_runs_in_the_same_wait) {
    WSATHREADID id = open_self();
    queue(&id, requeue_apc, (DWORD_PTR)&id);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(norder, 2);
    cr_assert_eq(order[0], 10);
    cr_assert_eq(order[1], 11);
    close_id(&id);
}

/* ---- across threads ---------------------------------------------------------------- */

struct target {
    pthread_barrier_t ready, queued, checked;
    WSATHREADID id;
    DWORD tid;
    _Atomic int phase;
    DWORD result_noalert, result_alert;
};

static void *target_thread(void *arg) {
    struct target *t = arg;
    int err;
    WPUOpenCurrentThread(&t->id, &err);
    t->tid = GetCurrentThreadId();
    pthread_barrier_wait(&t->ready);
    pthread_barrier_wait(&t->queued);
    /* Busy and in non-alertable waits: the routine must not run. */
    t->result_noalert = SleepEx(50, FALSE);
    Sleep(10);
    pthread_barrier_wait(&t->checked);
    t->result_alert = SleepEx(5000, TRUE);
    return NULL;
}

Test(apc, queued_to_another_thread_runs_there_when_it_waits_alertably) {
    struct target t = {0};
    pthread_barrier_init(&t.ready, NULL, 2);
    pthread_barrier_init(&t.queued, NULL, 2);
    pthread_barrier_init(&t.checked, NULL, 2);
    pthread_t th;
    pthread_create(&th, NULL, target_thread, &t);
    pthread_barrier_wait(&t.ready);
    queue(&t.id, count_apc, 0);
    pthread_barrier_wait(&t.queued);
    Sleep(30);
    cr_assert_eq(ran, 0, "ran before the thread waited alertably");
    pthread_barrier_wait(&t.checked);
    pthread_join(th, NULL);
    cr_assert_eq(t.result_noalert, 0);
    cr_assert_eq(t.result_alert, WAIT_IO_COMPLETION, "SleepEx gave %u", (unsigned)t.result_alert);
    cr_assert_eq(ran, 1);
    cr_assert_eq(ran_on, t.tid, "ran on the thread it was queued to");
    close_id(&t.id); /* the thread has gone; the id is still closed cleanly */
}

struct sleeper {
    pthread_barrier_t ready;
    WSATHREADID id;
    DWORD result;
};

static void *sleep_forever(void *arg) {
    struct sleeper *s = arg;
    int err;
    WPUOpenCurrentThread(&s->id, &err);
    pthread_barrier_wait(&s->ready);
    s->result = SleepEx(INFINITE, TRUE);
    return NULL;
}

Test(apc, wakes_a_thread_sleeping_forever) {
    struct sleeper s = {0};
    pthread_barrier_init(&s.ready, NULL, 2);
    pthread_t th;
    pthread_create(&th, NULL, sleep_forever, &s);
    pthread_barrier_wait(&s.ready);
    Sleep(30); /* let it block in poll */
    queue(&s.id, count_apc, 0);
    pthread_join(th, NULL);
    cr_assert_eq(s.result, WAIT_IO_COMPLETION);
    cr_assert_eq(ran, 1);
    close_id(&s.id);
}

static void *open_and_exit(void *arg) {
    int err;
    WPUOpenCurrentThread((WSATHREADID *)arg, &err);
    return NULL;
}

Test(apc, queue_to_a_thread_that_has_exited) {
    WSATHREADID id = {0};
    pthread_t th;
    pthread_create(&th, NULL, open_and_exit, &id);
    pthread_join(th, NULL);
    int err = 0;
    cr_assert_eq(WPUQueueApc(&id, count_apc, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    cr_assert_eq(SleepEx(0, TRUE), 0, "not ours to run");
    cr_assert_eq(ran, 0);
    close_id(&id);
}

struct exiting {
    pthread_barrier_t ready, queued;
    WSATHREADID id;
};

static void *exit_with_pending(void *arg) {
    struct exiting *e = arg;
    int err;
    WPUOpenCurrentThread(&e->id, &err);
    pthread_barrier_wait(&e->ready);
    pthread_barrier_wait(&e->queued);
    return NULL; /* never waits alertably */
}

Test(apc, thread_exits_with_routines_pending) {
    struct exiting e = {0};
    pthread_barrier_init(&e.ready, NULL, 2);
    pthread_barrier_init(&e.queued, NULL, 2);
    pthread_t th;
    pthread_create(&th, NULL, exit_with_pending, &e);
    pthread_barrier_wait(&e.ready);
    queue(&e.id, count_apc, 0);
    queue(&e.id, count_apc, 0);
    pthread_barrier_wait(&e.queued);
    pthread_join(th, NULL);
    cr_assert_eq(ran, 0, "dropped with the thread");
    int err = 0;
    cr_assert_eq(WPUQueueApc(&e.id, count_apc, 0, &err), SOCKET_ERROR);
    close_id(&e.id);
}

Test(apc, queue_survives_startup_and_cleanup) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    WSATHREADID id = open_self();
    queue(&id, count_apc, 0);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION, "a pending routine outlives the last WSACleanup");
    cr_assert_eq(ran, 1);
    close_id(&id);
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    cr_assert_eq(SleepEx(0, TRUE), 0);
    cr_assert_eq(WSACleanup(), 0);
}
