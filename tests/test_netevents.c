/* Network events: WSAEventSelect and WSAEnumNetworkEvents (facts F136-F151
 * of windows-behaviour.md): FD_* sequences for connect (made and refused),
 * accept, read, write, OOB and close (graceful and reset), the re-enabling
 * rules, enumeration, cancelling with 0, replacing a selection, and FIONBIO. */
#include "common.h"
#include "pairs.h"

TestSuite(netevents, .init = wsa_start, .fini = wsa_stop, .timeout = 30);

/* Wait up to ms for ev, then enumerate s's events (resetting ev). */
static LONG events_after(SOCKET s, WSAEVENT ev, DWORD ms, WSANETWORKEVENTS *ne) {
    memset(ne, 0xab, sizeof *ne);
    DWORD w = WSAWaitForMultipleEvents(1, &ev, FALSE, ms, FALSE);
    cr_assert(w == WSA_WAIT_EVENT_0 || w == WSA_WAIT_TIMEOUT, "wait: %lu", (unsigned long)w);
    cr_assert_eq(WSAEnumNetworkEvents(s, ev, ne), 0, "enum: %d", WSAGetLastError());
    return ne->lNetworkEvents;
}

/* Events seen within ms, accumulated over several signals. */
static LONG collect(SOCKET s, WSAEVENT ev, DWORD ms, int errors[FD_MAX_EVENTS]) {
    LONG all = 0;
    for (int i = 0; i < 5; i++) {
        WSANETWORKEVENTS ne;
        LONG got = events_after(s, ev, ms, &ne);
        for (int b = 0; b < FD_MAX_EVENTS; b++)
            if ((got & (1 << b)) && errors)
                errors[b] = ne.iErrorCode[b];
        all |= got;
        if (!got)
            break;
        ms = 100; /* anything that follows comes soon */
    }
    return all;
}

/* A new event, selected for mask's network events of s. */
static WSAEVENT selected(SOCKET s, long mask) {
    WSAEVENT ev = WSACreateEvent();
    cr_assert_eq(WSAEventSelect(s, ev, mask), 0, "WSAEventSelect: %d", WSAGetLastError());
    return ev;
}

static void set_nonblocking(SOCKET s, u_long on) { cr_assert_eq(ioctlsocket(s, FIONBIO, &on), 0); }

Test(netevents, connect_reports_connect_and_write) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    WSAEVENT ev = selected(c, FD_READ | FD_WRITE | FD_CONNECT | FD_CLOSE | FD_OOB);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(c, ev, 50, &ne), 0, "no events before connect (F137)");
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    cr_assert(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK, "event-selected: non-blocking (%d)", WSAGetLastError());
    int errs[FD_MAX_EVENTS] = {0};
    LONG got = collect(c, ev, 2000, errs);
    cr_assert_eq(got, FD_CONNECT | FD_WRITE, "F138: got %#lx", (unsigned long)got);
    cr_assert_eq(errs[FD_CONNECT_BIT], 0);
    cr_assert_eq(errs[FD_WRITE_BIT], 0);
    cr_assert_eq(events_after(c, ev, 50, &ne), 0, "reported once");
    closesocket(c);
    closesocket(l);
    WSACloseEvent(ev);
}

Test(netevents, refused_connect_reports_the_error) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    closesocket(l); /* nothing listens there now */
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    WSAEVENT ev = selected(c, FD_READ | FD_WRITE | FD_CONNECT | FD_CLOSE);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    cr_assert(r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK, "%d", WSAGetLastError());
    int errs[FD_MAX_EVENTS] = {0};
    LONG got = collect(c, ev, 2000, errs);
    cr_assert_eq(got, FD_CONNECT, "got %#lx", (unsigned long)got);
    cr_assert_eq(errs[FD_CONNECT_BIT], WSAECONNREFUSED, "F139: %d", errs[FD_CONNECT_BIT]);
    closesocket(c);
    WSACloseEvent(ev);
}

Test(netevents, accept_is_reenabled_by_accept) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    WSAEVENT ev = selected(l, FD_ACCEPT);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(l, ev, 50, &ne), 0);
    SOCKET c1 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), c2 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_eq(connect(c1, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(events_after(l, ev, 2000, &ne), FD_ACCEPT);
    cr_assert_eq(ne.iErrorCode[FD_ACCEPT_BIT], 0);
    cr_assert_eq(events_after(l, ev, 100, &ne), 0, "not again until accept");
    cr_assert_eq(connect(c2, (struct sockaddr *)&a, sizeof a), 0);
    Sleep(50);
    SOCKET s1 = accept(l, NULL, NULL);
    cr_assert_neq(s1, INVALID_SOCKET);
    cr_assert_eq(events_after(l, ev, 2000, &ne), FD_ACCEPT, "accept re-enables while more wait (F140)");
    SOCKET s2 = accept(l, NULL, NULL);
    cr_assert_neq(s2, INVALID_SOCKET);
    cr_assert_eq(events_after(l, ev, 100, &ne), 0, "nothing more waits");
    /* WSAEWOULDBLOCK: the listener is non-blocking now */
    cr_assert_eq(accept(l, NULL, NULL), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    closesocket(s1), closesocket(s2), closesocket(c1), closesocket(c2), closesocket(l);
    WSACloseEvent(ev);
}

Test(netevents, accepted_socket_inherits_the_selection) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    WSAEVENT ev = selected(l, FD_ACCEPT | FD_WRITE | FD_READ);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(l, ev, 2000, &ne), FD_ACCEPT);
    SOCKET s = accept(l, NULL, NULL);
    cr_assert_neq(s, INVALID_SOCKET);
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_WRITE, "F142: same event, same mask");
    char b;
    cr_assert_eq(recv(s, &b, 1, 0), SOCKET_ERROR, "non-blocking like its listener");
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_READ);
    closesocket(s), closesocket(c), closesocket(l);
    WSACloseEvent(ev);
}

