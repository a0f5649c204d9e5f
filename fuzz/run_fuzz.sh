#!/bin/sh
# run_fuzz.sh TARGET SEEDS WORKDIR SECONDS: run a libFuzzer target for a
# bounded time from its seed corpus; new inputs go to WORKDIR/corpus (the
# seeds in the source tree are never written), a crash to WORKDIR/crash-*.
# Prints "fuzz: <target>: N executions, C crashes"; fails on a crash.
set -u
target=$1 seeds=$2 work=$3 seconds=$4
name=$(basename "$target")
mkdir -p "$work/corpus"
log="$work/log.txt"
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" "$seeds" >"$log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
crashes=$(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | wc -l)
if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    [ "$crashes" -gt 0 ] || crashes=1
fi
echo "fuzz: $name: ${runs:-0} executions, $crashes crashes (corpus $(ls "$work/corpus" | wc -l) inputs)"
# any failure is 1 (libFuzzer may exit 77, which Meson would count as a skip)
[ "$status" -eq 0 ] || exit 1
