"""shellcheck's SC2010 ("don't use ls | grep") over a directory whose entries the kernel names.

`l_interfaces="$(cd /sys/class/net/ && ls -d * 2>/dev/null | grep -v "lo")"` (live-boot's
select-eth-device): the entries of /sys and /proc (network interfaces, block devices, process
ids) are names the kernel makes, with no blank, newline or glob character, which is what SC2010
warns of (a name `ls` would print mangled or `grep` would split): info. The directory is the
operand of `ls` (`ls /sys/block | grep -v loop`) or the one a `cd` earlier on the line moved to
(`cd /sys/class/net && ls -d *`). `ls | grep` over any other directory (the user's files,
`$dir`, the current one) keeps the warning, and so do, there too, a long listing (`ls -l`,
`-n`, `-g`, `-o`, `--format=long`...: symlink targets follow the names, and those of
`/proc/self/fd` or `/sys/block/*/device` are paths of the user's files), the cgroup tree
(`/sys/fs/cgroup`: its groups are named by users and services), and a process' view of the
user's files (`/proc/self/cwd`, `/proc/<pid>/root`, `/proc/<pid>/map_files`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding
from ai_workflow.lint.cited_lines import lines_as_info

LS_GREP = "shellcheck/SC2010"
KERNEL_DIRS = ("/sys/", "/proc/")
# under /sys or /proc, but named by users: cgroups, a process' cwd, root and mapped files
USER_NAMED = re.compile(r"^/sys/fs/cgroup(?:/|$)|^/proc/[^/]+/(?:cwd|root|map_files)(?:/|$)")
# an option of ls that prints a long listing (with symlink targets)
LONG = re.compile(r"^-[a-zA-Z]*[lnog]|^--(?:format=(?:long|verbose)|full-time)|^--l")
LS = re.compile(r"(?:^|[;&|({`]|\$\()\s*ls(?P<args>(?:\s+[^\s;&|)]+)*)\s*\|\s*grep\b")
CD = re.compile(r"(?:^|[;&|({`]|\$\()\s*cd\s+(?P<dir>[^\s;&|)]+)\s*&&")
NOTE = "the entries of {where} are names the kernel makes, without blanks or odd characters"


def kernel_listings_as_info(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with SC2010 on an `ls | grep` of a /sys or /proc directory at info."""
    return lines_as_info(findings, target, LS_GREP, _kernel_note)


def _kernel_note(line: str) -> str | None:
    where = kernel_directory(line)
    return NOTE.format(where=where) if where else None


def kernel_directory(line: str) -> str | None:
    """The /sys or /proc directory every `ls ... | grep` of `line` lists, or None."""
    listings = list(LS.finditer(line))
    if not listings:
        return None
    found = None
    for listing in listings:
        if any(LONG.match(w.strip("\"'")) for w in listing.group("args").split()):
            return None
        operands = [w.strip("\"'") for w in listing.group("args").split() if w[0] != "-"]
        operands = [w for w in operands if not re.fullmatch(r"\d*>&?\S*", w)]
        directory = None
        if operands and all(_in_kernel_tree(w) for w in operands):
            directory = operands[0]
        elif all(not w.startswith("/") for w in operands):
            moved = [m for m in CD.finditer(line) if m.end() <= listing.end("args")]
            cd = moved[-1].group("dir").strip("\"'") if moved else ""
            if _in_kernel_tree(cd) and all(
                "/" not in w and "$" not in w and ".." not in w for w in operands
            ):
                directory = cd
        if directory is None:
            return None
        found = found or directory
    return found


def _in_kernel_tree(path: str) -> bool:
    return (
        "$" not in path
        and ".." not in path
        and (path + "/").startswith(KERNEL_DIRS)
        and not USER_NAMED.match(path)
    )
