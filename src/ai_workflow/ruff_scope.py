"""Which ruff rules a project asked for, file by file, so a newer bundled ruff does not flood it.

ruff's default rule set is a property of the ruff *version*: up to 0.15 it was `E4, E7, E9, F`;
later releases enable several hundred rules by default. A project that configures ruff without
`select` (flask's nested `examples/*/pyproject.toml`, or no configuration at all) is linted by
its own pinned ruff with the old defaults. When ai-workflow lints with the ruff it ships (not the
project's own installation), a finding is kept only if the project's configuration governing that
file selects it: explicitly (`select`, kept as ruff applied it), or by the conservative defaults
plus `extend-select`.

The governing configuration follows ruff's own discovery: the closest `.ruff.toml`, `ruff.toml`
or `pyproject.toml` with a `[tool.ruff]` table in the file's directory or above (within the
project), following `extend = "<path>"` chains.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

CONSERVATIVE_DEFAULTS = ("E4", "E7", "E9", "F")
"""ruff's long-standing default selection (before releases that enabled hundreds of rules)."""

_CONFIG_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")
_MAX_EXTEND_DEPTH = 8


@dataclass(frozen=True)
class Selection:
    """The selection of one configuration: `select` (None when absent) and `extend-select`."""

    select: tuple[str, ...] | None
    extend_select: tuple[str, ...] = ()

    def keeps(self, code: str) -> bool:
        """Whether a finding with rule `code` is one the project asked for."""
        if self.select is not None:
            return True  # ruff applied the explicit selection itself
        return any(_matches(code, s) for s in (*CONSERVATIVE_DEFAULTS, *self.extend_select))


def _matches(code: str, selector: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


class RuffScope:
    """Answers `keeps(path, code)` for the files of one project, caching per directory."""

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        self._by_dir: dict[str, Selection] = {}

    def keeps(self, rel_path: str, code: str) -> bool:
        return self.selection_for(rel_path).keeps(code)

    def selection_for(self, rel_path: str) -> Selection:
        rel_dir = str(PurePosixPath(rel_path).parent)
        if rel_dir not in self._by_dir:
            self._by_dir[rel_dir] = self._find(rel_dir)
        return self._by_dir[rel_dir]

    def _find(self, rel_dir: str) -> Selection:
        directory = (self.target / rel_dir).resolve()
        while True:
            config = _config_in(directory)
            if config is not None:
                return _selection_of(config, 0)
            if directory == self.target or self.target not in directory.parents:
                return Selection(select=None)
            directory = directory.parent


def _config_in(directory: Path) -> Path | None:
    for name in _CONFIG_NAMES:
        path = directory / name
        if path.is_file() and (name != "pyproject.toml" or _ruff_table(path) is not None):
            return path
    return None


def _ruff_table(path: Path) -> dict[str, Any] | None:
    """The ruff settings of a configuration file (a pyproject's `[tool.ruff]`), None if none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    table = tool.get("ruff") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _selection_of(path: Path, depth: int) -> Selection:
    table = _ruff_table(path) or {}
    lint_table = table.get("lint")
    lint: dict[str, Any] = lint_table if isinstance(lint_table, dict) else {}
    select = _codes(lint.get("select", table.get("select")))
    extend = _codes(lint.get("extend-select", table.get("extend-select"))) or ()
    base = table.get("extend")
    if select is None and isinstance(base, str) and depth < _MAX_EXTEND_DEPTH:
        inherited = _selection_of((path.parent / base).resolve(), depth + 1)
        return Selection(inherited.select, (*inherited.extend_select, *extend))
    return Selection(select, extend)


def _codes(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(str(v).strip().upper() for v in value if str(v).strip())
