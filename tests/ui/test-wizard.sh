#!/bin/bash
# test-wizard.sh: the real rdp-doctor window, used with the keyboard only,
# against the project's scripted RDP server (RD_TEST_SERVER).
#
#   test-wizard.sh RDP_DOCTOR OUTDIR
#
# For each window width (1200 and 360 px) it types an invalid and a valid
# target, starts with Return, cancels with Escape, goes back with Alt+Left,
# and waits for the results page of a closed port and of a healthy host. It
# saves a screenshot of every page to OUTDIR (start-1200.png, checking-1200.png,
# results-problems-1200.png, results-ok-1200.png, …).
#
# It fails when the app logs a critical or warning (a template that cannot be
# built is one), when a page does not come, or when a check never finishes.
# The app's state is read from its G_MESSAGES_DEBUG lines, never from special
# output. Exit 77 (skip) when there is no way to show a window.
#
# It runs itself inside its own Xvfb and D-Bus session (xvfb-run -a -s
# '-screen 0 1280x1024x24' dbus-run-session --) so the app's unique name and
# the screen size are its own, and it sends nothing beyond 127.0.0.1.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

app=${1:?usage: test-wizard.sh RDP_DOCTOR OUTDIR}
outdir=${2:?usage: test-wizard.sh RDP_DOCTOR OUTDIR}

skip () { echo "SKIP: $*"; exit 77; }

if [ -z "${RD_E2E_INNER:-}" ]; then
  export RD_E2E_INNER=1
  command -v dbus-run-session >/dev/null || skip "dbus-run-session is not installed"
  if command -v xvfb-run >/dev/null; then
    exec xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- "$0" "$@"
  elif [ -n "${DISPLAY:-}" ]; then
    exec dbus-run-session -- "$0" "$@"
  fi
  skip "no xvfb-run and no display"
fi

for tool in xdotool import; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[ -x "${RD_TEST_SERVER:-}" ] || skip "the scripted server (RD_TEST_SERVER) is not built"
[ -x "$app" ] || { echo "FAIL: $app is not executable"; exit 1; }
mkdir -p "$outdir"

# The isolation of ui-env.sh (shared/reference/ui-testing.md): no dconf, no
# portal, no blinking cursor or animations in the screenshots, English.
tmp=$(mktemp -d)
mkdir -p "$tmp/config/gtk-4.0"
# Cantarell is GNOME's font; fontconfig falls back where fonts-cantarell is missing.
printf '[Settings]\ngtk-cursor-blink=false\ngtk-enable-animations=false\ngtk-font-name=Cantarell 11\n' \
  > "$tmp/config/gtk-4.0/settings.ini"
export XDG_CONFIG_HOME="$tmp/config"
export GSETTINGS_BACKEND=memory ADW_DISABLE_PORTAL=1
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
export G_MESSAGES_DEBUG=rd-window,rd-checking-page,rd-start-page
export G_DEBUG=fatal-criticals
applog="$tmp/app.log"

pids=()
cleanup () {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

step () { echo "# $*"; }
ok () { echo "ok - $*"; }
fail () {
  echo "not ok - $*"
  echo "# --- app log ---"
  sed 's/^/# /' "$applog" 2>/dev/null | tail -60
  exit 1
}

# start_server BEHAVIOUR: sets server_pid and server_address ("127.0.0.1:PORT")
start_server () {
  local out="$tmp/server-$1.out" line=""

  "$RD_TEST_SERVER" --behaviour "$1" >"$out" 2>"$tmp/server-$1.log" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 100); do
    line=$(grep -m1 '^LISTENING ' "$out") && break
    sleep 0.1
  done
  [ -n "$line" ] || fail "the scripted server ($1) did not say LISTENING"
  set -- $line
  case $2 in
    *:*) server_address="[$2]:$3" ;;
    *) server_address="$2:$3" ;;
  esac
}

count () { grep -c -- "$1" "$applog" 2>/dev/null || true; }

