"""Path globs for categories and step inputs.

Semantics (documented for users in `smart_execution.categories` and custom step `inputs`):
- a glob without `/` matches a file name at any depth: `*.py`, `Makefile`, `test_*.py`;
- a glob with `/` matches the whole path from the project root: `docs/*.md`, `src/**/*.py`;
- `**` matches any number of directories (also none), `*` and `?` stay inside one path part;
- a trailing `/` means everything below a directory: `fixtures/` is `**/fixtures/**`,
  `/fixtures/` (leading slash) only the top-level one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def _translate_part(glob: str) -> str:
    """Regex for a glob without `**` handling: `*`, `?` and `[...]` classes."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = glob[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def glob_to_regex(glob: str) -> str:
    """The regular expression (without anchors) for one glob, per the module's semantics."""
    pattern = glob.strip()
    if pattern.endswith("/"):
        pattern = pattern.rstrip("/") + "/**"
        if not pattern.startswith("/"):
            pattern = "**/" + pattern
    pattern = pattern.lstrip("/")
    if "/" not in pattern:
        return "(?:.*/)?" + _translate_part(pattern)
    parts = pattern.split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:.*/)?")
        else:
            out.append(_translate_part(part) + ("" if last else "/"))
    return "".join(out)


@lru_cache(maxsize=512)
def compile_globs(globs: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled matcher for several globs (None when there are none)."""
    cleaned = [g for g in globs if g.strip()]
    if not cleaned:
        return None
    return re.compile("|".join(f"(?:{glob_to_regex(g)})" for g in cleaned) + r"\Z", re.DOTALL)


class GlobSet:
    """Matches relative POSIX paths against a fixed list of globs."""

    def __init__(self, globs: Iterable[str]) -> None:
        self.globs = tuple(globs)
        self._regex = compile_globs(self.globs)

    def __bool__(self) -> bool:
        return self._regex is not None

    def matches(self, path: str) -> bool:
        return self._regex is not None and self._regex.match(path) is not None

    def first_match(self, path: str) -> str | None:
        """The first glob that matches `path` (for explanations)."""
        if not self.matches(path):
            return None
        for glob in self.globs:
            regex = compile_globs((glob,))
            if regex is not None and regex.match(path):
                return glob
        return None
