#!/bin/bash
# test-peers.sh: rdp-doctor-cli against the peer tools, on the same servers:
# real xrdp (several configurations) and the project's scripted server. TAP.
#
# Ground truth for the security layer comes from raw X.224 probes
# (xrdp-lib.sh, x224_matrix). Where nmap (rdp-enum-encryption, rdp-ntlm-info)
# or sslscan --rdp agree with the truth, our evidence must agree with them:
# security layers and failure names, TLS versions, certificate fields, NTLM
# names, build and server time. Where a peer is wrong, a "# NOTE" line says
# so with the raw evidence, and our evidence must agree with the truth
# instead. Skipped when nmap/sslscan are missing; the xrdp part is skipped
# without xrdp, the scripted part without $RD_TEST_SERVER.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${RD_TEST_SERVER:=none}"   # lib.sh insists on it; the scripted part is skipped then
. "$here/lib.sh"
. "$here/xrdp-lib.sh"
. "$here/peers-lib.sh"

if ! peers_usable; then
  skip "peer tools" "$PEERS_SKIP_REASON"
  finish; exit
fi
echo "# $("$NMAP" --version | head -n 1); sslscan $("$SSLSCAN" --version 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | sed -n 's/^[[:space:]]*\([0-9][0-9.]*\)[[:space:]]*$/\1/p' | head -n 1)"

