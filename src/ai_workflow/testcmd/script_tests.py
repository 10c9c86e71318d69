"""Test files a project runs as scripts, one interpreter each, that pytest cannot collect.

Some projects never use pytest: their tests are scripts, and their CI or tox runs each file in
a fresh interpreter (`for test in dill/tests/test_*.py; do python $test; done` in dill 0.3.7's
.travis.yml; tox's `{envpython} dill/tests/__main__.py`, whose `__main__.py` spawns
`sys.executable` on every `test_*.py`). Such a file may import a sibling by the script's
directory on `sys.path` (`import test_mixins`), assert at its top level on state a fresh
interpreter has, or close a shared object: pytest, which ai-workflow runs when the project names
no runner it can use, imports every module into one process and reports a collection error
where the project's own runner passes. That error is pytest's, not the project's.

A pytest collection error of a test file is put down to that when (1) the project names pytest
nowhere (no pytest configuration, conftest.py, requirement, CI or tox command), (2) it says
that it runs its test files as scripts: a command of its CI or tox runs Python on that file, a
glob that matches it, or a `__main__.py` of the file's directory that starts a process per
file, or else the file itself is a script (an `if __name__ == "__main__":` block), and (3) the
file, run as the project runs it (`python path/to/test_x.py` from the project's root), exits
0. Any other collection error, one of a project that uses pytest, and one whose file fails
as a script too, stays an error.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

from ai_workflow.testcmd.declared import MAIN_BLOCK, ProjectSources, ci_scripts
from ai_workflow.testcmd.reports import FailedTest
from ai_workflow.testcmd.tox_env import tox_config
from ai_workflow.textfiles import read_text

SCRIPT_TIMEOUT_S = 300
COLLECTION = "collection failure"
PYTEST_WORD = re.compile(r"(?<![\w-])pytest\b")
PYTEST_FILES = frozenset({"conftest.py", "pytest.ini", ".pytest.ini"})
CONFIG_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "tox.ini",
    "noxfile.py",
    "Makefile",
    "Pipfile",
    "environment.yml",
)
PYTHON_RUN = re.compile(r"(?:python[\d.]*|\{envpython\}|coverage\s+run)\b")
PY_WORD = re.compile(r"[\w./*?\[\]{}$-]+\.py\b")
TEST_FILE = re.compile(r"(?:^|/)(?:test_[^/]*|[^/]*_test)\.py$")
SPAWNS = re.compile(r"\b(?:subprocess|Popen|os\.system|spawn\w*)\b")


def collected_file(target: Path, failure: FailedTest) -> str | None:
    """The project test file of a pytest collection error (`pytest > pkg.tests.test_x`), or
    None when the failure is no collection error or names no file of the project."""
    if failure.kind != "error" or not failure.message.startswith(COLLECTION):
        return None
    dotted = failure.name.rsplit(" > ", 1)[-1].strip()
    if not re.fullmatch(r"[A-Za-z_][\w.]*", dotted):
        return None
    rel = dotted.replace(".", "/") + ".py"
    return rel if (target / rel).is_file() else None


def names_pytest(sources: ProjectSources) -> bool:
    """True when the project's configuration, requirements, CI or tox name pytest (it is the
    project's runner, and its collection errors are the project's)."""
    if any(PurePosixPath(rel).name in PYTEST_FILES for rel in sources.files):
        return True
    texts = [sources.text(rel) for rel in CONFIG_FILES if rel in sources.file_set]
    texts += [sources.text(rel) for rel in sources.files if _requirements(rel)]
    texts += [script for _, script in ci_scripts(sources)]
    return any(PYTEST_WORD.search(text) for text in texts)


def script_evidence(
    sources: ProjectSources, rel: str, declared: Sequence[tuple[str, str]] | None = None
) -> str | None:
    """Where the project says it runs the test file `rel` as a script, or None. `declared`:
    `declared_commands(sources)`, read once by a caller that asks about several files."""
    directory = PurePosixPath(rel).parent.as_posix()
    for where, script in declared_commands(sources) if declared is None else declared:
        for line in script.splitlines():
            if not PYTHON_RUN.search(line) and not line.lstrip().startswith("for "):
                continue
            for word in PY_WORD.findall(line):
                word = word.removeprefix("./")
                if word == rel or (any(c in word for c in "*?[") and fnmatch.fnmatch(rel, word)):
                    return f"{where}: `{line.strip()}`"
                if word == f"{directory}/__main__.py" and _spawns(sources, word):
                    return f"{where}: `{line.strip()}`, which starts a process per test file"
            module = re.search(r"-m\s+([\w.]+)", line)
            main = f"{module.group(1).replace('.', '/')}/__main__.py" if module else ""
            if main == f"{directory}/__main__.py" and _spawns(sources, main):
                return f"{where}: `{line.strip()}`, which starts a process per test file"
    text = read_text(sources.target / rel, root=sources.target)
    if MAIN_BLOCK.search(text):
        return f"{rel} is a script (its `if __name__ == '__main__':` block runs its tests)"
    return None


def runs_tests_as_scripts(sources: ProjectSources) -> bool:
    """True when the project never names pytest and runs one of its test files as a script:
    pytest's one process is then no stand-in for its runner past a collection error (the
    other modules' tests would fail on what a fresh interpreter per file never sees)."""
    if names_pytest(sources):
        return False
    tests = (rel for rel in sources.files if TEST_FILE.search(rel))
    declared = declared_commands(sources)
    return any(script_evidence(sources, rel, declared) is not None for rel in tests)


def _requirements(rel: str) -> bool:
    name = PurePosixPath(rel).name
    return name.endswith((".txt", ".in")) and "requirement" in name


def _spawns(sources: ProjectSources, main: str) -> bool:
    if main not in sources.file_set:
        return False
    return bool(SPAWNS.search(read_text(sources.target / main, root=sources.target)))


def declared_commands(sources: ProjectSources) -> list[tuple[str, str]]:
    """(where, commands) of the CI's steps and tox's environments."""
    return [*ci_scripts(sources), *_tox_commands(sources)]


def _tox_commands(sources: ProjectSources) -> Iterator[tuple[str, str]]:
    parser = tox_config(sources.target / "tox.ini", sources.target)
    if "tox.ini" not in sources.file_set or parser is None:
        return
    for section in parser.sections():
        commands = parser.get(section, "commands", fallback="")
        if commands.strip():
            yield f"tox.ini [{section}]", commands
