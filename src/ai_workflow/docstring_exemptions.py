"""Files where the project's ruff configuration turns the missing-docstring rules off.

ruff's pydocstyle rules name each missing docstring: D100 a public module, D101 a class,
D102 a method, D103 a function, D104 a package (`__init__.py`), D106 a nested class. A project
that ignores them, for every file (`ignore = ["D103"]`, `extend-ignore`) or for some
(`per-file-ignores = {"tests/*" = ["D"], "scripts/*.py" = ["D103"]}`, `extend-per-file-ignores`),
has said those files need no such docstring, whichever tool would ask for it: a missing one
there is no finding of the documentation step (not even info), and does not count in its
docstring coverage. Elsewhere the finding stays.

The configuration is the one ruff uses for the file (`ai_workflow.lint.ruff_scope`: the closest
`.ruff.toml`, `ruff.toml` or `pyproject.toml` with `[tool.ruff]`, following `extend`; a
`select` in the chain drops the `ignore` of what it extends, and `per-file-ignores` replaces
the inherited one). A pattern matches as ruff's does: against the file's path relative to the
configuration's directory or against its name, `*` also across `/`, `**/` also for no
directory, and an initial `!` for the files that do not match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.lint.ruff_scope import extend_chain, own_config, selects
from ai_workflow.nested import dig_table
from ai_workflow.pysource import PySymbol


@dataclass(frozen=True)
class _Ignores:
    """The D-rule exemptions of one ruff configuration."""

    config: str  # target-relative path of the configuration ruff uses for the files
    ignore: tuple[str, ...] = ()
    per_file: tuple[tuple[str, Path, tuple[str, ...]], ...] = ()  # pattern, its base, selectors

    def reason(self, path: Path, code: str) -> str | None:
        if any(selects(s, code) for s in self.ignore):
            return f"{self.config} ignores {code}"
        for pattern, base, selectors in self.per_file:
            if any(selects(s, code) for s in selectors) and _matches(pattern, path, base):
                return f"{self.config} ignores {code} for {pattern}"
        return None


@dataclass
class DocstringExemptions:
    """Which docstring rules the project's ruff configuration ignores, file by file."""

    target: Path
    _by_dir: dict[PurePosixPath, _Ignores | None] = field(default_factory=dict)

    def module_reason(self, rel: str) -> str | None:
        """Why the module at `rel` needs no docstring (D100, D104 for a package), or None."""
        code = "D104" if PurePosixPath(rel).name == "__init__.py" else "D100"
        return self._reason(rel, code)

    def symbol_reason(self, rel: str, symbol: PySymbol) -> str | None:
        """Why `symbol` of the module at `rel` needs no docstring, or None."""
        return self._reason(rel, symbol_code(symbol))

    def _reason(self, rel: str, code: str) -> str | None:
        ignores = self._for_dir(PurePosixPath(rel).parent)
        return None if ignores is None else ignores.reason(self.target / rel, code)

    def _for_dir(self, directory: PurePosixPath) -> _Ignores | None:
        if directory not in self._by_dir:
            found = own_config(self.target, directory)
            if found is not None:
                ignores: _Ignores | None = _ignores(*found, self.target)
            elif directory in (PurePosixPath("."), directory.parent):
                ignores = None
            else:
                ignores = self._for_dir(directory.parent)
            self._by_dir[directory] = ignores
        return self._by_dir[directory]


def symbol_code(symbol: PySymbol) -> str:
    """The pydocstyle code of a public symbol without a docstring."""
    if symbol.kind == "method":
        return "D102"
    if symbol.kind == "class":
        return "D106" if "." in symbol.qualname else "D101"
    return "D103"


def _ignores(rel: str, table: dict[str, Any], target: Path) -> _Ignores:
    ignore: list[str] = []
    per_file: list[tuple[str, Path, tuple[str, ...]]] = []
    for settings, base in extend_chain(table, (target / rel).parent):
        lint = dig_table(settings, "lint")
        if _setting(lint, settings, "select") is not None:
            ignore = []
        for key in ("ignore", "extend-ignore"):
            ignore += _strings(_setting(lint, settings, key))
        own = _setting(lint, settings, "per-file-ignores")
        if isinstance(own, dict):
            per_file = []
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            value = _setting(lint, settings, key)
            for pattern, selectors in value.items() if isinstance(value, dict) else ():
                per_file.append((pattern, base, tuple(_strings(selectors))))
    return _Ignores(rel, tuple(ignore), tuple(per_file))


def _setting(lint: dict[str, Any], table: dict[str, Any], key: str) -> Any:
    """`lint.<key>`, or the older top-level `<key>`."""
    return lint.get(key, table.get(key))


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _matches(pattern: str, path: Path, base: Path) -> bool:
    negated = pattern.startswith("!")
    pattern = pattern.removeprefix("!")
    names = [path.name]
    if path.is_relative_to(base):
        names.append(path.relative_to(base).as_posix())
    variants = {pattern, pattern.replace("**/", ""), pattern.removeprefix("./")}
    matched = any(fnmatchcase(name, p) for name in names for p in variants)
    return matched != negated
