"""`--new-only`: which lines changed since the base, like reviewdog's "added" filter.

The base is smart execution's (`--base REF`, else the CI's pull-request base, the last passed
run, `HEAD~1`), compared from its merge base with HEAD to the working tree. Added lines come
from `git diff -U0` hunks; added and untracked files count as wholly new (so does a renamed
file: rename detection is off). A finding is kept when it cites a changed line, or cites no line
of a changed file (or of a directory holding one), or cites no path at all (a failing test
command belongs to every change).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_workflow.changes.detect import UNTRACKED, ChangeSet, detect_changes
from ai_workflow.config import Config
from ai_workflow.errors import UsageError
from ai_workflow.findings import Finding
from ai_workflow.gitutil import GitError, git

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
WHOLE_FILE_STATUSES = frozenset({"A", UNTRACKED})
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass(frozen=True)
class ChangedLines:
    """The change set as lines: `whole` files are entirely new, `added` holds the added line
    numbers of the other changed files."""

    base: str  # how the base was chosen, for people
    whole: frozenset[str] = frozenset()
    added: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def file_changed(self, path: str) -> bool:
        if path in self.whole or path in self.added:
            return True
        folder = path.rstrip("/") + "/"
        return any(p.startswith(folder) for p in (*self.whole, *self.added))

    def keeps(self, finding: Finding) -> bool:
        if not finding.path:
            return True
        if finding.path in self.whole:
            return True
        if finding.line is None:
            return self.file_changed(finding.path)
        return finding.line in self.added.get(finding.path, frozenset())

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "files": len(self.whole) + len(self.added),
            "lines": sum(len(lines) for lines in self.added.values()),
        }


def changed_lines(
    target: Path, config: Config, history: Sequence[Mapping[str, Any]]
) -> ChangedLines:
    """The lines changed since smart execution's base; UsageError when there is no base."""
    changes = detect_changes(target, config, history)
    if not changes.known or changes.merge_base is None:
        raise UsageError(_no_base(changes))
    whole = frozenset(p for p, status in changes.files.items() if status in WHOLE_FILE_STATUSES)
    modified = {p for p, status in changes.files.items() if status not in WHOLE_FILE_STATUSES}
    try:
        added = _added_lines(target, changes.merge_base) if modified else {}
    except GitError as exc:
        raise UsageError(f"--new-only: git diff failed: {exc}") from None
    base = changes.base.reason if changes.base else changes.merge_base[:7]
    kept = {p: frozenset(lines) for p, lines in added.items() if p in modified}
    return ChangedLines(f"{base} (merge base {changes.merge_base[:7]})", whole, kept)


def _no_base(changes: ChangeSet) -> str:
    reason = changes.unknown_reason or "no base to compare with"
    fix = changes.warnings[0].split("Fix: ", 1)[-1] if changes.warnings else "pass --base REF"
    return f"--new-only needs a base to compare with, but {reason}. Fix: {fix}"


def _added_lines(target: Path, merge_base: str) -> dict[str, set[int]]:
    diff = git(
        target, "-c", "core.quotePath=false", "diff", "-U0", "--no-color", "--no-ext-diff",
        "--no-renames", "--relative", "--src-prefix=a/", "--dst-prefix=b/", merge_base, "--",
    )  # fmt: skip
    return parse_added_lines(diff)


def parse_added_lines(diff: str) -> dict[str, set[int]]:
    """Added line numbers per new-side path in a `git diff -U0` patch."""
    added: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = _unquote(line[4:])
            current = None if path is None else added.setdefault(path, set())
        elif line.startswith("@@") and current is not None:
            match = HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                current.update(range(start, start + count))
    return added


def _unquote(name: str) -> str | None:
    """The path of a `+++ b/path` line (git C-quotes unusual names); None for /dev/null."""
    name = name.rstrip("\t")
    if name.startswith('"') and name.endswith('"') and len(name) >= 2:
        name = _c_unquote(name[1:-1])
    if not name.startswith("b/"):
        return None
    return name[2:]


def _c_unquote(text: str) -> str:
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in "01234567" and re.fullmatch(r"[0-7]{3}", text[i + 1 : i + 4]):
                out.append(int(text[i + 1 : i + 4], 8))
                i += 4
                continue
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
        out += char.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")
