#!/bin/bash
# test-cli-language.sh LANG...: rdp-doctor-cli speaks each language: the text
# report and the JSON texts are translated, JSON keys and cause ids are not. TAP.
set -u
: "${RD_CLI:?}" "${RD_LOCALEDIR:?}"
PYTHON=/usr/bin/python3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
n=0; bad=0
ok () { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=1; fi; }
tr_ () { LANGUAGE=$lang LC_ALL=C.UTF-8 TEXTDOMAINDIR=$RD_LOCALEDIR gettext -d rdp-doctor "$1"; }

for lang in "$@"; do
  heading=$(tr_ "Most likely cause:")
  title=$(tr_ "Nothing is accepting Remote Desktop connections on this port")
  ok $([ "$heading" != "Most likely cause:" ] && [ "$title" != "Nothing is accepting Remote Desktop connections on this port" ]; echo $?) "$lang: the catalog is built and loads"

  LANGUAGE=$lang LC_ALL=C.UTF-8 "$RD_CLI" --timeout 2 127.0.0.1:1 >"$work/$lang.txt" 2>&1
  ok $(grep -qF "$heading" "$work/$lang.txt" && grep -qF "$title" "$work/$lang.txt"; echo $?) "$lang: the text report is in $lang"
  ok $(grep -qF "[port-closed]" "$work/$lang.txt"; echo $?) "$lang: the cause id stays untranslated"

  LANGUAGE=$lang LC_ALL=C.UTF-8 "$RD_CLI" --json --timeout 2 127.0.0.1:1 >"$work/$lang.json" 2>/dev/null
  ok $("$PYTHON" - "$work/$lang.json" "$title" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) >= {"schema", "target", "checks", "causes", "problems_found"}, set(d)
assert all(set(c) >= {"id", "status", "summary", "duration_ms", "evidence"} for c in d["checks"])
c = d["causes"][0]
assert c["id"] == "port-closed" and c["title"] == sys.argv[2], c["title"]
assert [x["status"] for x in d["checks"]][:2] == ["pass", "fail"]
PY
echo $?) "$lang: JSON keys, ids and statuses stay English, texts are in $lang"

  LANGUAGE=$lang LC_ALL=C.UTF-8 "$RD_CLI" 'bad host!' >/dev/null 2>"$work/$lang.err"
  ok $([ -s "$work/$lang.err" ] && ! grep -q "Names and addresses cannot contain spaces" "$work/$lang.err"; echo $?) "$lang: the input error message is translated"
done
echo "1..$n"
exit $bad
