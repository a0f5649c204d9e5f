/* A private network namespace for tests that need the kernel to report an
 * address change (SIO_ADDRESS_LIST_CHANGE): POSIX world, see netns_env.h. */
#define _GNU_SOURCE
#include "netns_env.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int netns_private(char *why, size_t n) {
    if (geteuid() != 0) {
        snprintf(why, n, "not root, so no private network namespace can be made");
        return 0;
    }
    if (unshare(CLONE_NEWNET) != 0) {
        snprintf(why, n, "unshare(CLONE_NEWNET): %s", strerror(errno));
        return 0;
    }
    return 1;
}

int netns_lo_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int err = 0;
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
        err = errno;
    else {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
            err = errno;
    }
    if (fd >= 0)
        close(fd);
    return err;
}
