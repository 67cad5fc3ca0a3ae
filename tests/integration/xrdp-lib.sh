# xrdp-lib.sh: test certificates made with openssl(1), and private xrdp
# instances on 127.0.0.1 for the integration tests. Source it (bash or POSIX
# sh) after lib.sh, or on its own: everything it starts is stopped on exit.
#
#   xrdp_usable                    0 if xrdp can run here; else XRDP_SKIP_REASON
#   xrdp_make_certs                makes $XRDP_CERTS/{valid,expired,wrongname,weak,
#                                  chain,badkey}.{crt,key} (once per run)
#   xrdp_start NAME CONFIG         starts xrdp with one of the configurations
#                                  below; sets NAME_PORT, NAME_PID, NAME_LOG
#   xrdp_start_custom NAME KEY=VALUE...   the same with [Globals] settings of
#                                  your own (port, fork and logging are set here)
#   XRDP_DUAL_STACK=1 xrdp_start ...  listen on ::1 too (same port), so that
#                                  "localhost:PORT" reaches it on both addresses
#   xrdp_stop NAME                 stops it (SIGTERM, then SIGKILL after 2 s)
#   x224_probe PORT OFFER          one X.224 Connection Request carrying
#                                  RDP_NEG_REQ requestedProtocols=OFFER (or
#                                  "none": no RDP_NEG_REQ); prints the answer
#   x224_matrix PORT               x224_probe for every offer in XRDP_OFFERS
#   x224_summary PORT              the same on one line: "none:cc-bare 0x0:fail=1 ..."
#   xrdp_cert_field NAME FIELD     a certificate field as the CLI contract spells it
#   XRDP_CONFIGS                   the names of all configurations below
#
# CONFIG is one of:
#   rdp              security_layer=rdp (Standard RDP Security only), crypt_level=high
#   rdp-low, rdp-medium, rdp-fips   the same with crypt_level=low / medium / fips
#   tls              security_layer=tls, valid certificate, TLS 1.2 and 1.3
#   negotiate        security_layer=negotiate, valid certificate, TLS 1.2 and 1.3
#   tls-expired      tls with a certificate whose notAfter has passed
#   tls-wrongname    tls with a certificate for wrong-host.example.test
#   tls-weak         tls with a SHA-1-signed certificate on an RSA 1024 key
#                    (ciphers at security level 0: Debian's OpenSSL 3.0 runs at
#                    level 2, where xrdp fails to load it: "ee key too small")
#   tls-chain        tls with a leaf signed by a test CA, chain of 2 sent
#   tls10            tls, TLS 1.0 only (ciphers at OpenSSL security level 0)
#   tls-nokey        tls, key_file not readable (xrdp: SSL_CERT_NOT_ON_SERVER)
#   tls-badkey       tls, key_file readable but not the certificate's key
#                    (xrdp selects SSL, then the TLS handshake fails)
#   negotiate-nokey  negotiate, key_file not readable (xrdp falls back to RDP)
#
# Certificates: "valid", "expired", "chain", "badkey" and "weak" name
# $XRDP_TEST_HOST (default 127.0.0.1) in the CN and carry the SANs
# DNS:localhost, IP:127.0.0.1, IP:::1, so both a name check against the CN and
# one against the SAN agree that "127.0.0.1" and "localhost" match. All but
# "weak" are RSA 2048 / SHA-256 with EKU serverAuth; all are self-signed except
# "chain" (issued by $XRDP_CERTS/ca.crt).
#
# What xrdp 0.9.21 needs and what cannot be redirected:
# - /etc/xrdp/rsakeys.ini is read for Standard RDP Security; its path is
#   compiled in (XRDP_CFG_PATH), not configurable. The Debian package creates
#   it (xrdp-keygen xrdp auto). xrdp_usable checks it is readable.
# - xrdp refuses to start if /var/run/xrdp/xrdp.pid exists (the system service
#   is running), even with --nodaemon; --nodaemon itself never writes it.
# - Logging goes to a file of our own (LogFile=absolute path), syslog off.
# - fork=false: one process per instance, connections on threads, so one kill
#   stops everything. The listen backlog of xrdp is 2.

