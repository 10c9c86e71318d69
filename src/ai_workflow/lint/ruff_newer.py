"""Warnings of ruff rules newer than the ruff a project lints with, made info.

A project whose configuration selects its rules wholesale (`select = ["ALL"]`) is lint-clean at
the ruff it runs; a newer ruff reports the rules added since, which the project never chose:
filelock 3.16.1 (held-out 92) selects ALL with `preview = true`, and the bundled ruff 0.17
gave 93 warnings of rules that came after its release (RUF105 on its `# noqa` comments, RUF201
on its ignore list, D421, RUF043 ...), none a maintainer would fix. When neither the project's
own ruff nor the one it pins ran, the release it lints with is bounded by:

1. the release it pins (`ai_workflow.lint.ruff_pin`), when that ruff could not be run;
2. otherwise, the earliest removal of a rule its configuration still names: ruff warns on every
   run that ignoring a removed rule has no effect, so a configuration that still lists ANN101
   (removed in 0.8.0) was last run clean by an older ruff.

ruff says since which release each rule is in its present stage (`ruff rule --all`: `Preview`
since 0.15.22, `Stable` since 0.13.0). A warning of a rule in preview since a later release, or
stable since a later release in a configuration without preview, is info, naming the bound. A
stable rule in a configuration with preview may have been there in preview; it is info only
when its preview entry is known to be later: ruff gives a linter's new rules the next free code,
so a stable rule entered preview no earlier than the rule in preview whose code comes just
before it (RUF043 after RUF039, in preview since 0.8.0, with RUF045 above it since 0.9.7: a
consistent bracket; `preview_entry`). Without such a bracket (TC006: no TC rule below it is in
preview) it stays, as does every warning without a bound (no pin, no removed rule named).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.ruff_pin import RuffPin
from ai_workflow.lint.ruff_scope import RuffScopes, extend_chain, ruff_settings
from ai_workflow.nested import dig_table

Version = tuple[int, ...]
RULE_LISTS = ("select", "extend-select", "ignore", "extend-ignore", "fixable", "unfixable")
PER_FILE_LISTS = ("per-file-ignores", "extend-per-file-ignores")
_CODE = re.compile(r"[A-Z]+\d+")
_RELEASE = re.compile(r"v?(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class RuleStage:
    """A rule's present stage in the ruff that ran, and since which release."""

    stage: str  # Stable, Preview, Deprecated, Removed
    since: Version


@dataclass(frozen=True)
class RuffBound:
    """What is known of the ruff release a configuration was last run clean with."""

    version: Version
    pinned: bool  # True: that release; False: a release before it
    reason: str

    def predates(self, since: Version) -> bool:
        """True when a rule in its stage since `since` was not so in the project's ruff."""
        return since > self.version if self.pinned else since >= self.version


def rule_stages(ruff_rules_json: str) -> dict[str, RuleStage]:
    """Each rule's stage from `ruff rule --all --output-format json` (empty: unreadable, or a
    ruff too old to say)."""
    try:
        rules = json.loads(ruff_rules_json)
    except ValueError:
        return {}
    stages = {}
    for rule in rules if isinstance(rules, list) else ():
        status = rule.get("status") if isinstance(rule, dict) else None
        if not isinstance(status, dict) or len(status) != 1:
            continue
        [(stage, detail)] = status.items()
        since = _release(detail.get("since") if isinstance(detail, dict) else None)
        if since is not None and isinstance(rule.get("code"), str):
            stages[rule["code"]] = RuleStage(stage, since)
    return stages


def newer_rules_as_info(
    findings: Sequence[Finding],
    scopes: RuffScopes,
    stages: dict[str, RuleStage],
    pin: RuffPin | None,
) -> tuple[list[Finding], int]:
    """The findings with warnings of rules newer than the project's ruff at info (see the
    module docstring), and how many were lowered."""
    bounds: dict[str, RuffBound | None] = {}
    kept, lowered = [], 0
    for finding in findings:
        scope = scopes.for_file(finding.path) if finding.path else None
        if finding.severity is not Severity.WARNING or scope is None or scope.config is None:
            kept.append(finding)
            continue
        if scope.config not in bounds:
            bounds[scope.config] = _bound(scopes.target, scope.config, stages, pin)
        bound = bounds[scope.config]
        code = finding.rule.removeprefix("ruff/")
        stage = stages.get(code)
        entry = preview_entry(code, stages) if stage is not None else None
        entered = entry[1] if entry is not None else None
        if (
            scope.chooses_rules
            and bound
            and stage
            and _newer(stage, bound, scopes, scope.config, entered)
        ):
            finding = _as_newer(finding, stage, bound, entry)
            lowered += 1
        kept.append(finding)
    return kept, lowered


