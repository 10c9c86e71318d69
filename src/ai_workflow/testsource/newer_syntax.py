"""Whether a Python file that the running Python cannot parse is valid Python of a newer version.

The analyser reads Python with the `ast` of the interpreter it runs on. A file written for a
newer Python does not parse there, and that is no defect of the file: typeguard 4.6.0's
tests/dummymodule_py312.py (`type Foo = list[int]`, PEP 695), a fixture its tests load only on
3.12+, and tinycss2 1.5.1's tests/css-parsing-tests/generate_color_json.py (a backslash inside
an f-string's expression, PEP 701), both read on 3.11.

ruff's parser knows the grammar of every version and names the Python a syntax needs ("Cannot
use `type` alias statement on Python 3.7 (syntax was added in Python 3.12)"). Asked for the
oldest target, a file whose every syntax error is of that kind is valid Python of the newest
version named; when that version is newer than the running one, the analyser's interpreter is
what fails. A file with any other syntax error (`def f(:`), or that ruff cannot be asked about,
is not known to be valid.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from ai_workflow.tools import find_tool

_ADDED = re.compile(r"\(syntax was added in Python 3\.(\d+)\)")
_SYNTAX_CODES = (None, "invalid-syntax", "E999")
_OLDEST_TARGET = "py37"  # every ruff this project accepts (>=0.5) knows it


def newer_python_version(target: Path, path: str) -> str | None:
    """The newer Python (`3.12`) whose syntax the file at `path` (relative to `target`) is
    valid in, when the running Python is older; None when ruff finds another syntax error,
    names no newer version, or cannot be run."""
    items = _ruff_syntax_errors(target, path)
    if not items:
        return None
    needed = []
    for item in items:
        match = _ADDED.search(str(item.get("message", "")))
        if item.get("code") not in _SYNTAX_CODES or match is None:
            return None
        needed.append(int(match.group(1)))
    newest = max(needed)
    return f"3.{newest}" if newest > sys.version_info.minor else None


def _ruff_syntax_errors(target: Path, path: str) -> list[dict[str, object]] | None:
    """ruff's syntax errors on the file, read for the oldest Python and no configuration (our
    own ruff first: the project's may be too old to name versions)."""
    tool = find_tool("ruff", target, project=False)
    if tool is None:
        return None
    command = [str(tool.path), "check", "--isolated", "--no-cache", "--select", "E9"]
    command += ["--target-version", _OLDEST_TARGET, "--output-format", "json", "--exit-zero"]
    try:
        result = subprocess.run(
            [*command, "--", path],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        items = json.loads(result.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else None
