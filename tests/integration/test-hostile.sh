#!/bin/bash
# test-hostile.sh: rdp-doctor-cli against hostile and broken peers (the
# scripted server's bad behaviours), then interrupted by SIGINT and SIGTERM.
# TAP.
#
# Against each peer, `--json --timeout 2` must: exit 1 (problems found: not 0,
# not 3, no crash), print exactly one JSON document, fail the check of the
# phase that broke with evidence naming it (closed_at, handshake_failure or
# error), keep every check within its deadline plus the runner's grace and a
# margin, end the whole run within the sum of its sequential checks plus a
# margin, stay small in memory however much the peer sends, and name a
# sensible top cause.
set -u
. "$(dirname "$0")/lib.sh"

DEADLINE_MS=2000
CHECK_MARGIN_MS=600      # per check: the runner's 250 ms grace, and slack for a busy machine
RUN_MARGIN_MS=1500       # per run: process start, the report, a busy machine
MAX_RSS_KB=65536         # the endless peers send without end; the CLI needs ~15 MB
SEED=${RD_TEST_SEED:-$$}
RANDOM=$SEED
echo "# seed $SEED (RD_TEST_SEED=$SEED repeats this run)"

TIME=
[ -x /usr/bin/time ] && TIME=/usr/bin/time

# behaviour | the check that must fail | its evidence (Python over e) | acceptable top causes
while IFS='|' read -r behaviour check probe causes; do
  behaviour=$(echo $behaviour); check=$(echo $check); causes=$(echo $causes); probe=$(echo "$probe" | sed 's/^ *//; s/ *$//')
  [ -z "$behaviour" ] && continue
  case "$behaviour" in \#*) continue ;; esac
  if ! start_server s --behaviour "$behaviour"; then
    ok 1 "$behaviour: scripted server starts"; continue
  fi
  out="$WORK/$behaviour"
  start=$(date +%s%N)
  if [ -n "$TIME" ]; then
    $TIME -f '%M' -o "$out.rss" "$RD_CLI" --json --timeout $((DEADLINE_MS / 1000)) "127.0.0.1:$s_PORT" </dev/null >"$out.out" 2>"$out.err"
  else
    "$RD_CLI" --json --timeout $((DEADLINE_MS / 1000)) "127.0.0.1:$s_PORT" </dev/null >"$out.out" 2>"$out.err"
  fi
  rc=$?
  wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  kill "$s_PID" 2>/dev/null; wait "$s_PID" 2>/dev/null
  rss=
  [ -n "$TIME" ] && rss=$(tail -n 1 "$out.rss")

  ok $([ "$rc" -eq 1 ]; echo $?) "$behaviour: exit 1 (got $rc)"
  [ "$rc" -eq 1 ] || diag "$out.err"

  # One Python run judges the document; each line it prints is one test.
  "$PYTHON" - "$out.out" "$behaviour" "$check" "$probe" "$causes" "$wall_ms" \
            "$DEADLINE_MS" "$CHECK_MARGIN_MS" "$RUN_MARGIN_MS" >"$out.verdicts" 2>&1 <<'PY'
import json, sys
path, behaviour, check_id, probe, causes, wall_ms, deadline, check_margin, run_margin = sys.argv[1:]
wall_ms, deadline, check_margin, run_margin = int(wall_ms), int(deadline), int(check_margin), int(run_margin)

def verdict(passed, text):
    print(("PASS " if passed else "FAIL ") + behaviour + ": " + text)

try:
    with open(path) as f:
        d = json.load(f)   # refuses a second document ("Extra data")
except Exception as error:
    verdict(False, "one JSON document on stdout (%s)" % error)
    sys.exit(0)
verdict(True, "one JSON document on stdout")

checks = {c["id"]: c for c in d["checks"]}
c = checks.get(check_id)
verdict(c is not None and c["status"] == "fail",
        "check %s fails (%s: %s)" % (check_id, c and c["status"], c and c["summary"]))
e = c["evidence"] if c else {}
named = any(e.get(k) for k in ("closed_at", "handshake_failure", "error"))
verdict(named, "%s evidence names the phase (%s)" % (check_id, {k: e.get(k) for k in ("closed_at", "handshake_failure", "error") if k in e}))
try:
    passed = bool(eval(probe, {"e": e, "d": d}))
except Exception as error:
    passed = False
    probe += " (%r)" % error
verdict(passed, "%s evidence: %s" % (check_id, probe))

limit = deadline + check_margin
slow = {i: c["duration_ms"] for i, c in checks.items() if c.get("duration_ms", 0) > limit}
verdict(not slow, "every check within %d ms %s" % (limit, slow or ""))

chain = sum(checks[i].get("duration_ms", 0) for i in ("dns", "tcp", "negotiation", "tls", "credssp") if i in checks)
bound = max(chain, checks.get("local", {}).get("duration_ms", 0)) + run_margin
verdict(wall_ms <= bound, "the run took %d ms, within its checks' %d ms + %d ms" % (wall_ms, bound - run_margin, run_margin))
print("# %s: run %d ms; %s" % (behaviour, wall_ms,
      ", ".join("%s %d ms" % (i, checks[i].get("duration_ms", 0)) for i in ("negotiation", "tls", "credssp") if i in checks)))