def _newer(
    stage: RuleStage, bound: RuffBound, scopes: RuffScopes, config: str, entered: Version | None
) -> bool:
    if stage.stage == "Preview":
        return bound.predates(stage.since)
    if stage.stage != "Stable":
        return False
    if not _preview(scopes.target, config):
        return bound.predates(stage.since)
    return entered is not None and bound.predates(entered)


def preview_entry(code: str, stages: dict[str, RuleStage]) -> tuple[str, Version] | None:
    """For a stable rule, the rule in preview whose code comes just before it in its linter and
    the release it entered preview in, when that bounds the stable rule's own entry into preview
    from below: ruff gives a linter's new rules the next free code and adds them in preview, so
    RUF043 came after RUF039 (in preview since 0.8.0). The bracket must be consistent: the next
    code above in preview entered no earlier (RUF045, 0.9.7), and the rule was stabilized no
    earlier than its neighbour entered; otherwise (a code given again, a linter renamed) None."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", code)
    stage = stages.get(code)
    if match is None or stage is None or stage.stage != "Stable":
        return None
    prefix, number = match.group(1), int(match.group(2))
    below: tuple[int, str] | None = None
    above: tuple[int, str] | None = None
    for other, other_stage in stages.items():
        found = re.fullmatch(r"([A-Z]+)(\d+)", other)
        if found is None or found.group(1) != prefix or other_stage.stage != "Preview":
            continue
        value = int(found.group(2))
        if value < number and (below is None or value > below[0]):
            below = (value, other)
        if value > number and (above is None or value < above[0]):
            above = (value, other)
    if below is None or above is None:
        return None
    entered, ceiling = stages[below[1]].since, stages[above[1]].since
    if entered > ceiling or entered > stage.since:
        return None
    return below[1], entered


def _as_newer(
    finding: Finding, stage: RuleStage, bound: RuffBound, entry: tuple[str, Version] | None
) -> Finding:
    since = ".".join(map(str, stage.since))
    note = f"{stage.stage.lower()} in ruff since {since}, after {bound.reason}"
    if stage.stage == "Stable" and entry is not None:
        release = ".".join(map(str, entry[1]))
        note = (
            f"stable in ruff since {since}, and in preview no earlier than {release} (its code "
            f"follows {entry[0]}, in preview since {release}), after {bound.reason}"
        )
    extra = {**finding.extra, "newer_rule": note}
    return dataclasses.replace(finding, severity=Severity.INFO, extra=extra)


def _bound(
    target: Path, config: str, stages: dict[str, RuleStage], pin: RuffPin | None
) -> RuffBound | None:
    if pin is not None:
        version = _release(pin.version)
        if version is not None:
            return RuffBound(version, True, f"ruff {pin.version}, which {pin.source} pins")
    removed = [
        (stages[code].since, code)
        for code in _named_codes(target, config)
        if code in stages and stages[code].stage == "Removed"
    ]
    if not removed:
        return None
    since, code = min(removed)
    release = ".".join(map(str, since))
    reason = f"the ruff {config} was written for: it still names {code}, removed in {release}"
    return RuffBound(since, False, reason)


def _named_codes(target: Path, config: str) -> set[str]:
    """The exact rule codes a configuration (and what it extends) names in its rule lists."""
    table = ruff_settings(target / config)
    if table is None:
        return set()
    codes: set[str] = set()
    for settings, _ in extend_chain(table, (target / config).parent):
        for section in (settings, dig_table(settings, "lint")):
            codes.update(_codes_in(section))
    return codes


def _codes_in(section: dict[str, Any]) -> Iterator[str]:
    values: list[Any] = [section.get(key) for key in RULE_LISTS]
    for key in PER_FILE_LISTS:
        values += dig_table(section, key).values()
    for value in values:
        for item in value if isinstance(value, list) else ():
            if isinstance(item, str) and _CODE.fullmatch(item):
                yield item


def _preview(target: Path, config: str) -> bool:
    """True when the configuration (or what it extends) enables ruff's preview for linting."""
    table = ruff_settings(target / config)
    enabled = False
    for settings, _ in extend_chain(table or {}, (target / config).parent):
        for value in (settings.get("preview"), dig_table(settings, "lint").get("preview")):
            if isinstance(value, bool):
                enabled = value
    return enabled


def _release(text: Any) -> Version | None:
    match = _RELEASE.fullmatch(text) if isinstance(text, str) else None
    return tuple(int(part) for part in match.group(1).split(".")) if match else None
