/*
 * The teaching trace: WS2POSIX_TRACE=1 (stderr) or WS2POSIX_TRACE=<file>
 * prints one line per call as it crosses into a provider:
 *
 *   ws2 -> [entry 1009 'passthrough over ws2posix Tcpip [TCP/IP]'] WSPSocket(af=AF_INET, ...) = SOCKET 0x400008
 *     layer -> [entry 1001 'ws2posix Tcpip [TCP/IP]'] WSPSocket(af=AF_INET, ...) = SOCKET 0x400004
 *
 * "ws2 ->" is the dispatcher calling the top of a chain; "layer ->" is a
 * layered provider calling the next layer it loaded by path (another layer,
 * or the base provider), the entry in brackets being that next layer's own.
 * A nested crossing is indented under the one that caused it.
 *
 * How: proc tables are wrapped. When tracing is on, the table the dispatcher
 * keeps for a started provider, the table the base provider hands to a
 * layer, and the table a layer gets through w2p_CallWSPStartup are replaced
 * by tracing tables whose functions log and call the real ones. A WSP
 * function has no context argument, so each tracing table is a slot: slot
 * N's functions know their real table as slots[N].
 *
 * Lines are written when the outermost call of the thread returns, in the
 * order the calls began, so that a crossing appears above the crossings it
 * caused, each with its result.
 */
#define _GNU_SOURCE /* dladdr */
#include "ws2.h"
#include "trace.h"
#include "common/trace_hook.h"
#include <ws2ipdef.h> /* IP_ and IPV6_ option names */

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- where the lines go ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static FILE *out; /* NULL: tracing is off */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void seam_line(const char *call, long result, const char *detail, const char *code, int wsa_error);

static void configure(void) {
    const char *v = getenv("WS2POSIX_TRACE");
    if (!v || !v[0] || !strcmp(v, "0"))
        return;
    if (!strcmp(v, "1") || !strcmp(v, "stderr"))
        out = stderr;
    else if (!(out = fopen(v, "a")))
        fprintf(stderr, "ws2posix: cannot open the trace file %s; tracing to stderr\n", v), out = stderr;
    /* The seam reports its system calls through the neutral hook. */
    __atomic_store_n(&common__seam_trace, seam_line, __ATOMIC_RELEASE);
}

int ws2__trace_enabled(void) {
    pthread_once(&once, configure);
    return out != NULL;
}

/* ---- one thread's lines, held until its outermost call returns ---- */

#define MAX_LINES 32
#define LINE 512

static _Thread_local struct {
    int depth, used, dropped; /* dropped: lines past MAX_LINES, counted */
    char lines[MAX_LINES][LINE];
} tl;

int ws2__trace_begin(void) {
    if (!ws2__trace_enabled())
        return -2;
    int idx = tl.used < MAX_LINES ? tl.used++ : -1;
    if (idx >= 0)
        tl.lines[idx][0] = 0;
    else
        tl.dropped++;
    tl.depth++;
    return idx;
}

static void flush(void) {
    pthread_mutex_lock(&out_lock);
    for (int i = 0; i < tl.used; i++)
        if (tl.lines[i][0])
            fprintf(out, "%s\n", tl.lines[i]);
    if (tl.dropped)
        fprintf(out, "  ... and %d more line(s) of this call, not kept\n", tl.dropped);
    fflush(out);
    pthread_mutex_unlock(&out_lock);
    tl.used = tl.dropped = 0;
}

static void vend(int idx, const char *caller, DWORD id, const WCHAR *wname, const char *fmt, va_list ap) {
    if (idx == -2)
        return;
    tl.depth--;
    if (idx >= 0) {
        char name[WSAPROTOCOL_LEN + 1];
        ws2__w_to_a(wname, name, sizeof name);
        char *l = tl.lines[idx];
        int n = snprintf(l, LINE, "%*s%s -> [entry %lu '%s'] ", 2 * tl.depth, "", caller, (unsigned long)id, name);
        if (n > 0 && n < LINE)
            vsnprintf(l + n, LINE - (size_t)n, fmt, ap);
    }
    if (tl.depth == 0)
        flush();
}

void ws2__trace_end(int idx, const char *caller, const WSAPROTOCOL_INFOW *info, const char *fmt, ...) {
    static const WCHAR none[1];
    va_list ap;
    va_start(ap, fmt);
    vend(idx, caller, info ? info->dwCatalogEntryId : 0, info ? info->szProtocol : none, fmt, ap);
    va_end(ap);
}

static const char *error_name(int e);

/* A system call made by the seam: "sys -> connect(7, {AF_INET}, 16) = -1
 * (EINPROGRESS -> WSAEWOULDBLOCK)", indented under the provider call that
 * made it. Outside any traced call (the loop thread), a line of its own. */
static void seam_line(const char *call, long result, const char *detail, const char *code, int wsa_error) {
    char text[LINE];
    int indent = 2 * tl.depth, n;
    n = snprintf(text, LINE, "%*ssys -> %s = %ld", indent, "", call, result);
    if (detail && n > 0 && n < LINE)
        n += snprintf(text + n, LINE - (size_t)n, " %s", detail);
    if (code && n > 0 && n < LINE)
        snprintf(text + n, LINE - (size_t)n, " (%s -> %s)", code, wsa_error ? error_name(wsa_error) : "0");
    if (tl.depth > 0) {
        if (tl.used < MAX_LINES)
            memcpy(tl.lines[tl.used++], text, LINE);
        else
            tl.dropped++;
        return;
    }
    pthread_mutex_lock(&out_lock);
    fprintf(out, "%s\n", text);
    fflush(out);
    pthread_mutex_unlock(&out_lock);
}

