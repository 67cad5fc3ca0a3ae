#!/bin/bash
# test-wizard-language.sh RDP_DOCTOR OUTDIR LANG...: the wizard's start page in
# each language, on a display of its own: the translated heading is what a
# screen reader reads (AT-SPI), and a screenshot shows whether it fits. TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
app=${1:?}; outdir=${2:?}; shift 2

if [ -z "${RD_L10N_INNER:-}" ]; then
  export RD_L10N_INNER=1
  command -v xvfb-run >/dev/null && command -v dbus-run-session >/dev/null ||
    { echo "1..0 # SKIP no xvfb-run or dbus-run-session"; exit 0; }
  exec xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- "$0" "$app" "$outdir" "$@"
fi
: "${RD_LOCALEDIR:?}"
mkdir -p "$outdir"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/config/gtk-4.0"
printf '[Settings]\ngtk-cursor-blink=false\ngtk-enable-animations=false\n' >"$tmp/config/gtk-4.0/settings.ini"
export XDG_CONFIG_HOME="$tmp/config" GSETTINGS_BACKEND=memory ADW_DISABLE_PORTAL=1 LC_ALL=C.UTF-8

n=0; bad=0
ok () { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi; }

for lang in "$@"; do
  heading=$(LANGUAGE=$lang TEXTDOMAINDIR=$RD_LOCALEDIR gettext -d rdp-doctor "Why Can’t I Connect?")
  LANGUAGE=$lang "$app" >"$tmp/$lang.log" 2>&1 &
  pid=$!
  wid=$(timeout 20 xdotool search --sync --onlyvisible --pid "$pid" 2>/dev/null | head -1)
  sleep 1.5
  [ -n "$wid" ] && xdotool windowsize "$wid" 720 760 && sleep 0.7
  import -window "${wid:-root}" "$outdir/start-$lang.png" 2>/dev/null
  found=$(/usr/bin/python3 - "$pid" "$heading" <<'PY' 2>/dev/null
import sys, pyatspi
pid, wanted = int(sys.argv[1]), sys.argv[2]
for app in pyatspi.Registry.getDesktop(0):
    if app is None or app.get_process_id() != pid:
        continue
    hit = pyatspi.findDescendant(app, lambda n: n is not None and n.name == wanted)
    print("yes" if hit is not None else "no")
PY
)
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  ok $([ "$heading" != "Why Can’t I Connect?" ]; echo $?) "$lang: the heading has a translation"
  ok $([ "$found" = yes ]; echo $?) "$lang: the start page shows “$heading”"
  ok $(! grep -qE "CRITICAL|WARNING" "$tmp/$lang.log"; echo $?) "$lang: no warnings"
  echo "# screenshot: $outdir/start-$lang.png"
done
echo "1..$n"
exit $bad
