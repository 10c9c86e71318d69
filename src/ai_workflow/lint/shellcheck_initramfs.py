"""`#!/bin/sh` scripts that run in an initramfs under busybox ash, checked as such.

A Debian package one of whose binary packages Depends on both `busybox` (or
`busybox-initramfs`, `busybox-static`, as an alternative too) and `initramfs-tools` extends the
initramfs and makes busybox part of it: initramfs-tools then installs busybox's ash as the
initramfs' `/bin/sh`, and the package's boot-time scripts run there (live-boot's components/,
`Depends: busybox | busybox-initramfs, initramfs-tools`). shellcheck knows that dialect
(`--shell=busybox`): busybox's echo honours `-n` and `-e`, and ash has `local`, so such scripts
get no SC3037/SC3043 (`echo -n`/`echo -e`, `local` "undefined in POSIX sh"), which `sh -c`
under busybox 1.35 confirms. There too a `continue` (or `break`) in a function acts on the
loop of its caller (`f(){ continue; }; for i in 1 2; do f; echo after; done` prints nothing:
busybox's loops are dynamic), so SC2104 ("in functions, use return instead of continue"),
which shellcheck's busybox mode keeps, is info in these scripts: the function skips its
caller's iteration as written.

Not checked as busybox: the initramfs-tools hooks (a `.hook` file, one under a `hooks/`
directory, or one sourcing `hook-functions`), which `mkinitramfs` runs on the host under its
`/bin/sh`; the scripts under `debian/` (maintainer scripts, run by dpkg); a script with a
`# shellcheck shell=` directive of its own; every script of a package that does not pull
busybox into the initramfs, where `echo -e` under dash prints "-e" and `continue` in a
function does nothing: there both keep their warnings. A shellcheck older than 0.10, which
has no busybox dialect (or whose version is unknown), checks them as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explained_as_info
from ai_workflow.textfiles import read_head, read_text, shebang_program

BUSYBOX = frozenset({"busybox", "busybox-initramfs", "busybox-static"})
INITRAMFS = "initramfs-tools"
DEPENDS = re.compile(r"^(?:Pre-)?Depends\s*:(?P<value>.*(?:\n[ \t].*)*)", re.M | re.I)
PACKAGE = re.compile(r"^Package\s*:\s*(\S+)", re.M | re.I)
SHELL_DIRECTIVE = re.compile(r"^\s*#\s*shellcheck\s+.*\bshell=", re.M)
HOOK_FUNCTIONS = re.compile(r"hook-functions")
FUNCTION_LOOP = "shellcheck/SC2104"
LOOP_NOTE = (
    "this script runs under busybox ash ({why}), where `continue` in a function continues "
    "the loop of its caller"
)


@dataclass(frozen=True)
class Busybox:
    """The scripts that run under busybox ash, and why (the binary package that says so)."""

    scripts: frozenset[str]
    why: str


def busybox_scripts(target: Path, scripts: Sequence[str], version: str | None) -> Busybox | None:
    """The `#!/bin/sh` scripts of a package that pulls busybox into the initramfs (see the
    module docstring), for shellcheck `version`; None when the project has no such package or
    no such script, or that shellcheck has no busybox dialect."""
    if not knows_busybox(version):
        return None
    package = _busybox_package(target)
    if package is None:
        return None
    found = set()
    for rel in scripts:
        parts = rel.split("/")
        if parts[0] == "debian" or "hooks" in parts[:-1] or rel.endswith(".hook"):
            continue
        head = (read_head(target / rel, 200) or b"").split(b"\n", 1)[0]
        if shebang_program(head.decode("utf-8", errors="replace")) != "sh":
            continue
        text = read_text(target / rel, root=target)
        if SHELL_DIRECTIVE.search(text) or HOOK_FUNCTIONS.search(text):
            continue
        found.add(rel)
    if not found:
        return None
    why = f"debian/control: {package} Depends on busybox and {INITRAMFS}"
    return Busybox(frozenset(found), why)


def knows_busybox(version: str | None) -> bool:
    """Whether a shellcheck of `version` (`0.11.0`) has the busybox dialect (0.10 and later)."""
    numbers = re.match(r"(\d+)\.(\d+)", version or "")
    return numbers is not None and (int(numbers[1]), int(numbers[2])) >= (0, 10)


def _busybox_package(target: Path) -> str | None:
    """The first binary package of debian/control that Depends on busybox and initramfs-tools."""
    control = read_text(target / "debian" / "control", root=target)
    for stanza in re.split(r"\n\s*\n", control):
        name = PACKAGE.search(stanza)
        if name is None:
            continue
        depends = set()
        for field in DEPENDS.finditer(stanza):
            for relation in re.split(r"[,|]", field.group("value")):
                words = relation.split()
                if words:
                    depends.add(words[0].split(":", 1)[0].split("(", 1)[0])
        if depends & BUSYBOX and INITRAMFS in depends:
            return name.group(1)
    return None


def busybox_loops_as_info(findings: Sequence[Finding], busybox: Busybox | None) -> list[Finding]:
    """The findings, with SC2104 in a script that runs under busybox at info."""
    if busybox is None:
        return list(findings)
    note = LOOP_NOTE.format(why=busybox.why)
    return [
        explained_as_info(finding, note)
        if finding.rule == FUNCTION_LOOP
        and finding.severity is not Severity.INFO
        and finding.path in busybox.scripts
        else finding
        for finding in findings
    ]