XRDP_BIN=${XRDP_BIN:-/usr/sbin/xrdp}
XRDP_INI_TEMPLATE=${XRDP_INI_TEMPLATE:-/etc/xrdp/xrdp.ini}
XRDP_TEST_HOST=${XRDP_TEST_HOST:-127.0.0.1}
XRDP_WRONG_HOST=${XRDP_WRONG_HOST:-wrong-host.example.test}
XRDP_OFFERS=${XRDP_OFFERS:-"none 0x0 0x1 0x2 0x3 0x8 0xb 0x4 0x10"}
OPENSSL=${OPENSSL:-openssl}
PYTHON=${PYTHON:-/usr/bin/python3}

XRDP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rd-xrdp.XXXXXX")
XRDP_CERTS="$XRDP_DIR/certs"
XRDP_PIDS=
XRDP_SKIP_REASON=

xrdp_stop_all () {
  for _p in $XRDP_PIDS; do
    kill -TERM "$_p" 2>/dev/null
  done
  for _p in $XRDP_PIDS; do
    for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
      kill -0 "$_p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$_p" 2>/dev/null
    wait "$_p" 2>/dev/null
  done
  XRDP_PIDS=
}

xrdp_cleanup () {
  xrdp_stop_all
  rm -rf "$XRDP_DIR"
}

# Chain our cleanup in front of lib.sh's (if it was sourced first).
if command -v cleanup >/dev/null 2>&1; then
  trap 'xrdp_cleanup; cleanup' EXIT
else
  trap 'xrdp_cleanup' EXIT
fi
trap 'exit 130' INT
trap 'exit 143' TERM

xrdp_usable () {
  if [ ! -x "$XRDP_BIN" ]; then
    XRDP_SKIP_REASON="$XRDP_BIN is not installed (Debian package xrdp)"; return 1
  fi
  if [ ! -r "$XRDP_INI_TEMPLATE" ]; then
    XRDP_SKIP_REASON="$XRDP_INI_TEMPLATE is not readable"; return 1
  fi
  if [ ! -r /etc/xrdp/rsakeys.ini ]; then
    XRDP_SKIP_REASON="/etc/xrdp/rsakeys.ini is not readable (xrdp reads it from a compiled-in path; run as root or create it with xrdp-keygen xrdp auto)"; return 1
  fi
  if [ -e /var/run/xrdp/xrdp.pid ]; then
    XRDP_SKIP_REASON="/var/run/xrdp/xrdp.pid exists (the system xrdp runs); xrdp refuses a second instance"; return 1
  fi
  if ! command -v "$OPENSSL" >/dev/null 2>&1; then
    XRDP_SKIP_REASON="openssl is not installed"; return 1
  fi
  if ! command -v ss >/dev/null 2>&1; then
    XRDP_SKIP_REASON="ss (iproute2) is not installed"; return 1
  fi
  if [ ! -x "$PYTHON" ]; then
    XRDP_SKIP_REASON="$PYTHON is not installed"; return 1
  fi
  return 0
}

# --- certificates -----------------------------------------------------------

# _xrdp_ca_conf DIR: a minimal openssl ca(1) configuration in DIR
_xrdp_ca_conf () {
  mkdir -p "$1/newcerts"
  : >"$1/index.txt"
  echo 1000 >"$1/serial"
  cat >"$1/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $1
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::RD_SAN
subjectKeyIdentifier = hash
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
}

# _xrdp_cert OUT CN SAN BITS DIGEST START END [CA-BASENAME]
#   START/END: YYYYMMDDHHMMSSZ (UTC). Self-signed unless CA-BASENAME is given.
#   Uses `openssl ca`, because OpenSSL 3.0's req/x509 cannot set a notBefore
#   or a notAfter in the past (-not_before/-not_after came in 3.4), and
#   faketime is not available.
_xrdp_cert () {
  _xc_out=$1 _xc_cn=$2 _xc_san=$3 _xc_bits=$4 _xc_md=$5 _xc_start=$6 _xc_end=$7 _xc_ca=${8:-}
  _xc_d="$XRDP_CERTS/ca-work"
  "$OPENSSL" genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$_xc_bits" \
    -out "$_xc_out.key" 2>>"$XRDP_CERTS/openssl.log" || return 1
  RD_SAN=$_xc_san "$OPENSSL" req -new -config "$_xc_d/ca.cnf" -key "$_xc_out.key" -subj "/CN=$_xc_cn" \
    -out "$_xc_out.csr" 2>>"$XRDP_CERTS/openssl.log" || return 1
  if [ -n "$_xc_ca" ]; then
    RD_SAN=$_xc_san "$OPENSSL" ca -batch -notext -config "$_xc_d/ca.cnf" -in "$_xc_out.csr" \
      -cert "$_xc_ca.crt" -keyfile "$_xc_ca.key" -md "$_xc_md" \
      -startdate "$_xc_start" -enddate "$_xc_end" -extensions server_ext \
      -out "$_xc_out.crt" >>"$XRDP_CERTS/openssl.log" 2>&1 || return 1
  else
    RD_SAN=$_xc_san "$OPENSSL" ca -batch -notext -config "$_xc_d/ca.cnf" -in "$_xc_out.csr" \
      -selfsign -keyfile "$_xc_out.key" -md "$_xc_md" \
      -startdate "$_xc_start" -enddate "$_xc_end" -extensions server_ext \
      -out "$_xc_out.crt" >>"$XRDP_CERTS/openssl.log" 2>&1 || return 1
  fi
  rm -f "$_xc_out.csr"
}

