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

Only the scripts the project installs where the initramfs takes them, as its Makefile (or
`debian/rules`) or a `debian/*.install` file says: into initramfs-tools' scripts directories
(`usr/share/initramfs-tools/scripts`, `etc/initramfs-tools/scripts`), or to a path that one
of the project's hooks copies into the initramfs (live-boot's Makefile line
`cp components/* $(DESTDIR)/lib/live/boot` and its hook's
`cp -a /lib/live/boot "${DESTDIR}/lib/live"`; `copy_exec /bin/x` and `copy_file ... /x` too;
live-boot's hook copies its frontend `/bin/live-boot` that way). A script the project
installs elsewhere is a host tool run by dash (live-boot's frontend/live-swapfile, copied to
/bin, which no hook takes), and one whose destination nothing names keeps dash too.

Not checked as busybox: the initramfs-tools hooks (a `.hook` file, one under a `hooks/`
directory, or one sourcing `hook-functions`), which `mkinitramfs` runs on the host under its
`/bin/sh`; the scripts under `debian/` (maintainer scripts, run by dpkg); a script with a
`# shellcheck shell=` directive of its own; every script of a package that does not pull
busybox into the initramfs, where `echo -e` under dash prints "-e" and `continue` in a
function does nothing: there both keep their warnings. A shellcheck older than 0.10, which
has no busybox dialect (or whose version is unknown), checks them as before.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
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
INITRAMFS_SCRIPTS = ("usr/share/initramfs-tools/scripts", "etc/initramfs-tools/scripts")
# a command substitution of a make recipe (`$$(basename $${f} .script)`), one word
SUBSTITUTION = re.compile(r"\$\$?\((?!DESTDIR\)|CURDIR\))[^()]*\)")
OPTION_ARGUMENTS = frozenset({"-m", "-o", "-g", "-t", "--mode", "--owner", "--group"})
MAKEFILES = ("Makefile", "makefile", "GNUmakefile", "debian/rules")
FOR_LOOP = re.compile(r"\bfor\s+\w+\s+in\s+([^;]*);")
DESTDIR = re.compile(r"^\$[({]DESTDIR[)}]|^\$\(CURDIR\)/debian/[^/]+")
# a hook's copy of an installed path into the initramfs
HOOK_COPY = re.compile(
    r"(?:\bcp\s+(?:-\w+\s+)*[\"']?(?P<path>/[\w./+-]+)[\"']?\s+[\"']?\$\{?DESTDIR"
    r"|\bcopy_exec\s+[\"']?(?P<exec>/[\w./+-]+)"
    r"|\bcopy_file\s+\w+\s+[\"']?(?P<file>/[\w./+-]+))"
)
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
    boot = initramfs_scripts(target, scripts)
    found = set()
    for rel in scripts:
        if rel not in boot:
            continue
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


def initramfs_scripts(target: Path, scripts: Sequence[str]) -> frozenset[str]:
    """The scripts the project installs where the initramfs takes them (see the module
    docstring): each source path of a `cp`/`install` command of its Makefile or debian/rules
    (with the file list of a `for` loop on the same line) or of a debian/*.install line whose
    destination is an initramfs-tools scripts directory or under a path one of its hooks copies
    into the initramfs."""
    taken = _hook_copies(target, scripts)
    found: set[str] = set()
    for sources, destination in _installs(target):
        for source in sources:
            for rel in fnmatch.filter(scripts, source.strip("/")):
                installed = f"{destination}/{rel.rsplit('/', 1)[-1]}"
                if _in_initramfs(destination, taken) or _in_initramfs(installed, taken):
                    found.add(rel)
    return frozenset(found)


def _in_initramfs(path: str, taken: set[str]) -> bool:
    """Whether an installed `path` (relative to /) is an initramfs-tools scripts directory or is
    under a path a hook copies into the initramfs."""
    if any(path == d or path.startswith(d + "/") for d in INITRAMFS_SCRIPTS):
        return True
    return any(path == t or path.startswith(t + "/") for t in taken)


def _installs(target: Path) -> list[tuple[list[str], str]]:
    """(source globs, installed destination relative to /) of each install command the project
    writes down: `cp`/`install` in its Makefile or debian/rules, lines of debian/*.install."""
    pairs: list[tuple[list[str], str]] = []
    for name in MAKEFILES:
        text = read_text(target / name, root=target)
        for line in SUBSTITUTION.sub("$SUB", text.replace("\\\n", " ")).splitlines():
            loop = FOR_LOOP.search(line)
            listed = loop.group(1).split() if loop else []
            for command in re.split(r"[;&|]+", line):
                words = command.split()
                while words and words[0] in ("do", "then", "else", "@", "-", "+"):
                    words = words[1:]
                if words:
                    words[0] = words[0].lstrip("@-+")
                if not words or words[0] not in ("cp", "install") or len(words) < 3:
                    continue
                paths = []
                for before, word in itertools.pairwise(words):
                    if not word.startswith("-") and before not in OPTION_ARGUMENTS:
                        paths.append(word)
                if "-t" in words[1:-1]:
                    destination = words[words.index("-t") + 1]
                    sources = [p for p in paths if p != destination]
                else:
                    destination, sources = paths[-1], paths[:-1]
                sources = [s for s in sources if "$" not in s] + listed
                pairs.append((sources, _installed(destination)))
    debian = target / "debian"
    for install in sorted(debian.glob("*.install")) if debian.is_dir() else []:
        for line in read_text(install, root=target).splitlines():
            words = line.split("#", 1)[0].split()
            if len(words) >= 2:
                pairs.append((words[:-1], _installed(words[-1])))
    return pairs


def _installed(destination: str) -> str:
    """A destination of a Makefile or an .install file, relative to the installed system's /."""
    path = DESTDIR.sub("", destination.strip("'\"")).strip("/")
    return re.sub(r"^debian/[^/]+/", "", path)


def _hook_copies(target: Path, scripts: Sequence[str]) -> set[str]:
    """The installed paths (relative to /) that the project's initramfs-tools hooks copy into
    the initramfs: `cp /abs/path "${DESTDIR}..."`, `copy_exec /abs/path`, `copy_file t /path`.
    A hook is a `.hook` file, a file under a `hooks/` directory (shell scripts or not: the
    installed name has no suffix), or a script that sources hook-functions."""
    hooks = set()
    for folder, dirs, names in os.walk(target):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        here = Path(folder)
        for name in names:
            rel = (here / name).relative_to(target).as_posix()
            if name.endswith(".hook") or "hooks" in rel.split("/")[:-1]:
                hooks.add(rel)
    hooks.update(
        rel for rel in scripts if HOOK_FUNCTIONS.search(read_text(target / rel, root=target))
    )
    taken: set[str] = set()
    for rel in sorted(hooks):
        for match in HOOK_COPY.finditer(read_text(target / rel, root=target)):
            taken.add(next(path for path in match.groups() if path).strip("/"))
    return taken


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
