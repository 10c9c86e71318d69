"""A failed test command whose every error is in installed packages, none in the project.

A project released without a lockfile gets today's versions of its dependencies' dependencies
on a fresh `npm install`. escape-string-regexp 4.0.0's `npm test` is `xo && ava && tsd`: xo and
ava's tests pass, then tsd 0.11, with its own TypeScript 3.x, type-checks the `@types/node` and
`undici-types` declarations resolved today, written for a newer TypeScript, and prints thousands
of errors, every one located in `node_modules/`. The command failed, but nothing in the
project's files did: the installed packages do not fit its pinned tools. A failure that cites
one of the project's own files (a test, its `index.d.ts`), or only a crash's stack frames,
stays the project's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a diagnostic's place: `path/file.ext:LINE:COL` (ESLint, tsd, stack traces) or tsc's
# `path/file.ext(LINE,COL)`; node's own `node:internal/...:1:2` has no extension
LOCATION = re.compile(
    r"(?<![\w@.+/-])(?P<path>/?(?:[\w@.+-]+/)*[\w@.+-]+\.[A-Za-z][\w]*)(?::\d+:\d+|\(\d+,\d+\))"
)
INSTALLED = "node_modules/"
STACK_FRAME = re.compile(r"^\s*at\s")  # a crash's frames are where it ran, not what is wrong


@dataclass(frozen=True)
class DependencyErrors:
    """The error places a failed command printed, all in installed packages."""

    places: int
    packages: tuple[str, ...]  # in the order the output first names them

    def describe(self, shown: int = 3) -> str:
        """What happened, the same from one run to the next: no count, and the packages the
        output names first (a runner that exits while its output goes to a pipe can lose its
        end, as tsd does: 44 places in one run, 52 in the next)."""
        more = ", ..." if len(self.packages) > shown else ""
        return (
            "every error place it printed is in installed packages, none in the project's "
            f"files (node_modules: {', '.join(self.packages[:shown])}{more})"
        )


def dependency_errors(output: str) -> DependencyErrors | None:
    """The installed packages that hold every error place in `output` (None: it cites none, or
    a file of the project's own). Stack frames are not error places: a tool that crashed
    inside itself on the project's bad configuration shows only its own frames."""
    paths = [
        found.group("path")
        for line in output.splitlines()
        if not STACK_FRAME.match(line)
        for found in LOCATION.finditer(line)
    ]
    if not paths or any(INSTALLED not in path for path in paths):
        return None
    return DependencyErrors(len(paths), tuple(dict.fromkeys(_package(path) for path in paths)))


def _package(path: str) -> str:
    """`@types/node` of `.../node_modules/@types/node/dns.d.ts`: the last node_modules' package."""
    parts = path.rsplit(INSTALLED, 1)[1].split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") and len(parts) > 1 else parts[0]
