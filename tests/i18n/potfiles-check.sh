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
# xgettext cannot read a format macro glued into a message: the msgid is cut
# at the "%" and the message is never translated at run time.
for hit in $(grep -rnE '_\("[^"]*%"\s*G_G[A-Z0-9_]*FORMAT' src --include='*.c' | cut -d: -f1,2); do
  n=$((n + 1)); bad=1
  echo "not ok $n - $hit: a G_*_FORMAT macro inside a translatable string (use %lld with a cast)"
done
n=$((n + 1)); echo "ok $n - no format macro inside a translatable string"

echo "1..$n"
exit $bad
