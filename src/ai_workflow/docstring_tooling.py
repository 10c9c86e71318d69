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
  flake8-docstrings not when the project's flake8 configuration (the first `[flake8]` of
  setup.cfg, tox.ini, .flake8, as flake8 reads them) ignores both D101 and D103 (`ignore` or
  `extend-ignore`, by prefix as flake8 matches: tenacity 8.2.3's tox.ini installs
  flake8-docstrings and says `ignore = D100,D101,D102,D103,D104,D105,D107,...`: it checks the
  style of the docstrings there are, never that one is there);
- a pylint configuration (`pylintrc`, `.pylintrc`, `[tool.pylint...]`, `[pylint...]`) whose
  options leave missing-docstring on (pylint's default; `ai_workflow.pylint_usage`: not when
  its `disable` names it, the convention category `C` or `all`, unless `enable` names it).
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ai_workflow.lint.flake8_config import FLAKE8_FILES
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
    flake8_off = _flake8_ignores_docstrings(texts)
    for rel in sorted(texts):
        reason = _ruff(rel, texts[rel]) or _configured(rel, texts[rel], flake8_off)
        if reason:
            return reason
    for rel in sorted(texts):
        for found in NAMES_CHECKER.finditer(texts[rel]):
            if not (flake8_off and found.group(0).lower() == "flake8-docstrings"):
                return f"{rel} names {found.group(0)}"
    return None


def _flake8_ignores_docstrings(texts: Mapping[str, str]) -> bool:
    """Whether the project's flake8 configuration ignores the missing-docstring codes of public
    classes and functions (D101 and D103), so flake8-docstrings never asks for one."""
    for name in FLAKE8_FILES:
        if name not in texts:
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(texts[name], source=name)
        except configparser.Error:
            continue  # flake8 skips a file that does not parse
        if not parser.has_section("flake8"):
            continue
        options = {key.replace("_", "-"): value for key, value in parser.items("flake8")}
        ignored = [
            token
            for key in ("ignore", "extend-ignore")
            for token in re.split(r"[,\s]+", options.get(key, ""))
            if token
        ]
        return all(any(code.startswith(p) for p in ignored) for code in DOCSTRING_CODES)
    return False


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


def _configured(rel: str, text: str, flake8_off: bool = False) -> str | None:
    if rel in PYDOCSTYLE_FILES:
        return f"{rel} configures pydocstyle"
    if rel in ("setup.cfg", "tox.ini", "pyproject.toml", ".flake8", *PYLINT_FILES):
        if INI_CHECKER.search(text) or TOML_CHECKER.search(text):
            return f"{rel} configures a docstring checker"
        if FLAKE8_DOCSTRINGS.search(text) and not flake8_off:
            return f"{rel} configures flake8-docstrings"
        if pylint_asks_for_docstrings(rel, text):
            return f"{rel} configures pylint, which checks missing-docstring"
    return None
