"""Which ruff rules a project chose, file by file, found the way ruff finds its configuration.

ruff uses the configuration closest to each file (`.ruff.toml`, `ruff.toml`, or a
`pyproject.toml` with a `[tool.ruff]` table, following `extend`). A configuration that sets
`lint.select` (or the older top-level `select`) chooses its rules. One that does not, and a file
with no configuration at all, gets ruff's *default* rule set, which depends on the ruff version:
59 rules (`E4`, `E7`, `E9`, `F`) up to 0.15, some 400 (import sorting, bugbear, pyupgrade,
pylint, ...) since 0.16. A project that never chose those rules is held to the classic set
(`CLASSIC_DEFAULT_RULES`) plus its `extend-select`, whichever ruff runs.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.nested import dig_table
from ai_workflow.textfiles import read_utf8, readable_file

CLASSIC_DEFAULT_RULES = ("E4", "E7", "E9", "F")
CONFIG_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")  # ruff's order within a directory
MAX_EXTEND_DEPTH = 10
_SELECTOR = re.compile(r"([A-Z]+)(\d*)")
_CODE = re.compile(r"([A-Z]+)(\d+)")
PYLINT_CATEGORIES = frozenset({"PLC", "PLE", "PLR", "PLW"})  # selected together by "PL"


@dataclass(frozen=True)
class RuleScope:
    """The rule choice that applies to a file."""

    config: str | None  # target-relative configuration file; None: no configuration
    chooses_rules: bool  # the configuration sets `select`: every finding is its choice
    extra: tuple[str, ...] = ()  # `extend-select` of a configuration that does not choose

    def keeps(self, code: str) -> bool:
        """True when a finding of rule `code` belongs to what the project chose."""
        if self.chooses_rules:
            return True
        return any(selects(s, code) for s in (*CLASSIC_DEFAULT_RULES, *self.extra))


def selects(selector: str, code: str) -> bool:
    """True when a ruff rule selector (`ALL`, `F`, `E4`, `PL`, `C90`, `B006`) covers `code`."""
    if selector == "ALL":
        return True
    wanted, rule = _SELECTOR.fullmatch(selector), _CODE.fullmatch(code)
    if wanted is None or rule is None:
        return selector == code
    prefix, digits = wanted.groups()
    linter, number = rule.groups()
    if prefix == "PL" and not digits and linter in PYLINT_CATEGORIES:
        return True
    return prefix == linter and number.startswith(digits)


@dataclass
class RuffScopes:
    """Rule scopes of a project's files, one configuration lookup per directory."""

    target: Path
    default: RuleScope = RuleScope(None, False)  # a file under no ruff configuration
    _by_dir: dict[PurePosixPath, RuleScope] = field(default_factory=dict)

    def for_file(self, rel: str) -> RuleScope:
        return self._for_dir(PurePosixPath(rel).parent)

    def _for_dir(self, directory: PurePosixPath) -> RuleScope:
        if directory not in self._by_dir:
            scope = self._own_config(directory)
            if scope is None:
                top = directory == PurePosixPath(".") or directory == directory.parent
                scope = self.default if top else self._for_dir(directory.parent)
            self._by_dir[directory] = scope
        return self._by_dir[directory]

    def _own_config(self, directory: PurePosixPath) -> RuleScope | None:
        found = own_config(self.target, directory)
        if found is None:
            return None
        rel, table = found
        return _scope(rel, table, (self.target / rel).parent, MAX_EXTEND_DEPTH)

    def describe(self) -> str:
        """Which configurations the looked-up files use and whether they choose their rules."""
        scopes = {s.config: s for s in self._by_dir.values()}
        parts = []
        for config, scope in sorted(scopes.items(), key=lambda item: item[0] or ""):
            name = config or "no configuration"
            rules = ", ".join((*CLASSIC_DEFAULT_RULES, *scope.extra))
            parts.append(f"{name} ({'its rule selection' if scope.chooses_rules else rules})")
        return "; ".join(parts)


def own_config(target: Path, directory: PurePosixPath) -> tuple[str, dict[str, Any]] | None:
    """The ruff configuration of `directory` itself, in ruff's order of names: its
    target-relative path and settings; None when the directory has none."""
    for name in CONFIG_NAMES:
        table = _ruff_table(target / directory / name)
        if table is not None:
            return (directory / name).as_posix().removeprefix("./"), table
    return None


def extend_chain(table: dict[str, Any], base: Path) -> list[tuple[dict[str, Any], Path]]:
    """The settings a configuration (in directory `base`) builds on through `extend`, outermost
    first, then its own: each with the directory its paths are relative to."""
    chain = [(table, base)]
    while len(chain) <= MAX_EXTEND_DEPTH:
        parent = chain[0][0].get("extend")
        if not isinstance(parent, str):
            break
        path = (chain[0][1] / parent).resolve()
        inherited = _ruff_table(path)
        if inherited is None:
            break
        chain.insert(0, (inherited, path.parent))
    return chain


def configures_ruff(path: Path) -> bool:
    """True when the file is a ruff configuration (a `pyproject.toml` with `[tool.ruff]`)."""
    return path.name in CONFIG_NAMES and _ruff_table(path) is not None


def ruff_settings(path: Path) -> dict[str, Any] | None:
    """The ruff settings of a configuration file (None: none, or a pyproject.toml that does
    not parse)."""
    return _ruff_table(path)


def _ruff_table(path: Path) -> dict[str, Any] | None:
    """The ruff settings in a configuration file; None when it holds none or does not parse
    (ruff itself then reports the broken file)."""
    if not readable_file(path):  # a FIFO or a link out of the target is not read
        return None
    try:
        data = tomllib.loads(read_utf8(path) or "\0")
    except (tomllib.TOMLDecodeError, RecursionError):
        return {"select": ["ALL"]} if path.name != "pyproject.toml" else None
    if path.name == "pyproject.toml":
        tool = dig_table(data, "tool")
        return dig_table(tool, "ruff") if "ruff" in tool else None
    return data


def _scope(rel: str, table: dict[str, Any], base: Path, depth: int) -> RuleScope:
    """A configuration's rule choice, following `extend` (its own settings win)."""
    lint = dig_table(table, "lint")
    if _strings(lint.get("select", table.get("select"))) is not None:
        return RuleScope(rel, True)
    extra = tuple(_strings(lint.get("extend-select", table.get("extend-select"))) or ())
    parent = table.get("extend")
    if isinstance(parent, str) and depth > 0:
        path = (base / parent).resolve()
        inherited = _ruff_table(path)
        if inherited is not None:
            scope = _scope(rel, inherited, path.parent, depth - 1)
            if scope.chooses_rules:
                return scope
            extra = (*scope.extra, *extra)
    return RuleScope(rel, False, extra)


def _strings(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, str)]
