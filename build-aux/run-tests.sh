#!/bin/sh
# run-tests.sh: README command 2. Installs what is missing, builds with
# warnings as errors, and runs every test suite under a private X display and
# session bus (the UI tests need them; the rest ignore them).
#
# Then the same suites again in a build with AddressSanitizer and
# UndefinedBehaviorSanitizer (_build-asan), and the fuzz targets for
# fuzz_seconds each (default 60; RD_FUZZ_SECONDS overrides it) in a clang
# build (_build-fuzz). Arguments go to the first `meson test` only.
# RD_TEST_STAGES picks stages (default: "normal asan fuzz").
set -eu
cd "$(dirname "$0")/.."
./build-aux/install-deps.sh

stages=${RD_TEST_STAGES:-normal asan fuzz}
started=$(mktemp)   # only the test logs written after this count below
trap 'rm -f "$started"' EXIT
summary=
failed=0

# stage NAME COMMAND...: runs one stage, times it, and goes on after a failure
stage () {
  name=$1; shift
  case " $stages " in *" $name "*) ;; *) return 0 ;; esac
  echo "=== run-tests: $name" >&2
  start=$(date +%s)
  if "$@"; then result=ok; else result=FAILED; failed=1; fi
  summary="$summary$(printf '%-8s %-6s %4d s' "$name" "$result" $(( $(date +%s) - start )))
"
}

# setup DIR OPTIONS...: configures DIR once, and applies OPTIONS again later
setup () {
  dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
  else
    meson configure "$dir" "$@" >/dev/null
  fi
}

# Everything on the private display and bus that the UI tests need.
headless () {
  xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- "$@"
}

normal () {
  build=_build-test
  setup "$build" -Dwerror=true &&
  ninja -C "$build" &&
  headless meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
}

# ASan + UBSan, gcc. LeakSanitizer checks our test programs and the wizard;
# tests/lsan.supp lists what GLib, libsoup, fontconfig and friends never free.
# intercept_tls_get_addr=0: gcc 12's LeakSanitizer misreads glibc 2.36's
# dynamic TLS and its tracer crashes ("Tracer caught signal 11") in any test
# that loaded a GIO module. G_SLICE=always-malloc lets ASan see GLib's slices.
asan_run () {
  more_asan_options=$1; shift
  ASAN_OPTIONS="detect_leaks=1:intercept_tls_get_addr=0$more_asan_options" \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  G_SLICE=always-malloc \
  headless meson test -C _build-asan --no-rebuild --print-errorlogs --num-processes 2 "$@"
}

# Tests whose programs run where LeakSanitizer cannot look, so that it checks
# memory errors there but not leaks:
# - bad-input runs the CLI under strace, and LeakSanitizer does not work under
#   ptrace;
# - ui-wizard-flows opens GtkFileChooserNative, which leaks inside GTK 4.8 (a
#   25-line program that opens and cancels one does too), where GTK's stacks
#   are too short to name in tests/lsan.supp (see below).
# - the scripts that run rdp-doctor-cli hundreds of times (cli, states, hostile,
#   gateway-cli, xrdp, peers): one of those short processes failed its exit
#   code once under load in a fresh-clone run while LeakSanitizer checked it;
#   the CLI's leaks are checked by valgrind against every scripted behaviour in
#   the normal stage (suite valgrind), and ASan/UBSan still check its memory here.
leaks_unchecked="bad-input ui-wizard-flows cli states hostile gateway-cli xrdp peers"

# asan_suites OPTIONS SUITE...: the tests of SUITEs, those in $leaks_unchecked
# without leak checking
asan_suites () {
  options=$1; shift
  checked= unchecked=
  for t in $(meson introspect _build-asan --tests | python3 -c 'import json, sys
suites = sys.argv[1:]
for t in json.load(sys.stdin):
    if any(s.split(":")[-1] in suites for s in t["suite"]):
        print(t["name"])' "$@"); do
    case " $leaks_unchecked " in
      *" $t "*) unchecked="$unchecked $t" ;;
      *) checked="$checked $t" ;;
    esac
  done
  status=0
  if [ -n "$checked" ]; then asan_run "$options" $checked || status=1; fi
  if [ -n "$unchecked" ]; then asan_run "$options:detect_leaks=0" $unchecked || status=1; fi
  return $status
}

asan () {
  build=_build-asan
  setup "$build" -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true &&
  ninja -C "$build" || return 1
  ok=0
  # Full stacks, so that a suppression can name a frame inside a library
  # built without frame pointers.
  asan_suites :fast_unwind_on_malloc=0:malloc_context_size=40 engine proto integration || ok=1
  # The UI: GTK allocates too much for full stacks (they make it ~100 times
  # slower), so a leak there shows only as malloc < g_malloc and
  # tests/lsan.supp can name fontconfig but not GTK. GL off: Mesa's driver is
  # unloaded before LeakSanitizer looks (the normal run covers GL rendering).
  (export GDK_DEBUG=gl-disable; asan_suites "" ui) || ok=1
  return $ok
}

# The libFuzzer targets: clang, only what they need, two at a time.
fuzz () {
  build=_build-fuzz
  if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzzing=true -Dwizard=false
  else
    meson configure "$build" -Dfuzzing=true -Dwizard=false >/dev/null
  fi &&
  ninja -C "$build" build.ninja &&   # regenerate first: the target list may have changed
  ninja -C "$build" $(meson introspect "$build" --targets |
    python3 -c 'import json, sys, os
for t in json.load(sys.stdin):
    if t["name"].startswith("fuzz-"):
        print(os.path.relpath(t["filename"][0], sys.argv[1]))' "$build") &&
  meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 2 --suite fuzz
}

stage normal normal "$@"
stage asan asan
stage fuzz fuzz

printf '=== run-tests: time per stage\n%s' "$summary" >&2

# One closing line for whoever reads the log: the test programs of every
# stage that ran, from meson's own records.
for dir in _build-test _build-asan _build-fuzz; do
  [ -f "$dir/meson-logs/testlog.json" ] && [ "$dir/meson-logs/testlog.json" -nt "$started" ] && echo "$dir/meson-logs/testlog.json"
done | python3 -c '
import json, sys
passed = failed = 0
for path in sys.stdin.read().split():
    for line in open(path):
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL", "SKIP"):
            passed += 1
        else:
            failed += 1
print("run-tests: %d passed, %d failed" % (passed, failed))'
exit $failed
