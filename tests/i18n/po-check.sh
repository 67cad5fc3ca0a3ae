#!/bin/sh
# po-check.sh FILE.po: the catalog compiles with every check (-c) and is
# complete: no untranslated and no fuzzy message. TAP.
set -u
stats=$(LC_ALL=C msgfmt -c --check-format --statistics -o /dev/null "$1" 2>&1)
rc=$?
echo "# $(basename "$1"): $stats"
[ $rc -eq 0 ] && echo "ok 1 - $(basename "$1") compiles with msgfmt -c" || echo "not ok 1 - $(basename "$1") compiles with msgfmt -c"
case "$stats" in
  *untranslated*|*fuzzy*) echo "not ok 2 - $(basename "$1") is complete"; rc=1 ;;
  *) echo "ok 2 - $(basename "$1") is complete" ;;
esac
echo "1..2"
exit $rc
