#!/bin/bash
# test-states.sh: rdp-doctor-cli against each Windows host state the scripted
# server acts out, asserting the top cause (or none for a healthy host). TAP.
set -u
. "$(dirname "$0")/lib.sh"

# behaviour | extra CLI options | expected top cause ("-" = none) | evidence check (Python over d)
while IFS='|' read -r behaviour options expected probe; do
  behaviour=$(echo $behaviour); options=$(echo $options); expected=$(echo $expected); probe=$(echo "$probe" | sed 's/^ *//')
  [ -z "$behaviour" ] && continue
  case "$behaviour" in \#*) continue ;; esac
  name=$(echo "$behaviour $options" | tr -c 'a-z0-9' '-')
  if ! start_server "s" --behaviour "$behaviour"; then
    ok 1 "$behaviour: scripted server starts"; continue
  fi
  cli "$WORK/$name" --json --timeout 2 $options "127.0.0.1:$s_PORT"
  top=$(json_get "$WORK/$name.out" 'd["causes"][0]["id"] if d["causes"] else "-"' 2>/dev/null)
  if [ "$top" = "$expected" ]; then ok 0 "$behaviour $options: top cause $expected"
  else ok 1 "$behaviour $options: top cause $expected (got $top)"; diag "$WORK/$name.out"; fi
  if [ -n "$probe" ]; then
    got=$(json_get "$WORK/$name.out" "$probe" 2>&1)
    ok $([ "$got" = True ]; echo $?) "$behaviour $options: $probe"
  fi
  kill "$s_PID" 2>/dev/null; wait "$s_PID" 2>/dev/null
done <<'TABLE'
windows               |                          | -                       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["protocols"] == {"rdp": False, "ssl": True, "hybrid": True, "rdstls": False, "hybrid_ex": True, "rdsaad": False}
windows               |                          | -                       | [c for c in d["checks"] if c["id"]=="credssp"][0]["evidence"]["ntlm"]["nb_computer"] == "DEMO-PC"
windows               |                          | -                       | [c for c in d["checks"] if c["id"]=="credssp"][0]["evidence"]["ntlm"]["os_version"] == "10.0.20348"
windows               |                          | -                       | "RESTRICTED_ADMIN_MODE_SUPPORTED" in [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["flags"]
windows               | --code 0x904:0x7         | session-stuck           | d["error_code"]["codes"][0]["name"] == "disconnectReasonAtClientWinsockFDCLOSE"
windows               | --code 0x808             | licensing-cap           |
windows               | --code ERRCONNECT_HYBRID_REQUIRED_BY_SERVER | nla-required |
nla-enforced          |                          | -                       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["failure_codes"]["ssl"] == "HYBRID_REQUIRED_BY_SERVER"
nla-enforced          | --client-security tls    | nla-required            |
tls-only              |                          | -                       | [c for c in d["checks"] if c["id"]=="credssp"][0]["status"] == "skipped"
tls-only              | --client-security rdp    | tls-required            |
rdp-only              |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["failure_codes"]["ssl"] == "SSL_NOT_ALLOWED_BY_SERVER"
legacy                |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["legacy"] is True
rdp-only              |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["methods"] == {"40bit": True, "56bit": True, "128bit": True, "fips": False}
rdp-only              |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["server_version_name"] == "RDP 10.7"
legacy                |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["server_version_name"] == "RDP 5.0 to 8.1"
rdp-low               |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["encryption_level"] == "low"
rdp-high              |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["methods"] == {"40bit": False, "56bit": False, "128bit": True, "fips": False}
rdp-fips              |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["encryption_method"] == "fips"
rdp-none              |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["certificate"] is None
rdp-xrdp-low          |                          | rdp-security-only       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"]["methods_inferred_from"] == "encryption_method"
windows               |                          | -                       | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["rdp_security"] is None
silent                |                          | service-unresponsive    | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["closed_at"] == "x224"
close-at-x224         |                          | service-unresponsive    |
reset-at-x224         |                          | service-unresponsive    |
failure-1             |                          | tls-required            |
failure-2             |                          | rdp-security-only       |
failure-3             |                          | cert-key-inaccessible   | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["failure_codes"]["ssl"] == "SSL_CERT_NOT_ON_SERVER"
failure-4             |                          | client-broken           |
failure-5             |                          | nla-required            |
failure-6             |                          | nla-required            | [c for c in d["checks"] if c["id"]=="negotiation"][0]["evidence"]["failure_codes"]["ssl"] == "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"
cert-key-inaccessible |                          | cert-key-inaccessible   | [c for c in d["checks"] if c["id"]=="tls"][0]["evidence"]["handshake_failure"] in ("reset", "closed")
no-credssp-answer     |                          | credssp-oracle          | [c for c in d["checks"] if c["id"]=="credssp"][0]["evidence"]["closed_at"] == "credssp"
TABLE

finish
