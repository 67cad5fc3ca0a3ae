# lib.sh: TAP helpers, the scripted server, and private network namespaces for
# the integration tests. Source it. Traffic goes only to loopback or to
# namespaces made here.

: "${RD_CLI:?RD_CLI must point at rdp-doctor-cli}"
: "${RD_TEST_SERVER:?RD_TEST_SERVER must point at rdp-doctor-test-server}"
PYTHON=${PYTHON:-/usr/bin/python3}

tap_n=0
tap_failed=0
WORK=$(mktemp -d)
SERVER_PIDS=
NAMESPACES=

cleanup () {
  for pid in $SERVER_PIDS; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for ns in $NAMESPACES; do ip netns del "$ns" 2>/dev/null; rm -rf "/etc/netns/$ns"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

ok () {   # ok CONDITION-RESULT DESCRIPTION
  tap_n=$((tap_n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"; else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}

skip () {
  tap_n=$((tap_n + 1))
  echo "ok $tap_n - $1 # SKIP $2"
}

diag () { sed 's/^/# /' "$@"; }

finish () {
  echo "1..$tap_n"
  [ "$tap_failed" -eq 0 ]
}

# start_server NAME [SERVER OPTIONS...]: starts the scripted server on an
# ephemeral loopback port; sets NAME_PORT.
start_server () {
  name=$1; shift
  fifo="$WORK/$name.out"
  "$RD_TEST_SERVER" --listen 127.0.0.1 --port 0 "$@" >"$fifo" 2>"$WORK/$name.err" &
  pid=$!
  SERVER_PIDS="$SERVER_PIDS $pid"
  for _ in $(seq 100); do
    line=$(grep -m1 '^LISTENING ' "$fifo" 2>/dev/null) && break
    sleep 0.05
  done
  port=$(echo "$line" | awk '{print $3}')
  [ -n "$port" ] || { echo "# server $name did not start:"; diag "$WORK/$name.err"; return 1; }
  eval "${name}_PORT=$port"
  eval "${name}_PID=$pid"
}

# json_get FILE EXPRESSION: evaluates a Python expression over the parsed document `d`
json_get () {
  "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# cli OUT-PREFIX ARGS...: runs the CLI; OUT-PREFIX.json/.err/.rc/.ms
cli () {
  prefix=$1; shift
  start=$(date +%s%N)
  "$RD_CLI" "$@" >"$prefix.out" 2>"$prefix.err"
  echo $? >"$prefix.rc"
  echo $(( ($(date +%s%N) - start) / 1000000 )) >"$prefix.ms"
}

can_make_namespaces () {
  [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v nft >/dev/null || return 1
  probe="rdprobe$$"
  ip netns add "$probe" 2>/dev/null || return 1
  ip netns del "$probe"
}

# make_namespace NAME: a private network namespace with only loopback up, and
# a resolver that points at its own loopback (nothing answers there).
make_namespace () {
  ns="rd$$$1"
  mkdir -p "/etc/netns/$ns"
  echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/$ns/hosts"
  ip netns add "$ns" || return 1
  NAMESPACES="$NAMESPACES $ns"
  ip netns exec "$ns" ip link set lo up
  echo "$ns"
}
