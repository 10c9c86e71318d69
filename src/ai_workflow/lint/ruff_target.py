"""The oldest Python the project supports, for ruff, when ruff cannot read it itself.

ruff lints for the Python of its `target-version` setting, else of `[project] requires-python`,
else for a default of its own, which newer rufs put at a recent Python. Rules that hold only from
some Python on (`B905`, zip()'s `strict=`, is Python 3.10's) then fire on a project that declares
its oldest Python where ruff does not look: Poetry's `[tool.poetry.dependencies] python`,
setup.cfg's `python_requires` or setup.py's `python_requires=`. tomlkit 0.12.5 declares
`python = ">=3.7"` for Poetry only, and ruff asked it for `zip(..., strict=...)`, which Python
3.7 to 3.9 reject. Such a project's floor is handed to ruff as `--target-version`; a project whose
ruff configuration or `[project]` says its Python is linted as it says.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ai_workflow.deps.manifests import python_floor, read_manifest
from ai_workflow.deps.model import Manifest, Report
from ai_workflow.nested import dig_table
from ai_workflow.textfiles import read_utf8

OLDEST_TARGET = (3, 7)  # the oldest `--target-version` ruff accepts
RUFF_FILES = ("ruff.toml", ".ruff.toml")
FLOOR_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py")


def ruff_target_version(target: Path) -> str | None:
    """`py37` for a project that supports Python 3.7 on and says so where ruff does not read
    it; None when ruff reads the project's Python itself, or the project declares none."""
    pyproject = _toml(target / "pyproject.toml", target)
    if pyproject is None:
        return None
    if "requires-python" in dig_table(pyproject, "project"):
        return None
    if "target-version" in dig_table(pyproject, "tool", "ruff"):
        return None
    for name in RUFF_FILES:
        config = _toml(target / name, target)
        if config is None or "target-version" in config:
            return None
    manifests: list[Manifest] = []
    for rel in FLOOR_MANIFESTS:
        if (target / rel).is_file():
            manifest = read_manifest(target, rel, Report())
            if manifest is not None and manifest.valid:
                manifests.append(manifest)
    floor = python_floor(manifests)
    if floor is None or len(floor) < 2 or floor[0] > 3:
        return None
    major, minor = max(floor[:2], OLDEST_TARGET)  # Python 2.7 on: ruff's oldest
    return f"py{major}{minor}"


def _toml(path: Path, root: Path) -> dict[str, object] | None:
    """The file's TOML ({} when there is no such file); None when it does not parse."""
    if not path.exists():
        return {}
    text = read_utf8(path, root=root)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
