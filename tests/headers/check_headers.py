#!/usr/bin/env python3
"""Public header checks for ws2posix.

1. Self-containment: every public header compiles alone (`#include <X>` and
   nothing else) as C11 and as C++17 with -Wall -Wextra -Werror -pedantic.
2. Include order: the order_*.c cases next to this script compile in
   -std=c11, gnu11, c++17 and gnu++17 and keep Winsock's meaning of fd_set,
   FD_SET, select, timeval and u_long (their static assertions say so).
   A case whose first line says "must be refused" must fail to compile,
   with a message that contains "ws2posix".

usage: check_headers.py --include DIR --cc CC... [--cxx C++|none]
"""

import argparse
import concurrent.futures
import glob
import os
import shlex
import shutil
import subprocess
import sys

# The headers the project promises (docs/CONVENTIONS.md and the issue).
EXPECTED = ["windef.h", "windows.h", "winsock2.h", "ws2def.h", "inaddr.h",
            "in6addr.h", "ws2ipdef.h", "ws2tcpip.h", "mstcpip.h", "mswsock.h",
            "ws2spi.h", "sporder.h", "qos.h"]
STRICT = ["-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only"]
C_STDS = ["-std=c11", "-std=gnu11"]
CXX_STDS = ["-std=c++17", "-std=gnu++17"]


def run(cmd, stdin_text=None):
    proc = subprocess.run(cmd, input=stdin_text, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    return proc.returncode, proc.stderr


def first_lines(text, n=6):
    lines = [l for l in text.splitlines() if l.strip()]
    return "\n      ".join(lines[:n])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--include", required=True)
    ap.add_argument("--cc", required=True, nargs="+")
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--cases", default=os.path.dirname(
        os.path.abspath(__file__)))
    args = ap.parse_args()

    cc = args.cc
    if len(cc) == 1 and " " in cc[0]:
        cc = shlex.split(cc[0])
    cxx = None
    if args.cxx not in ("", "none"):
        cxx = shlex.split(args.cxx)
        if not shutil.which(cxx[0]):
            cxx = None
    include = os.path.abspath(args.include)
    inc = ["-I", include, "-I", os.path.abspath(args.cases)]

    headers = sorted(os.path.basename(p)
                     for p in glob.glob(os.path.join(include, "*.h")))
    missing = [h for h in EXPECTED if h not in headers]

    jobs = []  # (name, cmd, stdin, must_fail)
    for h in headers:
        src = "#include <%s>\n" % h
        jobs.append(("alone %-12s c11  " % h,
                     cc + ["-std=c11", "-x", "c"] + STRICT + inc + ["-"],
                     src, False))
        if cxx:
            jobs.append(("alone %-12s c++17" % h,
                         cxx + ["-std=c++17", "-x", "c++"] + STRICT + inc
                         + ["-"], src, False))
    cases = sorted(glob.glob(os.path.join(args.cases, "order_*.c")))
    for case in cases:
        with open(case, encoding="utf-8") as f:
            head = f.read(400)
        must_fail = "must be refused" in head
        name = os.path.basename(case)
        for std in C_STDS:
            jobs.append(("order %s %s" % (name, std[5:]),
                         cc + [std, "-x", "c"] + STRICT + inc + [case],
                         None, must_fail))
        if cxx:
            for std in CXX_STDS:
                jobs.append(("order %s %s" % (name, std[5:]),
                             cxx + [std, "-x", "c++"] + STRICT + inc + [case],
                             None, must_fail))

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 4) as ex:
        results = list(ex.map(lambda j: run(j[1], j[2]), jobs))
    for (name, cmd, _, must_fail), (rc, err) in zip(jobs, results):
        if must_fail:
            ok = rc != 0 and "ws2posix" in err
            why = ("compiled, but must be refused" if rc == 0 else
                   "refused, but the message does not name ws2posix:\n      "
                   + first_lines(err))
        else:
            ok = rc == 0
            why = first_lines(err)
        if ok:
            print("PASS %s" % name)
        else:
            failed += 1
            print("FAIL %s\n      %s" % (name, why))
    for h in missing:
        failed += 1
        print("FAIL missing public header include/%s" % h)
    if not cxx:
        print("note: no C++ compiler: C++ checks skipped")
    print("headers: %d checks, %d failed (%d headers, %d include-order cases)"
          % (len(jobs) + len(missing), failed, len(headers), len(cases)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