# compare LABEL: compares $WORK/LABEL.{cli.out,nmap,sslscan,truth}; prints
# "ok|fail|note<TAB>description<TAB>detail" lines
compare () {
  "$PYTHON" - "$WORK/$1" "$1" <<'PY'
import datetime, ipaddress, json, re, sys

base, label = sys.argv[1], sys.argv[2]
out = []
def emit(kind, desc, detail=""):
    out.append("%s\t%s\t%s" % (kind, desc, detail))
def check(cond, desc, detail=""):
    emit("ok" if cond else "fail", desc, "" if cond else detail)
def note(desc):
    emit("note", desc)

def kvfile(path):
    d = {}
    try:
        for line in open(path, errors="replace"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                d.setdefault(k, v)
    except FileNotFoundError:
        pass
    return d
nm, ss = kvfile(base + ".nmap"), kvfile(base + ".sslscan")
truth = {}
for line in open(base + ".truth"):
    m = re.match(r"offer=(\S+) (.*) raw=(\S*)$", line.strip())
    if m:
        truth[m.group(1)] = (m.group(2), m.group(3))
try:
    rep = json.load(open(base + ".cli.out"))
except Exception as e:
    emit("fail", "CLI printed a JSON report", str(e)); print("\n".join(out)); sys.exit()
checks = {c["id"]: c for c in rep.get("checks", [])}
def ev(cid):
    return (checks.get(cid) or {}).get("evidence") or {}
neg, tls, cssp = ev("negotiation"), ev("tls"), ev("credssp")
protocols, fcodes = neg.get("protocols") or {}, neg.get("failure_codes") or {}
cert = tls.get("certificate") or {}

BIT = {"rdp": None, "ssl": 1, "hybrid": 2, "rdstls": 4, "hybrid_ex": 8}
NMAP_OFFER = {"rdp": "0x0", "ssl": "0x1", "hybrid": "0x3", "rdstls": "0x4", "hybrid_ex": "0x8"}
NMAP_NAME = {"rdp": "Native RDP", "ssl": "SSL", "hybrid": "CredSSP (NLA)",
             "rdstls": "RDSTLS", "hybrid_ex": "CredSSP with Early User Auth"}
CLI_OFFER = {"rdp": "0x0", "ssl": "0x1", "hybrid": "0x3", "rdstls": "0x4"}  # hybrid_ex: CLI offers 0xB, nmap 0x8
def accepted(p, answer):
    m = re.match(r"rsp selected=0x([0-9a-f]+)", answer)
    if not m:
        return False
    sel = int(m.group(1), 16)
    return sel == 0 if BIT[p] is None else bool(sel & BIT[p])
def failure(answer):
    m = re.search(r"name=(\S+)", answer)
    return m.group(1) if answer.startswith("failure") else None

# --- nmap rdp-enum-encryption: security layers ------------------------------------
if nm.get("nmap.enum_error"):
    note("nmap rdp-enum-encryption threw a Lua error and printed no security-layer result at all: "
         + nm["nmap.enum_error"] + " (rdp.lua cannot parse the short X.224 Data reply to the MCS Connect "
         "Initial of its native-RDP cipher probe, and the error discards the protocol results it already had)")
    check(all(k in protocols for k in ("rdp", "ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad")),
          "our negotiation evidence is complete where nmap has none", "protocols=%r" % protocols)
for p in ("rdp", "ssl", "hybrid", "rdstls", "hybrid_ex"):
    said = nm.get("nmap.protocol." + p)
    if said is None:
        continue
    answer, raw = truth.get(NMAP_OFFER[p], ("?", ""))
    really = accepted(p, answer)
    if said == "SUCCESS" and really:
        check(protocols.get(p) is True, "%s accepted: nmap and we agree" % p, "protocols[%s]=%r" % (p, protocols.get(p)))
    elif said == "SUCCESS" and not really:
        note("nmap is WRONG: '%s: SUCCESS' but the server answered requestedProtocols=%s with %s (raw %s)"
             % (NMAP_NAME[p], NMAP_OFFER[p], answer, raw))
        check(protocols.get(p) is False, "%s not accepted: we follow the server's answer, not nmap" % p,
              "protocols[%s]=%r" % (p, protocols.get(p)))
    elif said == "FAILED":
        name = nm.get("nmap.failure." + p)
        fact = failure(answer)
        check(protocols.get(p) is False, "%s refused: nmap and we agree" % p, "protocols[%s]=%r" % (p, protocols.get(p)))
        if name and fact and name == fact:
            if p in CLI_OFFER:
                check(fcodes.get(p) == name, "%s failure name %s: nmap and we agree" % (p, name),
                      "failure_codes[%s]=%r" % (p, fcodes.get(p)))
        elif name == "Unknown" and fact:
            note("nmap is WRONG: '%s: FAILED (Unknown)' for failure code %s (raw %s): its table stops at 5"
                 % (NMAP_NAME[p], answer, raw))
            if p in CLI_OFFER:
                check(fcodes.get(p) == fact, "%s failure name %s where nmap says Unknown" % (p, fact),
                      "failure_codes[%s]=%r" % (p, fcodes.get(p)))
        elif name and not fact:
            note("nmap prints '%s: FAILED (%s)' but the server answered %s (raw %s)" % (NMAP_NAME[p], name, answer, raw))
    elif said == "Unknown":
        check(answer == "cc-bare", "%s Unknown in nmap: a bare Connection Confirm" % p, answer)

# --- nmap rdp-enum-encryption: Standard RDP Security ------------------------------
# nmap opens one connection per method, each offering that method alone, and
# prints SUCCESS for the ones the server picked; we send one Connect Initial
# offering all four on the "rdp" offer's own connection. Every level, method
# and version nmap prints must be in our evidence.
sec = neg.get("rdp_security") or {}
NMAP_LEVEL = {"None": "none", "Low": "low", "Client Compatible": "client-compatible",
              "High": "high", "FIPS Compliant": "fips"}
NMAP_METHOD = {"rc4_40": "40bit", "rc4_56": "56bit", "rc4_128": "128bit", "fips": "fips"}
NMAP_VERSION = {"RDP 4.0 server": "RDP 4.0", "RDP 5.x, 6.x, 7.x, or 8.x server": "RDP 5.0 to 8.1"}
if nm.get("nmap.rdp_encryption_level"):
    said = nm["nmap.rdp_encryption_level"]
    check(sec.get("encryption_level") == NMAP_LEVEL.get(said),
          "encryption level %s: nmap and we agree" % said, "rdp_security=%r" % sec)
for key, method in NMAP_METHOD.items():
    if nm.get("nmap." + key) == "SUCCESS":
        check((sec.get("methods") or {}).get(method) is True,
              "%s works: nmap (a connection of its own) and we (the same one answer) agree" % method,
              "rdp_security=%r" % sec)
if nm.get("nmap.rdp_protocol_version"):
    said = nm["nmap.rdp_protocol_version"]
    want = NMAP_VERSION.get(said) or re.sub(r" server$", "", said)
    check(sec.get("server_version_name") == want, "RDP protocol version %s: nmap and we agree" % said,
          "rdp_security=%r" % sec)
if sec.get("methods_inferred_from") == "encryption_method":
    note("the server picked %s at encryption level %s from all four methods, not the highest one as "
         "MS-RDPBCGR 5.3.2.1 says: only that method is known (nmap prints SUCCESS for it alone too)"
         % (sec.get("encryption_method"), sec.get("encryption_level")))

# --- nmap rdp-ntlm-info: NTLM host info --------------------------------------------
ntlm = cssp.get("ntlm") or {}
if nm.get("nmap.ntlm.nb_computer"):
    for k in ("nb_computer", "nb_domain", "dns_computer", "dns_domain", "dns_tree"):
        check(ntlm.get(k) == nm.get("nmap.ntlm." + k), "NTLM %s %s: nmap and we agree" % (k, nm.get("nmap.ntlm." + k)),
              "ours=%r" % ntlm.get(k))
    build = lambda s: re.findall(r"\d+", str(s or ""))
    check(build(ntlm.get("os_version"))[:3] == build(nm.get("nmap.ntlm.os_version"))[:3],
          "NTLM version %s: nmap and we agree" % nm.get("nmap.ntlm.os_version"), "ours=%r" % ntlm.get("os_version"))
    def when(s):
        s = str(s).replace("Z", "+00:00")
        return datetime.datetime.fromisoformat(s)
    try:
        diff = abs((when(ntlm.get("server_time")) - when(nm["nmap.ntlm.server_time"])).total_seconds())
        check(diff <= 5, "NTLM server time: nmap and we agree within 5 s", "ours=%r nmap=%r"
              % (ntlm.get("server_time"), nm["nmap.ntlm.server_time"]))
    except Exception as e:
        check(False, "NTLM server time: nmap and we agree within 5 s", repr(e))
    note("nmap rdp-ntlm-info does not report the server's CredSSP version; ours: %r" % cssp.get("credssp_version"))
elif nm.get("nmap.rc") is not None:
    really = accepted("hybrid", truth.get("0xb", ("", ""))[0])
    check(not ntlm or really, "no NTLM host info from nmap, none from us (no CredSSP here)", "ours=%r" % ntlm)
    if really:
        note("nmap rdp-ntlm-info printed nothing although the server selected CredSSP")

# --- sslscan --rdp: TLS versions and certificate ------------------------------------
s_answer, s_raw = truth.get("0x3", ("?", ""))      # sslscan offers SSL|HYBRID (3)
if ss.get("sslscan.output") == "none" or ss.get("sslscan.rc") not in ("0", None):
    note("sslscan --rdp exited with status %s and printed %s; the server had answered its "
         "SSL|HYBRID offer with %s (raw %s)" % (ss.get("sslscan.rc"),
         "nothing" if ss.get("sslscan.output") == "none" else "a partial report", s_answer, s_raw))
versions = {v: ss.get("sslscan.tls." + v) for v in ("1.0", "1.1", "1.2", "1.3")}
any_tls = any(x == "1" for x in versions.values())
if any_tls:
    ours = tls.get("versions") or {}
    check({v: x == "1" for v, x in versions.items()} == {v: ours.get(v) for v in versions},
          "TLS versions: sslscan and we agree", "sslscan=%r ours=%r" % (versions, ours))
elif ss.get("sslscan.rc") == "0":
    if not s_answer.startswith("rsp selected=0x1"):
        note("sslscan --rdp reports every TLS version disabled and no certificate, without saying why: "
             "it does not read the answer to its SSL|HYBRID offer, which was %s (raw %s)" % (s_answer, s_raw))
    else:
        note("sslscan --rdp reports every TLS version disabled, but the server did select TLS (%s): "
             "the handshake itself broke, which it does not tell apart from 'no TLS'" % s_answer)
if not any_tls:
    # then we must say why
    if s_answer.startswith("failure"):
        check(fcodes.get("ssl") == failure(truth.get("0x1", ("", ""))[0]) or fcodes.get("hybrid") == failure(s_answer),
              "we name the refusal sslscan ignores (%s)" % failure(s_answer), "failure_codes=%r" % fcodes)
    elif s_answer.startswith("rsp selected=0x0"):
        check(protocols.get("ssl") is False, "we say the server does not accept TLS (it selected RDP)",
              "protocols=%r" % protocols)
    elif s_answer.startswith("rsp selected=0x1"):
        check(bool(tls.get("handshake_error")), "we record the broken TLS handshake", "tls=%r" % tls)
if ss.get("sslscan.cert.subject"):
    check(cert.get("subject_cn") == ss["sslscan.cert.subject"], "certificate subject: sslscan and we agree",
          "ours=%r sslscan=%r" % (cert.get("subject_cn"), ss["sslscan.cert.subject"]))
    def sanset(items):
        r = set()
        for s in items:
            s = re.sub(r"^(DNS|IP Address|IP):", "", s.strip())
            try:
                s = str(ipaddress.ip_address(s))
            except ValueError:
                pass
            r.add(s)
        return r
    check(sanset(cert.get("san") or []) == sanset(ss.get("sslscan.cert.altnames", "").split(",")),
          "certificate SANs: sslscan and we agree", "ours=%r sslscan=%r" % (cert.get("san"), ss.get("sslscan.cert.altnames")))
    m = re.search(r"CN\s*=\s*([^,/]+)", cert.get("issuer") or "")
    check((m.group(1).strip() if m else cert.get("issuer")) == ss.get("sslscan.cert.issuer"),
          "certificate issuer: sslscan and we agree", "ours=%r sslscan=%r" % (cert.get("issuer"), ss.get("sslscan.cert.issuer")))
    for k in ("not_before", "not_after"):
        check(cert.get(k) == ss.get("sslscan.cert." + k), "certificate %s: sslscan and we agree" % k,
              "ours=%r sslscan=%r" % (cert.get(k), ss.get("sslscan.cert." + k)))
    check(str(cert.get("key_bits")) == ss.get("sslscan.cert.key_bits"), "certificate key size: sslscan and we agree",
          "ours=%r sslscan=%r" % (cert.get("key_bits"), ss.get("sslscan.cert.key_bits")))
    check(str(cert.get("key_type", "")).upper().startswith(ss.get("sslscan.cert.key_type", "?").upper()),
          "certificate key type: sslscan and we agree", "ours=%r sslscan=%r" % (cert.get("key_type"), ss.get("sslscan.cert.key_type")))
    check(cert.get("signature_algorithm") == ss.get("sslscan.cert.signature_algorithm"),
          "certificate signature algorithm: sslscan and we agree",
          "ours=%r sslscan=%r" % (cert.get("signature_algorithm"), ss.get("sslscan.cert.signature_algorithm")))
    check(cert.get("self_signed") == (ss.get("sslscan.cert.self_signed") == "true"),
          "certificate self-signed: sslscan and we agree", "ours=%r sslscan=%r" % (cert.get("self_signed"), ss.get("sslscan.cert.self_signed")))
    if ss.get("sslscan.cert.expired") == "true":
        check("cert-expired" in [c.get("id") for c in rep.get("causes", [])],
              "sslscan says expired: we report cert-expired", "causes=%r" % [c.get("id") for c in rep.get("causes", [])])
    if versions.get("1.2") != "1" and versions.get("1.3") != "1" and any_tls:
        note("sslscan --rdp lists the old TLS versions as enabled (right), but cannot tell that this "
             "machine's default OpenSSL policy refuses them; ours: default_policy_ok=%r" % tls.get("default_policy_ok"))

print("\n".join(out))
PY
}

# peer_run LABEL PORT [CLI-TARGET]: truth, CLI, nmap, sslscan, then the comparison
peer_run () {
  _pl=$1 _pp=$2
  x224_matrix "$_pp" >"$WORK/$_pl.truth"
  cli "$WORK/$_pl.cli" --json "${3:-127.0.0.1}:$_pp"
  # nmap and sslscan side by side (each makes one connection at a time); the
  # CLI alone before them, so that they do not disturb its measurements
  nmap_rdp "$_pp" "$WORK/$_pl.nmap" &
  _np=$!
  sslscan_rdp "$_pp" "$WORK/$_pl.sslscan"
  wait "$_np"
  echo "# $_pl: cli $(cat "$WORK/$_pl.cli.ms") ms, nmap $(kv "$WORK/$_pl.nmap" nmap.ms) ms, sslscan $(kv "$WORK/$_pl.sslscan" sslscan.ms) ms"
  _bad=0
  while IFS='	' read -r _kind _desc _detail; do
    case $_kind in
      ok)   ok 0 "$_pl: $_desc" ;;
      fail) ok 1 "$_pl: $_desc"; echo "#   $_detail"; _bad=1 ;;
      note) echo "# NOTE $_pl: $_desc" ;;
    esac
  done < <(compare "$_pl")
  if [ "$_bad" = 1 ]; then
    echo "# $_pl: raw evidence"
    sed 's/^/#   truth: /' "$WORK/$_pl.truth"
    sed 's/^/#   /' "$WORK/$_pl.nmap" "$WORK/$_pl.sslscan"
    "$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d.get("checks", []):
    if c["id"] in ("negotiation", "tls", "credssp"):
        print(c["id"], c.get("status"), json.dumps(c.get("evidence"), ensure_ascii=False))
