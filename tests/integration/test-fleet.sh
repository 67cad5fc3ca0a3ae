#!/bin/bash
# test-fleet.sh: rdp-doctor-cli --targets against scripted servers on several
# loopback addresses: one JSON report per line in the single diagnosis'
# schema, the right cause per host, bad lines with their numbers, the
# summary, progress only on stderr, standard input, option errors, exit
# codes, and memory that stays flat as the list grows. TAP.
set -u
. "$(dirname "$0")/lib.sh"

# start_server_at NAME ADDRESS BEHAVIOUR: the scripted server on ADDRESS and an
# ephemeral port; sets NAME_PORT.
start_server_at () {
  name=$1 address=$2 behaviour=$3
  out="$WORK/$name.out"
  "$RD_TEST_SERVER" --listen "$address" --port 0 --behaviour "$behaviour" >"$out" 2>"$WORK/$name.err" &
  SERVER_PIDS="$SERVER_PIDS $!"
  for _ in $(seq 100); do
    port=$(awk '/^LISTENING /{print $3; exit}' "$out")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "# server $name did not start:"; diag "$WORK/$name.err"; return 1; }
  eval "${name}_PORT=$port"
}

# peak_rss_kb ARGS...: runs the CLI and prints its peak resident set (VmHWM) in KiB
peak_rss_kb () {
  "$PYTHON" - "$RD_CLI" "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}

healthy_ok=0
start_server_at healthy 127.0.0.11 windows || healthy_ok=1
start_server_at nla 127.0.0.12 nla-enforced || healthy_ok=1
start_server_at rdponly 127.0.0.13 rdp-only || healthy_ok=1
start_server_at silent 127.0.0.14 silent || healthy_ok=1
ok $healthy_ok "scripted servers start on 127.0.0.11-14"

# --- a list with comments, blank lines and bad lines -------------------------
# The silent host comes first and finishes last (it spends its deadline).
cat >"$WORK/targets.txt" <<END
# lab hosts, checked with a client set to TLS
127.0.0.14:$silent_PORT    # silent: never answers the negotiation

127.0.0.11:$healthy_PORT   # healthy
  127.0.0.12:$nla_PORT
serv er
127.0.0.13:$rdponly_PORT
	# an indented comment
127.0.0.1:1
server.example.com:99999
[::1]:1 # IPv6, closed
END
printf 'bad\377byte\n' >>"$WORK/targets.txt"
# lines: 1 comment, 2 silent, 3 blank, 4 healthy, 5 nla, 6 bad (space),
# 7 rdp-only, 8 comment, 9 closed, 10 bad (port), 11 closed v6, 12 bad (UTF-8)

declare -A expected=(
  ["127.0.0.14:$silent_PORT"]=service-unresponsive
  ["127.0.0.11:$healthy_PORT"]=-
  ["127.0.0.12:$nla_PORT"]=nla-required
  ["127.0.0.13:$rdponly_PORT"]=rdp-security-only
  ["127.0.0.1:1"]=port-closed
  ["::1:1"]=port-closed
)

cli "$WORK/fleet" --targets "$WORK/targets.txt" --json --timeout 2 --client-security tls
ok $([ "$(cat "$WORK/fleet.rc")" = 2 ]; echo $?) "bad lines in the list: exit 2 (it outranks the problems found)"
ok $([ "$(wc -l <"$WORK/fleet.out")" = 6 ]; echo $?) "one stdout line per valid target (6)"

# The single diagnosis of each target, for its schema
for t in "127.0.0.11:$healthy_PORT" "127.0.0.13:$rdponly_PORT" "127.0.0.1:1"; do
  "$RD_CLI" --json --timeout 2 --client-security tls "$t" >"$WORK/single-$t.json" 2>/dev/null
done

"$PYTHON" - "$WORK" "$healthy_PORT" "$rdponly_PORT" >"$WORK/schema.txt" 2>&1 <<'PY'
import json, sys
work, healthy, rdponly = sys.argv[1:]
lines = open(work + "/fleet.out", encoding="utf-8").read().split("\n")
assert lines[-1] == "", "stdout ends with a newline"
reports = [json.loads(l) for l in lines[:-1]]          # every line parses on its own
for l in lines[:-1]:
    assert "\n" not in l and l.startswith("{") and l.endswith("}"), l[:80]
for t in ("127.0.0.11:" + healthy, "127.0.0.13:" + rdponly, "127.0.0.1:1"):
    single = json.load(open(work + "/single-" + t + ".json"))
    host, port = t.rsplit(":", 1)
    mine = [r for r in reports if r["target"] == {"host": host, "port": int(port)}]
    assert len(mine) == 1, t
    assert set(mine[0]) == set(single), (t, sorted(mine[0]), sorted(single))
    assert [c["id"] for c in mine[0]["checks"]] == [c["id"] for c in single["checks"]]
    assert all(set(a) == set(b) for a, b in zip(mine[0]["checks"], single["checks"]))
    assert mine[0]["schema"] == single["schema"] == 1
print("ok")
PY
ok $(grep -qx ok "$WORK/schema.txt"; echo $?) "every stdout line is one JSON report with the single diagnosis' keys"
grep -qx ok "$WORK/schema.txt" || diag "$WORK/schema.txt"

for t in "${!expected[@]}"; do
  host=${t%:*} port=${t##*:}
  got=$("$PYTHON" -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["target"]["host"] == sys.argv[2] and d["target"]["port"] == int(sys.argv[3]):
        print(d["causes"][0]["id"] if d["causes"] else "-")' "$WORK/fleet.out" "$host" "$port")
  ok $([ "$got" = "${expected[$t]}" ]; echo $?) "$t: top cause ${expected[$t]} (got ${got:-nothing})"
done

last=$("$PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().split("\n")[-2])["target"]["host"])' "$WORK/fleet.out")
ok $([ "$last" = 127.0.0.14 ]; echo $?) "reports come in finishing order: the silent host, first in the list, comes last"

ok $(grep -qF "targets.txt:6: “serv er” is not a valid host: " "$WORK/fleet.err"; echo $?) "line 6 rejected on stderr with its number and text"
ok $(grep -qF "targets.txt:10: “server.example.com:99999” is not a valid host: " "$WORK/fleet.err"; echo $?) "line 10 rejected (port out of range)"
ok $(grep -qE "targets.txt:12: .*UTF-8" "$WORK/fleet.err"; echo $?) "line 12 rejected (not UTF-8)"
ok $([ "$(grep -c "targets.txt:[0-9]*:" "$WORK/fleet.err")" = 3 ]; echo $?) "exactly three lines rejected"

summary () {   # summary FILE LABEL: the count on the summary row LABEL
  awk -v label="$2" 'index($0, label) { print $1; exit }' "$1"
}
ok $([ "$(summary "$WORK/fleet.err" "port-closed:")" = 2 ] &&
     [ "$(summary "$WORK/fleet.err" "nla-required:")" = 1 ] &&
     [ "$(summary "$WORK/fleet.err" "rdp-security-only:")" = 1 ] &&
     [ "$(summary "$WORK/fleet.err" "service-unresponsive:")" = 1 ] &&
     [ "$(summary "$WORK/fleet.err" "no problem found")" = 1 ] &&
     [ "$(summary "$WORK/fleet.err" "lines rejected")" = 3 ]; echo $?) "--json: the summary on stderr counts each cause, the healthy host and the bad lines"
grep -q "Summary of 6 hosts" "$WORK/fleet.err" || diag "$WORK/fleet.err"
ok $(grep -q "^checked [0-9]* of " "$WORK/fleet.err"; echo $?) "progress is written to stderr (the run lasts over a second)"
ok $(! grep -q "checked\|Summary" "$WORK/fleet.out"; echo $?) "neither progress nor summary on stdout"
ok $(! grep -q $'\r' "$WORK/fleet.err"; echo $?) "stderr is not a terminal: no carriage returns"

# --- text mode: one line per host, then the summary, on stdout ---------------
cli "$WORK/text" --targets "$WORK/targets.txt" --timeout 2 --client-security tls
ok $([ "$(cat "$WORK/text.rc")" = 2 ]; echo $?) "text mode: exit 2 with bad lines"
ok $(grep -qx "127.0.0.11:$healthy_PORT: no problem found" "$WORK/text.out" &&
     grep -q "^127.0.0.1:1: .* \[port-closed\]$" "$WORK/text.out" &&
     grep -q "^\[::1\]:1: .* \[port-closed\]$" "$WORK/text.out" &&
     grep -q "^127.0.0.12:$nla_PORT: .* \[nla-required\]$" "$WORK/text.out"; echo $?) "text mode: one line per host with its top cause, or no problem found"
ok $([ "$(summary "$WORK/text.out" "port-closed:")" = 2 ] && [ "$(summary "$WORK/text.out" "lines rejected")" = 3 ]; echo $?) "text mode: the summary follows on stdout"
ok $(! grep -q "Summary" "$WORK/text.err"; echo $?) "text mode: the summary is not on stderr"

# --- standard input; exit codes without bad lines ----------------------------
printf '127.0.0.11:%s\n127.0.0.1:1\nserv er\n' "$healthy_PORT" | "$RD_CLI" --targets - --json --timeout 2 >"$WORK/stdin.out" 2>"$WORK/stdin.err"
rc=$?
ok $([ $rc = 2 ] && [ "$(wc -l <"$WORK/stdin.out")" = 2 ] && grep -qF "(standard input):3: “serv er”" "$WORK/stdin.err"; echo $?) "--targets - reads standard input (exit 2, line 3 named)"
printf '127.0.0.11:%s\n127.0.0.1:1\n' "$healthy_PORT" | "$RD_CLI" --targets - --json --timeout 2 >/dev/null 2>&1
ok $([ $? = 1 ]; echo $?) "a host with a problem and no bad line: exit 1"
printf '# only the healthy one\n127.0.0.11:%s\n\n' "$healthy_PORT" | "$RD_CLI" --targets - --timeout 2 >"$WORK/clean.out" 2>&1
ok $([ $? = 0 ]; echo $?) "every host healthy: exit 0"
printf '# nothing\n\n' | "$RD_CLI" --targets - >/dev/null 2>"$WORK/empty.err"
ok $([ $? = 2 ] && grep -q "holds no host" "$WORK/empty.err"; echo $?) "a list with no host: exit 2, said so"

# --- over-long line: skipped with its number, the rest runs ------------------
{ echo "127.0.0.1:1"; head -c 200000 /dev/zero | tr '\0' 'x'; echo; echo "127.0.0.1:2"; } >"$WORK/long.txt"
cli "$WORK/long" --targets "$WORK/long.txt" --json --timeout 2
ok $([ "$(cat "$WORK/long.rc")" = 2 ] && [ "$(wc -l <"$WORK/long.out")" = 2 ] &&
     grep -q "long.txt:2: The line is longer than 4096 bytes" "$WORK/long.err" &&
     [ "$(wc -c <"$WORK/long.err")" -lt 2000 ]; echo $?) "a 200 kB line is rejected (line 2) without being echoed; lines 1 and 3 run"

# --- usage errors: exit 2, nothing on stdout, no probe ----------------------
usage_case () {   # usage_case DESCRIPTION PATTERN ARGS...
  description=$1 pattern=$2; shift 2
  "$RD_CLI" "$@" >"$WORK/usage.out" 2>"$WORK/usage.err" </dev/null
  rc=$?
  ok $([ $rc = 2 ] && [ ! -s "$WORK/usage.out" ] && grep -q -- "$pattern" "$WORK/usage.err"; echo $?) "$description: exit 2 naming $pattern"
}
usage_case "--jobs 0" "--jobs" --targets "$WORK/targets.txt" --jobs 0
usage_case "--jobs 1025" "--jobs" --targets "$WORK/targets.txt" --jobs 1025
usage_case "--jobs -1" "--jobs" --targets "$WORK/targets.txt" --jobs -1
usage_case "--jobs abc" "--jobs" --targets "$WORK/targets.txt" --jobs abc
usage_case "--jobs without --targets" "--jobs" --jobs 4 127.0.0.1:1
usage_case "--targets and a host" "--targets" --targets "$WORK/targets.txt" 127.0.0.1:1
usage_case "--targets and --evidence" "--evidence" --targets "$WORK/targets.txt" --evidence "$WORK/targets.txt"
usage_case "--targets and --fix-script" "--fix-script" --targets "$WORK/targets.txt" --fix-script "$WORK/fix.ps1"
usage_case "--targets and --evidence-script" "--evidence-script" --targets "$WORK/targets.txt" --evidence-script
usage_case "a list that does not exist" "no-such-list.txt" --targets "$WORK/no-such-list.txt"
usage_case "a folder as the list" "$(basename "$WORK")" --targets "$WORK"
ok $([ ! -e "$WORK/fix.ps1" ]; echo $?) "no fix script written"

# --jobs 1 runs them one at a time and still runs them all
printf '127.0.0.1:1\n127.0.0.1:2\n127.0.0.1:3\n' | "$RD_CLI" --targets - --jobs 1 --json >"$WORK/jobs1.out" 2>/dev/null
ok $([ $? = 1 ] && [ "$(wc -l <"$WORK/jobs1.out")" = 3 ]; echo $?) "--jobs 1: all three hosts checked"

# --- too few open files allowed: fewer at once, said so, all checked ---------
for i in $(seq 1 40); do echo "127.0.0.1:$i"; done >"$WORK/closed-40.txt"
(ulimit -n 256 && "$RD_CLI" --targets "$WORK/closed-40.txt" --jobs 64 --json >"$WORK/nofile.out" 2>"$WORK/nofile.err")
rc=$?
ok $([ $rc = 1 ] && [ "$(wc -l <"$WORK/nofile.out")" = 40 ] && grep -q "checking [0-9]* at a time" "$WORK/nofile.err"; echo $?) "open-file limit of 256 with --jobs 64: fewer at once, said so, all 40 checked"

# --- memory stays flat as the list grows ------------------------------------
# Closed ports on loopback answer at once; 200 and 2000 different addresses.
for n in 200 2000; do
  for i in $(seq 0 $((n - 1))); do echo "127.0.$((i / 250)).$((i % 250 + 1)):1"; done >"$WORK/closed-$n.txt"
done
# AddressSanitizer keeps freed memory in quarantine (256 MiB), so under it the
# resident size grows with every allocation; the normal build measures this.
if ldd "$RD_CLI" | grep -q libasan; then
  skip "peak RSS for 2000 targets is at most 1.5 x + 4 MiB that of 200" "AddressSanitizer's quarantine holds freed memory"
else
  rss_small=$(peak_rss_kb --targets "$WORK/closed-200.txt" --json --timeout 2)
  rss_large=$(peak_rss_kb --targets "$WORK/closed-2000.txt" --json --timeout 2)
  echo "# peak RSS: $rss_small KiB for 200 targets, $rss_large KiB for 2000"
  ok $([ -n "$rss_small" ] && [ "$rss_large" -le $((rss_small * 3 / 2 + 4096)) ]; echo $?) "peak RSS for 2000 targets is at most 1.5 x + 4 MiB that of 200"
fi
"$RD_CLI" --targets "$WORK/closed-2000.txt" --json --timeout 2 2>/dev/null | wc -l >"$WORK/count-2000"
ok $([ "$(cat "$WORK/count-2000")" = 2000 ]; echo $?) "2000 targets: 2000 reports"

finish
