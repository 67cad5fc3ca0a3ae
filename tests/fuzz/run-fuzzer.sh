#!/bin/sh
# run-fuzzer.sh FUZZER SECONDS SEEDS REGRESSIONS WORK [DICT]: one fuzz test.
# Replays every kept crash input, then fuzzes for SECONDS (RD_FUZZ_SECONDS
# overrides it) from the seeds and the corpus WORK kept from earlier runs.
# Fails on any crash, leak, UBSan report, timeout (-timeout=5) or memory blow-up.
set -u
fuzzer=$1 seconds=${RD_FUZZ_SECONDS:-$2} seeds=$3 regressions=$4 work=$5 dict=${6:-}
name=$(basename "$fuzzer")

mkdir -p "$work/corpus" "$work/crashes"

# 1. every regression input, as plain inputs
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
  echo "== $name: replaying $(ls "$regressions" | wc -l) regression inputs"
  "$fuzzer" -timeout=5 -rss_limit_mb=2048 -error_exitcode=1 -timeout_exitcode=1 "$regressions"/* || {
    echo "$name: a regression input in $regressions fails again" >&2
    exit 1
  }
fi

# 2. fuzzing. New inputs go to the first corpus directory (in the build
# directory); the seeds in the source tree are only read. libFuzzer's own
# exit code for a crash, 77, would read as "skipped" to meson test.
set -- -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -print_final_stats=1 -artifact_prefix="$work/crashes/"
if [ -n "$dict" ] && [ -f "$dict" ]; then
  set -- "$@" -dict="$dict"
fi
echo "== $name: fuzzing for $seconds s"
# a hard stop well after libFuzzer's own
timeout -s KILL $((seconds * 2 + 120)) "$fuzzer" "$@" "$work/corpus" "$seeds"
rc=$?
[ $rc -eq 77 ] && rc=1
if [ $rc -ne 0 ]; then
  echo "$name: failed (exit $rc). The input is in $work/crashes/;" >&2
  echo "fix the bug, then keep the input in $regressions/." >&2
fi
exit $rc
