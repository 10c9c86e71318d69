"""Whether a project's own tooling asks for docstrings.

A missing docstring is a fault a maintainer fixes when their tooling fails on it; in a project
that runs no docstring checker it is a habit, true and mostly not acted on (boltons 26.2.0's
remap callbacks and small helpers, toolz's `raises` test helper: none of the labelled ones on
real projects was real). The signals, as the project gives them:

- ruff selecting a rule of public classes or functions (D101, D103, through `D`, `D1`, `D10`
  or `ALL`) that its `ignore` does not drop, in `pyproject.toml`, `ruff.toml` or `.ruff.toml`;
- pydocstyle or interrogate configured (`[pydocstyle]`, `[tool.pydocstyle]`,
  `.pydocstyle`, `[tool.interrogate]`), or flake8-docstrings (`docstring-convention` in a
  flake8 section);
- pydocstyle, flake8-docstrings or interrogate named by a tooling file (CI, hooks, make, tox,
  nox, pyproject.toml, setup.cfg, a requirements file: `ruff_style.read_tooling`);
- a pylint configuration (`pylintrc`, `.pylintrc`, `[tool.pylint...]`, `[pylint...]`) whose
  options leave missing-docstring on (pylint's default; `ai_workflow.pylint_usage`: not when
  its `disable` names it, the convention category `C` or `all`, unless `enable` names it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ai_workflow.lint.ruff_style import read_tooling
from ai_workflow.nested import dig
from ai_workflow.pylint_usage import RC_FILES as PYLINT_FILES
from ai_workflow.pylint_usage import pylint_asks_for_docstrings
from ai_workflow.textfiles import parse_toml, read_text

RUFF_FILES = ("ruff.toml", ".ruff.toml")
PYDOCSTYLE_FILES = (".pydocstyle", ".pydocstylerc", ".pydocstyle.ini", ".pydocstylerc.ini")
CONFIG_FILES = (*RUFF_FILES, *PYLINT_FILES, *PYDOCSTYLE_FILES)
DOCSTRING_CODES = ("D101", "D103")  # public class, public function
NAMES_CHECKER = re.compile(r"\b(?:pydocstyle|flake8-docstrings|interrogate)\b", re.IGNORECASE)
INI_CHECKER = re.compile(r"^\[(?:pydocstyle|interrogate|tool:interrogate)\]", re.MULTILINE)
TOML_CHECKER = re.compile(r"^\[tool\.(?:pydocstyle|interrogate)\]", re.MULTILINE)
FLAKE8_DOCSTRINGS = re.compile(r"^\s*docstring[-_]convention\s*[=:]", re.MULTILINE)
NOT_ASKED = (
    "no docstring checker configured by this project (ruff's D rules, pydocstyle, "
    "flake8-docstrings, interrogate, pylint): shown as info"
)


def docstrings_asked_by(target: Path, files: Iterable[str]) -> str | None:
    """How the project at `target` (whose files are `files`) asks for docstrings, or None."""
    listed = list(files)
    texts = read_tooling(target, listed)
    texts.update({n: read_text(target / n, root=target) for n in CONFIG_FILES if n in listed})
    return asked_by(texts)


def asked_by(texts: Mapping[str, str]) -> str | None:
    """The reason, from `texts` (path -> text of the project's tooling and configuration)."""
    for rel in sorted(texts):
        reason = _ruff(rel, texts[rel]) or _configured(rel, texts[rel])
        if reason:
            return reason
    for rel in sorted(texts):
        found = NAMES_CHECKER.search(texts[rel])
        if found:
            return f"{rel} names {found.group(0)}"
    return None


def _ruff(rel: str, text: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    if rel != "pyproject.toml" and name not in RUFF_FILES:
        return None
    data = parse_toml(text) or {}
    ruff = dig(data, "tool", "ruff") if rel == "pyproject.toml" else data
    if not isinstance(ruff, dict):
        return None
    tables = [ruff, ruff.get("lint")]
    select = _codes(tables, ("select", "extend-select"))
    ignore = _codes(tables, ("ignore", "extend-ignore"))
    for code in DOCSTRING_CODES:
        if _matches(code, select) and not _matches(code, ignore):
            return f"{rel}'s ruff configuration selects {code}"
    return None


def _codes(tables: list[Any], keys: tuple[str, ...]) -> list[str]:
    codes: list[str] = []
    for table in tables:
        if isinstance(table, dict):
            for key in keys:
                value = table.get(key)
                if isinstance(value, list):
                    codes += [c for c in value if isinstance(c, str)]
    return codes


def _matches(code: str, prefixes: list[str]) -> bool:
    return any(p == "ALL" or (p.startswith("D") and code.startswith(p)) for p in prefixes)


def _configured(rel: str, text: str) -> str | None:
    if rel in PYDOCSTYLE_FILES:
        return f"{rel} configures pydocstyle"
    if rel in ("setup.cfg", "tox.ini", "pyproject.toml", ".flake8", *PYLINT_FILES):
        if INI_CHECKER.search(text) or TOML_CHECKER.search(text):
            return f"{rel} configures a docstring checker"
        if FLAKE8_DOCSTRINGS.search(text):
            return f"{rel} configures flake8-docstrings"
        if pylint_asks_for_docstrings(rel, text):
            return f"{rel} configures pylint, which checks missing-docstring"
    return None
