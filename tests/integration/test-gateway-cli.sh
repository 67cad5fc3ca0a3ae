#!/bin/bash
# test-gateway-cli.sh: rdp-doctor-cli --gateway against the project's RD
# Gateway look-alike and the scripted RDP server, both on loopback; and the
# local check's remembered certificate against the server's. TAP.
set -u
. "$(dirname "$0")/lib.sh"

RD_TEST_GATEWAY=${RD_TEST_GATEWAY:-$(dirname "$RD_TEST_SERVER")/../integration/rdp-doctor-test-gateway}

# The local check reads the user's configuration: give it an empty one, and
# no proxy, so that only what the tests put there counts.
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

# start_gateway NAME MODE: starts the gateway look-alike; sets NAME_PORT.
start_gateway () {
  name=$1 mode=$2
  out="$WORK/$name.out"
  "$RD_TEST_GATEWAY" --cert "$WORK/gateway.crt" --key "$WORK/gateway.key" --mode "$mode" >"$out" 2>"$WORK/$name.err" &
  SERVER_PIDS="$SERVER_PIDS $!"
  for _ in $(seq 100); do
    line=$(grep -m1 '^LISTENING ' "$out" 2>/dev/null) && break
    sleep 0.05
  done
  port=$(echo "$line" | awk '{print $3}')
  [ -n "$port" ] || { echo "# gateway $name did not start:"; diag "$WORK/$name.err"; return 1; }
  eval "${name}_PORT=$port"
}

check_field () {   # check_field FILE CHECK-ID PYTHON-EXPRESSION-OVER-c
  json_get "$1" "[$3 for c in d['checks'] if c['id']=='$2'][0]"
}

if [ ! -x "$RD_TEST_GATEWAY" ] || ! command -v openssl >/dev/null; then
  for t in "healthy gateway" "web server as gateway" "closed gateway port" "stale certificate"; do
    skip "$t" "needs rdp-doctor-test-gateway and openssl"
  done
  finish
  exit
fi

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -keyout "$WORK/gateway.key" -out "$WORK/gateway.crt" 2>"$WORK/openssl.err"
ok $?  "test certificate made"

start_server demo --behaviour windows || ok 1 "scripted RDP server starts"
start_gateway good gateway || ok 1 "gateway look-alike starts"
start_gateway web web || ok 1 "web server look-alike starts"

# --- a gateway that answers like one, in front of a healthy server -------------
cli "$WORK/good" --json --gateway "127.0.0.1:$good_PORT" "127.0.0.1:$demo_PORT"
ok $([ "$(cat "$WORK/good.rc")" = 0 ]; echo $?) "healthy gateway and server: exit 0"
ok $([ "$(json_get "$WORK/good.out" 'len(d["causes"])')" = 0 ]; echo $?) "healthy gateway and server: no cause"
ok $([ "$(check_field "$WORK/good.out" gateway 'c["status"]')" = pass ]; echo $?) "gateway check passes"
ok $([ "$(check_field "$WORK/good.out" gateway 'c["evidence"]["is_rd_gateway"]')" = True ]; echo $?) "gateway: is_rd_gateway"
ok $([ "$(check_field "$WORK/good.out" gateway 'c["evidence"]["http"]["status"]')" = 401 ]; echo $?) "gateway: HTTP 401"
ok $([ "$(check_field "$WORK/good.out" gateway '",".join(c["evidence"]["http"]["schemes"])')" = Negotiate,NTLM ]; echo $?) "gateway: schemes Negotiate, NTLM"
ok $([ "$(check_field "$WORK/good.out" gateway 'c["evidence"]["gateway"]["port"]')" = "$good_PORT" ]; echo $?) "gateway: its port in the evidence"
ok $([ "$(check_field "$WORK/good.out" local 'c["status"] in ("pass", "warn")')" = True ]; echo $?) "local check runs"
ok $([ ! -s "$WORK/good.err" ]; echo $?) "--json writes nothing for people on stderr"

