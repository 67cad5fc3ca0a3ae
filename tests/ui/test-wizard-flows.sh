#!/bin/bash
# test-wizard-flows.sh: the whole wizard as a person uses it, keyboard only,
# against the project's scripted RDP server (RD_TEST_SERVER).
#
#   test-wizard-flows.sh RDP_DOCTOR OUTDIR
#
# 1. Screenshots of every page (start, checking, results, fix, report), light
#    and dark, 1200 and 360 px wide, into OUTDIR (start-1200.png,
#    results-dark-360.png, …).
# 2. The headline for each scripted server state: a healthy host with and
#    without the 0x904 / 0x7 the user saw, Standard RDP Security only, a
#    service that closes at X.224, an unreadable certificate key, a closed port.
# 3. The fix of the certificate key: the copy button puts the command on the
#    clipboard (read back with xclip), the server is repaired (SIGUSR1 switches
#    its behaviour) and "check again" says "Fixed"; then the report is saved
#    through the file chooser and read back.
# 4. The guided actions, keyboard only: "Save Server Script…" saves the
#    fix's PowerShell script; "Open in FreeRDP with /sec:rdp…" shows the exact
#    command and runs nothing when cancelled (a stand-in xfreerdp would leave
#    a mark); "Save Corrected .rdp File…" writes the address; "Clear DNS
#    Cache" says that systemd-resolved is not there. Screenshots of the fix
#    page with its buttons and of the confirmation.
# 5. `rdp-doctor FILE.rdp` fills the wizard from the file and checks at once.
#
# The app's state is read from its G_MESSAGES_DEBUG lines. It fails on any
# critical or warning in the app's log. Exit 77 (skip) when there is no way
# to show a window.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

app=${1:?usage: test-wizard-flows.sh RDP_DOCTOR OUTDIR}
outdir=${2:?usage: test-wizard-flows.sh RDP_DOCTOR OUTDIR}

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

for tool in xdotool import xclip; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[ -x "${RD_TEST_SERVER:-}" ] || skip "the scripted server (RD_TEST_SERVER) is not built"
[ -x "$app" ] || { echo "FAIL: $app is not executable"; exit 1; }
mkdir -p "$outdir"

# The isolation of ui-env.sh (shared/reference/ui-testing.md)
tmp=$(mktemp -d)
mkdir -p "$tmp/config/gtk-4.0"
printf '[Settings]\ngtk-cursor-blink=false\ngtk-enable-animations=false\ngtk-font-name=Cantarell 11\n' \
  > "$tmp/config/gtk-4.0/settings.ini"
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export GSETTINGS_BACKEND=memory ADW_DISABLE_PORTAL=1
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
export G_MESSAGES_DEBUG=rd-window,rd-checking-page,rd-start-page,rd-results-page,rd-fix-page,rd-fix-step,rd-report-page,rd-action-button
export G_DEBUG=fatal-criticals
# No organisation settings from this machine
export RD_ORG_CONFIG="$tmp/no-organization.conf"

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
  sed 's/^/# /' "$applog" 2>/dev/null | tail -40
  exit 1
}

