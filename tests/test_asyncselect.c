/* WSAAsyncSelect and the message windows that stand in for Windows' windows
 * (w2p_CreateMessageWindow, PostMessage, PeekMessage, GetMessage,
 * DestroyWindow; see windows.h and the README). Messages carry the SOCKET in
 * wParam and WSAMAKESELECTREPLY(event, error) in lParam; they are posted
 * through the WPUPostMessage upcall. Facts F137, F138, F140, F144, F151,
 * F152 of windows-behaviour.md ("msg mode"). */
#include "common.h"
#include "pairs.h"
#include <ws2spi.h>
#include <pthread.h>

#define WM_SOCKET (WM_USER + 1)

TestSuite(asyncselect, .init = wsa_start, .fini = wsa_stop, .timeout = 30);

/* The next message for hwnd within ms; FALSE if none came. */
static BOOL next_msg(HWND hwnd, DWORD ms, MSG *m) {
    for (DWORD waited = 0;; waited += 2) {
        if (PeekMessage(m, hwnd, 0, 0, PM_REMOVE))
            return TRUE;
        if (waited >= ms)
            return FALSE;
        Sleep(2);
    }
}

static void expect(HWND hwnd, SOCKET s, WORD event, WORD error) {
    MSG m;
    cr_assert(next_msg(hwnd, 2000, &m), "no message for event %#x", event);
    cr_assert_eq(m.hwnd, hwnd);
    cr_assert_eq(m.message, WM_SOCKET);
    cr_assert_eq((SOCKET)m.wParam, s);
    cr_assert_eq(WSAGETSELECTEVENT(m.lParam), event, "event %#x, expected %#x", (unsigned)WSAGETSELECTEVENT(m.lParam), event);
    cr_assert_eq(WSAGETSELECTERROR(m.lParam), error, "error %u", (unsigned)WSAGETSELECTERROR(m.lParam));
    cr_assert_eq(m.lParam, WSAMAKESELECTREPLY(event, error));
}

static void expect_none(HWND hwnd, DWORD ms) {
    MSG m;
    cr_assert_not(next_msg(hwnd, ms, &m), "unexpected message %#x lParam %#lx", m.message, (long)m.lParam);
}

