#!/usr/bin/python3
# a11y-audit.py: every control of the running rdp-doctor has a clean
# accessible name: not empty, not a class name, not doubled (GTK 4.8 doubles
# mnemonic labels and labelled-by relations), no mnemonic underscore.
#
#   a11y-audit.py PAGE     (prints "ok - PAGE: N controls named" or fails)
#
# SPDX-License-Identifier: GPL-3.0-or-later
import sys
import time

import pyatspi

CONTROLS = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_TEXT,
    pyatspi.ROLE_ENTRY, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_LINK, pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_PROGRESS_BAR, pyatspi.ROLE_SLIDER,
}


def find_app():
    for _ in range(100):
        for app in pyatspi.Registry.getDesktop(0):
            if app is not None and app.name == 'rdp-doctor':
                return app
        time.sleep(0.1)
    sys.exit('not ok - rdp-doctor is not on the accessibility bus')


def walk(node, found):
    try:
        role = node.getRole()
        found.append((node.getRoleName(), node.name or '', role in CONTROLS))
        for i in range(node.childCount):
            walk(node.getChildAtIndex(i), found)
    except Exception:  # a node that went away while we looked
        pass


def problem(name):
    words = name.split()
    half = len(words) // 2
    if not name.strip():
        return 'no name'
    if name.startswith('Gtk') or name.startswith('Adw'):
        return 'a class name'
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return 'doubled'
    if '_' in name and not name.startswith('ERRCONNECT'):
        return 'a mnemonic underscore'
    return None


def main():
    page = sys.argv[1] if len(sys.argv) > 1 else 'window'
    found = []
    walk(find_app(), found)
    bad = [(role, name, problem(name)) for role, name, control in found
           if control and problem(name)]
    for role, name, why in bad:
        print(f'# {page}: {role} “{name}”: {why}')
    n = sum(1 for _, _, control in found if control)
    if bad or n == 0:
        print(f'not ok - {page}: {len(bad)} of {n} controls badly named')
        sys.exit(1)
    print(f'ok - {page}: {n} controls named')


main()