# start_server NAME BEHAVIOUR [ARGS…]: sets NAME_pid, NAME_address, NAME_out
start_server () {
  local name=$1 behaviour=$2 out="$tmp/server-$1.out" line=""
  shift 2

  "$RD_TEST_SERVER" --behaviour "$behaviour" "$@" >"$out" 2>"$tmp/server-$name.log" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    line=$(grep -m1 '^LISTENING ' "$out") && break
    sleep 0.1
  done
  [ -n "$line" ] || fail "the scripted server ($behaviour) did not say LISTENING"
  set -- $line
  printf -v "${name}_pid" '%s' "$pid"
  printf -v "${name}_address" '%s' "$2:$3"
  printf -v "${name}_out" '%s' "$out"
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

# wait_next PATTERN SECONDS: until PATTERN is logged once more than now
wait_next_start () { mark=$(count "$1"); }
wait_next () { wait_count "$1" $((mark + 1)) "$2"; }

# last TEXT: what follows TEXT in its last line in the log
last () { grep -F -- "$1" "$applog" | tail -1 | awk -v p="$1" '{ print substr($0, index($0, p) + length(p)) }'; }

shot () {
  sleep 0.5   # let the last frame settle
  import -window "$wid" "$outdir/$1.png" || fail "no screenshot $1.png"
  echo "# saved $outdir/$1.png"
}

# start_app NAME [VAR=value…] [-- ARGS…]
start_app () {
  local vars=() args=()
  applog="$tmp/app-$1.log"
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  args=("$@")
  env "${vars[@]}" "$app" "${args[@]}" >"$applog" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  wid=$(timeout 30 xdotool search --sync --onlyvisible --name '^RDP Doctor$' | head -1)
  [ -n "$wid" ] || fail "the window never appeared"
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
}

quit_app () {
  local rc
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  xdotool key ctrl+q
  for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$app_pid" 2>/dev/null && fail "Ctrl+Q did not quit"
  wait "$app_pid"; rc=$?
  [ "$rc" -eq 0 ] || fail "rdp-doctor exited with $rc"
  if grep -E -- '-(CRITICAL|WARNING) \*\*' "$applog"; then
    fail "rdp-doctor logged warnings"
  fi
}

resize () {
  xdotool windowsize "$wid" "$1" "$2"
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  sleep 0.4
}

type_target () {
  xdotool key --clearmodifiers ctrl+a BackSpace
  xdotool type --delay 15 "$1"
  wait_count "target “$1”: valid" 1 10 || fail "the start page never took “$1”"
}

# run ADDRESS: from the start page to the results; sets headline
run () {
  wait_next_start 'page: results$'
  type_target "$1"
  xdotool key Return
  wait_next 'page: results$' 60 || fail "no results for $1"
  headline=$(last 'headline: ')
}

go () {  # go KEY PAGE: a key that must lead to PAGE
  wait_next_start "page: $2\$"
  xdotool key "$1"
  wait_next "page: $2\$" 10 || fail "$1 did not lead to the $2 page"
}

start_server silent silent
start_server broken cert-key-inaccessible
start_server healthy windows
start_server rdponly rdp-only
start_server x224 close-at-x224
start_server fixable cert-key-inaccessible --then windows
# A port nobody listens on: a server's, once it is gone
start_server gone windows
kill "$gone_pid"; wait "$gone_pid" 2>/dev/null
closed_address=$gone_address

# ---- 1. every page, light and dark, wide and narrow ----------------------

# audit PAGE: every control on the accessibility bus has a clean name
audit () {
  [ -n "${audit_pages:-}" ] || return 0
  /usr/bin/python3 "$(dirname "$0")/a11y-audit.py" "$1" || fail "controls without a clean accessible name on the $1 page"
}

# shoot_pages SUFFIX: start, checking, results, fix, report
shoot_pages () {
  local suffix=$1

  type_target "$silent_address"
  shot "start$suffix"
  wait_next_start 'page: checking$'
  xdotool key Return
  wait_next 'page: checking$' 10 || fail "Return did not start checking"
  sleep 0.8   # a few checks done, the silent one still waiting
  shot "checking$suffix"
  wait_next_start 'page: start$'
  xdotool key Escape
  wait_next 'page: start$' 3 || fail "Escape did not cancel the silent run at once"

  audit start
  run "$broken_address"
  shot "results$suffix"
  audit results
  go alt+Right fix
  shot "fix$suffix"
  audit fix
  go alt+Right report
  shot "report$suffix"
  audit report
  go alt+Left fix
  go alt+Left results
  go alt+Left start
}

step "light"
start_app light
# The accessibility audit once, in the first pass
audit_pages=
/usr/bin/python3 -c 'import pyatspi' 2>/dev/null && audit_pages=1
for size in 1200x900 360x760; do
  resize "${size%x*}" "${size#*x}"
  shoot_pages "-${size%x*}"
  audit_pages=
done
ok "every page in light, 1200 and 360 px wide"
quit_app

step "dark"
start_app dark ADW_DEBUG_COLOR_SCHEME=prefer-dark
for size in 1200x900 360x760; do
  resize "${size%x*}" "${size#*x}"
  shoot_pages "-dark-${size%x*}"
done
ok "every page in dark, 1200 and 360 px wide"
quit_app

# ---- 2. the headline for each server state -------------------------------

start_app states
resize 1200 900

expect_headline () {  # expect_headline ADDRESS HEADLINE
  run "$1"
  [ "$headline" = "$2" ] || fail "$1: the headline is “$headline”, not “$2”"
  ok "$1: “$headline”"
  go alt+Left start
}

expect_headline "$healthy_address" "Nothing is wrong from here"
expect_headline "$rdponly_address" "The server only offers the old Standard RDP Security"
expect_headline "$x224_address" "The Remote Desktop service is not responding"
expect_headline "$broken_address" "The server’s certificate key can’t be read"
expect_headline "$closed_address" "Nothing is accepting Remote Desktop connections on this port"

# The error the user saw: its meaning at once, and a healthy host then
# points at the server side.
type_target "$healthy_address"
# past the recent computers' button to the error field
xdotool key Tab Tab
xdotool type --delay 15 "0x904 / 0x7"
wait_count 'error code “0x904 / 0x7”: Error code 0x904' 1 5 || fail "the error code's meaning was not shown"
ok "0x904 / 0x7 is explained as it is typed: $(last 'error code “0x904 / 0x7”: ' | head -c 80)…"
wait_next_start 'page: results$'
xdotool key Return
wait_next 'page: results$' 60 || fail "no results for $healthy_address with 0x904 / 0x7"
headline=$(last 'headline: ')
[ "$headline" = "Nothing is wrong from here" ] || fail "healthy with 0x904: the headline is “$headline”"
grep -q 'top: session-stuck' "$applog" || fail "healthy with 0x904 did not rank a server-side cause first"
shot "results-server-side-1200"
ok "healthy host with 0x904 / 0x7: “$headline”, server-side causes ranked (top: session-stuck)"
go alt+Left start
# Clear the code again for what follows
xdotool key Tab Tab ctrl+a BackSpace
xdotool key shift+Tab shift+Tab

# ---- 3. fix, copy, repair, check again, save the report ------------------

run "$fixable_address"
[ "$headline" = "The server’s certificate key can’t be read" ] || fail "the fixable host's headline is “$headline”"
go alt+Right fix
grep -q 'fix for cert-key-inaccessible: ' "$applog" || fail "the fix page is not the certificate key's"

# The first guided button has the focus: copy its command.
wait_next_start 'copied: '
xdotool key space
wait_next 'copied: ' 5 || fail "Space on the copy button copied nothing"
wait_count 'toast: Copied' 1 5 || fail "no “Copied” toast"
copied=$(last 'copied: ')
clip=$(timeout 5 xclip -o -selection clipboard)
[ "$clip" = "$copied" ] || fail "the clipboard holds “$clip”, not “$copied”"
case $clip in
  icacls*) ;;
  *) fail "the copied command is “$clip”" ;;
