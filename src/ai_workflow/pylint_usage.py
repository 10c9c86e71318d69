"""What a project's pylint configuration asks for, read as pylint reads it.

pylint's missing-docstring messages (`missing-function-docstring` C0116, `missing-class-docstring`
C0115, the older `missing-docstring` C0111) are on by default. A configuration turns them off
in its `disable` option: by name or id, with their whole category (`C`, `convention`: pylint's
convention messages), or with `all`; its `enable` option turns them on again (`disable=all`
then `enable=missing-function-docstring`). Only the options count, in the sections pylint reads:
every section of a `pylintrc` or `.pylintrc`, the `[pylint...]` sections of an INI file
(`setup.cfg`, `tox.ini`), the `[tool.pylint...]` tables of `pyproject.toml`; a comment (a
generated pylintrc explains `--disable=all` in one) or another tool's section says nothing.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterator
from typing import Any

from ai_workflow.nested import dig_table
from ai_workflow.textfiles import parse_toml

RC_FILES = ("pylintrc", ".pylintrc")
DOCSTRING_MESSAGES = frozenset(
    {"missing-docstring", "missing-function-docstring", "missing-class-docstring"}
    | {"c0111", "c0115", "c0116"}
)
WHOLESALE = frozenset({"c", "convention", "all"})  # what takes the docstring messages along
_SEPARATORS = re.compile(r"[\s,]+")


def pylint_asks_for_docstrings(rel: str, text: str) -> bool:
    """Whether the file at `rel` (target-relative) with `text` is a pylint configuration that
    leaves missing-docstring on."""
    options = _options(rel, text)
    if options is None:
        return False
    disabled, enabled = set(), set()
    for key, value in options:
        names = {n.lower() for n in _SEPARATORS.split(value) if n}
        if key == "disable":
            disabled |= names
        elif key == "enable":
            enabled |= names
    turned_on = enabled & (DOCSTRING_MESSAGES | WHOLESALE)
    return not disabled & (DOCSTRING_MESSAGES | WHOLESALE) or bool(turned_on)


def _options(rel: str, text: str) -> list[tuple[str, str]] | None:
    """The (key, value) options pylint reads from the file; None when it is no pylint
    configuration."""
    name = rel.rsplit("/", 1)[-1]
    if name == "pyproject.toml":
        return _toml_options(text)
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return [] if name in RC_FILES else None  # pylint's own file: configured all the same
    sections = [s for s in parser.sections() if name in RC_FILES or _pylint_section(s)]
    if not sections and name not in RC_FILES:
        return None
    return [(key, value) for s in sections for key, value in parser.items(s)]


def _pylint_section(section: str) -> bool:
    return section.lower().removeprefix("tool.").startswith("pylint")


def _toml_options(text: str) -> list[tuple[str, str]] | None:
    tool = dig_table(parse_toml(text), "tool")
    if "pylint" not in tool:
        return None
    return list(_toml_values(dig_table(tool, "pylint")))


def _toml_values(table: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """`disable`/`enable` at any depth of `[tool.pylint]` (its sections are sub-tables)."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _toml_values(value)
        elif isinstance(value, list):
            yield key, ",".join(v for v in value if isinstance(v, str))
        elif isinstance(value, str):
            yield key, value