cli "$WORK/named" --json --gateway "localhost:$good_PORT" "127.0.0.1:$demo_PORT"
ok $([ "$(check_field "$WORK/named.out" gateway 'c["evidence"]["names_gateway"]')" = True ]; echo $?) "gateway by name: the certificate names it"

# --- a web server where the gateway should be ---------------------------------
cli "$WORK/web" --json --gateway "127.0.0.1:$web_PORT" "127.0.0.1:$demo_PORT"
ok $([ "$(cat "$WORK/web.rc")" = 1 ]; echo $?) "web server as gateway: exit 1"
ok $([ "$(json_get "$WORK/web.out" 'd["causes"][0]["id"]')" = gateway-misconfigured ]; echo $?) "web server as gateway: gateway-misconfigured first"
ok $([ "$(check_field "$WORK/web.out" gateway 'c["evidence"]["http"]["status"]')" = 200 ]; echo $?) "web server as gateway: HTTP 200 recorded"

# --- nothing listens at the gateway's port ------------------------------------
cli "$WORK/closed" --json --gateway 127.0.0.1:1 "127.0.0.1:$demo_PORT"
ok $([ "$(cat "$WORK/closed.rc")" = 1 ]; echo $?) "closed gateway port: exit 1"
ok $([ "$(json_get "$WORK/closed.out" 'd["causes"][0]["id"]')" = gateway-unreachable ]; echo $?) "closed gateway port: gateway-unreachable first"
ok $([ "$(check_field "$WORK/closed.out" gateway 'c["evidence"]["tcp_state"]')" = refused ]; echo $?) "closed gateway port: refused"

# --- no gateway: the check does not apply --------------------------------------
cli "$WORK/none" --json "127.0.0.1:$demo_PORT"
ok $([ "$(check_field "$WORK/none.out" gateway 'c["status"]')" = skipped ]; echo $?) "without --gateway the gateway check is skipped"
ok $([ "$(cat "$WORK/none.rc")" = 0 ]; echo $?) "without --gateway a healthy server still exits 0"

# --- bad --gateway values: exit 2 and a message naming the gateway --------------
cli "$WORK/bad1" --json --gateway 'bad gw!' "127.0.0.1:$demo_PORT"
ok $([ "$(cat "$WORK/bad1.rc")" = 2 ] && [ ! -s "$WORK/bad1.out" ] && grep -q 'Gateway “bad gw!”' "$WORK/bad1.err"; echo $?) "--gateway 'bad gw!': exit 2 naming the gateway"
cli "$WORK/bad2" --gateway gateway.example:0 "127.0.0.1:$demo_PORT"
ok $([ "$(cat "$WORK/bad2.rc")" = 2 ] && grep -q "65535" "$WORK/bad2.err"; echo $?) "--gateway with port 0: exit 2"
cli "$WORK/bad3" --gateway "" "127.0.0.1:$demo_PORT"
ok $([ "$(cat "$WORK/bad3.rc")" = 2 ]; echo $?) "--gateway '': exit 2"

# --- a remembered certificate that is not the server's ---------------------------
mkdir -p "$XDG_CONFIG_HOME/freerdp/server"
cp "$WORK/gateway.crt" "$XDG_CONFIG_HOME/freerdp/server/127.0.0.1_$demo_PORT.pem"
cli "$WORK/stale" --json "127.0.0.1:$demo_PORT"
ok $([ "$(json_get "$WORK/stale.out" '"client-stale-cert" in [c["id"] for c in d["causes"]]')" = True ]; echo $?) "remembered certificate differs: client-stale-cert"
ok $([ "$(check_field "$WORK/stale.out" local 'len(c["evidence"]["cached_certificates"])')" = 1 ]; echo $?) "local check found the remembered certificate"
ok $([ "$(cat "$WORK/stale.rc")" = 1 ]; echo $?) "remembered certificate differs: exit 1"
rm -f "$XDG_CONFIG_HOME/freerdp/server/127.0.0.1_$demo_PORT.pem"

finish