esac
ok "the copy button put “$clip” on the clipboard"

# Check again while still broken: still failing
wait_next_start 'recheck: '
xdotool key ctrl+r
wait_next 'recheck: ' 30 || fail "Ctrl+R did not check again"
[ "$(last 'recheck: ')" = "Still failing — try the next cause" ] || fail "before the repair: “$(last 'recheck: ')”"
ok "check again before the repair: still failing"

# The administrator repairs the server.
kill -USR1 "$fixable_pid"
for _ in $(seq 50); do grep -q '^SWITCHED' "$fixable_out" && break; sleep 0.1; done
grep -q '^SWITCHED windows' "$fixable_out" || fail "the scripted server did not switch behaviour"
wait_next_start 'recheck: '
xdotool key ctrl+r
wait_next 'recheck: ' 30 || fail "Ctrl+R did not check again"
[ "$(last 'recheck: ')" = "Fixed" ] || fail "after the repair: “$(last 'recheck: ')”"
shot "fix-fixed-1200"
ok "check again after the repair: Fixed"

# Save the report as Markdown through the file chooser.
go alt+Right report
report="$tmp/saved/report.md"
mkdir -p "$tmp/saved"
wait_next_start 'save dialog: '
xdotool key Return
wait_next 'save dialog: ' 5 || fail "Return on “Save Report…” opened no dialog"
dialog=$(timeout 10 xdotool search --sync --onlyvisible --name '^Save Report$' | head -1)
[ -n "$dialog" ] || fail "the save dialog did not appear"
sleep 0.5
xdotool key --clearmodifiers ctrl+a
xdotool type --delay 10 "$report"
xdotool key Return
wait_count "saved: $report" 1 10 || fail "the report was not saved to $report"
[ -s "$report" ] || fail "$report is empty"
head -1 "$report" | grep -q "^# RDP Doctor: diagnosis of ${fixable_address}\$" || fail "$report does not start with its title: $(head -1 "$report")"
grep -q '^## What was checked' "$report" || fail "$report has no check table"
grep -q '^```json' "$report" || fail "$report has no evidence"
ok "the report was saved as Markdown ($(wc -c <"$report") bytes) and reads back"