# xrdp_make_certs: all test certificates, in $XRDP_CERTS. Idempotent.
xrdp_make_certs () {
  [ -f "$XRDP_CERTS/done" ] && return 0
  mkdir -p "$XRDP_CERTS"
  _xrdp_ca_conf "$XRDP_CERTS/ca-work"
  _now=$(date -u +%s)
  _fmt () { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
  _start=$(_fmt $((_now - 86400)))            # yesterday
  _end=$(_fmt $((_now + 365 * 86400)))        # a year from now
  _san="DNS:localhost,IP:127.0.0.1,IP:::1"
  [ "$XRDP_TEST_HOST" = 127.0.0.1 ] || [ "$XRDP_TEST_HOST" = localhost ] ||
    _san="DNS:$XRDP_TEST_HOST,$_san"
  _c=$XRDP_CERTS

  _xrdp_cert "$_c/valid" "$XRDP_TEST_HOST" "$_san" 2048 sha256 "$_start" "$_end" || return 1
  # expired: valid for a year that ended 30 days ago
  _xrdp_cert "$_c/expired" "$XRDP_TEST_HOST" "$_san" 2048 sha256 \
    "$(_fmt $((_now - 395 * 86400)))" "$(_fmt $((_now - 30 * 86400)))" || return 1
  _xrdp_cert "$_c/wrongname" "$XRDP_WRONG_HOST" "DNS:$XRDP_WRONG_HOST" 2048 sha256 \
    "$_start" "$_end" || return 1
  # weak: SHA-1 signature, RSA 1024. Self-signed, so OpenSSL 3.0's security
  # level check on the signature (which exempts self-signed certificates)
  # does not stop xrdp from loading it.
  _xrdp_cert "$_c/weak" "$XRDP_TEST_HOST" "$_san" 1024 sha1 "$_start" "$_end" || return 1
  # chain: a test CA and a leaf it issued; the .crt file holds leaf then CA
  "$OPENSSL" genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$_c/ca.key" 2>>"$_c/openssl.log" || return 1
  RD_SAN=DNS:unused "$OPENSSL" req -new -config "$_c/ca-work/ca.cnf" -key "$_c/ca.key" \
    -subj "/CN=RDP Doctor Test CA" -out "$_c/ca.csr" 2>>"$_c/openssl.log" || return 1
  RD_SAN=DNS:unused "$OPENSSL" ca -batch -notext -config "$_c/ca-work/ca.cnf" -in "$_c/ca.csr" \
    -selfsign -keyfile "$_c/ca.key" -md sha256 -extensions ca_ext \
    -startdate "$(_fmt $((_now - 2 * 86400)))" -enddate "$(_fmt $((_now + 400 * 86400)))" \
    -out "$_c/ca.crt" >>"$_c/openssl.log" 2>&1 || return 1
  _xrdp_cert "$_c/chain-leaf" "$XRDP_TEST_HOST" "$_san" 2048 sha256 "$_start" "$_end" "$_c/ca" || return 1
  cat "$_c/chain-leaf.crt" "$_c/ca.crt" >"$_c/chain.crt"
  cp "$_c/chain-leaf.key" "$_c/chain.key"
  # badkey: the valid certificate with someone else's key
  cp "$_c/valid.crt" "$_c/badkey.crt"
  cp "$_c/wrongname.key" "$_c/badkey.key"
  chmod 600 "$_c"/*.key
  touch "$_c/done"
}

# xrdp_cert_field NAME FIELD: a field of $XRDP_CERTS/NAME.crt as the contract
# spells it: sha256 / sha1 (hex upper-case, no colons), not_before / not_after
# (ISO 8601 UTC, YYYY-MM-DDTHH:MM:SSZ), subject_cn, issuer_cn, key_bits
xrdp_cert_field () {
  _f="$XRDP_CERTS/$1.crt"
  case $2 in
    sha256|sha1)
      "$OPENSSL" x509 -in "$_f" -noout -fingerprint "-$2" | sed 's/.*=//; s/://g' ;;
    not_before|not_after)
      _opt=-startdate; [ "$2" = not_after ] && _opt=-enddate
      _d=$("$OPENSSL" x509 -in "$_f" -noout "$_opt" | sed 's/.*=//')
      date -u -d "$_d" +%Y-%m-%dT%H:%M:%SZ ;;
    subject_cn)
      "$OPENSSL" x509 -in "$_f" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p' ;;
    issuer_cn)
      "$OPENSSL" x509 -in "$_f" -noout -issuer -nameopt multiline | sed -n 's/^ *commonName *= *//p' ;;
    key_bits)
      "$OPENSSL" x509 -in "$_f" -noout -text | sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p' ;;
    *) return 1 ;;
  esac
}

