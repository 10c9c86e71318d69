"""Where a project says its tests run each in a process of its own.

Some suites share module state between tests on purpose and are meant to run isolated:
lazy_import's README says to run `pytest -n 4 --boxed` (pytest-xdist's `--boxed`, later
pytest-forked's `--forked`, a fresh process per test). Run in one process, their tests fail
for that reason alone. The project says so in its README, its tox.ini, its pytest `addopts`
(setup.cfg, pytest.ini, pyproject.toml), its Makefile or its CI's commands.
"""

from __future__ import annotations

import re
from pathlib import Path

from ai_workflow.textfiles import read_text

# pytest-xdist's `--boxed` and pytest-forked's `--forked`, as whole options
ISOLATED = re.compile(r"(?<![\w-])--(?:boxed|forked)(?![\w-])")
PLACES = (
    "README*",
    "tox.ini",
    "setup.cfg",
    "pytest.ini",
    "pyproject.toml",
    "Makefile",
    "noxfile.py",
    ".travis.yml",
    ".gitlab-ci.yml",
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
)
MAX_BYTES = 1_000_000
SHOWN_CHARS = 120


def isolation_note(target: Path) -> str | None:
    """Where the project runs its tests isolated, as `README.rst: pytest -n 4 --boxed` (the
    file and the line, clipped); None when no file of it says so."""
    for pattern in PLACES:
        for path in sorted(target.glob(pattern)):
            line = _isolating_line(path, target)
            if line is not None:
                return f"{path.relative_to(target).as_posix()}: `{line}`"
    return None


def _isolating_line(path: Path, target: Path) -> str | None:
    if not path.is_file() or path.is_symlink():
        return None
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
    except OSError:
        return None
    text = read_text(path, root=target)
    for line in text.splitlines():
        if ISOLATED.search(line):
            line = line.strip()
            return line if len(line) <= SHOWN_CHARS else line[: SHOWN_CHARS - 1] + "…"
    return None
