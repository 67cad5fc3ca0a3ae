#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-manifest.py FLATPAK_BUILDER APP_ID MANIFEST README [EXTENSION_MANIFEST]

Parses the manifest(s) with flatpak-builder --show-manifest (G_DEBUG=fatal-warnings
turns an unknown key into a failure), then holds the app manifest to
flatpak/README.md: every finish-args entry must be a row of its "Permissions"
table. Exit 0 on success, 1 on a problem, 77 (skip) without flatpak-builder.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

# Never, whatever README.md says: each one gives the sandbox away.
FORBIDDEN = [
    (re.compile(r"^--filesystem=(home|host|host-os|host-etc|/|~)(:.*)?$"), "broad file access"),
    (re.compile(r"^--filesystem=.*"), "file access: files go through the portals"),
    (re.compile(r"^--talk-name=org\.freedesktop\.Flatpak$"), "flatpak-spawn --host is a sandbox escape"),
    (re.compile(r"^--socket=(session-bus|system-bus)$"), "the whole bus"),
    (re.compile(r"^--device=all$"), "every device"),
]

CONFIG_DIRECTORY = "etc/rdp-doctor"


def show_manifest(flatpak_builder, manifest):
    env = dict(os.environ, G_DEBUG="fatal-warnings")
    # flatpak-builder leaves a .flatpak-builder state folder where it runs.
    with tempfile.TemporaryDirectory(prefix="check-manifest-") as scratch:
        result = subprocess.run([flatpak_builder, "--show-manifest", os.path.abspath(manifest)],
                                env=env, capture_output=True, text=True, cwd=scratch)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        fail(f"flatpak-builder --show-manifest {manifest} exited with {result.returncode}")
    sys.stderr.write(result.stderr)
    return json.loads(result.stdout)


def allowed_permissions(readme):
    """The backquoted first cells of the table under '## Permissions'."""
    allowed = []
    in_section = False
    with open(readme, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                in_section = line.strip() == "## Permissions"
                continue
            match = re.match(r"^\|\s*`(--[^`]+)`\s*\|", line)
            if in_section and match:
                allowed.append(match.group(1))
    if not allowed:
        fail(f"{readme}: no permission table under '## Permissions'")
    return allowed


problems = []


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def problem(message):
    print(f"FAIL: {message}")
    problems.append(message)


def check_app(manifest, app_id, allowed):
    if manifest.get("id", manifest.get("app-id")) != app_id:
        problem(f"id is {manifest.get('id')!r}, not {app_id!r}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problem("runtime and sdk must be org.gnome.Platform and org.gnome.Sdk")
    if not re.fullmatch(r"\d+(\.\d+)?", str(manifest.get("runtime-version", ""))):
        problem(f"runtime-version {manifest.get('runtime-version')!r} is not a numbered release")
    if manifest.get("command") != "rdp-doctor":
        problem(f"command is {manifest.get('command')!r}, not 'rdp-doctor'")

    for arg in manifest.get("finish-args", []):
        for pattern, why in FORBIDDEN:
            if pattern.match(arg):
                problem(f"finish-args has {arg}: never granted ({why})")
                break
        else:
            if arg not in allowed:
                problem(f"finish-args has {arg}, which flatpak/README.md does not list under '## Permissions'")
    for arg in allowed:
        if arg not in manifest.get("finish-args", []):
            print(f"note: README.md lists {arg}, which the manifest does not ask for")

    extension = manifest.get("add-extensions", {}).get(app_id + ".Config")
    if extension is None:
        problem(f"add-extensions has no {app_id}.Config extension point")
    elif extension.get("directory") != CONFIG_DIRECTORY:
        problem(f"the Config extension is mounted at {extension.get('directory')!r}; the engine reads "
                f"SYSCONFDIR/rdp-doctor (/app/{CONFIG_DIRECTORY})")

    modules = manifest.get("modules", [])
    if not modules:
        problem("no modules")
        return
    app = modules[-1]
    if app.get("buildsystem") != "meson" or not app.get("builddir"):
        problem("the last module must build this repository with meson and builddir: true")
    if not any(s.get("type") == "dir" and s.get("path") == ".." for s in app.get("sources", [])):
        problem('the last module must build this repository ("sources": [{"type": "dir", "path": ".."}])')
    if not any(f"/app/{CONFIG_DIRECTORY}" in command for command in app.get("post-install", [])):
        problem(f"no post-install command creates the mount point /app/{CONFIG_DIRECTORY}")


def check_extension(manifest, app_id):
    if manifest.get("id") != app_id + ".Config":
        problem(f"the extension's id is {manifest.get('id')!r}, not {app_id}.Config")
    if not manifest.get("build-extension"):
        problem("the extension manifest needs build-extension: true")
    if manifest.get("runtime") != app_id:
        problem(f"the extension's runtime must be the app, {app_id}")


def main():
    if len(sys.argv) not in (5, 6):
        print(__doc__)
        return 2
    flatpak_builder, app_id, manifest_path, readme = sys.argv[1:5]
    if not flatpak_builder or not os.access(flatpak_builder, os.X_OK):
        print("SKIP: flatpak-builder is not installed (build-aux/packages.txt lists it)")
        return 77

    check_app(show_manifest(flatpak_builder, manifest_path), app_id, allowed_permissions(readme))
    if len(sys.argv) == 6:
        check_extension(show_manifest(flatpak_builder, sys.argv[5]), app_id)

    if problems:
        return 1
    print("ok: the manifest parses and asks only for the documented permissions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
