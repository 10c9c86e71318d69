"""Tests stopped by the test runner's own deprecation, under a runner newer than the project pins.

click 8.1.7 pins pytest==7.4.0 (requirements/tests.txt, tox's deps) and sets
`filterwarnings = error`; under pytest 9.2 its `parametrize("x", chain(...))` raises
PytestRemovedIn10Warning, made an error by that setting, and the whole session stops at
collection. Under the pytest it pins, the same file collects and passes: what failed is the
machine's pytest, not the project. With no pin, or the pinned version installed, the failure is
the project's (it must adapt its tests to the runner it chose).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.version import InvalidVersion, Version

from ai_workflow.deps.manifests import manifest_kind
from ai_workflow.textfiles import read_utf8

RUNNER_DEPRECATION = re.compile(
    r"^E\s+(?:[\w.]+\.)?(Pytest(?:RemovedIn\d+|Deprecation)Warning)\b", re.M
)
"""The error line of a failure raised by one of pytest's own deprecation warnings."""
INSTALLED_PYTEST = re.compile(r"\bpytest-(\d+(?:\.\d+)*)\b")
"""pytest's session header: `platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0`."""
PINNED_PYTEST = re.compile(r"""(?:^|["'\s,\[])pytest\s*==\s*(\d+(?:\.\d+)*)""", re.M | re.I)
PIN_FILES = frozenset({"tox.ini", "setup.cfg", "pyproject.toml"})


@dataclass(frozen=True)
class RunnerPin:
    """The pytest version a project pins, and where."""

    version: str
    path: str


def runner_deprecation(message: str) -> str | None:
    """The pytest deprecation warning that raised this failure, if one did."""
    match = RUNNER_DEPRECATION.search(message)
    return match.group(1) if match else None


def installed_pytest(output: str) -> str | None:
    """The pytest version of the run, from its session header."""
    match = INSTALLED_PYTEST.search(output)
    return match.group(1) if match else None


def pinned_pytest(target: Path, files: Iterable[str]) -> RunnerPin | None:
    """The first exact pin of pytest (`pytest==7.4.0`) in the project's requirements files, tox.ini,
    setup.cfg or pyproject.toml."""
    for rel in sorted(files):
        if manifest_kind(rel) != "requirements" and PurePosixPath(rel).name not in PIN_FILES:
            continue
        text = read_utf8(target / rel)
        match = PINNED_PYTEST.search(text or "")
        if match:
            return RunnerPin(match.group(1), rel)
    return None


def drifted(installed: str, pin: RunnerPin) -> bool:
    """True when the installed pytest is not the pinned one."""
    try:
        return Version(installed) != Version(pin.version)
    except InvalidVersion:
        return False
