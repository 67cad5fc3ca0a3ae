#!/bin/sh
# bench/run.sh: RDP Doctor's benchmarks in one command (Debian 12, as root).
# Installs the Debian packages (build-aux/packages.txt: the build, nmap,
# sslscan, xrdp, nftables, iproute2), builds in _build-bench (the project's
# default buildtype, debugoptimized, with -Dwerror=true), then runs
# bench/run.py, which writes bench/RESULTS.md. Options go to bench/run.py:
#   ./bench/run.sh --quick         a quick look (about a minute and a half)
#   ./bench/run.sh --help          repetitions, scenarios, fleet jobs
# RD_BENCH_BUILD names another build directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/run.sh needs root: it makes a network namespace and nftables rules of its own." >&2
  exit 2
fi
"$top/build-aux/install-deps.sh"

build=${RD_BENCH_BUILD:-$top/_build-bench}
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" -Dwerror=true >&2
# Only what the benchmarks run: a test elsewhere in the tree that does not
# build yet does not stop them. The wizard (for bench/wizard.py) may fail
# on its own: the report then says it was not measured.
ninja -C "$build" src/cli/rdp-doctor-cli tests/server/rdp-doctor-test-server >&2
ninja -C "$build" src/app/rdp-doctor data/gschemas.compiled >&2 ||
  echo "bench/run.sh: the wizard did not build; it will not be measured" >&2

RD_BENCH_BUILD=$build exec /usr/bin/python3 "$top/bench/run.py" "$@"