/* ---- names a reader of the Winsock documentation knows ---- */

struct name {
    int value;
    const char *text;
};
#define N(x) {x, #x}

static const struct name errors[] = {
    N(WSAEINTR), N(WSAEBADF), N(WSAEACCES), N(WSAEFAULT), N(WSAEINVAL), N(WSAEMFILE), N(WSAEWOULDBLOCK),
    N(WSAEINPROGRESS), N(WSAEALREADY), N(WSAENOTSOCK), N(WSAEDESTADDRREQ), N(WSAEMSGSIZE), N(WSAEPROTOTYPE),
    N(WSAENOPROTOOPT), N(WSAEPROTONOSUPPORT), N(WSAESOCKTNOSUPPORT), N(WSAEOPNOTSUPP), N(WSAEPFNOSUPPORT),
    N(WSAEAFNOSUPPORT), N(WSAEADDRINUSE), N(WSAEADDRNOTAVAIL), N(WSAENETDOWN), N(WSAENETUNREACH),
    N(WSAENETRESET), N(WSAECONNABORTED), N(WSAECONNRESET), N(WSAENOBUFS), N(WSAEISCONN), N(WSAENOTCONN),
    N(WSAESHUTDOWN), N(WSAETOOMANYREFS), N(WSAETIMEDOUT), N(WSAECONNREFUSED), N(WSAELOOP), N(WSAENAMETOOLONG),
    N(WSAEHOSTDOWN), N(WSAEHOSTUNREACH), N(WSAENOTEMPTY), N(WSAEPROCLIM), N(WSAEUSERS), N(WSAEDQUOT),
    N(WSAESTALE), N(WSAEREMOTE), N(WSASYSNOTREADY), N(WSAVERNOTSUPPORTED), N(WSANOTINITIALISED),
    N(WSAEDISCON), N(WSAENOMORE), N(WSAECANCELLED), N(WSAEINVALIDPROCTABLE), N(WSAEINVALIDPROVIDER),
    N(WSAEPROVIDERFAILEDINIT), N(WSASYSCALLFAILURE), N(WSATYPE_NOT_FOUND), N(WSAHOST_NOT_FOUND),
    N(WSATRY_AGAIN), N(WSANO_RECOVERY), N(WSANO_DATA), N(WSA_IO_PENDING), N(WSA_IO_INCOMPLETE),
    N(WSA_OPERATION_ABORTED), N(WSA_INVALID_HANDLE), N(WSA_INVALID_PARAMETER), N(WSA_NOT_ENOUGH_MEMORY),
    {0, NULL}};
static const struct name families[] = {N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6), {0, NULL}};
static const struct name types[] = {N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM), N(SOCK_SEQPACKET),
                                    {0, NULL}};
static const struct name protocols[] = {N(IPPROTO_TCP), N(IPPROTO_UDP), N(IPPROTO_ICMP), N(IPPROTO_ICMPV6),
                                        N(IPPROTO_RAW), {0, NULL}};
static const struct name levels[] = {N(SOL_SOCKET), N(IPPROTO_TCP), N(IPPROTO_IP), N(IPPROTO_IPV6),
                                     N(IPPROTO_UDP), {0, NULL}};
static const struct name sol_options[] = {
    N(SO_DEBUG), N(SO_ACCEPTCONN), N(SO_REUSEADDR), N(SO_KEEPALIVE), N(SO_DONTROUTE), N(SO_BROADCAST),
    N(SO_LINGER), N(SO_OOBINLINE), N(SO_DONTLINGER), N(SO_EXCLUSIVEADDRUSE), N(SO_SNDBUF), N(SO_RCVBUF),
    N(SO_SNDLOWAT), N(SO_RCVLOWAT), N(SO_SNDTIMEO), N(SO_RCVTIMEO), N(SO_ERROR), N(SO_TYPE),
    N(SO_GROUP_ID), N(SO_GROUP_PRIORITY), N(SO_MAX_MSG_SIZE), N(SO_PROTOCOL_INFOA), N(SO_PROTOCOL_INFOW),
    N(SO_CONDITIONAL_ACCEPT), {0, NULL}};
static const struct name ip_options[] = {
    N(IP_OPTIONS), N(IP_HDRINCL), N(IP_TOS), N(IP_TTL), N(IP_MULTICAST_IF), N(IP_MULTICAST_TTL),
    N(IP_MULTICAST_LOOP), N(IP_ADD_MEMBERSHIP), N(IP_DROP_MEMBERSHIP), N(IP_DONTFRAGMENT), N(IP_PKTINFO),
    N(IP_RECVTTL), N(IP_RECVTOS), {0, NULL}};
static const struct name ipv6_options[] = {
    N(IPV6_UNICAST_HOPS), N(IPV6_MULTICAST_IF), N(IPV6_MULTICAST_HOPS), N(IPV6_MULTICAST_LOOP),
    N(IPV6_ADD_MEMBERSHIP), N(IPV6_DROP_MEMBERSHIP), N(IPV6_DONTFRAG), N(IPV6_PKTINFO), N(IPV6_HOPLIMIT),
    N(IPV6_V6ONLY), N(IPV6_RECVTCLASS), {0, NULL}};
static const struct name shut_hows[] = {N(SD_RECEIVE), N(SD_SEND), N(SD_BOTH), {0, NULL}};
static const struct name ioctls[] = {N(FIONBIO), N(FIONREAD), N(SIOCATMARK), {0, NULL}};

static const char *lookup(const struct name *t, int v, char *buf, size_t n) {
    for (; t->text; t++)
        if (t->value == v)
            return t->text;
    snprintf(buf, n, "%d", v);
    return buf;
}