quit_app

# ---- 4. the guided actions -----------------------------------------------

# A stand-in client: it notes every run (the local check asks its version;
# a connection would name the server with /v:).
mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho "$*" >> "%s"\necho "This is FreeRDP version 2.11.0"\n' "$tmp/client-runs" > "$tmp/bin/xfreerdp"
chmod +x "$tmp/bin/xfreerdp"

start_app actions "PATH=$tmp/bin:$PATH"
resize 1200 900

# focus_button LABEL: Tab through the page until the button LABEL has the focus
focus_button () {
  local before
  before=$(grep -c -F -- "focus: $1" "$applog")
  for _ in $(seq 60); do
    xdotool key Tab
    # one key at a time: the next Tab only once this one has landed
    for _ in 1 2 3 4 5 6; do
      sleep 0.05
      [ "$(grep -c -F -- "focus: $1" "$applog")" -gt "$before" ] && return 0
    done
  done
  fail "Tab never reached “$1”"
}

# save_as PATH: types PATH into the file chooser on show, and saves
save_as () {
  local dialog
  dialog=$(timeout 10 xdotool search --sync --onlyvisible --name "$2" | head -1)
  [ -n "$dialog" ] || fail "the dialog “$2” did not appear"
  sleep 0.5
  xdotool key --clearmodifiers ctrl+a
  xdotool type --delay 10 "$1"
  xdotool key Return
  wait_count "saved: $1" 1 10 || fail "nothing was saved to $1"
}

# 4a. The server script of the certificate key's fix
run "$broken_address"
go alt+Right fix
wait_next_start 'copied: '
xdotool key space
wait_next 'copied: ' 5 || fail "Space on the copy button copied nothing"
command=$(last 'copied: ')
focus_button "Save Server Script…"
shot "fix-actions-1200"
script="$tmp/saved/rdp-doctor-fix.ps1"
mkdir -p "$tmp/saved"
wait_next_start 'save dialog: '
xdotool key Return
wait_next 'save dialog: ' 5 || fail "Return on “Save Server Script…” opened no dialog"
[ "$(last 'save dialog: ')" = "rdp-doctor-fix-127.0.0.1.ps1" ] || fail "the suggested name is “$(last 'save dialog: ')”"
save_as "$script" '^Save Server Script$'
head -c 3 "$script" | od -An -tx1 | grep -q 'ef bb bf' || fail "$script has no byte order mark"
first=$(head -1 "$script" | sed 's/^\xef\xbb\xbf//; s/\r$//')
[ "$first" = "# RDP Doctor: server fix script" ] || fail "$script begins with “$first”"
grep -q -F -- "$command" "$script" || fail "$script lacks the step's command “$command”"
grep -q -F -- "-DryRun" "$script" || fail "$script has no -DryRun"
wait_count "toast: Saved as $script. Run it as administrator; add -DryRun" 1 5 || fail "no hint after saving the script"
ok "“Save Server Script…” saved the fix's script, with “$command”"
go alt+Left results
go alt+Left start

# 4b. Launching the client: the exact command, then Cancel runs nothing
run "$rdponly_address"
go alt+Right fix
focus_button "Open in FreeRDP with /sec:rdp…"
wait_next_start 'confirm: '
xdotool key Return
wait_next 'confirm: ' 10 || fail "Return on the launch button asked nothing"
shown=$(last 'confirm: ')
expected="$tmp/bin/xfreerdp /v:$rdponly_address /sec:rdp"
[ "$shown" = "$expected" ] || [ "$shown" = "'$tmp/bin/xfreerdp' '/v:$rdponly_address' '/sec:rdp'" ] \
  || fail "the confirmation shows “$shown”, not “$expected”"
