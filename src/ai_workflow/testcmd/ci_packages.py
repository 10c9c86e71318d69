"""The system packages a project's CI installs before its tests, and which this machine lacks.

A test suite that needs `gawk` fails every test on a machine without it, and often says no more
than "failed with status 127" (the shell's "command not found"). When the CI installs packages
this machine does not have, such failures are the machine's, not the project's: the test step
names the packages instead of reporting each test as broken. Read from GitHub Actions workflows
(install commands in `run` steps and in actions' inputs, `additional-packages`) and GitLab CI;
FreeBSD's `pkg` names are left out (they differ from the Linux and Homebrew ones).
`ci_provider` finds the CI file (of any CI, Travis too) that puts one named program in place.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from ai_workflow.ci_files import CI_FILES, GITLAB_CI, SOURCEHUT_DIR
from ai_workflow.testcmd.declared import ci_files
from ai_workflow.textfiles import read_text

INSTALL = re.compile(
    r"\b(?:apt-get|apt|brew|apk|dnf|yum|zypper)\s+(?:-\S+\s+)*(?:install|add)\s+([^;&|\n]*)"
)
PACKAGE_LIST_KEYS = frozenset({"additional-packages", "packages", "apt-packages"})
EXPRESSION = re.compile(r"\$\{\{.*?\}\}|\$\{?\w+\}?")  # ${{ matrix.x }}, $VAR: not names
PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9.+-]*")
OTHER_CI_FILES = tuple(rel for rel in CI_FILES if rel != GITLAB_CI)  # `ci_files` reads GitLab's
PROVIDES = re.compile(
    r"\b(?:install|add|clone|curl|wget|fetch|download|ln|cp|mv|tar|unzip|PATH|brew|apt|apt-get|"
    r"apk|dnf|yum|pacman|pip|pipx|npm|gem|cargo|uses)\b"
)
"""A line that installs, downloads, links or puts something on PATH."""
COMMAND_NOT_FOUND_STATUS = re.compile(
    r"\b(?:status|exit code|exit status|exited with code|returned)\s*:?\s*127\b", re.IGNORECASE
)
"""A failure that says a command exited 127: what a shell returns for "command not found"."""


def ci_installed_packages(target: Path, files: Sequence[str]) -> dict[str, str]:
    """Package name -> the CI file that installs it."""
    found: dict[str, str] = {}
    for rel in ci_files(files):
        try:
            data = yaml.safe_load(read_text(target / rel, root=target))
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            continue
        for name in _packages(data):
            found.setdefault(name, rel)
    return found


def ci_provider(target: Path, files: Sequence[str], program: str) -> str | None:
    """The CI file that puts `program` in place before the tests: a line naming it (a word of
    its own) that installs, downloads, links or adds to PATH (`ln -s .../password-store.sh
    pass`, `apt-get install -y oathtool`), or an item of a package list (`- oathtool`)."""
    name = re.compile(rf"(?<![\w.-]){re.escape(program)}(?![\w-])")
    listed = re.compile(rf"^\s*-\s*[\"']?{re.escape(program)}[\"']?\s*$")
    present = set(files)
    others = [rel for rel in OTHER_CI_FILES if rel in present]
    sourcehut = [
        rel for rel in files if rel.startswith(f"{SOURCEHUT_DIR}/") and rel.endswith(".yml")
    ]
    for rel in [*ci_files(files), *others, *sourcehut]:
        for line in read_text(target / rel, root=target).splitlines():
            if line.lstrip().startswith("#") or not name.search(line):
                continue
            if PROVIDES.search(line) or listed.match(line):
                return rel
    return None


def _packages(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for k, value in node.items():
            yield from _packages(value, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from _packages(item, key)
    elif isinstance(node, str):
        if key in PACKAGE_LIST_KEYS:
            yield from _names(node)
        for match in INSTALL.finditer(node):
            yield from _names(match.group(1))


def _names(words: str) -> Iterator[str]:
    for word in EXPRESSION.sub(" ", words).split():
        if PACKAGE_NAME.fullmatch(word):
            yield word


def missing_packages(packages: Sequence[str]) -> list[str]:
    """The packages with neither a program of their name on PATH nor a dpkg installation."""
    absent = [name for name in packages if shutil.which(name) is None]
    if not absent or shutil.which("dpkg-query") is None:
        return absent
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\n", *absent],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    installed = {
        line.split()[0] for line in done.stdout.splitlines() if line.endswith(" installed")
    }
    return [name for name in absent if name not in installed]
