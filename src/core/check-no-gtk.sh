#!/bin/sh
# check-no-gtk.sh STAMP FILE...: fails when an engine file includes GTK, GDK or libadwaita.
stamp=$1; shift
if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](gtk|gdk|adwaita|adw)[/.-]' "$@"; then
  echo "error: src/core must not include GTK, GDK or libadwaita headers (DESIGN.md)" >&2
  exit 1
fi
touch "$stamp"
