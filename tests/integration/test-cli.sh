#!/bin/bash
# test-cli.sh: rdp-doctor-cli against real sockets on loopback and in network
# namespaces made here: verdicts, exit codes, JSON, deadlines. TAP.
set -u
. "$(dirname "$0")/lib.sh"

# --- a closed port: refused at once -----------------------------------------
cli "$WORK/closed" --json 127.0.0.1:1
ok $([ "$(cat "$WORK/closed.rc")" = 1 ]; echo $?) "closed port exits 1"
ok $([ "$(json_get "$WORK/closed.out" 'd["causes"][0]["id"]')" = port-closed ]; echo $?) "closed port: port-closed first"
ok $([ "$(json_get "$WORK/closed.out" '[c["evidence"]["state"] for c in d["checks"] if c["id"]=="tcp"][0]')" = refused ]; echo $?) "closed port: tcp state refused"
ok $([ "$(json_get "$WORK/closed.out" 'd["schema"]')" = 1 ]; echo $?) "JSON report has schema 1"
ok $([ ! -s "$WORK/closed.err" ]; echo $?) "--json writes nothing for people on stderr when all is well"

# --- the demo server: a listening RDP host ------------------------------------
if start_server demo --behaviour windows; then
  cli "$WORK/demo" --json "127.0.0.1:$demo_PORT"
  ok $([ "$(cat "$WORK/demo.rc")" = 0 ]; echo $?) "healthy demo server exits 0"
  ok $([ "$(json_get "$WORK/demo.out" 'len(d["causes"])')" = 0 ]; echo $?) "healthy demo server: no cause (no false alarm)"
  ok $([ "$(json_get "$WORK/demo.out" '[c["evidence"]["handshakes"]["attempts"] for c in d["checks"] if c["id"]=="negotiation"][0]')" = 5 ]; echo $?) "open port: the 5 offers' own connections measure the path"
  ok $([ "$(json_get "$WORK/demo.out" '[c["evidence"]["offers"][0]["connect_ms"] for c in d["checks"] if c["id"]=="negotiation"][0]')" = None ]; echo $?) "the first offer goes on the tcp check's connection"
  ok $([ "$(json_get "$WORK/demo.out" '[c["evidence"]["connections"] for c in d["checks"] if c["id"]=="tls"][0]')" = 1 ]; echo $?) "the TLS version probes reuse the offers' TLS connections: 1 new"
  ok $([ "$(json_get "$WORK/demo.out" '[c["evidence"]["versions"] for c in d["checks"] if c["id"]=="tls"][0]')" = "{'1.0': False, '1.1': False, '1.2': True, '1.3': True}" ]; echo $?) "TLS versions: 1.2 and 1.3, as the server is set"
  # every connect() the CLI makes to the server, counted by the kernel's side of it
  strace -f -e trace=connect -o "$WORK/demo.strace" "$RD_CLI" --json "127.0.0.1:$demo_PORT" >/dev/null 2>&1
  n_connects=$(grep -c "htons($demo_PORT)" "$WORK/demo.strace")
  ok $([ "$n_connects" = 7 ]; echo $?) "a full diagnosis opens 7 connections (nmap's two RDP scripts open 10): $n_connects"
  cli "$WORK/demo-text" "127.0.0.1:$demo_PORT"
  ok $(grep -q "Nothing is wrong from here" "$WORK/demo-text.out"; echo $?) "text report says nothing is wrong"
else
  ok 1 "demo server starts"
fi

