"""The rule catalog (`catalog.toml`): every rule id the product reports, loaded once, validated.

A literal entry is one rule (`docs/missing-docstring`). An entry whose id ends in `/` is a tool
family (`ruff/`): every id under it is valid, because it is the tool's own code. `lookup` finds
the entry for any id; `check_pattern` says what is wrong with a misspelt id or prefix.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ai_workflow.findings import Severity

CATALOG_FILE = "catalog.toml"
RULE_ID = re.compile(r"[a-z][a-z0-9_]*/(?:[a-z0-9][a-z0-9-]*)?")
"""A literal id (`area/name`, lowercase) or a family (`area/`)."""
FAMILY_CODE = re.compile(r"[^\s/][^\s]*")
"""What may follow a family prefix: the tool's own code or rule name (`F401`, `react/no-danger`)."""


class CatalogError(RuntimeError):
    """The packaged catalog is malformed: a bug in ai-workflow, not in the user's project."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    step: str | list[str] = Field(min_length=1)
    severity: Literal["error", "warning", "info"]
    enabled: bool = True
    description: str = Field(min_length=10)
    fix: str = Field(min_length=5)
    linter: bool = False
    docs: str | None = None

    @field_validator("description", "fix")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or value != value.strip():
            raise ValueError("must be one line without surrounding spaces")
        return value


@dataclass(frozen=True)
class Rule:
    """One catalog entry."""

    id: str
    steps: tuple[str, ...]
    severity: Severity
    enabled: bool
    description: str
    fix: str
    family: bool = False  # the id is a prefix: the tool's own codes follow it
    linter: bool = False  # a linter's finding: its own directive suppresses it, not ours
    docs: str | None = None

    @property
    def step(self) -> str:
        return ", ".join(self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "family": self.family,
            "step": self.step,
            "severity": self.severity.value,
            "enabled": self.enabled,
            "description": self.description,
            "fix": self.fix,
            "docs": self.docs,
        }


class Catalog:
    """Literal rules and families, with look-ups by id and by pattern (id or prefix)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        ordered = sorted(rules, key=lambda r: r.id)
        self.rules: dict[str, Rule] = {r.id: r for r in ordered if not r.family}
        self.families: dict[str, Rule] = {r.id: r for r in ordered if r.family}
        self.prefixes: frozenset[str] = frozenset(
            {r.split("/", 1)[0] + "/" for r in self.rules} | set(self.families)
        )

    def __iter__(self) -> Any:
        return iter(sorted([*self.rules.values(), *self.families.values()], key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self.rules) + len(self.families)

    def family_of(self, rule_id: str) -> Rule | None:
        """The tool family `rule_id` belongs to (`ruff/` for `ruff/F401`), if any."""
        prefix = rule_id.split("/", 1)[0] + "/"
        return self.families.get(prefix) if "/" in rule_id else None

    def lookup(self, rule_id: str) -> Rule | None:
        """The entry describing `rule_id`: its own, else its family's; None if unknown."""
        return self.rules.get(rule_id) or self.family_of(rule_id)

    def enabled_by_default(self, rule_id: str) -> bool:
        rule = self.lookup(rule_id)
        return rule is None or rule.enabled

    def is_linter_rule(self, rule_id: str) -> bool:
        """A linter's own finding (ruff, shellcheck, eslint, markdownlint)."""
        family = self.family_of(rule_id)
        return family is not None and family.linter

    def check_pattern(self, pattern: str) -> str | None:
        """None when `pattern` names a rule, a family code or a prefix of known rules;
        otherwise the problem, with the closest known id or prefix when there is one."""
        if pattern in self.rules or pattern in self.prefixes:
            return None
        family = self.family_of(pattern)
        rest = pattern.split("/", 1)[1] if "/" in pattern else ""
        if family is not None and FAMILY_CODE.fullmatch(rest):
            return None
        if any(rule.startswith(pattern) and rule[len(pattern)].isdigit() for rule in self.rules):
            return None
        message = f"unknown rule id or prefix {pattern!r}"
        hint = self.suggest(pattern)
        return f"{message} (did you mean {hint!r}?)" if hint else message

    def suggest(self, pattern: str) -> str | None:
        if "/" not in pattern and pattern + "/" in self.prefixes:
            return pattern + "/"
        candidates = [*self.rules, *self.prefixes]
        close = difflib.get_close_matches(pattern, candidates, n=1, cutoff=0.6)
        return close[0] if close else None


def parse_catalog(text: str) -> Catalog:
    """The catalog in `text` (TOML); CatalogError naming the entry when one is malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{CATALOG_FILE}: invalid TOML: {exc}") from None
    return Catalog(_rule(rule_id, raw) for rule_id, raw in data.items())


def _rule(rule_id: str, raw: Any) -> Rule:
    if not RULE_ID.fullmatch(rule_id):
        raise CatalogError(f"{CATALOG_FILE}: [{rule_id!r}] is not a rule id (area/name or area/)")
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{CATALOG_FILE}: [{rule_id!r}] must be a table")
    try:
        entry = _Entry.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise CatalogError(f"{CATALOG_FILE}: [{rule_id!r}]: {problems}") from None
    steps = (entry.step,) if isinstance(entry.step, str) else tuple(entry.step)
    return Rule(
        id=rule_id,
        steps=steps,
        severity=Severity(entry.severity),
        enabled=entry.enabled,
        description=entry.description,
        fix=entry.fix,
        family=rule_id.endswith("/"),
        linter=entry.linter,
        docs=entry.docs,
    )


@functools.cache
def load_catalog() -> Catalog:
    """The packaged catalog, parsed once per process."""
    # raw read: package data shipped with ai-workflow
    text = resources.files("ai_workflow.rules").joinpath(CATALOG_FILE).read_text("utf-8")
    return parse_catalog(text)
