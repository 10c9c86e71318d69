"""shellcheck's SC2262 (an alias defined and used in the same parsing unit) where every such use
is inside a command substitution.

bash expands an alias when it reads a command, so an alias defined inside an `if` or a function
does not reach a command read with it (SC2263 marks each such use). The text of a command
substitution, `$(...)` or backticks, is read again when it runs, and then sees the alias:
bash-task-runner 0.10.0's `if ! date --version ...; then if hash gdate ...; then alias
runner_date="gdate"; else ... local timestamp="$(runner_date +%T)"` works as written. SC2262 is
info when every SC2263 use of its alias name in the file is in a command substitution; a plain
use (`runner_date +%T` as a command) keeps the warning, as does an SC2262 with no SC2263 seen.
"""

from __future__ import annotations

import re
from typing import Any

ALIAS_SAME_UNIT = 2262
ALIAS_USE_SAME_UNIT = 2263
ALIAS_NAME = re.compile(r"alias\s+(?:--\s+)?['\"]?([^\s=;'\"]+)=")
SUBSTITUTION_OPENS = re.compile(r"(?:\$\(|`)\s*$")


def alias_read_at_run_time(comments: list[dict[str, Any]], item: dict[str, Any], text: str) -> bool:
    """Whether the SC2262 `item` (a shellcheck json1 comment on the file whose `text` is
    given) defines an alias whose every same-unit use (SC2263 in `comments`) is in a command
    substitution."""
    lines = text.splitlines()
    name = _alias_name(lines, item)
    if name is None:
        return False
    uses = [
        c
        for c in comments
        if int(c.get("code", 0)) == ALIAS_USE_SAME_UNIT
        and c.get("file") == item.get("file")
        and _word_at(lines, c) == name
    ]
    return bool(uses) and all(_in_substitution(lines, c) for c in uses)


def _alias_name(lines: list[str], item: dict[str, Any]) -> str | None:
    """The name the `alias` command SC2262 cites defines (its column is at the name)."""
    line = _line(lines, item)
    if line is None:
        return None
    column = int(item.get("column", 1)) - 1
    found = [m for m in ALIAS_NAME.finditer(line) if m.start(1) <= column < m.end(0)]
    return found[0].group(1) if found else None


def _word_at(lines: list[str], comment: dict[str, Any]) -> str | None:
    line = _line(lines, comment)
    if line is None:
        return None
    word = re.match(r"[^\s;&|()<>`\"']+", line[int(comment.get("column", 1)) - 1 :])
    return word.group(0) if word else None


def _in_substitution(lines: list[str], comment: dict[str, Any]) -> bool:
    line = _line(lines, comment) or ""
    return SUBSTITUTION_OPENS.search(line[: int(comment.get("column", 1)) - 1]) is not None


def _line(lines: list[str], comment: dict[str, Any]) -> str | None:
    number = int(comment.get("line", 0))
    return lines[number - 1] if 0 < number <= len(lines) else None