/* Small rotating buffers, so that several names fit in one printf. */
static _Thread_local char scratch[8][96];
static _Thread_local int next_scratch;
static char *buf(void) { return scratch[next_scratch++ & 7]; }

static const char *error_name(int e) {
    char *b = buf();
    return lookup(errors, e, b, 96);
}
const char *ws2__trace_error_name(int e) {
    if (e == 0)
        return "0";
    return error_name(e);
}

static const char *family(int v) { return v == FROM_PROTOCOL_INFO ? "FROM_PROTOCOL_INFO" : lookup(families, v, buf(), 96); }
static const char *type_name(int v) { return v == FROM_PROTOCOL_INFO ? "FROM_PROTOCOL_INFO" : lookup(types, v, buf(), 96); }
static const char *protocol(int v) {
    return v == FROM_PROTOCOL_INFO ? "FROM_PROTOCOL_INFO" : lookup(protocols, v, buf(), 96);
}
static const char *option(int level, int name) {
    if (level == SOL_SOCKET)
        return lookup(sol_options, name, buf(), 96);
    if (level == IPPROTO_TCP && name == TCP_NODELAY)
        return "TCP_NODELAY";
    if (level == IPPROTO_IP)
        return lookup(ip_options, name, buf(), 96);
    if (level == IPPROTO_IPV6)
        return lookup(ipv6_options, name, buf(), 96);
    char *b = buf();
    snprintf(b, 96, "%d", name);
    return b;
}

static const char *address(const struct sockaddr *sa, int len) {
    char *b = buf();
    if (!sa) {
        return "NULL";
    }
    const unsigned char *p = (const unsigned char *)sa;
    int af = sa->sa_family;
    if (af == AF_INET && len >= 16)
        snprintf(b, 96, "%u.%u.%u.%u:%u", p[4], p[5], p[6], p[7], (unsigned)(p[2] << 8 | p[3]));
    else if (af == AF_INET6 && len >= 24) {
        int n = snprintf(b, 96, "[");
        for (int i = 0; i < 8; i++)
            n += snprintf(b + n, (size_t)(96 - n), "%s%x", i ? ":" : "", (unsigned)(p[8 + 2 * i] << 8 | p[9 + 2 * i]));
        snprintf(b + n, (size_t)(96 - n), "]:%u", (unsigned)(p[2] << 8 | p[3]));
    } else
        snprintf(b, 96, "{family %s, %d bytes}", family(af), len);
    return b;
}

static const char *int_result(int r, const LPINT err) {
    char *b = buf();
    if (r == SOCKET_ERROR)
        snprintf(b, 96, "SOCKET_ERROR (%s)", error_name(*err));
    else
        snprintf(b, 96, "%d", r);
    return b;
}

static const char *socket_result(SOCKET s, const LPINT err) {
    char *b = buf();
    if (s == INVALID_SOCKET)
        snprintf(b, 96, "INVALID_SOCKET (%s)", error_name(*err));
    else
        snprintf(b, 96, "SOCKET 0x%llx", (unsigned long long)s);
    return b;
}

static const char *bool_result(BOOL r, const LPINT err) {
    char *b = buf();
    if (!r)
        snprintf(b, 96, "FALSE (%s)", error_name(*err));
    else
        snprintf(b, 96, "TRUE");
    return b;
}

static const char *io_result(int r, const LPINT err, const LPDWORD n) {
    char *b = buf();
    if (r == SOCKET_ERROR)
        snprintf(b, 96, "SOCKET_ERROR (%s)", error_name(*err));
    else
        snprintf(b, 96, "0, %lu bytes", n ? (unsigned long)*n : 0ul);
    return b;
}

static unsigned long total(const WSABUF *b, DWORD n) {
    unsigned long t = 0;
    for (DWORD i = 0; b && i < n; i++)
        t += b[i].len;
    return t;
}

/* ---- slots: a tracing table per wrapped provider table ---- */

#define MAX_SLOTS 32

struct slot {
    WSPPROC_TABLE real;
    const char *caller;
    DWORD id;
    WCHAR name[WSAPROTOCOL_LEN + 1];
    int used;
};
static struct slot slots[40]; /* indexed by the slot numbers below */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static void end(int idx, struct slot *sl, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vend(idx, sl->caller, sl->id, sl->name, fmt, ap);
    va_end(ap);
}

#define S(s) (unsigned long long)(s)

