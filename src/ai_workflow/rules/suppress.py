"""Inline suppression of the product's own rules: `ai-workflow: ignore[rule-id, prefix/]`.

The directive may sit in any comment syntax (`#`, `//`, `--`, `/* */`, `<!-- -->` ...). It
suppresses findings of the named rules (ids or prefixes, as in the configuration) on its own
line, or on the next line when the directive's line holds nothing but the comment.
`ai-workflow: ignore-file[rule-id]` anywhere in a file suppresses those rules in the whole
file, including findings about the file that cite no line.

Linter findings (ruff, shellcheck, eslint, markdownlint) keep the linter's own directive
(`noqa`, `shellcheck disable`, `eslint-disable`, `markdownlint-disable`): the catalog marks
them, and the caller does not ask about them.
"""

from __future__ import annotations

import re
import threading

from ai_workflow.rules.policy import rule_matches
from ai_workflow.rules.sources import SourceLines

DIRECTIVE = re.compile(r"ai-workflow:\s*ignore(?P<file>-file)?\[(?P<ids>[^\]]*)\]")
COMMENT_OPENER = re.compile(r"\s*(?:#+|//+|/\*+|\*+|<!--|--|;+|%+|\{-|\(\*|REM\b|rem\b)?\s*")
"""What may precede a directive on a line of its own: a comment opener, nothing else."""


def _ids(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def line_directive(text: str, *, standalone: bool) -> list[str]:
    """Rule patterns a line's directive names; with `standalone`, only when the line holds
    nothing but the comment (a directive trailing code is for that line only)."""
    patterns: list[str] = []
    for match in DIRECTIVE.finditer(text):
        if match.group("file"):
            continue
        if standalone and not COMMENT_OPENER.fullmatch(text[: match.start()]):
            continue
        patterns += _ids(match.group("ids"))
    return patterns


def file_directives(lines: list[str]) -> list[str]:
    """Rule patterns of every `ignore-file[...]` directive in a file."""
    patterns: list[str] = []
    for text in lines:
        if "ai-workflow:" in text:
            patterns += [
                p for m in DIRECTIVE.finditer(text) if m.group("file") for p in _ids(m.group("ids"))
            ]
    return patterns


class Suppressions:
    """Answers "is this finding suppressed inline?" for one run (file directives cached)."""

    def __init__(self, sources: SourceLines) -> None:
        self.sources = sources
        self._file: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def suppressed(self, rule: str, path: str | None, line: int | None) -> bool:
        """True when a directive in `path` suppresses `rule` at `line` (or file-wide)."""
        lines = self.sources.lines(path)
        if lines is None or path is None:
            return False
        if line is not None and 1 <= line <= len(lines):
            if rule_matches(rule, line_directive(lines[line - 1], standalone=False)):
                return True
            if line >= 2 and rule_matches(rule, line_directive(lines[line - 2], standalone=True)):
                return True
        with self._lock:
            file_wide = self._file.get(path)
        if file_wide is None:
            file_wide = file_directives(lines)
            with self._lock:
                self._file[path] = file_wide
        return rule_matches(rule, file_wide)
