#!/bin/bash
# test-org-defaults.sh RDP_DOCTOR OUTDIR: an organisation's defaults, set the
# documented way (the key file; RD_ORG_CONFIG names it for the test), show up
# in the wizard: the gateway field is filled in, the help desk and the
# organisation's note under a cause are on the diagnosis. Read over AT-SPI. TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
app=${1:?}; outdir=${2:?}

if [ -z "${RD_ORG_INNER:-}" ]; then
  export RD_ORG_INNER=1
  command -v xvfb-run >/dev/null && command -v dbus-run-session >/dev/null ||
    { echo "1..0 # SKIP no xvfb-run or dbus-run-session"; exit 0; }
  exec xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- "$0" "$@"
fi
mkdir -p "$outdir"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/config/gtk-4.0"
printf '[Settings]\ngtk-cursor-blink=false\ngtk-enable-animations=false\n' >"$tmp/config/gtk-4.0/settings.ini"
export XDG_CONFIG_HOME="$tmp/config" GSETTINGS_BACKEND=memory ADW_DISABLE_PORTAL=1 LC_ALL=C.UTF-8 LANGUAGE=
# A loopback gateway on a closed port: the gateway check runs, and nothing
# leaves this machine.
cat >"$tmp/organization.conf" <<'CONF'
[Organization]
DefaultGateway=127.0.0.1:9
HelpdeskName=Example IT Service Desk
HelpdeskContact=extension 4242
[CauseNotes]
port-closed=Our servers listen on port 3390: try that first.
gateway-unreachable=Our gateway is rdgw.example.com; connect the VPN first.
CONF
export RD_ORG_CONFIG="$tmp/organization.conf"

n=0; bad=0
ok () { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi; }

# names: what must be among the accessible names or texts of the window
names () {
  /usr/bin/python3 - "$1" <<'PY' 2>/dev/null
import sys, pyatspi
pid = int(sys.argv[1])
seen = set()
def walk(node, depth=0):
    if node is None or depth > 60:
        return
    seen.add(node.name or "")
    try:
        text = node.queryText()
        seen.add(text.getText(0, text.characterCount))
    except Exception:
        pass
    for child in node:
        walk(child, depth + 1)
for app in pyatspi.Registry.getDesktop(0):
    if app is not None and app.get_process_id() == pid:
        walk(app)
print("\n".join(s for s in seen if s))
PY
}

"$app" >"$tmp/start.log" 2>&1 &
pid=$!
timeout 20 xdotool search --sync --onlyvisible --pid "$pid" >/dev/null 2>&1
sleep 1.5
names "$pid" >"$tmp/start.names"
import -window root "$outdir/org-start.png" 2>/dev/null
kill "$pid"; wait "$pid" 2>/dev/null
ok $(grep -qxF "127.0.0.1:9" "$tmp/start.names"; echo $?) "the start page's gateway field holds the organisation's gateway"

"$app" 127.0.0.1:1 >"$tmp/run.log" 2>&1 &
pid=$!
timeout 20 xdotool search --sync --onlyvisible --pid "$pid" >/dev/null 2>&1
sleep 5
names "$pid" >"$tmp/run.names"
import -window root "$outdir/org-results.png" 2>/dev/null
kill "$pid"; wait "$pid" 2>/dev/null
ok $(grep -qF "Example IT Service Desk" "$tmp/run.names"; echo $?) "the diagnosis names the organisation's help desk"
ok $(grep -qF "extension 4242" "$tmp/run.names"; echo $?) "and its contact"
ok $(grep -qE "Our (servers listen on port 3390|gateway is rdgw)" "$tmp/run.names"; echo $?) "the organisation's note stands under the cause"
ok $(! grep -qE "CRITICAL|WARNING" "$tmp/start.log" "$tmp/run.log"; echo $?) "no warnings"
echo "# screenshots: $outdir/org-start.png $outdir/org-results.png"
echo "1..$n"
exit $bad