/* The tracing versions: log around the real call. */
static SOCKET t_Accept(struct slot *sl, SOCKET s, struct sockaddr *a, LPINT al, LPCONDITIONPROC c, DWORD_PTR d,
                       LPINT e) {
    int i = ws2__trace_begin();
    SOCKET r = sl->real.lpWSPAccept(s, a, al, c, d, e);
    end(i, sl, "WSPAccept(s=0x%llx, lpfnCondition=%s) = %s, from %s", S(s), c ? "yes" : "NULL", socket_result(r, e),
        r != INVALID_SOCKET && a && al ? address(a, *al) : "-");
    return r;
}
static INT t_AddressToString(struct slot *sl, LPSOCKADDR a, DWORD al, LPWSAPROTOCOL_INFOW p, LPWSTR o, LPDWORD ol,
                             LPINT e) {
    int i = ws2__trace_begin();
    INT r = sl->real.lpWSPAddressToString(a, al, p, o, ol, e);
    end(i, sl, "WSPAddressToString(%s, lpProtocolInfo=%s) = %s", address(a, (int)al),
        p ? "[entry]" : "NULL", int_result(r, e));
    return r;
}
static int t_AsyncSelect(struct slot *sl, SOCKET s, HWND h, unsigned int m, LONG ev, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPAsyncSelect(s, h, m, ev, e);
    end(i, sl, "WSPAsyncSelect(s=0x%llx, lEvent=0x%lx) = %s", S(s), (unsigned long)ev, int_result(r, e));
    return r;
}
static int t_Bind(struct slot *sl, SOCKET s, const struct sockaddr *n, int l, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPBind(s, n, l, e);
    end(i, sl, "WSPBind(s=0x%llx, name=%s, namelen=%d) = %s", S(s), address(n, l), l, int_result(r, e));
    return r;
}
static int t_CancelBlockingCall(struct slot *sl, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPCancelBlockingCall(e);
    end(i, sl, "WSPCancelBlockingCall() = %s", int_result(r, e));
    return r;
}
static int t_Cleanup(struct slot *sl, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPCleanup(e);
    end(i, sl, "WSPCleanup() = %s", int_result(r, e));
    if (r == 0) /* this table is not used again */
        __atomic_store_n(&sl->used, 0, __ATOMIC_RELEASE);
    return r;
}
static int t_CloseSocket(struct slot *sl, SOCKET s, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPCloseSocket(s, e);
    end(i, sl, "WSPCloseSocket(s=0x%llx) = %s", S(s), int_result(r, e));
    return r;
}
static int t_Connect(struct slot *sl, SOCKET s, const struct sockaddr *n, int l, LPWSABUF c1, LPWSABUF c2, LPQOS q1,
                     LPQOS q2, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPConnect(s, n, l, c1, c2, q1, q2, e);
    end(i, sl, "WSPConnect(s=0x%llx, name=%s, namelen=%d) = %s", S(s), address(n, l), l, int_result(r, e));
    return r;
}
static int t_DuplicateSocket(struct slot *sl, SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW p, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPDuplicateSocket(s, pid, p, e);
    end(i, sl, "WSPDuplicateSocket(s=0x%llx, dwProcessId=%lu) = %s", S(s), (unsigned long)pid, int_result(r, e));
    return r;
}
static int t_EnumNetworkEvents(struct slot *sl, SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPEnumNetworkEvents(s, ev, ne, e);
    end(i, sl, "WSPEnumNetworkEvents(s=0x%llx) = %s, lNetworkEvents=0x%lx", S(s), int_result(r, e),
        r == 0 && ne ? (unsigned long)ne->lNetworkEvents : 0ul);
    return r;
}
static int t_EventSelect(struct slot *sl, SOCKET s, WSAEVENT ev, LONG n, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPEventSelect(s, ev, n, e);
    end(i, sl, "WSPEventSelect(s=0x%llx, lNetworkEvents=0x%lx) = %s", S(s), (unsigned long)n, int_result(r, e));
    return r;
}
static BOOL t_GetOverlappedResult(struct slot *sl, SOCKET s, LPWSAOVERLAPPED o, LPDWORD t, BOOL w, LPDWORD f,
                                  LPINT e) {
    int i = ws2__trace_begin();
    BOOL r = sl->real.lpWSPGetOverlappedResult(s, o, t, w, f, e);
    end(i, sl, "WSPGetOverlappedResult(s=0x%llx, fWait=%s) = %s, %lu bytes", S(s), w ? "TRUE" : "FALSE",
        bool_result(r, e), r && t ? (unsigned long)*t : 0ul);
    return r;
}
static int t_GetPeerName(struct slot *sl, SOCKET s, struct sockaddr *n, LPINT l, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPGetPeerName(s, n, l, e);
    end(i, sl, "WSPGetPeerName(s=0x%llx) = %s, %s", S(s), int_result(r, e), r == 0 && l ? address(n, *l) : "-");
    return r;
}
static int t_GetSockName(struct slot *sl, SOCKET s, struct sockaddr *n, LPINT l, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPGetSockName(s, n, l, e);
    end(i, sl, "WSPGetSockName(s=0x%llx) = %s, %s", S(s), int_result(r, e), r == 0 && l ? address(n, *l) : "-");
    return r;
}
static int t_GetSockOpt(struct slot *sl, SOCKET s, int lv, int n, char *v, LPINT l, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPGetSockOpt(s, lv, n, v, l, e);
    end(i, sl, "WSPGetSockOpt(s=0x%llx, level=%s, optname=%s) = %s", S(s), lookup(levels, lv, buf(), 96),
        option(lv, n), int_result(r, e));
    return r;
}
static BOOL t_GetQOSByName(struct slot *sl, SOCKET s, LPWSABUF b, LPQOS q, LPINT e) {
    int i = ws2__trace_begin();
    BOOL r = sl->real.lpWSPGetQOSByName(s, b, q, e);
    end(i, sl, "WSPGetQOSByName(s=0x%llx) = %s", S(s), bool_result(r, e));
    return r;
}
static int t_Ioctl(struct slot *sl, SOCKET s, DWORD c, LPVOID ib, DWORD il, LPVOID ob, DWORD ol, LPDWORD rl,
                   LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPIoctl(s, c, ib, il, ob, ol, rl, o, cr, t, e);
    char *code = buf();
    const struct name *k = ioctls;
    while (k->text && k->value != (int)c)
        k++;
    if (k->text)
        snprintf(code, 96, "%s", k->text);
    else
        snprintf(code, 96, "0x%08lx", (unsigned long)c);
    end(i, sl, "WSPIoctl(s=0x%llx, dwIoControlCode=%s%s) = %s", S(s), code, o ? ", overlapped" : "",
        int_result(r, e));
    return r;
}
static SOCKET t_JoinLeaf(struct slot *sl, SOCKET s, const struct sockaddr *n, int l, LPWSABUF c1, LPWSABUF c2,
                         LPQOS q1, LPQOS q2, DWORD f, LPINT e) {
    int i = ws2__trace_begin();
    SOCKET r = sl->real.lpWSPJoinLeaf(s, n, l, c1, c2, q1, q2, f, e);
    end(i, sl, "WSPJoinLeaf(s=0x%llx, name=%s) = %s", S(s), address(n, l), socket_result(r, e));
    return r;
}
static int t_Listen(struct slot *sl, SOCKET s, int b, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPListen(s, b, e);
    end(i, sl, "WSPListen(s=0x%llx, backlog=%d) = %s", S(s), b, int_result(r, e));
    return r;
}
static int t_Recv(struct slot *sl, SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD f, LPWSAOVERLAPPED o,
                  LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPRecv(s, b, n, got, f, o, cr, t, e);
    end(i, sl, "WSPRecv(s=0x%llx, %lu buffer(s), %lu bytes%s) = %s", S(s), (unsigned long)n, total(b, n),
        o ? ", overlapped" : "", io_result(r, e, got));
    return r;
}
static int t_RecvDisconnect(struct slot *sl, SOCKET s, LPWSABUF d, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPRecvDisconnect(s, d, e);
    end(i, sl, "WSPRecvDisconnect(s=0x%llx) = %s", S(s), int_result(r, e));
    return r;
}
static int t_RecvFrom(struct slot *sl, SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD f, struct sockaddr *fr,
                      LPINT fl, LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPRecvFrom(s, b, n, got, f, fr, fl, o, cr, t, e);
    end(i, sl, "WSPRecvFrom(s=0x%llx, %lu buffer(s), %lu bytes%s) = %s, from %s", S(s), (unsigned long)n,
        total(b, n), o ? ", overlapped" : "", io_result(r, e, got), r == 0 && fr && fl ? address(fr, *fl) : "-");
    return r;
}
static int t_Select(struct slot *sl, int nfds, fd_set *rd, fd_set *wr, fd_set *ex, PTIMEVAL const tv, LPINT e) {
    int i = ws2__trace_begin();
    unsigned nr = rd ? rd->fd_count : 0, nw = wr ? wr->fd_count : 0, nx = ex ? ex->fd_count : 0;
    int r = sl->real.lpWSPSelect(nfds, rd, wr, ex, tv, e);
    char *timeout = buf();
    if (tv)
        snprintf(timeout, 96, "%ld.%06lds", (long)tv->tv_sec, (long)tv->tv_usec);
    else
        snprintf(timeout, 96, "NULL");
    end(i, sl, "WSPSelect(readfds=%u, writefds=%u, exceptfds=%u, timeout=%s) = %s", nr, nw, nx, timeout,
        int_result(r, e));
    return r;
}
static int t_Send(struct slot *sl, SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD f, LPWSAOVERLAPPED o,
                  LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPSend(s, b, n, sent, f, o, cr, t, e);
    end(i, sl, "WSPSend(s=0x%llx, %lu buffer(s), %lu bytes, dwFlags=0x%lx%s) = %s", S(s), (unsigned long)n,
        total(b, n), (unsigned long)f, o ? ", overlapped" : "", io_result(r, e, sent));
    return r;
}
static int t_SendDisconnect(struct slot *sl, SOCKET s, LPWSABUF d, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPSendDisconnect(s, d, e);
    end(i, sl, "WSPSendDisconnect(s=0x%llx) = %s", S(s), int_result(r, e));
    return r;
}
static int t_SendTo(struct slot *sl, SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD f, const struct sockaddr *to,
                    int tl_, LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPSendTo(s, b, n, sent, f, to, tl_, o, cr, t, e);
    end(i, sl, "WSPSendTo(s=0x%llx, %lu bytes, to=%s%s) = %s", S(s), total(b, n), address(to, tl_),
        o ? ", overlapped" : "", io_result(r, e, sent));
    return r;
}
static int t_SetSockOpt(struct slot *sl, SOCKET s, int lv, int n, const char *v, int l, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPSetSockOpt(s, lv, n, v, l, e);
    end(i, sl, "WSPSetSockOpt(s=0x%llx, level=%s, optname=%s, optlen=%d) = %s", S(s), lookup(levels, lv, buf(), 96),
        option(lv, n), l, int_result(r, e));
    return r;
}
static int t_Shutdown(struct slot *sl, SOCKET s, int how, LPINT e) {
    int i = ws2__trace_begin();
    int r = sl->real.lpWSPShutdown(s, how, e);
    end(i, sl, "WSPShutdown(s=0x%llx, how=%s) = %s", S(s), lookup(shut_hows, how, buf(), 96), int_result(r, e));
    return r;
}
static SOCKET t_Socket(struct slot *sl, int af, int type, int proto, LPWSAPROTOCOL_INFOW p, GROUP g, DWORD f,
                       LPINT e) {
    int i = ws2__trace_begin();
    DWORD entry = p ? p->dwCatalogEntryId : 0;
    SOCKET r = sl->real.lpWSPSocket(af, type, proto, p, g, f, e);
    end(i, sl, "WSPSocket(af=%s, type=%s, protocol=%s, lpProtocolInfo=[entry %lu], g=%lu, dwFlags=0x%lx) = %s",
        family(af), type_name(type), protocol(proto), (unsigned long)entry, (unsigned long)g, (unsigned long)f,
        socket_result(r, e));
    return r;
}
static INT t_StringToAddress(struct slot *sl, LPWSTR str, INT af, LPWSAPROTOCOL_INFOW p, LPSOCKADDR a, LPINT al,
                             LPINT e) {
    int i = ws2__trace_begin();
    INT r = sl->real.lpWSPStringToAddress(str, af, p, a, al, e);
    char text[96];
    ws2__w_to_a(str ? str : (const WCHAR[]){0}, text, sizeof text);
    end(i, sl, "WSPStringToAddress(\"%s\", af=%s) = %s", text, family(af), int_result(r, e));
    return r;
}

