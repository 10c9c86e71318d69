"""`#!/bin/sh` scripts that run only on Alpine Linux, under busybox ash, checked as such.

Alpine's `/bin/sh` is busybox ash, and its package manager is apk, which no other distribution
ships: a `#!/bin/sh` script that drives apk (a command `apk add`/`apk upgrade`..., or the
system's `/sbin/apk`) and names no other distribution's package tool (apt-get, dpkg, yum, dnf,
rpm, zypper, pacman...) runs where its `sh` is busybox's, unless it runs apk from elsewhere:
probes for it (`command -v apk`), fetches a static build (`apk.static`, as lxc-templates'
lxc-alpine does to build an Alpine root filesystem from any host), or aims it at another root
(`--root`, `-p`). apt-dater-host 1.0.1's apk/apt-dater-host is the Alpine flavour of a tool
with one script per package manager: it runs `/sbin/apk`, greps `/etc/apk/world`, and does
`[ -r $proxy ] && source $proxy`; busybox ash has `source`, so shellcheck's SC3046 ("In POSIX
sh, 'source' in place of '.' is undefined") does not apply there. shellcheck knows the dialect
(`--shell=busybox`, 0.10 and later): such scripts are checked with it, as the initramfs scripts
of `ai_workflow.lint.shellcheck_initramfs` are, and SC2104 (`continue` in a function, which
busybox applies to the caller's loop) is info there too.

Not checked as busybox: a script that also names another package tool (a multi-distribution
installer: `apk add x` in one branch, `apt-get install x` in another runs under dash on Debian,
where `source` fails), one that only mentions apk in a comment or reads its files
(`/etc/apk/world`), one with a `# shellcheck shell=` directive of its own, a `#!/bin/bash`
script (bash on Alpine is bash), and every script when the shellcheck has no busybox dialect.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.lint.shellcheck_initramfs import SHELL_DIRECTIVE, Busybox, knows_busybox
from ai_workflow.textfiles import read_head, read_text, shebang_program

# where a command word starts: a line's start, after an operator, `then`, `do`, `$(`, sudo/doas
COMMAND_START = r"(?:^|[;&|({`]|\$\(|\b(?:then|do|else|sudo|doas|exec|command)\s)\s*"
APK = re.compile(
    COMMAND_START + r"(?:/s?bin/|/usr/s?bin/)?apk\s+(?:--?\w[\w-]*\s+)*"
    r"(?:add|del|fix|update|upgrade|info|search|cache|version|policy|stats|audit|fetch|"
    r"manifest|verify|index|dot)\b"
    r"|(?:^|[\"'=\s])(?:/usr)?/s?bin/apk(?![\w.-])",
    re.M,
)
# apk run from another system: probed for, a static build fetched, or aimed at another root
ELSEWHERE = re.compile(
    r"apk\.static|apk-tools-static|\s--root\b|\s-p\s|(?:command\s+-v|which|type|hash)\s+apk\b"
)
OTHER_TOOLS = re.compile(
    r"(?<![\w.$/-])(?:/[\w/]*/)?(?:apt-get|apt-cache|aptitude|dpkg(?:-query)?|yum|dnf|rpm|"
    r"zypper|pacman|emerge|xbps-install|opkg|pkg_add|brew|nix-env|swupd|eopkg|urpmi)(?![\w.-])"
    r"|" + COMMAND_START + r"(?:apt|pkg|port)\s+(?:-\w+\s+)*(?:install|update|upgrade|remove)\b",
    re.M,
)
COMMENT = re.compile(r"^\s*#.*$", re.M)


def alpine_scripts(target: Path, scripts: Sequence[str], version: str | None) -> Busybox | None:
    """The `#!/bin/sh` scripts among `scripts` that run only on Alpine (see the module
    docstring), for shellcheck `version`; None when there is none or that shellcheck has no
    busybox dialect."""
    if not knows_busybox(version):
        return None
    found = set()
    for rel in scripts:
        head = (read_head(target / rel, 200) or b"").split(b"\n", 1)[0]
        if shebang_program(head.decode("utf-8", errors="replace")) != "sh":
            continue
        text = read_text(target / rel, root=target)
        if SHELL_DIRECTIVE.search(text):
            continue
        if runs_on_alpine_only(text):
            found.add(rel)
    if not found:
        return None
    return Busybox(frozenset(found), "it drives Alpine's apk and no other package tool")


def runs_on_alpine_only(text: str) -> bool:
    """Whether a script's code (its comments left out) drives apk, Alpine's package manager,
    and names no other distribution's package tool."""
    code = COMMENT.sub("", text)
    if APK.search(code) is None or ELSEWHERE.search(code) is not None:
        return False
    return OTHER_TOOLS.search(code) is None
