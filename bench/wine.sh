#!/bin/sh
# Build the Winsock half of each workload with mingw-w64 as Windows programs
# and run them under Wine, next to the native build's numbers.
#
#   apt-get install gcc-mingw-w64-x86-64 wine64     (Debian 12)
#   bench/wine.sh [native-builddir] [workload ...]
#
# native-builddir (default build-bench): a release build of this tree, e.g.
#   meson setup build-bench --buildtype=release && ninja -C build-bench
# whose bench-<name> programs run first (ws2posix and raw POSIX), then the
# same source through Wine's ws2_32 ("wine" lines); WINE_ONLY=1 skips the
# native runs. Optional in CI.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
native=${1:-build-bench}
[ $# -gt 0 ] && shift
workloads=${*:-socket pingpong pump select calls}
out=${WINE_BENCH_OUT:-$native/bench-wine}
CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)}
export WINEDEBUG=${WINEDEBUG:--all}
export WINEPREFIX=${WINEPREFIX:-$HOME/.wine-ws2posix-bench}
mkdir -p "$out"
for w in $workloads; do
    extra=$src/bench_ws.c
    [ "$w" = socket ] && extra=
    $CC -O2 -Wall -Wextra -o "$out/bench-$w.exe" "$src/bench_$w.c" $extra "$src/bench.c" -lws2_32 -lpsapi
done
"$WINE" wineboot -i >/dev/null 2>&1 || true
for w in $workloads; do
    if [ -z "${WINE_ONLY:-}" ] && [ -x "$native/bench/bench-$w" ]; then
        "$native/bench/bench-$w"
    fi
    "$WINE" "$out/bench-$w.exe"
done