/* Slot N's entry points: each calls the tracing version with slots[N]. */
#define STUBS(N)                                                                                                     \
    static SOCKET WSPAPI s##N##_Accept(SOCKET a, struct sockaddr *b, LPINT c, LPCONDITIONPROC d, DWORD_PTR e,       \
                                       LPINT f) {                                                                    \
        return t_Accept(&slots[N], a, b, c, d, e, f);                                                               \
    }                                                                                                                \
    static INT WSPAPI s##N##_AddressToString(LPSOCKADDR a, DWORD b, LPWSAPROTOCOL_INFOW c, LPWSTR d, LPDWORD e,     \
                                             LPINT f) {                                                              \
        return t_AddressToString(&slots[N], a, b, c, d, e, f);                                                      \
    }                                                                                                                \
    static int WSPAPI s##N##_AsyncSelect(SOCKET a, HWND b, unsigned int c, LONG d, LPINT e) {                       \
        return t_AsyncSelect(&slots[N], a, b, c, d, e);                                                             \
    }                                                                                                                \
    static int WSPAPI s##N##_Bind(SOCKET a, const struct sockaddr *b, int c, LPINT d) {                             \
        return t_Bind(&slots[N], a, b, c, d);                                                                       \
    }                                                                                                                \
    static int WSPAPI s##N##_CancelBlockingCall(LPINT a) { return t_CancelBlockingCall(&slots[N], a); }             \
    static int WSPAPI s##N##_Cleanup(LPINT a) { return t_Cleanup(&slots[N], a); }                                   \
    static int WSPAPI s##N##_CloseSocket(SOCKET a, LPINT b) { return t_CloseSocket(&slots[N], a, b); }              \
    static int WSPAPI s##N##_Connect(SOCKET a, const struct sockaddr *b, int c, LPWSABUF d, LPWSABUF e, LPQOS f,    \
                                     LPQOS g, LPINT h) {                                                             \
        return t_Connect(&slots[N], a, b, c, d, e, f, g, h);                                                        \
    }                                                                                                                \
    static int WSPAPI s##N##_DuplicateSocket(SOCKET a, DWORD b, LPWSAPROTOCOL_INFOW c, LPINT d) {                   \
        return t_DuplicateSocket(&slots[N], a, b, c, d);                                                            \
    }                                                                                                                \
    static int WSPAPI s##N##_EnumNetworkEvents(SOCKET a, WSAEVENT b, LPWSANETWORKEVENTS c, LPINT d) {               \
        return t_EnumNetworkEvents(&slots[N], a, b, c, d);                                                          \
    }                                                                                                                \
    static int WSPAPI s##N##_EventSelect(SOCKET a, WSAEVENT b, LONG c, LPINT d) {                                   \
        return t_EventSelect(&slots[N], a, b, c, d);                                                                \
    }                                                                                                                \
    static BOOL WSPAPI s##N##_GetOverlappedResult(SOCKET a, LPWSAOVERLAPPED b, LPDWORD c, BOOL d, LPDWORD e,        \
                                                  LPINT f) {                                                         \
        return t_GetOverlappedResult(&slots[N], a, b, c, d, e, f);                                                  \
    }                                                                                                                \
    static int WSPAPI s##N##_GetPeerName(SOCKET a, struct sockaddr *b, LPINT c, LPINT d) {                          \
        return t_GetPeerName(&slots[N], a, b, c, d);                                                                \
    }                                                                                                                \
    static int WSPAPI s##N##_GetSockName(SOCKET a, struct sockaddr *b, LPINT c, LPINT d) {                          \
        return t_GetSockName(&slots[N], a, b, c, d);                                                                \
    }                                                                                                                \
    static int WSPAPI s##N##_GetSockOpt(SOCKET a, int b, int c, char *d, LPINT e, LPINT f) {                        \
        return t_GetSockOpt(&slots[N], a, b, c, d, e, f);                                                           \
    }                                                                                                                \
    static BOOL WSPAPI s##N##_GetQOSByName(SOCKET a, LPWSABUF b, LPQOS c, LPINT d) {                                \
        return t_GetQOSByName(&slots[N], a, b, c, d);                                                               \
    }                                                                                                                \
    static int WSPAPI s##N##_Ioctl(SOCKET a, DWORD b, LPVOID c, DWORD d, LPVOID e, DWORD f, LPDWORD g,              \
                                   LPWSAOVERLAPPED h, LPWSAOVERLAPPED_COMPLETION_ROUTINE i, LPWSATHREADID j,          \
                                   LPINT k) {                                                                        \
        return t_Ioctl(&slots[N], a, b, c, d, e, f, g, h, i, j, k);                                                 \
    }                                                                                                                \
    static SOCKET WSPAPI s##N##_JoinLeaf(SOCKET a, const struct sockaddr *b, int c, LPWSABUF d, LPWSABUF e,         \
                                         LPQOS f, LPQOS g, DWORD h, LPINT i) {                                       \
        return t_JoinLeaf(&slots[N], a, b, c, d, e, f, g, h, i);                                                    \
    }                                                                                                                \
    static int WSPAPI s##N##_Listen(SOCKET a, int b, LPINT c) { return t_Listen(&slots[N], a, b, c); }              \
    static int WSPAPI s##N##_Recv(SOCKET a, LPWSABUF b, DWORD c, LPDWORD d, LPDWORD e, LPWSAOVERLAPPED f,           \
                                  LPWSAOVERLAPPED_COMPLETION_ROUTINE g, LPWSATHREADID h, LPINT i) {                  \
        return t_Recv(&slots[N], a, b, c, d, e, f, g, h, i);                                                        \
    }                                                                                                                \
    static int WSPAPI s##N##_RecvDisconnect(SOCKET a, LPWSABUF b, LPINT c) {                                        \
        return t_RecvDisconnect(&slots[N], a, b, c);                                                                \
    }                                                                                                                \
    static int WSPAPI s##N##_RecvFrom(SOCKET a, LPWSABUF b, DWORD c, LPDWORD d, LPDWORD e, struct sockaddr *f,      \
                                      LPINT g, LPWSAOVERLAPPED h, LPWSAOVERLAPPED_COMPLETION_ROUTINE i,              \
                                      LPWSATHREADID j, LPINT k) {                                                    \
        return t_RecvFrom(&slots[N], a, b, c, d, e, f, g, h, i, j, k);                                              \
    }                                                                                                                \
    static int WSPAPI s##N##_Select(int a, fd_set *b, fd_set *c, fd_set *d, PTIMEVAL const e, LPINT f) {            \
        return t_Select(&slots[N], a, b, c, d, e, f);                                                               \
    }                                                                                                                \
    static int WSPAPI s##N##_Send(SOCKET a, LPWSABUF b, DWORD c, LPDWORD d, DWORD e, LPWSAOVERLAPPED f,             \
                                  LPWSAOVERLAPPED_COMPLETION_ROUTINE g, LPWSATHREADID h, LPINT i) {                  \
        return t_Send(&slots[N], a, b, c, d, e, f, g, h, i);                                                        \
    }                                                                                                                \
    static int WSPAPI s##N##_SendDisconnect(SOCKET a, LPWSABUF b, LPINT c) {                                        \
        return t_SendDisconnect(&slots[N], a, b, c);                                                                \
    }                                                                                                                \
    static int WSPAPI s##N##_SendTo(SOCKET a, LPWSABUF b, DWORD c, LPDWORD d, DWORD e, const struct sockaddr *f,    \
                                    int g, LPWSAOVERLAPPED h, LPWSAOVERLAPPED_COMPLETION_ROUTINE i,                   \
                                    LPWSATHREADID j, LPINT k) {                                                      \
        return t_SendTo(&slots[N], a, b, c, d, e, f, g, h, i, j, k);                                                \
    }                                                                                                                \
    static int WSPAPI s##N##_SetSockOpt(SOCKET a, int b, int c, const char *d, int e, LPINT f) {                    \
        return t_SetSockOpt(&slots[N], a, b, c, d, e, f);                                                           \
    }                                                                                                                \
    static int WSPAPI s##N##_Shutdown(SOCKET a, int b, LPINT c) { return t_Shutdown(&slots[N], a, b, c); }          \
    static SOCKET WSPAPI s##N##_Socket(int a, int b, int c, LPWSAPROTOCOL_INFOW d, GROUP e, DWORD f, LPINT g) {     \
        return t_Socket(&slots[N], a, b, c, d, e, f, g);                                                            \
    }                                                                                                                \
    static INT WSPAPI s##N##_StringToAddress(LPWSTR a, INT b, LPWSAPROTOCOL_INFOW c, LPSOCKADDR d, LPINT e,         \
                                             LPINT f) {                                                              \
        return t_StringToAddress(&slots[N], a, b, c, d, e, f);                                                      \
    }