# wait_count PATTERN N SECONDS: until PATTERN is in the log N times
wait_count () {
  local deadline=$((SECONDS + $3))
  while [ "$(count "$1")" -lt "$2" ]; do
    kill -0 "$app_pid" 2>/dev/null || fail "rdp-doctor exited while waiting for “$1”"
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

shot () {
  sleep 0.6   # let the last frame settle
  import -window "$wid" "$outdir/$1.png" || fail "no screenshot $1.png"
  echo "# saved $outdir/$1.png"
}

type_target () {
  xdotool key --clearmodifiers ctrl+a BackSpace
  xdotool type --delay 25 "$1"
  wait_count "target “$1”" 1 10 || fail "the start page never saw “$1”"
}

# run_to_results ADDRESS: types ADDRESS, presses Return, waits for the results
# and checks that every check of the run finished
run_to_results () {
  local results_before started_before finished_before n_checks

  results_before=$(count 'page: results$')
  started_before=$(count 'run started: ')
  finished_before=$(count 'rd-checking-page-DEBUG.*check [a-z0-9-]*: \(pass\|warn\|fail\|skipped\|error\):')
  type_target "$1"
  xdotool key Return
  wait_count 'run started: ' $((started_before + 1)) 10 || fail "Return did not start checking $1"
  wait_count 'page: results$' $((results_before + 1)) 120 \
    || fail "no results for $1 after 120 s: a check never finished"
  n_checks=$(grep 'run started: ' "$applog" | tail -1 | sed 's/.*run started: \([0-9]*\) checks.*/\1/')
  [ "$(count 'rd-checking-page-DEBUG.*check [a-z0-9-]*: \(pass\|warn\|fail\|skipped\|error\):')" -ge \
    $((finished_before + n_checks)) ] || fail "not every check of $1 reported a verdict"
  ok "$1: all $n_checks checks finished; $(grep 'diagnosis: ' "$applog" | tail -1 | sed 's/.*diagnosis: //')"
}

go_back () {
  local before
  before=$(count 'page: start$')
  xdotool key alt+Left
  wait_count 'page: start$' $((before + 1)) 10 || fail "Alt+Left did not go back to the start page"
  ok "Alt+Left went back to the start page"
}

start_server windows
healthy=$server_address
start_server silent
silent=$server_address
# A port nobody listens on: the server's, once it is gone.
start_server windows
closed=$server_address
kill "$server_pid"; wait "$server_pid" 2>/dev/null
step "healthy $healthy, silent $silent, closed $closed"

"$app" >"$applog" 2>&1 &
app_pid=$!
pids+=("$app_pid")
wid=$(timeout 30 xdotool search --sync --onlyvisible --name '^RDP Doctor$' | head -1)
[ -n "$wid" ] || fail "the window never appeared"
ok "the window appeared"

for size in 1200x900 360x760; do
  width=${size%x*}
  xdotool windowsize "$wid" "${size%x*}" "${size#*x}"
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  sleep 0.5
  step "window $size"

  # An invalid target: the message shows, Return does not start.
  type_target "pc42 example.com"
  grep -q 'target “pc42 example.com”: valid' "$applog" && fail "“pc42 example.com” was taken as valid"
  before=$(count 'run started: ')
  xdotool key Return
  sleep 0.5
  [ "$(count 'run started: ')" -eq "$before" ] || fail "Return started a run for an invalid target"
  shot "start-invalid-$width"
  ok "an invalid target is refused with a message"

  # The silent host: a run that waits; Escape cancels it at once.
  type_target "$silent"
  shot "start-$width"
  before_checking=$(count 'page: checking$')
  before_results=$(count 'page: results$')
  before_start=$(count 'page: start$')
  xdotool key Return
  wait_count 'page: checking$' $((before_checking + 1)) 10 || fail "Return did not open the checking page"
  sleep 0.4
  import -window "$wid" "$outdir/checking-$width.png"
  echo "# saved $outdir/checking-$width.png"
  if [ "$(count 'page: results$')" -gt "$before_results" ]; then
    # Only while the engine has no check that waits for an answer.
    echo "# the silent host's run finished before Escape: cancel not exercised"
    go_back
  else
    xdotool key Escape
    wait_count 'page: start$' $((before_start + 1)) 5 || fail "Escape did not cancel the run"
    sleep 1
    [ "$(count 'page: results$')" -eq "$before_results" ] \
      || fail "the cancelled run still opened the results page"
    ok "Escape cancelled the run and went back at once"
  fi

  # A closed port: causes and fixes.
  run_to_results "$closed"
  shot "results-problems-$width"
  go_back

  # The healthy demo host.
  run_to_results "$healthy"
  shot "results-ok-$width"
  go_back
done

# A second `rdp-doctor HOST` hands its command line to this window.
step "command line of a second instance"
before=$(count 'target “pc42 example.com”: ')
"$app" "pc42 example.com" >/dev/null 2>&1 || fail "rdp-doctor 'pc42 example.com' did not exit 0"
wait_count 'target “pc42 example.com”: ' $((before + 1)) 10 \
  || fail "the window did not take the bad target from the command line"
[ "$(tail -1 "$applog" | grep -c 'page: start$')" -eq 1 ] \
  || fail "a bad target on the command line did not show the start page"
ok "a bad target on the command line shows the start page with the message"

before=$(count 'page: results$')
"$app" "$closed" >/dev/null 2>&1 || fail "rdp-doctor $closed did not exit 0"
wait_count 'page: results$' $((before + 1)) 120 || fail "rdp-doctor $closed did not check at once"
ok "a target on the command line is checked at once"

"$app" one two >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "two targets on the command line exited with $rc, not 2"
ok "two targets on the command line are refused (status 2)"

# quit_app: Ctrl+Q quits cleanly
quit_app () {
  local rc
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  xdotool key ctrl+q
  for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$app_pid" 2>/dev/null && fail "Ctrl+Q did not quit"
  wait "$app_pid"; rc=$?
  [ "$rc" -eq 0 ] || fail "rdp-doctor exited with $rc"
  ok "Ctrl+Q quit with status 0"
  if grep -E -- '-(CRITICAL|WARNING) \*\*' "$applog"; then
    fail "rdp-doctor logged warnings"
  fi
  ok "no warnings in the app log"
}
quit_app

# The first instance, started with a target: straight to the results.
step "rdp-doctor $healthy"
applog="$tmp/app-with-target.log"
"$app" "$healthy" >"$applog" 2>&1 &
app_pid=$!
pids+=("$app_pid")
wid=$(timeout 30 xdotool search --sync --onlyvisible --name '^RDP Doctor$' | head -1)
[ -n "$wid" ] || fail "the window never appeared"
wait_count 'page: results$' 1 120 || fail "rdp-doctor $healthy did not reach the results"
grep -q 'page: start$' "$applog" && fail "rdp-doctor $healthy showed the start page first"
ok "rdp-doctor HOST opens the window and checks HOST at once"
quit_app
