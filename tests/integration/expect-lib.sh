# expect-lib.sh: table-driven TAP assertions over one rdp-doctor-cli JSON
# report. Source it after lib.sh (uses its ok/tap_n/tap_failed/PYTHON).
#
#   expect_json FILE LABEL [NAME=VALUE | @FILE-OF-NAME=VALUE-LINES ...] <<'EOF'
#   CHECK || PYTHON-EXPRESSION || DESCRIPTION
#   ...
#   EOF
#
# Each line becomes one TAP test "LABEL: DESCRIPTION". The expression is
# evaluated with:
#   d            the whole report          rc     the CLI's exit status (int)
#   ev(ID)       evidence of check ID (a dict; raises if the check is absent)
#   evo(ID)      the same, or {} if absent   status(ID)  its status, or None
#   cert         ev("tls")["certificate"] (or {} when null)
#   causes       cause ids, most likely first; top: causes[0] or None
#   ver(S)       "TLSv1.3" / "TLS 1.3" / "1.3" -> "1.3"
#   sans(L)      a SAN list as a set: "DNS:"/"IP:"/"IP Address:" prefixes dropped,
#                IP addresses in canonical form
#   cn(S)        the CN out of "CN=x, O=y" (or S itself when it has no "CN=")
#   and every NAME=VALUE given on the command line (or in an @FILE, one a
#   line), as a string.
# CHECK names the check the assertion is about ("-" for none). While that
# check is not in the report at all, the line is reported as a TAP TODO
# ("not ok ... # TODO"), which does not fail the run, unless RD_STRICT=1.
# If any line fails, the report is printed as "# " lines after the block.

expect_json () {
  _ej_file=$1; _ej_label=$2; shift 2
  _ej_out=$("$PYTHON" - "$_ej_file" "$(cat "${_ej_file%.out}.rc" 2>/dev/null || echo -1)" "$@" 3<&0 <<'PY'
import ipaddress, json, os, re, sys

lines = os.fdopen(3).read().splitlines()
path, rc = sys.argv[1], int(sys.argv[2])
env = {}
for a in sys.argv[3:]:
    pairs = open(a[1:]).read().splitlines() if a.startswith("@") else [a]
    env.update(p.split("=", 1) for p in pairs if "=" in p)
strict = os.environ.get("RD_STRICT") == "1"
try:
    d = json.load(open(path))
    load_error = None
except Exception as e:          # not JSON at all: every line fails
    d, load_error = {}, "the CLI printed no JSON report (%s)" % e

checks = {c.get("id"): c for c in d.get("checks", [])}

class Missing(Exception):
    pass

def ev(cid):
    if cid not in checks:
        raise Missing(cid)
    return checks[cid].get("evidence") or {}
def evo(cid):
    return (checks.get(cid) or {}).get("evidence") or {}
def status(cid):
    return (checks.get(cid) or {}).get("status")
def ver(s):
    if s is None:
        return None
    m = re.search(r"(\d\.\d)", str(s))
    return m.group(1) if m else str(s)
def _ip(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s
def sans(lst):
    out = set()
    for s in lst or []:
        s = re.sub(r"^(DNS|IP Address|IP):", "", str(s).strip())
        out.add(_ip(s))
    return out
def cn(s):
    m = re.search(r"CN\s*=\s*([^,/]+)", s or "")
    return m.group(1).strip() if m else s

causes = [c.get("id") for c in d.get("causes", [])]
top = causes[0] if causes else None
ns = dict(d=d, rc=rc, ev=ev, evo=evo, status=status, ver=ver, sans=sans, cn=cn,
          causes=causes, top=top, cert=(evo("tls").get("certificate") or {}))
ns.update(env)

for line in lines:
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    check, expr, desc = [f.strip() for f in line.split("||", 2)]
    if load_error:
        print("fail\t%s\t%s" % (desc, load_error)); continue
    if check != "-" and check not in checks and not strict:
        print("todo\t%s\tcheck %s is not in the report yet" % (desc, check)); continue
    try:
        value = eval(expr, ns)
        if value:
            print("ok\t%s\t" % desc)
        else:
            print("fail\t%s\tfalse: %s" % (desc, expr))
    except Missing as e:
        print("fail\t%s\tcheck %s is not in the report" % (desc, e))
    except Exception as e:
        print("fail\t%s\t%s: %s: %s" % (desc, expr, type(e).__name__, e))
PY
)
  _ej_bad=0
  _ej_oldifs=$IFS
  IFS='
'
  for _ej_line in $_ej_out; do
    IFS=$_ej_oldifs
    _ej_verdict=${_ej_line%%	*}
    _ej_rest=${_ej_line#*	}
    _ej_desc=${_ej_rest%%	*}
    _ej_why=${_ej_rest#*	}
    case $_ej_verdict in
      ok)   ok 0 "$_ej_label: $_ej_desc" ;;
      todo) tap_n=$((tap_n + 1)); echo "not ok $tap_n - $_ej_label: $_ej_desc # TODO $_ej_why" ;;
      *)    ok 1 "$_ej_label: $_ej_desc"; echo "#   $_ej_why"; _ej_bad=1 ;;
    esac
  done
  IFS=$_ej_oldifs
  if [ "$_ej_bad" = 1 ]; then
    echo "# $_ej_label: the report was (exit status $(cat "${_ej_file%.out}.rc" 2>/dev/null); causes' explanations and fixes left out):"
    "$PYTHON" -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.stdout.write(open(sys.argv[1], errors="replace").read()); sys.exit(0)
for c in d.get("causes", []):
    for k in ("fixes", "explanation", "title"):
        c.pop(k, None)
print(json.dumps(d, indent=1, ensure_ascii=False))' "$_ej_file" | sed 's/^/#   /'
    if [ -s "${_ej_file%.out}.err" ]; then
      echo "# $_ej_label: stderr:"; sed 's/^/#   /' "${_ej_file%.out}.err"
    fi
  fi
  return "$_ej_bad"
}