print("causes", [c.get("id") for c in d.get("causes", [])])' "$WORK/$_pl.cli.out" 2>&1 | sed 's/^/#   cli: /'
  fi
}

# --- xrdp -----------------------------------------------------------------------------
if xrdp_usable && xrdp_make_certs; then
  for cfg in rdp rdp-low rdp-medium rdp-fips tls negotiate tls-expired tls-weak tls10 tls-nokey tls-badkey; do
    n=xp_$(echo "$cfg" | tr -- - _)
    if xrdp_start "$n" "$cfg"; then
      eval "port=\$${n}_PORT"
      peer_run "xrdp-$cfg" "$port"
      xrdp_stop "$n"
    else
      ok 1 "xrdp-$cfg: xrdp starts"
    fi
  done
else
  skip "peers against xrdp" "${XRDP_SKIP_REASON:-making test certificates failed}"
fi

# --- the scripted server ------------------------------------------------------------------
# rdp-only and legacy answer nmap's cipher probes with MCS Connect Responses
# (Client Compatible: the method offered alone, FIPS alone gets the
# connection closed, as MS-RDPBCGR 5.3.2.1 says).
if [ -x "$RD_TEST_SERVER" ]; then
  for b in windows tls-only nla-enforced failure-3 failure-6 rdp-only legacy; do
    n=ts_$(echo "$b" | tr -- - _)
    if start_server "$n" --behaviour "$b" --computer-name srv01.corp.example --clock-offset 600; then
      eval "port=\$${n}_PORT pid=\$${n}_PID"
      peer_run "server-$b" "$port"
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    else
      ok 1 "server-$b: scripted server starts"
    fi
  done
else
  skip "peers against the scripted server" "RD_TEST_SERVER is not set or not built"
fi

finish
