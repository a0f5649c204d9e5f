/* POSIX world: finds or makes a network namespace where multicast loops
 * back (see mcast_env.h). Plain sockets here, none of ws2posix's. */
#define _GNU_SOURCE
#include "mcast_env.h"
#include "netns_env.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* in6_rtmsg, as <linux/ipv6_route.h> has it (that header clashes with libc's). */
struct rtmsg6 {
    struct in6_addr dst, src, gateway;
    uint32_t type;
    uint16_t dst_len, src_len;
    uint32_t metric;
    unsigned long info;
    uint32_t flags;
    int ifindex;
};

static int probe(int v6) {
    int fam = v6 ? AF_INET6 : AF_INET, a = socket(fam, SOCK_DGRAM, 0), b = socket(fam, SOCK_DGRAM, 0), ok = 0;
    int one = 1;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_family = (sa_family_t)fam;
    if (a < 0 || b < 0)
        goto out;
    setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(a, (struct sockaddr *)&ss, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) != 0 ||
        getsockname(a, (struct sockaddr *)&ss, &len) != 0 || bind(b, (struct sockaddr *)&ss, len) != 0)
        goto out;
    if (v6) {
        struct ipv6_mreq m = {.ipv6mr_interface = 0};
        inet_pton(AF_INET6, "ff15::7777", &m.ipv6mr_multiaddr);
        if (setsockopt(b, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m) != 0)
            goto out;
        ((struct sockaddr_in6 *)&ss)->sin6_addr = m.ipv6mr_multiaddr;
    } else {
        struct ip_mreq m = {.imr_interface.s_addr = htonl(INADDR_ANY)};
        inet_pton(AF_INET, "239.255.77.77", &m.imr_multiaddr);
        if (setsockopt(b, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0)
            goto out;
        ((struct sockaddr_in *)&ss)->sin_addr = m.imr_multiaddr;
    }
    if (sendto(a, "probe", 5, 0, (struct sockaddr *)&ss, len) != 5)
        goto out;
    struct pollfd p = {.fd = b, .events = POLLIN};
    char buf[8];
    ok = poll(&p, 1, 500) == 1 && recv(b, buf, sizeof buf, MSG_DONTWAIT) == 5;
out:
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    return ok;
}

static int private_namespace(char *why, size_t n) {
    if (!netns_private(why, n))
        return 0;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
        snprintf(why, n, "lo in the new namespace: %s", strerror(errno));
        return 0;
    }
    ifr.ifr_flags |= IFF_UP | IFF_MULTICAST;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) {
        snprintf(why, n, "lo up multicast: %s", strerror(errno));
        close(fd);
        return 0;
    }
    /* 224.0.0.0/4 dev lo: joins on "any interface" need a route to pick lo. */
    struct rtentry rt;
    memset(&rt, 0, sizeof rt);
    struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst, *mask = (struct sockaddr_in *)&rt.rt_genmask;
    dst->sin_family = mask->sin_family = AF_INET;
    dst->sin_addr.s_addr = htonl(0xe0000000u);
    mask->sin_addr.s_addr = htonl(0xf0000000u);
    rt.rt_flags = RTF_UP;
    rt.rt_dev = (char *)"lo";
    ioctl(fd, SIOCADDRT, &rt); /* a failure shows in the probe */
    close(fd);
    int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd6 >= 0) {
        struct rtmsg6 r6;
        memset(&r6, 0, sizeof r6);
        inet_pton(AF_INET6, "ff00::", &r6.dst);
        r6.dst_len = 8;
        r6.metric = 1;
        r6.flags = RTF_UP;
        r6.ifindex = (int)if_nametoindex("lo");
        ioctl(fd6, SIOCADDRT, &r6);
        close(fd6);
    }
    return 1;
}

int mcast_env_ready(int v6, char *why, size_t n) {
    static int in_private_ns;
    if (probe(v6))
        return in_private_ns ? 2 : 1;
    if (!in_private_ns) {
        if (!private_namespace(why, n))
            return 0;
        in_private_ns = 1;
        if (probe(v6))
            return 2;
    }
    snprintf(why, n, "%s multicast does not come back on this host, nor on lo in a private network namespace",
             v6 ? "IPv6" : "IPv4");
    return 0;
}
