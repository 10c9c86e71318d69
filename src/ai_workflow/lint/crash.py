"""What a crashed linter run says went wrong, in one line.

A Node tool that crashes (ESLint's "Oops! Something went wrong!", exit 2) prints a banner, the
source line it choked on and a stack trace. The line worth quoting is the error itself
(`SyntaxError: Cannot use import statement outside a module`), with the file it was loading
when that file is named just above it (`/p/node_modules/x/require.mjs:1`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ai_workflow.quoting import relative_to_target
from ai_workflow.testcmd.reports import strip_ansi

_ERROR_LINE = re.compile(r"^(?:[A-Z]\w*)?(?:Error|Exception)\b[^\n]*")
_LOCATION_LINE = re.compile(r"^(/[^\s:]+|[A-Za-z]:\\[^\s:]+):(\d+)$")
_BANNER = ("Oops! Something went wrong", "ESLint:")
MAX_CHARS = 300


def crash_line(output: str, target: Path | None = None) -> str:
    """The error a crash reports (and the file it was in), or the first line that is no banner
    (empty when there is no output at all); paths in `target` quoted relative to it."""
    quoted = _quoter(target)
    lines = [line.strip() for line in strip_ansi(output).splitlines()]
    location = ""
    for line in lines:
        if _LOCATION_LINE.match(line):
            location = location or line
        elif _ERROR_LINE.match(line):
            where = f" (in {location})" if location else ""
            return quoted(line + where)[:MAX_CHARS]
    meaningful = [line for line in lines if line and not line.startswith(_BANNER)]
    return quoted(meaningful[0])[:MAX_CHARS] if meaningful else ""


def _quoter(target: Path | None) -> Callable[[str], str]:
    if target is None:
        return lambda text: text
    return lambda text: relative_to_target(text, target)