# --- xrdp ---------------------------------------------------------------------

# _xrdp_free_port: a port nothing listens on at the moment (127.0.0.1)
_xrdp_free_port () {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# _xrdp_write_ini OUT KEY=VALUE...: the template with [Globals] keys replaced
# (or added), [Logging] pointed at OUT.log with syslog off.
_xrdp_write_ini () {
  _ini=$1; shift
  _log="${_ini%.ini}.log"
  printf '%s\n' "$@" "LogFile=$_log" "EnableSyslog=false" "LogLevel=INFO" \
    "EnableConsole=false" >"$_ini.set"
  awk -v setfile="$_ini.set" '
    BEGIN { while ((getline l < setfile) > 0) { k = l; sub(/=.*/, "", k); v = l; sub(/^[^=]*=/, "", v); val[tolower(k)] = v; order[++n] = k } }
    function flush(sec,   i, k) {
      for (i = 1; i <= n; i++) { k = order[i]
        if (!(tolower(k) in done) && owner(k) == sec) { print k "=" val[tolower(k)]; done[tolower(k)] = 1 } }
    }
    function owner(k,   lk) { lk = tolower(k); return (lk ~ /^(logfile|loglevel|enablesyslog|sysloglevel|enableconsole|consolelevel)$/) ? "[Logging]" : "[Globals]" }
    /^\[/ { flush(section); section = $0; print; next }
    {
      line = $0; k = line; sub(/^[#;][ \t]*/, "", k)
      if (k ~ /^[A-Za-z_.]+=/) { sub(/=.*/, "", k)
        if ((tolower(k) in val) && owner(k) == section) {
          if (!(tolower(k) in done)) { print k "=" val[tolower(k)]; done[tolower(k)] = 1 }
          next
        }
      }
      print
    }
    END { flush(section) }
  ' "$XRDP_INI_TEMPLATE" >"$_ini"
  rm -f "$_ini.set"
}

# xrdp_start_custom NAME KEY=VALUE...: starts a private xrdp on 127.0.0.1 and a
# free port with these [Globals] settings; waits until it listens (<= 5 s).
xrdp_start_custom () {
  _name=$1; shift
  for _try in 1 2 3; do
    _port=$(_xrdp_free_port)
    _ini="$XRDP_DIR/$_name.ini"
    _listen="tcp://127.0.0.1:$_port"
    # XRDP_DUAL_STACK=1: also on ::1 (same port), so "localhost:PORT" works
    [ "${XRDP_DUAL_STACK:-0}" = 1 ] && _listen="$_listen tcp6://{::1}:$_port"
    _xrdp_write_ini "$_ini" "fork=false" "$@" "port=$_listen"
    "$XRDP_BIN" --nodaemon --config "$_ini" >"$XRDP_DIR/$_name.out" 2>&1 </dev/null &
    _pid=$!
    XRDP_PIDS="$XRDP_PIDS $_pid"
    for _i in $(seq 100); do
      _ls=$(ss -Hltn "sport = :$_port" 2>/dev/null)
      if echo "$_ls" | grep -q "127.0.0.1:$_port" &&
         { [ "${XRDP_DUAL_STACK:-0}" != 1 ] || echo "$_ls" | grep -q "\[::1\]:$_port"; }; then
        eval "${_name}_PORT=$_port ${_name}_PID=$_pid ${_name}_LOG=\$XRDP_DIR/\$_name.log"
        return 0
      fi
      kill -0 "$_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null
    echo "# xrdp $_name (try $_try, port $_port) did not listen:"
    sed 's/^/#   /' "$XRDP_DIR/$_name.out" "$XRDP_DIR/$_name.log" 2>/dev/null | tail -n 8
  done
  return 1
}

# xrdp_config_settings CONFIG: the [Globals] settings of a named configuration
xrdp_config_settings () {
  _c=$XRDP_CERTS
  _modern="ssl_protocols=TLSv1.2, TLSv1.3"
  case $1 in
    rdp)             echo "security_layer=rdp|crypt_level=high|certificate=$_c/valid.crt|key_file=$_c/valid.key|$_modern" ;;
    rdp-low)         echo "security_layer=rdp|crypt_level=low|certificate=$_c/valid.crt|key_file=$_c/valid.key|$_modern" ;;
    rdp-medium)      echo "security_layer=rdp|crypt_level=medium|certificate=$_c/valid.crt|key_file=$_c/valid.key|$_modern" ;;
    rdp-fips)        echo "security_layer=rdp|crypt_level=fips|certificate=$_c/valid.crt|key_file=$_c/valid.key|$_modern" ;;
    tls)             echo "security_layer=tls|certificate=$_c/valid.crt|key_file=$_c/valid.key|$_modern" ;;
    negotiate)       echo "security_layer=negotiate|crypt_level=high|certificate=$_c/valid.crt|key_file=$_c/valid.key|$_modern" ;;
    tls-expired)     echo "security_layer=tls|certificate=$_c/expired.crt|key_file=$_c/expired.key|$_modern" ;;
    tls-wrongname)   echo "security_layer=tls|certificate=$_c/wrongname.crt|key_file=$_c/wrongname.key|$_modern" ;;
    tls-weak)        echo "security_layer=tls|certificate=$_c/weak.crt|key_file=$_c/weak.key|$_modern|tls_ciphers=DEFAULT:@SECLEVEL=0" ;;
    tls-chain)       echo "security_layer=tls|certificate=$_c/chain.crt|key_file=$_c/chain.key|$_modern" ;;
    tls10)           echo "security_layer=tls|certificate=$_c/valid.crt|key_file=$_c/valid.key|ssl_protocols=TLSv1|tls_ciphers=DEFAULT:@SECLEVEL=0" ;;
    tls-nokey)       echo "security_layer=tls|certificate=$_c/valid.crt|key_file=$_c/no-such-key.pem|$_modern" ;;
    tls-badkey)      echo "security_layer=tls|certificate=$_c/badkey.crt|key_file=$_c/badkey.key|$_modern" ;;
    negotiate-nokey) echo "security_layer=negotiate|crypt_level=high|certificate=$_c/valid.crt|key_file=$_c/no-such-key.pem|$_modern" ;;
    *) return 1 ;;
  esac
}