confirm=$(timeout 10 xdotool search --sync --onlyvisible --name '^Run This Command\?$' | head -1)
[ -n "$confirm" ] || fail "the confirmation window did not appear"
# No window manager here: put the dialog over the window's middle, as one would
eval "$(xdotool getwindowgeometry --shell "$confirm")"
xdotool windowmove "$confirm" $(( (1200 - WIDTH) / 2 )) $(( (900 - HEIGHT) / 3 ))
sleep 0.6
import -window root -crop 1200x900+0+0 +repage "$outdir/confirm-launch-1200.png" || fail "no screenshot of the confirmation"
echo "# saved $outdir/confirm-launch-1200.png"
wait_next_start 'cancelled: launch-client'
xdotool key Escape
wait_next 'cancelled: launch-client' 5 || fail "Escape did not cancel the launch"
sleep 0.5
! grep -q -F '/v:' "$tmp/client-runs" 2>/dev/null || fail "the client ran although the launch was cancelled: $(cat "$tmp/client-runs")"
ok "the launch button showed “$shown” and Escape ran nothing"
go alt+Left results
go alt+Left start

# 4c. A name that leads to another computer: the corrected .rdp file and the DNS cache
wrong="localhost:${healthy_address##*:}"
run "$wrong"
grep -q 'top: dns-wrong-host' "$applog" || fail "$wrong is not diagnosed as the wrong computer"
go alt+Right fix
focus_button "Save Corrected .rdp File…"
rdp_out="$tmp/saved/corrected.rdp"
wait_next_start 'save dialog: '
xdotool key Return
wait_next 'save dialog: ' 5 || fail "Return on “Save Corrected .rdp File…” opened no dialog"
save_as "$rdp_out" '^Save Corrected Remote Desktop File$'
iconv -f UTF-16LE -t UTF-8 "$rdp_out" | tr -d '\r' | grep -E -q "full address:s:(127\.0\.0\.1|\[::1\]):${healthy_address##*:}\$" \
  || fail "$rdp_out does not hold the address: $(iconv -f UTF-16LE -t UTF-8 "$rdp_out" | head -3)"
wait_count "toast: Saved as $rdp_out" 1 5 || fail "no toast after saving the .rdp file"
ok "“Save Corrected .rdp File…” wrote $(iconv -f UTF-16LE -t UTF-8 "$rdp_out" | tr -d '\r\357\273\277\377\376' | head -1)"
focus_button "Clear DNS Cache"
wait_next_start 'confirm: flush-dns'
xdotool key Return
wait_next 'confirm: flush-dns' 5 || fail "Return on “Clear DNS Cache” asked nothing"
timeout 10 xdotool search --sync --onlyvisible --name '^Clear the DNS Cache\?$' >/dev/null || fail "no confirmation"
sleep 0.4
xdotool key Return
wait_count 'toast: systemd-resolved is not running' 1 15 || fail "no error toast: $(last 'dns flush: ')"
ok "“Clear DNS Cache” without systemd-resolved: “$(last "toast: ")”"
quit_app

# ---- 5. an .rdp file on the command line ---------------------------------

rdp="$tmp/pc42.rdp"
printf 'full address:s:%s\r\nusername:s:EXAMPLE\\ada\r\nenablecredsspsupport:i:1\r\n' "$broken_address" \
  | iconv -f UTF-8 -t UTF-16LE | { printf '\xff\xfe'; cat; } > "$rdp"
start_app file -- "$rdp"
wait_count 'page: results$' 1 60 || fail "rdp-doctor FILE.rdp did not reach the results"
grep -q "rdp file “pc42.rdp”: host “127.0.0.1” port “${broken_address##*:}” gateway “” user “EXAMPLE\\\\ada” protocols known" "$applog" \
  || fail "the .rdp file did not fill the fields: $(last 'rdp file ')"
[ "$(last 'headline: ')" = "The server’s certificate key can’t be read" ] || fail "FILE.rdp headline: $(last 'headline: ')"
ok "rdp-doctor FILE.rdp fills host, port and user name and checks at once"
quit_app
ok "no warnings in the app logs"
