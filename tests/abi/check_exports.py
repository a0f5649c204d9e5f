#!/usr/bin/env python3
"""ws2posix must not interpose on libc.

1. `nm -D --defined-only` of libws2posix.so: no exported name may be a name
   the C library exports (socket, send, select, htons, getaddrinfo ...), and
   no internal name (ws2__, wsp__, sys__, uv_) may leak out.
2. A program that calls the BSD-named Winsock functions through our headers
   must reference their w2p_ symbols and never libc's, and must link against
   the library.

usage: check_exports.py --lib libws2posix.so --include DIR --cc CC...
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

# Names Winsock shares with the C library / POSIX. The list is completed at
# run time with every symbol the system's libc exports.
LIBC_NAMES = """
socket socketpair bind connect listen accept accept4 send recv sendto recvfrom
sendmsg recvmsg sendmmsg recvmmsg select pselect poll ppoll shutdown getsockopt
setsockopt getsockname getpeername close read write readv writev ioctl fcntl
dup dup2 pipe open sockatmark htons htonl ntohs ntohl inet_addr inet_ntoa
inet_aton inet_pton inet_ntop inet_network inet_makeaddr inet_lnaof inet_netof
getaddrinfo freeaddrinfo getnameinfo gai_strerror gethostbyname gethostbyname2
gethostbyaddr gethostbyname_r gethostbyaddr_r gethostent sethostent endhostent
gethostname sethostname getservbyname getservbyport getservent setservent
endservent getprotobyname getprotobynumber getprotoent setprotoent endprotoent
getnetbyname getnetbyaddr herror hstrerror h_errno __h_errno_location
if_nametoindex if_indextoname if_nameindex if_freenameindex getifaddrs
freeifaddrs epoll_create epoll_create1 epoll_ctl epoll_wait eventfd
errno __errno_location strerror perror malloc free calloc realloc sleep
usleep nanosleep pthread_create pthread_join pthread_self getpid gettid
""".split()

# What a program built against our headers must call instead of libc.
BSD_CALLS = ["socket", "bind", "connect", "listen", "accept", "send", "recv",
             "sendto", "recvfrom", "select", "shutdown", "getsockopt",
             "setsockopt", "getsockname", "getpeername", "htons", "htonl",
             "ntohs", "ntohl", "inet_addr", "inet_ntoa", "inet_pton",
             "inet_ntop", "getaddrinfo", "freeaddrinfo", "getnameinfo",
             "gethostbyname", "gethostname"]

PROG = r"""
#include <winsock2.h>
#include <ws2tcpip.h>
int main(void)
{
    WSADATA wsa;
    SOCKET s;
    struct sockaddr_in sin;
    struct addrinfo *ai = NULL;
    char buf[64], host[64];
    int len = (int)sizeof(sin);
    fd_set rd;
    struct timeval tv = {0, 0};
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&sin, len);
    listen(s, SOMAXCONN);
    getsockname(s, (struct sockaddr *)&sin, &len);
    getpeername(s, (struct sockaddr *)&sin, &len);
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    select(0, &rd, NULL, NULL, &tv);
    closesocket(accept(s, NULL, NULL));
    connect(s, (struct sockaddr *)&sin, len);
    send(s, "x", 1, 0);
    recv(s, buf, sizeof(buf), 0);
    sendto(s, "x", 1, 0, (struct sockaddr *)&sin, len);
    recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&sin, &len);
    getsockopt(s, SOL_SOCKET, SO_TYPE, buf, &len);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, buf, 4);
    shutdown(s, SD_BOTH);
    (void)ntohs(sin.sin_port);
    (void)ntohl(sin.sin_addr.s_addr);
    (void)inet_addr("127.0.0.1");
    (void)inet_ntoa(sin.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof(buf));
    if (getaddrinfo("localhost", "80", NULL, &ai) == 0)
        freeaddrinfo(ai);
    getnameinfo((struct sockaddr *)&sin, len, host, sizeof(host), buf,
                sizeof(buf), NI_NUMERICHOST);
    (void)gethostbyname("localhost");
    gethostname(host, sizeof(host));
    closesocket(s);
    WSACleanup();
    return 0;
}
"""


def sh(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


def nm_names(nm, path, flags):
    rc, out, err = sh([nm] + flags + [path])
    if rc != 0:
        raise RuntimeError("%s %s: %s" % (nm, path, err.strip()))
    names = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            name = parts[-1].split("@")[0]
            names[name] = parts[-2]
    return names


def libc_exports(cc, nm):
    names = set(LIBC_NAMES)
    for lib in ("libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2",
                "libresolv.so.2", "libanl.so.1"):
        rc, out, _ = sh(cc + ["-print-file-name=" + lib])
        path = out.strip()
        if rc == 0 and os.path.isabs(path) and os.path.exists(path):
            try:
                names |= set(nm_names(nm, path, ["-D", "--defined-only"]))
            except RuntimeError:
                pass
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, help="built libws2posix.so")
    ap.add_argument("--include", required=True)
    ap.add_argument("--cc", required=True, nargs="+")
    ap.add_argument("--nm", default="nm")
    args = ap.parse_args()
    cc = args.cc
    if len(cc) == 1 and " " in cc[0]:
        cc = shlex.split(cc[0])
    failed = 0

    # 1. what the library exports
    exported = nm_names(args.nm, args.lib, ["-D", "--defined-only"])
    exported = {n: t for n, t in exported.items()
                if t not in ("A",) and n and not n.startswith("_init")
                and n not in ("_fini", "_edata", "_end", "__bss_start")}
    libc = libc_exports(cc, args.nm)
    clash = sorted(n for n in exported if n in libc)
    leaks = sorted(n for n in exported
                   if n.startswith(("ws2__", "wsp__", "sys__", "uv_", "uv__")))
    for n in clash:
        print("FAIL libws2posix exports the libc name %s" % n)
    for n in leaks:
        print("FAIL libws2posix exports the internal name %s" % n)
    failed += len(clash) + len(leaks)
    print("exports: %d exported symbols checked against %d libc names: "
          "%d libc names, %d internal names"
          % (len(exported), len(libc), len(clash), len(leaks)))

    # 2. a program built against our headers calls w2p_*
    with tempfile.TemporaryDirectory(prefix="w2p-exports-") as tmp:
        src = os.path.join(tmp, "prog.c")
        obj = os.path.join(tmp, "prog.o")
        exe = os.path.join(tmp, "prog")
        with open(src, "w") as f:
            f.write("#include <string.h>\n" + PROG)
        rc, _, err = sh(cc + ["-std=c11", "-c", "-I", args.include, src,
                              "-o", obj])
        if rc != 0:
            print("FAIL prog.c does not compile against our headers:\n  "
                  + "\n  ".join(err.strip().splitlines()[:12]))
            print("exports: %d failures" % (failed + 1))
            return 1
        undef = nm_names(args.nm, obj, ["--undefined-only"])
        for name in BSD_CALLS:
            if name in undef:
                print("FAIL prog.o references libc's %s (want w2p_%s)"
                      % (name, name))
                failed += 1
            elif "w2p_" + name not in undef:
                print("FAIL prog.o does not reference w2p_%s" % name)
                failed += 1
        print("exports: prog.o references %s"
              % " ".join(sorted(n for n in undef if n.startswith("w2p_"))))
        libdir = os.path.dirname(os.path.abspath(args.lib))
        rc, _, err = sh(cc + [obj, "-o", exe, "-L", libdir, args.lib,
                              "-Wl,-rpath," + libdir])
        if rc != 0:
            undefined = sorted(set(re.findall(r"undefined reference to [`'](\w+)'",
                                              err)))
            if undefined:
                print("FAIL prog does not link against %s: %d functions "
                      "missing from the library: %s"
                      % (args.lib, len(undefined), " ".join(undefined)))
            else:
                print("FAIL prog does not link against %s:\n  %s"
                      % (args.lib,
                         "\n  ".join(err.strip().splitlines()[:20])))
            failed += 1
        else:
            print("PASS prog links against libws2posix")
    print("exports: %d failures" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
