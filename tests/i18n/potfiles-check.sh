#!/bin/sh
# potfiles-check.sh SOURCE_ROOT: fails when a file with translatable strings is
# missing from po/POTFILES.in, or when POTFILES.in names a file that is gone. TAP.
set -u
root=$1
cd "$root" || exit 1
listed=$(grep -vE '^\s*(#|$)' po/POTFILES.in | sort)
found=$( {
  grep -rlE '(^|[^A-Za-z_])(_|N_|C_|NC_|g_dngettext)\s*\(\s*"' src --include='*.c'
  grep -rl 'translatable="yes"' ui data --include='*.ui'
  ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml data/rd-causes.xml 2>/dev/null
} | sort -u)

n=0; bad=0
for f in $found; do
  n=$((n + 1))
  if echo "$listed" | grep -qxF "$f"; then echo "ok $n - $f is in POTFILES.in"
  else echo "not ok $n - $f has translatable strings but is not in po/POTFILES.in"; bad=1; fi
done
for f in $listed; do
  n=$((n + 1))
  if [ -f "$f" ]; then echo "ok $n - $f exists"
  else echo "not ok $n - po/POTFILES.in names $f, which does not exist"; bad=1; fi
done
echo "1..$n"
exit $bad