XRDP_CONFIGS="rdp rdp-low rdp-medium rdp-fips tls negotiate tls-expired tls-wrongname tls-weak tls-chain tls10 tls-nokey tls-badkey negotiate-nokey"

# xrdp_start NAME CONFIG
xrdp_start () {
  _settings=$(xrdp_config_settings "$2") || { echo "# unknown xrdp configuration $2"; return 1; }
  xrdp_make_certs || { echo "# making test certificates failed:"; tail -n 5 "$XRDP_CERTS/openssl.log" | sed 's/^/#   /'; return 1; }
  _oldifs=$IFS; IFS='|'
  # shellcheck disable=SC2086
  set -- "$1" $_settings
  IFS=$_oldifs
  xrdp_start_custom "$@"
}

# xrdp_stop NAME
xrdp_stop () {
  eval "_pid=\${${1}_PID:-}"
  [ -n "$_pid" ] || return 0
  kill -TERM "$_pid" 2>/dev/null
  for _i in $(seq 20); do kill -0 "$_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$_pid" 2>/dev/null
  wait "$_pid" 2>/dev/null
  _rest=
  for _p in $XRDP_PIDS; do [ "$_p" = "$_pid" ] || _rest="$_rest $_p"; done
  XRDP_PIDS=$_rest
  eval "${1}_PID="
}

