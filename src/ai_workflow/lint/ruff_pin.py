"""The ruff version a project pins, read from wherever it pins it.

A project is lint-clean at the ruff it runs; rules added since are not its choice. It pins that
version in one of these places, read in this order (the first exact pin wins):

1. `required-version` of its ruff configuration (`ruff.toml`, `.ruff.toml`, `[tool.ruff]` of
   `pyproject.toml`): ruff itself refuses to run at another version;
2. the `rev` of the ruff hook in `.pre-commit-config.yaml` (or its `# frozen: vX` comment);
3. a lockfile: `uv.lock`, `poetry.lock`, `pdm.lock` (their `[[package]]` named ruff);
4. `ruff==X` in a requirements or constraints file (`requirements*.txt`, `constraints*.txt`,
   and those in a `requirements/` directory), or in a dependency group or optional dependency
   list of `pyproject.toml`.

Only an exact release counts (`==0.4.10`, `v0.4.10`): a range (`>=0.4`) names no version to run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ai_workflow.nested import dig_table
from ai_workflow.textfiles import read_utf8

RUFF_CONFIGS = (".ruff.toml", "ruff.toml", "pyproject.toml")
LOCKFILES = ("uv.lock", "poetry.lock", "pdm.lock")
REQUIREMENT_FILE = re.compile(r"(?:requirements|constraints)[\w.-]*\.(?:txt|in)")
REQUIREMENT_DIRS = (".", "requirements")
_PRE_COMMIT_RUFF = re.compile(
    r"(?:astral-sh|charliermarsh)/ruff-pre-commit\S*\s*\n\s*rev:\s*['\"]?([\w.\-]+)['\"]?"
    r"(?:\s*#\s*frozen:\s*(\S+))?"
)
_RELEASE = re.compile(r"v?(\d+(?:\.\d+){1,3})")


@dataclass(frozen=True)
class RuffPin:
    """A pinned ruff release and the file that pins it."""

    version: str
    source: str


def ruff_pin(target: Path) -> RuffPin | None:
    """The ruff release the project at `target` pins, if any (see the module docstring)."""
    readers: tuple[Callable[[Path], RuffPin | None], ...] = (
        _required_version,
        _pre_commit,
        _lockfile,
        _requirements,
        _pyproject_lists,
    )
    for reader in readers:
        pin = reader(target)
        if pin is not None:
            return pin
    return None


def _required_version(target: Path) -> RuffPin | None:
    for name in RUFF_CONFIGS:
        data = _toml(target, name)
        table = dig_table(dig_table(data, "tool"), "ruff") if name == "pyproject.toml" else data
        value = table.get("required-version")
        version = _exact(f"=={value}" if isinstance(value, str) and value[:1].isdigit() else value)
        if version is not None:
            return RuffPin(version, f"{name} required-version")
    return None


def _pre_commit(target: Path) -> RuffPin | None:
    text = read_utf8(target / ".pre-commit-config.yaml", root=target)
    match = _PRE_COMMIT_RUFF.search(text or "")
    if match is None:
        return None
    release = _RELEASE.fullmatch(match.group(2) or match.group(1))
    return RuffPin(release.group(1), ".pre-commit-config.yaml") if release else None


def _lockfile(target: Path) -> RuffPin | None:
    for name in LOCKFILES:
        packages = _toml(target, name).get("package")
        for package in packages if isinstance(packages, list) else ():
            if isinstance(package, dict) and package.get("name") == "ruff":
                release = _RELEASE.fullmatch(str(package.get("version", "")))
                if release:
                    return RuffPin(release.group(1), name)
    return None


def _requirements(target: Path) -> RuffPin | None:
    for rel in _requirement_files(target):
        text = read_utf8(target / rel, root=target) or ""
        for line in text.replace("\\\n", " ").splitlines():
            version = _pinned_in(line.split(" #", 1)[0].strip())
            if version is not None:
                return RuffPin(version, rel)
    return None


def _requirement_files(target: Path) -> Iterator[str]:
    for directory in REQUIREMENT_DIRS:
        try:
            names = sorted(p.name for p in (target / directory).iterdir() if p.is_file())
        except OSError:
            continue
        for name in names:
            if REQUIREMENT_FILE.fullmatch(name) or (directory != "." and name.endswith(".txt")):
                yield name if directory == "." else f"{directory}/{name}"


def _pyproject_lists(target: Path) -> RuffPin | None:
    data = _toml(target, "pyproject.toml")
    lists = [*dig_table(data, "dependency-groups").values()]
    lists += dig_table(dig_table(data, "project"), "optional-dependencies").values()
    for entries in lists:
        for entry in entries if isinstance(entries, list) else ():
            version = _pinned_in(entry) if isinstance(entry, str) else None
            if version is not None:
                return RuffPin(version, "pyproject.toml")
    return None


def _pinned_in(requirement: str) -> str | None:
    """The release `ruff==X` pins (None: another package, a range, or no requirement)."""
    if not requirement.lower().startswith("ruff"):
        return None
    try:
        parsed = Requirement(requirement.split(" --", 1)[0])
    except InvalidRequirement:
        return None
    return _exact(str(parsed.specifier)) if parsed.name.lower() == "ruff" else None


def _exact(specifier: Any) -> str | None:
    """The one release an `==X` specifier allows (None: a range, a wildcard, not a string)."""
    if not isinstance(specifier, str):
        return None
    try:
        specs = list(SpecifierSet(specifier))
    except InvalidSpecifier:
        return None
    if len(specs) != 1 or specs[0].operator not in ("==", "===") or "*" in specs[0].version:
        return None
    release = _RELEASE.fullmatch(specs[0].version)
    return release.group(1) if release else None


def _toml(target: Path, name: str) -> dict[str, Any]:
    text = read_utf8(target / name, root=target)
    try:
        return tomllib.loads(text) if text else {}
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}