Test(netevents, read_is_reenabled_by_recv_while_data_remains) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_READ);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(s, ev, 50, &ne), 0);
    cr_assert_eq(send(c, "0123456789", 10, 0), 10);
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_READ);
    cr_assert_eq(ne.iErrorCode[FD_READ_BIT], 0);
    cr_assert_eq(events_after(s, ev, 100, &ne), 0, "once (F144)");
    cr_assert_eq(WSAEventSelect(s, ev, FD_READ), 0);
    cr_assert_eq(events_after(s, ev, 100, &ne), 0, "re-selecting does not re-report in event mode");
    char buf[16];
    cr_assert_eq(recv(s, buf, 4, 0), 4);
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_READ, "data remains: again");
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 6);
    cr_assert_eq(events_after(s, ev, 100, &ne), 0, "drained: no more");
    cr_assert_eq(send(c, "ab", 2, 0), 2);
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_READ, "new data after the drain");
    closesocket(c), closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, write_is_reenabled_by_a_send_that_would_block) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(c, FD_WRITE);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(c, ev, 2000, &ne), FD_WRITE, "F137: once");
    cr_assert_eq(WSAEventSelect(c, ev, FD_WRITE), 0);
    cr_assert_eq(events_after(c, ev, 100, &ne), 0, "not on re-select");
    cr_assert_eq(send(c, "x", 1, 0), 1);
    cr_assert_eq(events_after(c, ev, 100, &ne), 0, "a send that succeeds does not re-enable (F143)");
    static char big[65536];
    long total = 0;
    for (;;) {
        int r = send(c, big, sizeof big, 0);
        if (r == SOCKET_ERROR) {
            cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
            break;
        }
        total += r;
        cr_assert_lt(total, 1L << 30);
    }
    cr_assert_eq(events_after(c, ev, 100, &ne), 0, "full: nothing yet");
    /* the peer drains */
    set_nonblocking(s, 1);
    for (;;) {
        int r = recv(s, big, sizeof big, 0);
        if (r <= 0) {
            Sleep(20);
            r = recv(s, big, sizeof big, 0);
            if (r <= 0)
                break;
        }
    }
    cr_assert_eq(events_after(c, ev, 2000, &ne), FD_WRITE, "room again after WSAEWOULDBLOCK");
    closesocket(c), closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, oob_is_reenabled_by_recv_oob) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_OOB);
    cr_assert_eq(send(c, "!", 1, MSG_OOB), 1);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_OOB, "F147");
    cr_assert_eq(events_after(s, ev, 100, &ne), 0);
    char b = 0;
    cr_assert_eq(recv(s, &b, 1, MSG_OOB), 1);
    cr_assert_eq(b, '!');
    cr_assert_eq(events_after(s, ev, 100, &ne), 0, "no urgent byte left");
    cr_assert_eq(send(c, "?", 1, MSG_OOB), 1);
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_OOB, "recv(MSG_OOB) re-enabled FD_OOB");
    closesocket(c), closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, graceful_close) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_READ | FD_CLOSE);
    closesocket(c);
    int errs[FD_MAX_EVENTS] = {0};
    cr_assert_eq(collect(s, ev, 2000, errs), FD_CLOSE);
    cr_assert_eq(errs[FD_CLOSE_BIT], 0, "F148: 0 for a graceful close");
    char b;
    cr_assert_eq(recv(s, &b, 1, 0), 0);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(s, ev, 100, &ne), 0, "nothing more");
    cr_assert_eq(WSAEventSelect(s, ev, FD_READ | FD_CLOSE), 0);
    cr_assert_eq(events_after(s, ev, 100, &ne), 0, "not re-reported on re-select");
    closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, data_then_close) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_READ | FD_CLOSE);
    cr_assert_eq(send(c, "abc", 3, 0), 3);
    closesocket(c);
    LONG got = collect(s, ev, 2000, NULL);
    cr_assert_eq(got & FD_READ, FD_READ, "%#lx", (unsigned long)got);
    char buf[8];
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 3);
    got |= collect(s, ev, 2000, NULL);
    cr_assert_eq(got, FD_READ | FD_CLOSE, "%#lx", (unsigned long)got);
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 0);
    closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, reset_close) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_READ | FD_CLOSE);
    struct linger lg = {1, 0};
    cr_assert_eq(setsockopt(c, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg), 0);
    closesocket(c);
    int errs[FD_MAX_EVENTS] = {0};
    cr_assert_eq(collect(s, ev, 2000, errs), FD_CLOSE);
    cr_assert_eq(errs[FD_CLOSE_BIT], WSAECONNABORTED, "F149: %d", errs[FD_CLOSE_BIT]);
    char b;
    cr_assert_eq(recv(s, &b, 1, 0), SOCKET_ERROR, "the reset is still the next recv's");
    cr_assert_eq(WSAGetLastError(), WSAECONNRESET);
    closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, fionbio_off_is_refused_while_selected) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_READ);
    u_long off = 0, on = 1;
    cr_assert_eq(ioctlsocket(s, FIONBIO, &off), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL, "F151");
    cr_assert_eq(ioctlsocket(s, FIONBIO, &on), 0, "on is fine");
    char b;
    cr_assert_eq(recv(s, &b, 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    cr_assert_eq(WSAEventSelect(s, NULL, 0), 0, "cancel");
    cr_assert_eq(recv(s, &b, 1, 0), SOCKET_ERROR, "still non-blocking after cancelling");
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    cr_assert_eq(ioctlsocket(s, FIONBIO, &off), 0, "blocking again once cancelled");
    closesocket(c), closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, enumeration_resets_the_event_and_clears_the_record) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_READ | FD_WRITE);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 2000, FALSE), WSA_WAIT_EVENT_0);
    WSANETWORKEVENTS ne;
    memset(&ne, 0xab, sizeof ne);
    cr_assert_eq(WSAEnumNetworkEvents(s, NULL, &ne), 0, "no event to reset is fine (F136)");
    cr_assert_eq(ne.lNetworkEvents, FD_WRITE);
    cr_assert_eq(ne.iErrorCode[FD_WRITE_BIT], 0);
    cr_assert_eq((unsigned)ne.iErrorCode[FD_READ_BIT], 0xababababu, "F136: only reported bits are written");
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_EVENT_0, "not reset without it");
    cr_assert_eq(WSAEnumNetworkEvents(s, ev, &ne), 0);
    cr_assert_eq(ne.lNetworkEvents, 0, "cleared by the first enumeration");
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT, "reset");
    cr_assert_eq(WSAEnumNetworkEvents(s, ev, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(WSAEnumNetworkEvents(INVALID_SOCKET, ev, &ne), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(WSAEventSelect(INVALID_SOCKET, ev, FD_READ), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    closesocket(c), closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, cancel_with_zero_then_select_again) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev = selected(s, FD_READ);
    cr_assert_eq(WSAEventSelect(s, ev, 0), 0);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 200, FALSE), WSA_WAIT_TIMEOUT, "cancelled: no signal");
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(s, ev, 0, &ne), 0);
    cr_assert_eq(WSAEventSelect(s, ev, FD_READ), 0);
    cr_assert_eq(events_after(s, ev, 2000, &ne), FD_READ, "F145: the data waiting is reported once selected");
    closesocket(c), closesocket(s);
    WSACloseEvent(ev);
}