# --- raw X.224 ------------------------------------------------------------------

# x224_probe PORT OFFER [HOST]: sends one X.224 CR (no cookie) with RDP_NEG_REQ
# requestedProtocols=OFFER ("none": no RDP_NEG_REQ) and reads one TPKT.
# Prints one of:
#   rsp selected=0xN flags=0xNN         RDP_NEG_RSP
#   failure code=N name=NAME            RDP_NEG_FAILURE
#   cc-bare                             Connection Confirm without rdpNegData
#   not-cc tpdu=0xNN [mcs=...]          a TPKT that is not a Connection Confirm
#   closed                              the server closed without a byte
#   reset / timeout / short
# then " raw=HEX" with the bytes received.
x224_probe () {
  _x224_py full "$1" "${3:-127.0.0.1}" "$2"
}

# x224_matrix PORT: "offer=OFFER ANSWER" for each offer in $XRDP_OFFERS
x224_matrix () {
  # shellcheck disable=SC2086
  _x224_py matrix "$1" 127.0.0.1 $XRDP_OFFERS
}

# x224_summary PORT: one line, "OFFER:ANSWER" for each offer in $XRDP_OFFERS,
# ANSWER one of rsp=0xN fail=N cc-bare not-cc closed reset timeout short
x224_summary () {
  # shellcheck disable=SC2086
  _x224_py summary "$1" 127.0.0.1 $XRDP_OFFERS
}

_x224_py () {
  "$PYTHON" - "$@" <<'PY'
import socket, struct, sys
mode, port, host, offers = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
names = {1: "SSL_REQUIRED_BY_SERVER", 2: "SSL_NOT_ALLOWED_BY_SERVER",
         3: "SSL_CERT_NOT_ON_SERVER", 4: "INCONSISTENT_FLAGS",
         5: "HYBRID_REQUIRED_BY_SERVER", 6: "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"}

def probe(offer):
    body = b"" if offer == "none" else struct.pack("<BBHI", 1, 0, 8, int(offer, 0))
    x224 = bytes([6 + len(body), 0xE0, 0, 0, 0, 0, 0]) + body
    pdu = struct.pack(">BBH", 3, 0, 4 + len(x224)) + x224
    data, verdict = b"", None
    try:
        s = socket.create_connection((host, port), timeout=3)
    except OSError as e:
        return "connect-failed", "connect-failed error=%s" % e, b""
    try:
        s.sendall(pdu)
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
            if len(data) >= 4 and len(data) >= struct.unpack(">H", data[2:4])[0]:
                break
    except socket.timeout:
        verdict = ("timeout", "timeout")
    except ConnectionResetError:
        verdict = ("reset", "reset")
    finally:
        s.close()
    if verdict is None:
        if not data:
            verdict = ("closed", "closed")
        elif len(data) < 7 or data[0] != 3:
            verdict = ("short", "short")
        elif data[5] & 0xF0 != 0xD0:
            # xrdp answers a request it rejects while parsing (e.g. RDSAAD)
            # with an X.224 Data TPDU carrying MCS Disconnect Provider
            # Ultimatum (21 80)
            v = "not-cc tpdu=0x%02x" % data[5]
            if data[5] == 0xF0 and data[7:9] == b"\x21\x80":
                v += " mcs=disconnect-provider-ultimatum"
            verdict = ("not-cc", v)
        elif len(data) < 11:
            verdict = ("short", "short")
        elif len(data) < 19:
            verdict = ("cc-bare", "cc-bare")
        elif data[11] == 2:
            sel = struct.unpack("<I", data[15:19])[0]
            verdict = ("rsp=0x%x" % sel, "rsp selected=0x%x flags=0x%02x" % (sel, data[12]))
        elif data[11] == 3:
            c = struct.unpack("<I", data[15:19])[0]
            verdict = ("fail=%d" % c, "failure code=%d name=%s" % (c, names.get(c, "UNKNOWN")))
        else:
            verdict = ("cc-unknown", "cc-unknown-negdata")
    return verdict[0], verdict[1], data

results = [(o,) + probe(o) for o in offers]
if mode == "summary":
    print(" ".join("%s:%s" % (o, short) for o, short, _, _ in results))
elif mode == "matrix":
    for o, short, full, data in results:
        print("offer=%s %s raw=%s" % (o, full, data.hex()))
else:
    for o, short, full, data in results:
        print("%s raw=%s" % (full, data.hex()))
PY
}
