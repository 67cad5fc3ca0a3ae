#!/bin/bash
# test-bad-input.sh: rdp-doctor-cli given hostile or broken input: targets,
# gateways, codes, options and server evidence files. Each must be refused
# with exit 2 and a message that says what is wrong, and nothing else may
# happen: nothing on stdout, no file written (not even the --fix-script
# asked for), and no network socket opened (checked under strace when it
# works here). The valid target beside a bad option is TEST-NET-1, which
# no probe would reach anyway. TAP.
set -u
. "$(dirname "$0")/lib.sh"

HOME="$WORK/home"
XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
UNCONTACTED=192.0.2.1

STRACE=
if command -v strace >/dev/null && strace -f -qq -e trace=socket -o /dev/null true 2>/dev/null; then
  STRACE=strace
fi

# refused NAME FRAGMENT ARGS...: exit 2 with FRAGMENT in the message, and
# nothing else. Every run also asks for a fix script, which must not appear.
refused () {
  name=$1 fragment=$2; shift 2
  out="$WORK/$name"
  rm -f "$WORK/fix.ps1"
  if [ -n "$STRACE" ]; then
    strace -f -qq -e trace=socket,connect -o "$out.trace" \
      "$RD_CLI" --fix-script "$WORK/fix.ps1" "$@" </dev/null >"$out.out" 2>"$out.err"
  else
    "$RD_CLI" --fix-script "$WORK/fix.ps1" "$@" </dev/null >"$out.out" 2>"$out.err"
  fi
  rc=$?
  ok $([ "$rc" -eq 2 ]; echo $?) "$name: exit 2 (got $rc)"
  if grep -qF -- "$fragment" "$out.err" && [ "$(wc -l <"$out.err")" -le 2 ]; then
    ok 0 "$name: the message says “$fragment”"
  else
    ok 1 "$name: the message says “$fragment”"; diag "$out.err"
  fi
  ok $([ ! -s "$out.out" ]; echo $?) "$name: nothing on stdout"
  ok $([ ! -e "$WORK/fix.ps1" ] && [ -z "$(find "$HOME" -type f)" ]; echo $?) "$name: no file written"
  if [ -n "$STRACE" ]; then
    if grep -qE 'AF_INET|AF_INET6|sin_port|sin6_port' "$out.trace"; then
      ok 1 "$name: no network socket"; diag "$out.trace"
    else
      ok 0 "$name: no network socket"
    fi
  else
    skip "$name: no network socket" "strace is not installed or cannot trace here"
  fi
}

# --- targets ------------------------------------------------------------------
refused target-semicolon     '“;”'              --json 'a;b'
refused target-subshell      '“$”'              --json '$(reboot)'
refused target-backticks     '“`”'              --json '`id`'
refused target-newline       'line break'       --json $'server\nrm -rf ~'
refused target-rlo           'U+202E'           --json $'x\u202Egnp.exe'
refused target-zero-width    'U+200B'           --json $'server\u200B'
refused target-not-utf8      'not readable text' --json $'\xff\xfe'
refused target-empty         'Enter the name'   --json ''
refused target-long          'at most 253'      --json "$(printf 'a%.0s' $(seq 300))"
refused target-port-range    '65535'            --json 'server:99999'
refused target-port-text     'not a number'     --json 'server:rdp'
refused target-bracket       '“]”'              --json '[::1'
refused target-zone          '“%”'              --json '[fe80::1%eth0;id]'
refused target-option        'Unknown option'   --json '-oProxyCommand=x'
refused target-two           'exactly one host' --json 'a.example' 'b.example'

# --- other options --------------------------------------------------------------
refused gateway-semicolon    'Gateway “gw;x”'   --json --gateway 'gw;x' "$UNCONTACTED"
refused gateway-port         'gw:0'             --json --gateway 'gw:0' "$UNCONTACTED"
refused code-junk            'no error code'    --json --code 'junk!' "$UNCONTACTED"
refused client-security      '“ssh”'            --json --client-security ssh "$UNCONTACTED"
refused timeout-nan          '--timeout'        --json --timeout nan "$UNCONTACTED"
refused timeout-negative     '--timeout'        --json --timeout -1 "$UNCONTACTED"

# --- server evidence files -----------------------------------------------------------
head -c 65536 /dev/urandom >"$WORK/junk.bin"
printf '\x00\x01\x02' >>"$WORK/junk.bin"
: >"$WORK/empty.json"
"$PYTHON" -c 'import sys; sys.stdout.write("{\"schema\": \"rdp-doctor-server-evidence/1\", \"pad\": \"" + "x" * 10000000 + "\"}")' >"$WORK/huge.json"
printf '{"schema":"rdp-doctor-server-evidence/1"}' | iconv -f UTF-8 -t UTF-16 >"$WORK/utf16-bom.json"
printf '{"schema":"rdp-doctor-server-evidence/1"}' | iconv -f UTF-8 -t UTF-16LE >"$WORK/utf16.json"
data="$(dirname "$0")/../data"

refused evidence-binary      'binary data'      --json --evidence "$WORK/junk.bin" "$UNCONTACTED"
refused evidence-empty       'empty'            --json --evidence "$WORK/empty.json" "$UNCONTACTED"
refused evidence-10mb        'at most'          --json --evidence "$WORK/huge.json" "$UNCONTACTED"
refused evidence-endless     'at most'          --json --evidence /dev/zero "$UNCONTACTED"
refused evidence-missing     'No such file'     --json --evidence "$WORK/no-such.json" "$UNCONTACTED"
refused evidence-directory   'directory'        --json --evidence "$WORK" "$UNCONTACTED"
refused evidence-utf16-bom   "computer_name"    --json --evidence "$WORK/utf16-bom.json" "$UNCONTACTED"
refused evidence-utf16       "computer_name"    --json --evidence "$WORK/utf16.json" "$UNCONTACTED"
refused evidence-truncated   'cut off'          --json --evidence "$data/server-evidence-broken-truncated.json" "$UNCONTACTED"
refused evidence-schema      'another version'  --json --evidence "$data/server-evidence-broken-schema.json" "$UNCONTACTED"
refused evidence-trailing    'more text'        --json --evidence "$data/server-evidence-broken-trailing.json" "$UNCONTACTED"
refused evidence-type        'SecurityLayer'    --json --evidence "$data/server-evidence-broken-type.json" "$UNCONTACTED"

# --- and the checks themselves stay quiet on a valid but closed target ------------------
# (the control: the assertions above would see a socket if one were opened)
if [ -n "$STRACE" ]; then
  strace -f -qq -e trace=socket,connect -o "$WORK/control.trace" "$RD_CLI" --json --timeout 1 127.0.0.1:1 >/dev/null 2>&1
  ok $(grep -q 'AF_INET' "$WORK/control.trace"; echo $?) "control: a real run does show its sockets under strace"
fi

finish