#define TABLE(N)                                                                                                     \
    {                                                                                                                \
        s##N##_Accept, s##N##_AddressToString, s##N##_AsyncSelect, s##N##_Bind, s##N##_CancelBlockingCall,          \
            s##N##_Cleanup, s##N##_CloseSocket, s##N##_Connect, s##N##_DuplicateSocket, s##N##_EnumNetworkEvents,    \
            s##N##_EventSelect, s##N##_GetOverlappedResult, s##N##_GetPeerName, s##N##_GetSockName,                 \
            s##N##_GetSockOpt, s##N##_GetQOSByName, s##N##_Ioctl, s##N##_JoinLeaf, s##N##_Listen, s##N##_Recv,       \
            s##N##_RecvDisconnect, s##N##_RecvFrom, s##N##_Select, s##N##_Send, s##N##_SendDisconnect,              \
            s##N##_SendTo, s##N##_SetSockOpt, s##N##_Shutdown, s##N##_Socket, s##N##_StringToAddress                 \
    }

#define EIGHT(M, a) M(a##0) M(a##1) M(a##2) M(a##3) M(a##4) M(a##5) M(a##6) M(a##7)
EIGHT(STUBS, )
EIGHT(STUBS, 1)
STUBS(20) STUBS(21) STUBS(22) STUBS(23) STUBS(24) STUBS(25) STUBS(26) STUBS(27)
STUBS(30) STUBS(31) STUBS(32) STUBS(33) STUBS(34) STUBS(35) STUBS(36) STUBS(37)