top = d["causes"][0]["id"] if d["causes"] else "-"
verdict(top in causes.split(), "top cause %s is one of %s" % (top, causes))
verdict(d.get("problems_found") is True, "problems_found")
PY
  while read -r word rest; do
    case "$word" in
      PASS) ok 0 "$rest" ;;
      FAIL) ok 1 "$rest"; diag "$out.out" | head -n 60 ;;
      *) echo "$word $rest" ;;
    esac
  done <"$out.verdicts"

  if [ -n "$rss" ]; then
    ok $([ "$rss" -le "$MAX_RSS_KB" ]; echo $?) "$behaviour: at most $MAX_RSS_KB KiB of memory (peak $rss KiB)"
  fi
done <<'TABLE'
silent              | negotiation | e["closed_at"] == "x224" and all(o["outcome"] == "timeout" for o in e["offers"])                      | service-unresponsive
tpkt-length-0       | negotiation | e["closed_at"] == "x224" and "length 0 is less" in e["error"]                                          | service-unresponsive
tpkt-length-1       | negotiation | e["closed_at"] == "x224" and "length 1 is less" in e["error"]                                          | service-unresponsive
tpkt-length-3       | negotiation | e["closed_at"] == "x224" and "length 3 is less" in e["error"]                                          | service-unresponsive
tpkt-length-65535   | negotiation | e["closed_at"] == "x224" and "65535 is more" in e["error"]                                             | service-unresponsive
tpkt-length-overrun | negotiation | e["closed_at"] == "x224" and all(o["outcome"] == "timeout" for o in e["offers"])                      | service-unresponsive
tpkt-version        | negotiation | e["closed_at"] == "x224" and "version is 2" in e["error"]                                              | service-unresponsive
x224-code-cr        | negotiation | e["closed_at"] == "x224" and "code is 0xe0" in e["error"]                                              | service-unresponsive
x224-code-error     | negotiation | e["closed_at"] == "x224" and "code is 0x70" in e["error"]                                              | service-unresponsive
neg-length          | negotiation | e["closed_at"] == "x224" and "length is 9" in e["error"]                                               | service-unresponsive
neg-type            | negotiation | e["closed_at"] == "x224" and "type is 0x07" in e["error"]                                              | service-unresponsive
slow-drip           | negotiation | e["closed_at"] == "x224" and all(o["outcome"] == "timeout" for o in e["offers"])                      | service-unresponsive
reset-mid-confirm   | negotiation | e["closed_at"] == "x224" and all(o["outcome"] in ("reset", "closed") for o in e["offers"])            | service-unresponsive
endless-after-cr    | negotiation | e["closed_at"] == "x224" and all(o["outcome"] == "invalid" for o in e["offers"])                      | service-unresponsive
answer-then-reset   | tls         | e["handshake_failure"] in ("reset", "closed") and not any(e["versions"].values())                   | cert-key-inaccessible
tls-garbage         | tls         | e["handshake_failure"] == "tls" and not any(e["versions"].values())                                  | cert-key-inaccessible
reset-mid-tls       | tls         | e["handshake_failure"] in ("reset", "closed") and not any(e["versions"].values())                   | cert-key-inaccessible
tls-huge-chain      | tls         | e["handshake_failure"] == "tls" and "excessive" in e["handshake_error"]                              | cert-key-inaccessible
credssp-bad-der     | credssp     | "DER" in e["error"] and d["checks"][[c["id"] for c in d["checks"]].index("tls")]["status"] == "pass"  | credssp-oracle
credssp-length-2g   | credssp     | "2147483648 bytes" in e["error"]                                                                      | credssp-oracle
ntlm-av-overrun     | credssp     | "AV_PAIR" in e["error"] and e["ntlm"] is None                                                         | credssp-oracle
endless-in-tls      | credssp     | "TSRequest" in e["error"]                                                                             | credssp-oracle
reset-mid-tsrequest | credssp     | e["closed_at"] == "credssp" and "reset" in e["error"]                                                 | credssp-oracle
TABLE

# ---- interrupted: SIGINT and SIGTERM at random points of a run against a
# server that never answers; the CLI must stop within 500 ms, exit 3, and not
# dump core.
if start_server quiet --behaviour silent; then
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if [ $((i % 2)) -eq 0 ]; then sig=INT; else sig=TERM; fi
    # anywhere in the 5 s the negotiation waits, once the process is up
    at_ms=$((100 + RANDOM % 4500))
    "$RD_CLI" --json "127.0.0.1:$quiet_PORT" </dev/null >"$WORK/sig$i.out" 2>"$WORK/sig$i.err" &
    pid=$!
    sleep "$(printf '%d.%03d' $((at_ms / 1000)) $((at_ms % 1000)))"
    sent=$(date +%s%N)
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    took_ms=$(( ($(date +%s%N) - sent) / 1000000 ))
    ok $([ "$rc" -eq 3 ]; echo $?) "SIG$sig after $at_ms ms: exit 3 (got $rc$([ "$rc" -gt 128 ] && echo ", signal $((rc - 128))"))"
    ok $([ "$took_ms" -le 500 ]; echo $?) "SIG$sig after $at_ms ms: gone $took_ms ms after the signal (at most 500)"
    ok $([ ! -s "$WORK/sig$i.out" ]; echo $?) "SIG$sig after $at_ms ms: no half report on stdout"
  done
  kill "$quiet_PID" 2>/dev/null; wait "$quiet_PID" 2>/dev/null
else
  ok 1 "silent: scripted server starts"
fi

finish
