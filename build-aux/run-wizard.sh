#!/bin/sh
# run-wizard.sh [HOST[:PORT] | FILE.rdp]: README command 1. Installs what is
# missing, builds, and opens the wizard. With no target it first starts the
# project's demo RDP server on loopback and diagnoses that, so a whole
# diagnosis can be seen without a Windows machine.
set -eu
cd "$(dirname "$0")/.."
./build-aux/install-deps.sh

build=_build
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build"

export RD_LOCALEDIR="$PWD/$build/po"
export GSETTINGS_SCHEMA_DIR="$PWD/$build/data"
server_pid=
cleanup () { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -f "${server_out:-}"; }
trap cleanup EXIT INT TERM

if [ $# -eq 0 ]; then
  server_out=$(mktemp)
  "$build/tests/server/rdp-doctor-test-server" --listen 127.0.0.1 --port 0 >"$server_out" 2>/dev/null &
  server_pid=$!
  for _ in $(seq 100); do grep -q '^LISTENING ' "$server_out" && break; sleep 0.05; done
  port=$(awk '/^LISTENING /{print $3}' "$server_out")
  [ -n "$port" ] || { echo "The demo server did not start." >&2; exit 1; }
  echo "Demo RDP server listening on 127.0.0.1:$port" >&2
  set -- "127.0.0.1:$port"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$build/src/app/rdp-doctor" "$@"
else
  # No desktop session (a server or a container): run the wizard on a virtual
  # display, let it finish the diagnosis, and keep a picture of it.
  shot="$PWD/$build/wizard.png"
  echo "No graphical session: running the wizard on a virtual display." >&2
  GSETTINGS_BACKEND=memory ADW_DISABLE_PORTAL=1 xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- \
    sh -c '"$1" "$2" & app=$!
           wid=$(timeout 20 xdotool search --sync --onlyvisible --name "RDP Doctor" | head -1)
           sleep 4
           import -window "${wid:-root}" "$3"
           kill "$app"
           wait "$app" 2>/dev/null || true   # it ends by our SIGTERM: not a failure' \
    sh "$build/src/app/rdp-doctor" "$1" "$shot"
  echo "The wizard's diagnosis is in $shot" >&2
fi
