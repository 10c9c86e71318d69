"""Read a project's files without raising, and find the line a pattern is on.

A file that is missing, unreadable or malformed reads as empty: the step that owns that file
(step 8 for manifests) reports the problem, the others just find nothing in it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any


def read_text(path: Path) -> str:
    """The file's text (undecodable bytes replaced), "" when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML document, {} when the file cannot be read or does not parse."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def line_of(text: str, pattern: str, start: int = 0) -> int | None:
    """1-based line of the first match of `pattern` (multiline) at or after offset `start`."""
    match = re.compile(pattern, re.M).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


SHELL_SHEBANG = re.compile(rb"^#!\s*\S*(/|env\s+)(ba|z|k|da)?sh\b")


def has_shell_shebang(path: Path) -> bool:
    """Whether the file starts with a sh/bash/zsh/ksh/dash shebang (a suffix-less script)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return bool(SHELL_SHEBANG.match(head))
