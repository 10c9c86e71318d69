"""Which Python files pytest collects as the project's test suite, read from its configuration.

pytest takes its settings from the first of `pytest.ini`, `.pytest.ini`, `pyproject.toml`
(`[tool.pytest.ini_options]`), `tox.ini` (`[pytest]`) and `setup.cfg` (`[tool:pytest]`) at the
root that has them. `python_files` (default `test_*.py *_test.py`) names test modules; with
`testpaths`, a bare `pytest` collects only under those paths. A `test` function elsewhere (a
benchmark directory outside `testpaths`, a typing example under `tests/` that no pattern names)
is not part of the suite, so whether it asserts is not a question about the tests.

Test modules under a fixture directory (`fixtures/`, `testdata/`, `vendor/`...) are data: a
project's tests read them (a completion test lists their functions, a linter test lints them),
and they may fail on purpose. When ai-workflow chooses the pytest command itself it leaves them
out (`--ignore`), and they are never judged as tests.

A path the project's own configuration leaves out with `--ignore=PATH` or `--ignore-glob=GLOB`
in `addopts` is not collected either. A module under the tests that it leaves out is one the
project knows pytest cannot import: tblib 3.2.2's pytest.ini has `--ignore=tests/badsyntax.py`,
a module whose body is `is very bad`, which tests/examples.py imports to raise the SyntaxError
whose traceback the tests pickle (`ignored_by`).
"""

from __future__ import annotations

import configparser
import fnmatch
import shlex
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.testsource.data_dirs import TEST_DATA_DIRS
from ai_workflow.textfiles import read_text, read_toml

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
FIXTURE_DIRS = TEST_DATA_DIRS | {"vendor"}
"""Directories of test data (the shared list) and vendored code, not tests (also bats
fixtures: `ai_workflow.techstack`)."""
_INI_SOURCES = (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("tox.ini", "pytest"))


@dataclass(frozen=True)
class PytestCollection:
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    testpaths: tuple[str, ...] = ()
    ignores: tuple[str, ...] = ()
    """`addopts`' `--ignore=PATH` and `--ignore-glob=GLOB` options, each as written."""
    source: str = ""
    """The file the settings come from (`pytest.ini`), "" for pytest's defaults."""
    own_python_files: bool = False
    """Whether the project sets `python_files` itself (even to pytest's default)."""

    def collects(self, path: str) -> bool:
        """True when a bare `pytest` at the root would collect the module at `path` as a test
        of the project (a module under a fixture directory is data: see the module doc)."""
        if self.testpaths and not self.under_testpaths(path):
            return False
        if self.ignored_by(path):
            return False
        return self.names_test(path) and fixture_dir(path) is None

    def under_testpaths(self, path: str) -> bool:
        """True when `path` lies under one of the `testpaths` (each may be a glob)."""
        return any(_under(PurePosixPath(path), p) for p in self.testpaths)

    def ignored_by(self, path: str) -> str | None:
        """The project's `--ignore`/`--ignore-glob` option that leaves out the file at `path`
        (itself or a directory above it), as written; None when none does."""
        for option in self.ignores:
            flag, _, value = option.partition("=")
            wanted = _clean(value)
            if not wanted:
                continue
            if flag == "--ignore-glob":
                if fnmatch.fnmatch(path, wanted):
                    return option
            elif path == wanted or path.startswith(f"{wanted}/"):
                return option
        return None

    def names_test(self, path: str) -> bool:
        """True when `python_files` names the module at `path` (wherever it is)."""
        name = PurePosixPath(path).name
        return any(
            fnmatch.fnmatch(path if "/" in pattern else name, pattern)
            for pattern in self.python_files
        )

    def fixture_ignores(self, files: list[str]) -> list[str]:
        """The fixture directories holding modules `python_files` names: what a pytest
        command of ours leaves out (`--ignore`)."""
        found = {fixture_dir(f) for f in files if f.endswith(".py") and self.names_test(f)}
        return sorted(d for d in found if d is not None)


def fixture_dir(path: str) -> str | None:
    """The outermost fixture directory `path` lies in (None: it is in none)."""
    parts = PurePosixPath(path).parts[:-1]
    for index, part in enumerate(parts):
        if part in FIXTURE_DIRS:
            return "/".join(parts[: index + 1])
    return None


def _clean(path: str) -> str:
    """A path as pytest's command line gives it, relative to the root (`./tests/x/` is
    `tests/x`)."""
    path = path.strip().rstrip("/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _ignore_options(addopts: Any) -> tuple[str, ...]:
    """The `--ignore` and `--ignore-glob` options of an `addopts` value (a string, or in
    pyproject.toml a list), each as `--ignore=PATH`; a value pytest could not split is none."""
    if isinstance(addopts, list):
        words = [w for item in addopts if isinstance(item, str) for w in _split(item)]
    elif isinstance(addopts, str):
        words = _split(addopts)
    else:
        return ()
    found = []
    for index, word in enumerate(words):
        flag, equals, value = word.partition("=")
        if flag not in ("--ignore", "--ignore-glob"):
            continue
        if not equals:  # `--ignore PATH`
            value = words[index + 1] if index + 1 < len(words) else ""
        if value and not value.startswith("-"):
            found.append(f"{flag}={value}")
    return tuple(found)


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return []


def _under(path: PurePosixPath, testpath: str) -> bool:
    testpath = testpath.strip("/").removeprefix("./") or "."
    if testpath == ".":
        return True
    parts = PurePosixPath(testpath).parts
    return len(path.parts) >= len(parts) and all(
        fnmatch.fnmatch(part, wanted) for part, wanted in zip(path.parts, parts, strict=False)
    )


def read_collection(root: Path) -> PytestCollection:
    """The collection settings of the project at `root` (pytest's defaults when none)."""
    for name, section in _INI_SOURCES[:2]:
        found = _ini(root / name, section)
        if found is not None:
            return found
    found = _pyproject(root / "pyproject.toml")
    if found is not None:
        return found
    for name, section in (_INI_SOURCES[2], ("setup.cfg", "tool:pytest")):
        found = _ini(root / name, section)
        if found is not None:
            return found
    return PytestCollection()


def _pyproject(path: Path) -> PytestCollection | None:
    data = read_toml(path)  # a regular file inside the target only (never blocks on a FIFO)
    options = data.get("tool", {}).get("pytest", {}).get("ini_options")
    if not isinstance(options, dict):
        return None
    found = _settings(options.get("python_files"), options.get("testpaths"))
    return replace(found, ignores=_ignore_options(options.get("addopts")), source=path.name)


def _ini(path: Path, section: str) -> PytestCollection | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_text(path))
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return None
    values = parser[section]
    found = _settings(values.get("python_files"), values.get("testpaths"))
    return replace(found, ignores=_ignore_options(values.get("addopts")), source=path.name)


def _settings(python_files: Any, testpaths: Any) -> PytestCollection:
    patterns = _words(python_files)
    return PytestCollection(
        patterns or DEFAULT_PYTHON_FILES, _words(testpaths), own_python_files=bool(patterns)
    )


def _words(value: Any) -> tuple[str, ...]:
    """An ini value is whitespace-separated; a TOML one a string or a list of strings."""
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(w for item in value if isinstance(item, str) for w in item.split())
    return ()
