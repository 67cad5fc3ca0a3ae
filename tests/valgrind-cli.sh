#!/bin/bash
# valgrind-cli.sh [SUPPRESSIONS]: rdp-doctor-cli under valgrind's memcheck
# against every behaviour of the scripted server (plus a refused port and bad
# input), each check given 3 s. TAP. A run fails on any memcheck error (an
# invalid read or write, a jump on uninitialised memory) and on any definite
# or indirect leak: valgrind then exits 99, and its report is shown.
set -u
: "${RD_CLI:?RD_CLI must point at rdp-doctor-cli}"
: "${RD_TEST_SERVER:?RD_TEST_SERVER must point at rdp-doctor-test-server}"
supp=${1:-}

if ! command -v valgrind >/dev/null; then
  echo "1..0 # SKIP valgrind is not installed"
  exit 0
fi

WORK=$(mktemp -d)
server_pid=
stop_server () {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

n=0
failed=0
ok () {   # ok STATUS DESCRIPTION
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

# GLib 2.74 still has its slice allocator, which hides leaks from memcheck.
export G_SLICE=always-malloc G_DEBUG="${G_DEBUG:+$G_DEBUG,}gc-friendly"
memcheck=(valgrind --tool=memcheck --leak-check=full
          --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
          --error-exitcode=99 --num-callers=40)
[ -n "$supp" ] && memcheck+=(--suppressions="$supp")

# cli NAME ARGUMENTS...: the CLI under memcheck. Its own exit codes are 0 (no
# problem found), 1 (problems found) and 2 (bad input); 3 (internal error)
# fails too, and 99 is memcheck's.
cli () {
  name=$1; shift
  "${memcheck[@]}" --log-file="$WORK/$name.vg" "$RD_CLI" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null
  rc=$?
  if [ $rc -gt 2 ]; then
    echo "# $name: exit $rc"
    sed 's/^/# /' "$WORK/$name.err" | tail -n 20
    grep -v '^==[0-9]*== *$' "$WORK/$name.vg" | sed 's/^/# /' | tail -n 150
    return 1
  fi
  return 0
}

# start_server BEHAVIOUR: the scripted server on an ephemeral loopback port (PORT)
start_server () {
  extra=
  # "failure" sends the code it is given: one that no specification names
  [ "$1" = failure ] && extra="--failure-code 7"
  # shellcheck disable=SC2086
  "$RD_TEST_SERVER" --listen 127.0.0.1 --port 0 --behaviour "$1" $extra >"$WORK/server.out" 2>"$WORK/server.err" &
  server_pid=$!
  PORT=
  for _ in $(seq 200); do
    PORT=$(awk '/^LISTENING /{print $3; exit}' "$WORK/server.out")
    [ -n "$PORT" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  sed 's/^/# /' "$WORK/server.err"
  return 1
}

behaviours=$("$RD_TEST_SERVER" --list-behaviours | awk '{print $1}')
[ -n "$behaviours" ] || { echo "Bail out! $RD_TEST_SERVER --list-behaviours lists nothing"; exit 1; }

for behaviour in $behaviours; do
  if ! start_server "$behaviour"; then
    ok 1 "$behaviour: the scripted server starts"
    continue
  fi
  cli "$behaviour" --json --timeout 3 "127.0.0.1:$PORT"
  ok $? "$behaviour: no memory error, no leak"
  stop_server
done

# the paths that never reach a server
cli refused --timeout 3 127.0.0.1:1
ok $? "refused port: no memory error, no leak"
cli bad-input --json 'bad host!'
ok $? "bad input: no memory error, no leak"
# fleet mode: a list of refused ports, a comment and a bad line, four at a time
{ echo "# closed ports"; for i in $(seq 1 18); do echo "127.0.0.1:$i"; done; echo "bad host"; } >"$WORK/fleet.txt"
cli fleet --targets "$WORK/fleet.txt" --jobs 4 --json --timeout 3
ok $? "fleet mode (--targets): no memory error, no leak"

echo "1..$n"
[ "$failed" -eq 0 ]