/* Slot numbers used above: 0-7, 10-17, 20-27, 30-37 (32 slots). */
static const int slot_number[MAX_SLOTS] = {0,  1,  2,  3,  4,  5,  6,  7,  10, 11, 12, 13, 14, 15, 16, 17,
                                           20, 21, 22, 23, 24, 25, 26, 27, 30, 31, 32, 33, 34, 35, 36, 37};
static const WSPPROC_TABLE tables[] = {
    TABLE(0),  TABLE(1),  TABLE(2),  TABLE(3),  TABLE(4),  TABLE(5),  TABLE(6),  TABLE(7),
    TABLE(10), TABLE(11), TABLE(12), TABLE(13), TABLE(14), TABLE(15), TABLE(16), TABLE(17),
    TABLE(20), TABLE(21), TABLE(22), TABLE(23), TABLE(24), TABLE(25), TABLE(26), TABLE(27),
    TABLE(30), TABLE(31), TABLE(32), TABLE(33), TABLE(34), TABLE(35), TABLE(36), TABLE(37),
};

/* Replace *table with a tracing table whose lines name entry id. When every
 * slot is taken, the table stays as it is (and its calls untraced). */
static void wrap(const char *caller, DWORD id, const WCHAR *name, WSPPROC_TABLE *table) {
    pthread_mutex_lock(&slots_lock);
    for (int k = 0; k < MAX_SLOTS; k++) {
        struct slot *sl = &slots[slot_number[k]];
        if (sl->used)
            continue;
        sl->real = *table;
        sl->caller = caller;
        sl->id = id;
        memcpy(sl->name, name, sizeof sl->name);
        __atomic_store_n(&sl->used, 1, __ATOMIC_RELEASE);
        *table = tables[k];
        pthread_mutex_unlock(&slots_lock);
        return;
    }
    pthread_mutex_unlock(&slots_lock);
}

