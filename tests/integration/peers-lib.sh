# peers-lib.sh: run the peer tools (nmap rdp-enum-encryption / rdp-ntlm-info,
# sslscan --rdp) against a server on 127.0.0.1 and boil their output down to
# key=value lines that can be compared with rdp-doctor-cli's evidence. Source
# it (bash or POSIX sh).
#
#   peers_usable                  0 if nmap and sslscan are here; else PEERS_SKIP_REASON
#   nmap_rdp PORT OUT             OUT.raw: nmap's own output (-d); OUT: key=value
#   sslscan_rdp PORT OUT          OUT.raw: sslscan's text, OUT.xml: its XML; OUT: key=value
#   kv FILE KEY                   the value of KEY in a key=value file (empty if absent)
#
# Keys written by nmap_rdp (protocol names as in the CLI's negotiation evidence):
#   nmap.rc / nmap.ms              exit status of nmap / how long it took
#   nmap.protocol.<p>=SUCCESS|FAILED|Unknown   p: rdp ssl hybrid rdstls hybrid_ex
#                                  ("Native RDP", "SSL", "CredSSP (NLA)" = offer 3,
#                                   "RDSTLS" = offer 4, "CredSSP with Early User
#                                   Auth" = offer 8 in nmap's words)
#   nmap.failure.<p>=NAME          the failure name nmap printed with -d ("Unknown"
#                                  for codes it does not know, e.g. 6)
#   nmap.rdp_encryption_level=...  nmap.rc4_128=SUCCESS|FAILURE, ...
#   nmap.rdp_protocol_version=...
#   nmap.enum_error=...            rdp-enum-encryption threw a Lua error (no output at all then)
#   nmap.ntlm.<k>=...              k: target_name nb_domain nb_computer dns_domain
#                                  dns_computer dns_tree os_version server_time
#                                  (rdp-ntlm-info; server_time as printed, ISO 8601)
#   nmap.ntlm_error=...            rdp-ntlm-info's debug line when it got nothing
#
# Keys written by sslscan_rdp:
#   sslscan.rc / sslscan.ms        exit status (141: killed by SIGPIPE) / how long it took
#   sslscan.output=none            it printed nothing at all
#   sslscan.tls.<v>=0|1            v: 1.0 1.1 1.2 1.3 (and sslscan.ssl.2 / .3)
#   sslscan.cert.subject / .altnames / .issuer / .self_signed (true|false)
#   sslscan.cert.not_before / .not_after (ISO 8601 UTC) / .expired
#   sslscan.cert.signature_algorithm / .key_type / .key_bits
#   sslscan.preferred.<v>=CIPHER   the preferred cipher per TLS version
#
# nmap's scripts only run on port 3389 or a port nmap identified as
# ms-wbt-server (portrule), so they are forced with "+script" here: the test
# servers listen on ephemeral ports, and -sV would cost seconds.

NMAP=${NMAP:-nmap}
SSLSCAN=${SSLSCAN:-sslscan}
PYTHON=${PYTHON:-/usr/bin/python3}
PEERS_SKIP_REASON=

peers_usable () {
  command -v "$NMAP" >/dev/null 2>&1 || { PEERS_SKIP_REASON="nmap is not installed"; return 1; }
  command -v "$SSLSCAN" >/dev/null 2>&1 || { PEERS_SKIP_REASON="sslscan is not installed"; return 1; }
  [ -f /usr/share/nmap/scripts/rdp-enum-encryption.nse ] || [ -n "${NMAP_SCRIPTS_OK:-}" ] ||
    { PEERS_SKIP_REASON="nmap's rdp-enum-encryption script is missing"; return 1; }
  [ -x "$PYTHON" ] || { PEERS_SKIP_REASON="$PYTHON is not installed"; return 1; }
  return 0
}

kv () {
  sed -n "s/^$(printf '%s' "$2" | sed 's/[.[\*^$/]/\\&/g')=//p" "$1" 2>/dev/null | head -n 1
}

