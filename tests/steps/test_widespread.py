"""A shellcheck warning code the project gives throughout is its convention (lint.widespread)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.widespread import WIDESPREAD, widespread_as_info
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context


def _script(n_substitutions: int) -> str:
    """A Bash script with `n_substitutions` unquoted `$(...)` arguments (SC2046, a warning)
    and one `local x=$(...)` under set -e (SC2155, a warning)."""
    lines = ["#!/bin/bash", "set -e", "f() {", "  local now=$(date +%s)", '  echo "$now"', "}"]
    lines += [f"touch $(basename /tmp/file{i})" for i in range(n_substitutions)]
    return "\n".join(lines) + "\n"


def _levels(target: Path, config: Config | None = None) -> dict[str, set[Severity]]:
    ctx = step_context(target, code_quality.SPEC, config=config)
    outcome = code_quality.run(ctx)
    levels: dict[str, set[Severity]] = {}
    for finding in outcome.findings:
        if finding.rule in ("shellcheck/SC2046", "shellcheck/SC2155"):
            levels.setdefault(finding.rule, set()).add(finding.severity)
    return levels


ASKS = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}


def test_a_code_given_throughout_is_info_and_a_few_stay_warnings(tmp_path: Path) -> None:
    """funcoeszz 21.1: 185 SC2046 warnings, a way of writing it keeps; below the threshold
    (and for any other code of the same script) the warnings stay."""
    many = make_repo(tmp_path / "many", {**ASKS, "run.sh": _script(WIDESPREAD)})
    assert _levels(many) == {
        "shellcheck/SC2046": {Severity.INFO},
        "shellcheck/SC2155": {Severity.WARNING},
    }
    few = make_repo(tmp_path / "few", {**ASKS, "run.sh": _script(WIDESPREAD - 1)})
    assert _levels(few)["shellcheck/SC2046"] == {Severity.WARNING}


def test_rules_select_keeps_them_warnings(tmp_path: Path) -> None:
    many = make_repo(tmp_path / "many", {**ASKS, "run.sh": _script(WIDESPREAD + 5)})
    config = Config.model_validate({"rules": {"select": ["shellcheck/SC2046"]}})
    assert _levels(many, config)["shellcheck/SC2046"] == {Severity.WARNING}


def _warning(rule: str, level: str = "warning") -> Finding:
    return Finding(rule, Severity.WARNING, "m", "a.sh", 1, extra={"level": level})


@given(st.lists(st.sampled_from(["shellcheck/SC2046", "shellcheck/SC2086"]), max_size=60))
def test_a_code_is_lowered_exactly_when_it_reaches_the_threshold(rules: list[str]) -> None:
    findings = [_warning(rule) for rule in rules]
    graded, codes = widespread_as_info(findings, ())
    for rule in set(rules):
        lowered = rules.count(rule) >= WIDESPREAD
        assert (rule in codes) == lowered
        severities = {f.severity for f in graded if f.rule == rule}
        assert severities == {Severity.INFO if lowered else Severity.WARNING}
    assert len(graded) == len(findings)


def test_shellcheck_error_level_is_never_lowered() -> None:
    """shellcheck's error level (SC2068, SC2145: likely bugs) stays however often it comes."""
    findings = [_warning("shellcheck/SC2068", level="error") for _ in range(WIDESPREAD * 2)]
    graded, codes = widespread_as_info(findings, ())
    assert codes == {}
    assert {f.severity for f in graded} == {Severity.WARNING}