/* Replace *table with a tracing table for the provider started with info.
 * Without tracing the table stays as it is. */
void ws2__trace_wrap(const char *caller, const WSAPROTOCOL_INFOW *info, WSPPROC_TABLE *table) {
    if (!ws2__trace_enabled())
        return;
    wrap(caller, info->dwCatalogEntryId, info->szProtocol, table);
}

/* ---- a layer calling the layer below it ---- */

/*
 * A layer loads its next layer itself (dlopen, dlsym "WSPStartup") and calls
 * the table it gets straight: the dispatcher is not on that path, and no
 * mechanism of Windows' puts it there. Two ways in, both free when tracing is
 * off:
 *  - the base provider's exported WSPStartup (lib/provider/startup.c) wraps
 *    the table it hands out, so any layer's calls into the base are traced;
 *  - for any other next layer, the layer calls its WSPStartup through
 *    w2p_CallWSPStartup (ws2spi.h), which wraps that table too.
 *
 * Which entry the lines name: the next layer's own. The base gets its own
 * entry (the propagation rule), so that is lpProtocolInfo; a layered next
 * layer gets the chain's entry, so its own is the element of the chain whose
 * provider path is the object that exports lpfnStartup.
 */
static void next_entry(LPWSPSTARTUP fn, const WSAPROTOCOL_INFOW *info, DWORD *id, const WCHAR **name) {
    *id = info->dwCatalogEntryId;
    *name = info->szProtocol;
    if (info->ProtocolChain.ChainLen < 2)
        return;
    Dl_info di;
    char object[4096], path[4096], real[4096];
    if (!dladdr((void *)(uintptr_t)fn, &di) || !di.dli_fname || !realpath(di.dli_fname, object))
        return;
    int n = info->ProtocolChain.ChainLen < MAX_PROTOCOL_CHAIN ? info->ProtocolChain.ChainLen : MAX_PROTOCOL_CHAIN;
    for (int k = 0; k < n; k++) {
        ws2__entry *e = ws2__catalog_find(info->ProtocolChain.ChainEntries[k]);
        if (!e)
            continue;
        ws2__w_to_a(e->path, path, sizeof path);
        if (realpath(path, real) && !strcmp(real, object)) {
            *id = e->info.dwCatalogEntryId;
            *name = e->info.szProtocol;
            return;
        }
    }
}

int WSPAPI w2p_CallWSPStartup(LPWSPSTARTUP lpfnStartup, WORD wVersionRequested, LPWSPDATA lpWSPData,
                              LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                              LPWSPPROC_TABLE lpProcTable) {
    if (!lpfnStartup)
        return WSAEFAULT;
    /* Off, or the base provider, which traces itself: just the call. */
    if (!ws2__trace_enabled() || lpfnStartup == WSPStartup || !lpProtocolInfo || !lpProcTable)
        return lpfnStartup(wVersionRequested, lpWSPData, lpProtocolInfo, UpcallTable, lpProcTable);
    DWORD id;
    const WCHAR *name;
    WCHAR kept[WSAPROTOCOL_LEN + 1];
    next_entry(lpfnStartup, lpProtocolInfo, &id, &name);
    memcpy(kept, name, sizeof kept); /* the callee may change *lpProtocolInfo */
    DWORD given = lpProtocolInfo->dwCatalogEntryId;
    int t = ws2__trace_begin();
    int r = lpfnStartup(wVersionRequested, lpWSPData, lpProtocolInfo, UpcallTable, lpProcTable);
    WSAPROTOCOL_INFOW shown = {0};
    shown.dwCatalogEntryId = id;
    memcpy(shown.szProtocol, kept, sizeof kept);
    ws2__trace_end(t, "layer", &shown, "WSPStartup(wVersionRequested=%u.%u, lpProtocolInfo=[entry %lu]) = %s",
                   LOBYTE(wVersionRequested), HIBYTE(wVersionRequested), (unsigned long)given,
                   ws2__trace_error_name(r));
    if (r == 0)
        wrap("layer", id, kept, lpProcTable);
    return r;
}