Test(asyncselect, windows_and_messages) {
    HWND h = w2p_CreateMessageWindow(), g = w2p_CreateMessageWindow();
    cr_assert_not_null(h);
    cr_assert_neq(h, g);
    cr_assert(IsWindow(h));
    MSG m;
    cr_assert_not(PeekMessage(&m, h, 0, 0, PM_REMOVE), "empty");
    cr_assert(PostMessage(h, WM_USER + 5, 1, 2));
    cr_assert(PostMessage(g, WM_USER + 6, 3, 4));
    cr_assert(PostMessage(h, WM_USER + 7, 5, 6));
    cr_assert(PeekMessage(&m, h, WM_USER + 7, WM_USER + 7, PM_NOREMOVE), "the filter picks");
    cr_assert_eq(m.message, WM_USER + 7);
    cr_assert(PeekMessage(&m, NULL, 0, 0, PM_REMOVE), "any window of the thread, in order");
    cr_assert_eq(m.message, WM_USER + 5);
    cr_assert_eq(m.wParam, 1);
    cr_assert_eq(m.lParam, 2);
    cr_assert(PeekMessage(&m, h, 0, 0, PM_REMOVE));
    cr_assert_eq(m.message, WM_USER + 7, "PM_NOREMOVE left it");
    cr_assert(DestroyWindow(g), "drops what it holds");
    cr_assert_not(IsWindow(g));
    cr_assert_not(PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    cr_assert_not(PostMessage(g, WM_USER, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    cr_assert_not(DestroyWindow(g));
    /* the upcall providers use */
    cr_assert(WPUPostMessage(h, WM_USER + 9, 7, 8));
    cr_assert_eq(GetMessage(&m, h, 0, 0), TRUE);
    cr_assert_eq(m.message, WM_USER + 9);
    cr_assert(PostMessage(h, WM_QUIT, 0, 0));
    cr_assert_eq(GetMessage(&m, h, 0, 0), FALSE, "WM_QUIT");
    cr_assert(DestroyWindow(h));
}

static void *poster(void *arg) {
    Sleep(100);
    PostMessage((HWND)arg, WM_USER + 3, 42, 0);
    return NULL;
}

Test(asyncselect, getmessage_waits_for_another_thread) {
    HWND h = w2p_CreateMessageWindow();
    pthread_t t;
    pthread_create(&t, NULL, poster, h);
    MSG m;
    cr_assert_eq(GetMessage(&m, NULL, 0, 0), TRUE);
    cr_assert_eq(m.message, WM_USER + 3);
    cr_assert_eq(m.wParam, 42);
    pthread_join(t, NULL);
    DestroyWindow(h);
}

Test(asyncselect, connected_socket_read_write_close) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HWND h = w2p_CreateMessageWindow();
    cr_assert_eq(WSAAsyncSelect(s, h, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE), 0);
    expect(h, s, FD_WRITE, 0); /* F152 */
    expect_none(h, 100);
    cr_assert_eq(WSAAsyncSelect(s, h, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE), 0);
    expect(h, s, FD_WRITE, 0); /* F137: message mode posts it again */
    cr_assert_eq(send(c, "hello", 5, 0), 5);
    expect(h, s, FD_READ, 0);
    expect_none(h, 100);
    char buf[8];
    cr_assert_eq(recv(s, buf, 2, 0), 2);
    expect(h, s, FD_READ, 0); /* data remains */
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 3);
    expect_none(h, 100);
    u_long off = 0;
    cr_assert_eq(ioctlsocket(s, FIONBIO, &off), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL, "F151");
    closesocket(c);
    expect(h, s, FD_CLOSE, 0);
    closesocket(s);
    expect_none(h, 50);
    DestroyWindow(h);
}

Test(asyncselect, connect_made_and_refused) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    HWND h = w2p_CreateMessageWindow();
    cr_assert_eq(WSAAsyncSelect(l, h, WM_SOCKET, FD_ACCEPT), 0);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    HWND hc = w2p_CreateMessageWindow();
    cr_assert_eq(WSAAsyncSelect(c, hc, WM_SOCKET, FD_CONNECT | FD_WRITE), 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    cr_assert(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK);
    expect(hc, c, FD_CONNECT, 0);
    expect(hc, c, FD_WRITE, 0);
    expect(h, l, FD_ACCEPT, 0);
    SOCKET s = accept(l, NULL, NULL);
    cr_assert_neq(s, INVALID_SOCKET);
    closesocket(s), closesocket(c);
    closesocket(l); /* the port is refused from now on */
    SOCKET d = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_eq(WSAAsyncSelect(d, hc, WM_SOCKET, FD_CONNECT | FD_WRITE | FD_READ | FD_CLOSE), 0);
    cr_assert_eq(connect(d, (struct sockaddr *)&a, sizeof a), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    expect(hc, d, FD_CONNECT, WSAECONNREFUSED);
    expect_none(hc, 100);
    closesocket(d);
    DestroyWindow(h), DestroyWindow(hc);
}

Test(asyncselect, bad_window_and_cancel) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HWND h = w2p_CreateMessageWindow();
    cr_assert_eq(WSAAsyncSelect(s, (HWND)(uintptr_t)0x1234, WM_SOCKET, FD_READ), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_eq(WSAAsyncSelect(s, h, WM_SOCKET, FD_READ), 0);
    cr_assert_eq(WSAAsyncSelect(s, h, 0, 0), 0, "cancelled");
    cr_assert_eq(send(c, "x", 1, 0), 1);
    expect_none(h, 150);
    /* WSAEventSelect replaces WSAAsyncSelect */
    WSAEVENT ev = WSACreateEvent();
    cr_assert_eq(WSAAsyncSelect(s, h, WM_SOCKET, FD_READ), 0);
    expect(h, s, FD_READ, 0);
    cr_assert_eq(WSAEventSelect(s, ev, FD_READ), 0);
    char b;
    cr_assert_eq(recv(s, &b, 1, 0), 1);
    cr_assert_eq(send(c, "y", 1, 0), 1);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 2000, FALSE), WSA_WAIT_EVENT_0);
    expect_none(h, 50);
    closesocket(c), closesocket(s);
    WSACloseEvent(ev);
    DestroyWindow(h);
}

/* closesocket of a listener the loop thread watches makes the port refuse
 * at once, as on Windows: a connect right after is WSAECONNREFUSED, never a
 * connection taken by the closing listener and then reset. */
Test(asyncselect, closed_listener_refuses_at_once) {
    for (int i = 0; i < 20; i++) {
        struct sockaddr_in a;
        SOCKET l = listener(&a);
        HWND h = w2p_CreateMessageWindow();
        cr_assert_eq(WSAAsyncSelect(l, h, WM_SOCKET, FD_ACCEPT), 0);
        cr_assert_eq(closesocket(l), 0);
        SOCKET d = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        cr_assert_eq(connect(d, (struct sockaddr *)&a, sizeof a), SOCKET_ERROR, "round %d: connected", i);
        cr_assert_eq(WSAGetLastError(), WSAECONNREFUSED, "round %d: %d", i, WSAGetLastError());
        closesocket(d);
        DestroyWindow(h);
    }
}