# --- bad input: exit 2 and a message that names the problem ------------------
cli "$WORK/bad1" 'bad host!'
ok $([ "$(cat "$WORK/bad1.rc")" = 2 ] && grep -q "space" "$WORK/bad1.err"; echo $?) "'bad host!' exits 2 naming the space"
cli "$WORK/bad2" 'badhost!'
ok $([ "$(cat "$WORK/bad2.rc")" = 2 ] && grep -q '“!”' "$WORK/bad2.err"; echo $?) "'badhost!' exits 2 naming the “!”"
cli "$WORK/bad3" 'server:0'
ok $([ "$(cat "$WORK/bad3.rc")" = 2 ] && grep -q "65535" "$WORK/bad3.err"; echo $?) "port 0 exits 2"
cli "$WORK/bad4" --json 'a;rm -rf /'
ok $([ "$(cat "$WORK/bad4.rc")" = 2 ] && [ ! -s "$WORK/bad4.out" ]; echo $?) "bad input with --json: exit 2, nothing on stdout"
cli "$WORK/bad5"
ok $([ "$(cat "$WORK/bad5.rc")" = 2 ]; echo $?) "no host: exit 2"
cli "$WORK/bad6" --timeout 0 127.0.0.1
ok $([ "$(cat "$WORK/bad6.rc")" = 2 ] && grep -q -- "--timeout" "$WORK/bad6.err"; echo $?) "--timeout 0: exit 2"
cli "$WORK/bad7" --no-such-option 127.0.0.1
ok $([ "$(cat "$WORK/bad7.rc")" = 2 ]; echo $?) "unknown option: exit 2"

# --- namespaces: a filtered port, an unreachable port, an unknown name --------
if can_make_namespaces; then
  ns=$(make_namespace f)
  ip netns exec "$ns" nft -f - <<'NFT'
table inet rdtest {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 3389 tcp flags syn drop
    tcp dport 3390 reject with icmpx type admin-prohibited
  }
}
NFT
  start=$(date +%s%N)
  ip netns exec "$ns" "$RD_CLI" --json --timeout 2 127.0.0.1:3389 >"$WORK/filtered.out" 2>"$WORK/filtered.err"
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  ok $([ $rc = 1 ]; echo $?) "filtered port exits 1"
  ok $([ "$(json_get "$WORK/filtered.out" 'd["causes"][0]["id"]')" = port-filtered ]; echo $?) "filtered port: port-filtered first"
  ok $([ "$(json_get "$WORK/filtered.out" '[c["evidence"]["state"] for c in d["checks"] if c["id"]=="tcp"][0]')" = timeout ]; echo $?) "filtered port: tcp state timeout"
  echo "# filtered verdict after $ms ms with a 2000 ms deadline"
  ok $([ "$ms" -lt 2600 ]; echo $?) "filtered port: verdict within the deadline (+ start-up)"

  ip netns exec "$ns" "$RD_CLI" --json --timeout 2 127.0.0.1:3390 >"$WORK/unreach.out" 2>&1
  ok $([ "$(json_get "$WORK/unreach.out" '[c["evidence"]["state"] for c in d["checks"] if c["id"]=="tcp"][0]')" = unreachable ]; echo $?) "rejected with ICMP: tcp state unreachable"
  ok $([ "$(json_get "$WORK/unreach.out" 'd["causes"][0]["id"]')" = port-filtered ]; echo $?) "rejected with ICMP: port-filtered"

  ip netns exec "$ns" "$RD_CLI" --json --timeout 2 no-such-host.invalid >"$WORK/dns.out" 2>&1
  rc=$?
  ok $([ $rc = 1 ] && [ "$(json_get "$WORK/dns.out" 'd["causes"][0]["id"]')" = dns-unresolved ]; echo $?) "unknown name: dns-unresolved, exit 1"
  ok $([ "$(json_get "$WORK/dns.out" '[c["status"] for c in d["checks"] if c["id"]=="tcp"][0]')" = skipped ]; echo $?) "unknown name: tcp skipped"

  ip netns exec "$ns" "$RD_CLI" --json --timeout 2 localhost:3391 >"$WORK/both.out" 2>&1
  ok $([ "$(json_get "$WORK/both.out" 'len([a for c in d["checks"] if c["id"]=="dns" for a in c["evidence"]["addresses"]])')" = 2 ]; echo $?) "localhost resolves to both A and AAAA"
  ok $([ "$(json_get "$WORK/both.out" 'd["causes"][0]["id"]')" = port-closed ]; echo $?) "closed on both addresses: port-closed"
else
  for t in "filtered port" "unreachable port" "unknown name" "dual stack"; do
    skip "$t in a network namespace" "needs root, iproute2 and nftables to make a namespace"
  done
fi

finish
