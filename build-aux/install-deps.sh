#!/bin/sh
# install-deps.sh: installs whatever Debian packages from build-aux/packages.txt
# are missing (apt-get, by name). Needs root; does nothing when all are there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
packages=$(grep -vE '^[[:space:]]*(#|$)' "$here/packages.txt")

missing=
for p in $packages; do
  status=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
  case "$status" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "These Debian packages are missing:$missing" >&2
    echo "Run this command as root to install them." >&2
    exit 1
  fi
else
  SUDO=
fi
echo "Installing:$missing" >&2
$SUDO apt-get update -q >&2
# xrdp's package would start its system service; the tests start their own.
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -q --no-install-recommends $missing >&2