Test(netevents, a_new_selection_replaces_the_old) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAEVENT ev1 = WSACreateEvent(), ev2 = WSACreateEvent();
    cr_assert_eq(WSAEventSelect(s, ev1, FD_READ), 0);
    cr_assert_eq(WSAEventSelect(s, ev2, FD_READ), 0);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(s, ev2, 2000, &ne), FD_READ);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev1, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT, "the old event is left alone");
    closesocket(c), closesocket(s);
    WSACloseEvent(ev1), WSACloseEvent(ev2);
}

Test(netevents, udp_write_and_read) {
    SOCKET u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), v = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    WSAEVENT ev = selected(u, FD_READ | FD_WRITE);
    WSANETWORKEVENTS ne;
    cr_assert_eq(events_after(u, ev, 50, &ne), 0, "F150: unbound, nothing");
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(u, (struct sockaddr *)&a, sizeof a), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(u, (struct sockaddr *)&a, &len), 0);
    cr_assert_eq(events_after(u, ev, 2000, &ne), FD_WRITE, "F137: bound, FD_WRITE once");
    cr_assert_eq(sendto(v, "d", 1, 0, (struct sockaddr *)&a, sizeof a), 1);
    cr_assert_eq(events_after(u, ev, 2000, &ne), FD_READ);
    closesocket(u), closesocket(v);
    WSACloseEvent(ev);
}

Test(netevents, closing_a_selected_socket_is_clean) {
    /* closesocket with a selection in effect (and sockets selected
     * without being touched again): no leak, no late signal. */
    for (int i = 0; i < 20; i++) {
        SOCKET c, s;
        tcp_pair(&c, &s);
        WSAEVENT ev = WSACreateEvent();
        cr_assert_eq(WSAEventSelect(s, ev, FD_ALL_EVENTS), 0);
        cr_assert_eq(WSAEventSelect(c, ev, FD_ALL_EVENTS), 0);
        send(c, "x", 1, 0);
        closesocket(s);
        closesocket(c);
        WSACloseEvent(ev);
    }
}
