"""Tool output quoted in a finding's message, the same wherever the project is checked out.

A message that quotes what a tool printed (a linter that failed, a test command's last lines)
would carry the target's absolute path, and a clip at a fixed length would then cut a deeper
checkout's text at another place: the baseline's fingerprints and the bench's label digests
would differ between two checkouts of the same project. So the target's path, as given and
resolved, becomes relative (`.` for the directory itself) before any clipping; every other
absolute path (`/usr/bin/make`) is kept.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_PATH_CHAR = r"[\w.~+-]"


def _forms(target: Path) -> list[str]:
    """The target's absolute spellings, longest first (a resolved form may contain the other)."""
    forms = {os.path.abspath(target), os.path.realpath(target)}
    return sorted((f.rstrip("/") for f in forms if f.rstrip("/")), key=len, reverse=True)


def relative_to_target(text: str, target: Path) -> str:
    """`text` with the target's absolute path made relative: `<target>/src/a.py` → `src/a.py`,
    `<target>` alone → `.`; a longer name that only starts like it (`<target>2`) is kept.
    A path right after an escaped newline or tab of a quoted repr (`'found:\\n<target>/etc'`,
    an assertion's message as pytest prints it) is a path too: the letter of the escape is no
    part of the name."""
    for form in _forms(target):
        if form not in text:
            continue
        pattern = re.compile(
            rf"(?:(?<!{_PATH_CHAR})|(?<=\\[ntr])){re.escape(form)}"
            rf"(?:(?P<inside>/+(?={_PATH_CHAR}))|/*(?!{_PATH_CHAR}))"
        )
        text = pattern.sub(lambda m: "" if m["inside"] else ".", text)
    return text


def quote_output(text: str, target: Path, limit: int | None = None) -> str:
    """Tool output for a message: target-relative, stripped, then cut to `limit` characters."""
    quoted = relative_to_target(text, target).strip()
    return quoted if limit is None else quoted[:limit]
