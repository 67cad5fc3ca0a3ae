#!/bin/sh
# run-tests.sh: README command 2. Installs what is missing, builds with
# warnings as errors, and runs every test suite under a private X display and
# session bus (the UI tests need them; the rest ignore them).
set -eu
cd "$(dirname "$0")/.."
./build-aux/install-deps.sh

build=_build-test
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dwerror=true
else
  meson configure "$build" -Dwerror=true >/dev/null
fi
ninja -C "$build"

xvfb-run -a -s '-screen 0 1280x1024x24' \
  dbus-run-session -- \
  meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