# nmap_rdp PORT OUT [SCRIPTS]: SCRIPTS defaults to both rdp scripts
nmap_rdp () {
  _np_scripts=${3:-+rdp-enum-encryption,+rdp-ntlm-info}
  _np_t0=$(date +%s%N)
  "$NMAP" -Pn -n -d -p "$1" --script "$_np_scripts" 127.0.0.1 >"$2.raw" 2>&1
  echo "nmap.rc=$?" >"$2"
  echo "nmap.ms=$(( ($(date +%s%N) - _np_t0) / 1000000 ))" >>"$2"
  "$PYTHON" - "$2.raw" >>"$2" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
names = {"Native RDP": "rdp", "SSL": "ssl", "CredSSP (NLA)": "hybrid",
         "RDSTLS": "rdstls", "CredSSP with Early User Auth": "hybrid_ex"}
ciphers = {"40-bit RC4": "rc4_40", "56-bit RC4": "rc4_56", "128-bit RC4": "rc4_128",
           "FIPS 140-1": "fips"}
ntlm = {"Target_Name": "target_name", "NetBIOS_Domain_Name": "nb_domain",
        "NetBIOS_Computer_Name": "nb_computer", "DNS_Domain_Name": "dns_domain",
        "DNS_Computer_Name": "dns_computer", "DNS_Tree_Name": "dns_tree",
        "Product_Version": "os_version", "System_Time": "server_time"}
section = None
for line in text.splitlines():
    m = re.match(r"^\|_?\s{1,2}(\S.*?):\s*$", line)
    if line.startswith("| rdp-enum-encryption"):
        section = "enum"; continue
    if line.startswith("| rdp-ntlm-info"):
        section = "ntlm"; continue
    if not line.startswith("|"):
        section = None
    body = re.sub(r"^\|_?\s*", "", line)
    if section == "enum":
        m = re.match(r"^(.*?): (SUCCESS|FAILED|FAILURE|Unknown)(?: \((.*)\))?$", body)
        if m and m.group(1) in names:
            print("nmap.protocol.%s=%s" % (names[m.group(1)], m.group(2)))
            if m.group(3):
                print("nmap.failure.%s=%s" % (names[m.group(1)], m.group(3)))
        elif m and m.group(1) in ciphers:
            print("nmap.%s=%s" % (ciphers[m.group(1)], m.group(2)))
        m = re.match(r"^RDP Encryption level: (.*)$", body)
        if m:
            print("nmap.rdp_encryption_level=%s" % m.group(1))
        m = re.match(r"^RDP Protocol Version:\s*(.*)$", body)
        if m:
            print("nmap.rdp_protocol_version=%s" % m.group(1))
    elif section == "ntlm":
        m = re.match(r"^(\w+): (.*)$", body)
        if m and m.group(1) in ntlm:
            print("nmap.ntlm.%s=%s" % (ntlm[m.group(1)], m.group(2)))
m = re.search(r"rdp-enum-encryption against \S+ threw an error!\n(.*)", text)
if m:
    print("nmap.enum_error=%s" % m.group(1).strip())
m = re.search(r"NSE: \[rdp-ntlm-info [^]]*\] (Unable.*|.*[Ff]ail.*)", text)
if m:
    print("nmap.ntlm_error=%s" % m.group(1).strip())
PY
}

# sslscan_rdp PORT OUT: protocols and certificate only (0.3 s instead of 1-4 s);
# SSLSCAN_FULL=1 also enumerates ciphers, groups, Heartbleed, renegotiation...
sslscan_rdp () {
  rm -f "$2.xml"
  _ss_opts="--no-ciphersuites --no-groups --no-heartbleed --no-fallback --no-renegotiation --no-compression"
  [ "${SSLSCAN_FULL:-0}" = 1 ] && _ss_opts=
  _ss_t0=$(date +%s%N)
  # sslscan dies of SIGPIPE (status 141) when the server closes after an
  # RDP_NEG_FAILURE: keep the status rather than let the shell report it.
  # shellcheck disable=SC2086
  ( "$SSLSCAN" --rdp --no-colour $_ss_opts --xml="$2.xml" "127.0.0.1:$1" >"$2.raw" 2>&1; echo "$?" >"$2.rc" )
  echo "sslscan.rc=$(cat "$2.rc")" >"$2"
  echo "sslscan.ms=$(( ($(date +%s%N) - _ss_t0) / 1000000 ))" >>"$2"
  rm -f "$2.rc"
  [ -s "$2.raw" ] || echo "sslscan.output=none" >>"$2"
  [ -s "$2.xml" ] || return 0
  "$PYTHON" - "$2.xml" >>"$2" <<'PY'
import sys, datetime
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    print("sslscan.xml_error=%s" % e); sys.exit(0)
test = root.find("ssltest")
if test is None:
    sys.exit(0)
for p in test.findall("protocol"):
    print("sslscan.%s.%s=%s" % (p.get("type"), p.get("version"), p.get("enabled")))
for c in test.findall("cipher"):
    if c.get("status") == "preferred":
        v = c.get("sslversion", "").replace("TLSv", "")
        print("sslscan.preferred.%s=%s" % (v, c.get("cipher")))
def iso(s):
    # "Nov 20 12:13:25 2026 GMT"
    return datetime.datetime.strptime(" ".join(s.split()), "%b %d %H:%M:%S %Y GMT").strftime("%Y-%m-%dT%H:%M:%SZ")
cert = test.find("certificates/certificate")
if cert is not None:
    def text(tag):
        e = cert.find(tag)
        return (e.text or "").strip() if e is not None else ""
    print("sslscan.cert.subject=%s" % text("subject"))
    print("sslscan.cert.altnames=%s" % text("altnames"))
    print("sslscan.cert.issuer=%s" % text("issuer"))
    print("sslscan.cert.self_signed=%s" % text("self-signed"))
    print("sslscan.cert.expired=%s" % text("expired"))
    print("sslscan.cert.signature_algorithm=%s" % text("signature-algorithm"))
    pk = cert.find("pk")
    if pk is not None:
        print("sslscan.cert.key_type=%s" % pk.get("type"))
        print("sslscan.cert.key_bits=%s" % pk.get("bits"))
    for tag, key in (("not-valid-before", "not_before"), ("not-valid-after", "not_after")):
        try:
            print("sslscan.cert.%s=%s" % (key, iso(text(tag))))
        except ValueError:
            print("sslscan.cert.%s=%s" % (key, text(tag)))
PY
}
