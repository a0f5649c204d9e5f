/*
 * WSAIoctl codes about the host's interfaces: SIO_GET_INTERFACE_LIST,
 * SIO_ADDRESS_LIST_QUERY and SIO_ROUTING_INTERFACE_QUERY (F192, F194,
 * F195). The addresses come from the seam (sys/ifaces.c).
 */
#include "wsp.h"

#include <stdlib.h>
#include <string.h>
#include <ws2tcpip.h>

static int interface_list(wsp__sock *so, void *out, DWORD cb_out, DWORD *bytes, LPDWORD lpcb) {
    sys_ifaddr_t *l;
    size_t n;
    int err = sys__if_addrs(so->info.iAddressFamily, &l, &n);
    if (err)
        return err;
    if (!out || cb_out < sizeof(INTERFACE_INFO) || cb_out < n * sizeof(INTERFACE_INFO)) {
        free(l);
        *lpcb = 0;
        return WSAEFAULT; /* F194: size 0 */
    }
    INTERFACE_INFO *ii = out;
    for (size_t i = 0; i < n; i++) {
        /* sockaddr_gen holds an IPv6 address without its scope id */
        memset(&ii[i], 0, sizeof ii[i]);
        ii[i].iiFlags = l[i].w_flags;
        memcpy(&ii[i].iiAddress, l[i].addr, sizeof ii[i].iiAddress);
        memcpy(&ii[i].iiBroadcastAddress, l[i].broadcast, sizeof ii[i].iiBroadcastAddress);
        memcpy(&ii[i].iiNetmask, l[i].netmask, sizeof ii[i].iiNetmask);
    }
    *bytes = (DWORD)(n * sizeof(INTERFACE_INFO));
    free(l);
    return 0;
}

/* The socket's family's addresses, loopback's left out, as a
 * SOCKET_ADDRESS_LIST whose addresses follow the array in the buffer. */
static int address_list(wsp__sock *so, void *out, DWORD cb_out, DWORD *bytes, LPDWORD lpcb) {
    sys_ifaddr_t *l;
    size_t n, m = 0, need = offsetof(SOCKET_ADDRESS_LIST, Address);
    int err = sys__if_addrs(so->info.iAddressFamily, &l, &n);
    if (err)
        return err;
    for (size_t i = 0; i < n; i++)
        if (!(l[i].w_flags & IFF_LOOPBACK)) {
            l[m++] = l[i];
            need += sizeof(SOCKET_ADDRESS) + (size_t)l[m - 1].addr_len;
        }
    if (out && cb_out < offsetof(SOCKET_ADDRESS_LIST, Address)) {
        *lpcb = 0;
        err = WSAEINVAL; /* F192: not even the count fits */
    } else if (!out || cb_out < need) {
        *lpcb = (DWORD)need;
        err = WSAEFAULT; /* F192: the size it takes; the buffer untouched */
    } else {
        SOCKET_ADDRESS_LIST *list = out;
        char *addrs = (char *)out + offsetof(SOCKET_ADDRESS_LIST, Address) + m * sizeof(SOCKET_ADDRESS);
        list->iAddressCount = (INT)m;
        for (size_t i = 0; i < m; i++) {
            memcpy(addrs, l[i].addr, (size_t)l[i].addr_len);
            list->Address[i].lpSockaddr = (LPSOCKADDR)addrs;
            list->Address[i].iSockaddrLength = l[i].addr_len;
            addrs += l[i].addr_len;
        }
        *bytes = (DWORD)need;
    }
    free(l);
    return err;
}

static int routing_interface(const void *in, DWORD cb_in, void *out, DWORD cb_out, DWORD *bytes) {
    char src[SYS_W_SOCKADDR_MAX];
    int len = sizeof src;
    ADDRESS_FAMILY af;
    if (!in || cb_in < sizeof af)
        return WSAEFAULT;
    memcpy(&af, in, sizeof af);
    if (af != AF_INET && af != AF_INET6)
        return WSAEAFNOSUPPORT; /* F195: family 0 */
    int err = sys__route_source(in, (int)cb_in, src, &len);
    if (err)
        return err;
    if (!out || cb_out < (DWORD)len)
        return WSAEFAULT; /* F195 */
    memcpy(out, src, (size_t)len);
    *bytes = (DWORD)len;
    return 0;
}

int wsp__iface_ioctl(wsp__sock *so, DWORD code, const void *in, DWORD cb_in, void *out, DWORD cb_out,
                     DWORD *bytes, LPDWORD lpcb) {
    switch (code) {
    case SIO_GET_INTERFACE_LIST:
        return interface_list(so, out, cb_out, bytes, lpcb);
    case SIO_ADDRESS_LIST_QUERY:
        return address_list(so, out, cb_out, bytes, lpcb);
    default: /* SIO_ROUTING_INTERFACE_QUERY */
        return routing_interface(in, cb_in, out, cb_out, bytes);
    }
}
