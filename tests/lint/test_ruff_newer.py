"""Warnings of ruff rules newer than the ruff a project lints with are info (lint/ruff_newer),
with the bundled ruff run for real on projects that select ALL."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.config import Config
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.ruff_newer import RuffBound, RuleStage, preview_entry, rule_stages
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

# RUF043 (stable since 0.13.0) on a `match=` regex, F401 (stable for years) on `import os`
TESTS = (
    '"""Tests."""\n\nimport os\n\nimport pytest\n\n\n'
    "def test_raises() -> None:\n"
    '    """Raise."""\n'
    '    with pytest.raises(ValueError, match="a.b"):\n'
    '        raise ValueError("a.b")\n'
)
# RUF069 (in preview since 0.15.1) on a float equality
PREVIEW_CODE = (
    '"""Mod."""\n\n\ndef is_limit(x: float) -> bool:\n    """Compare."""\n    return x == 0.1\n'
)


def _pyproject(ignore: str, *, preview: bool = False) -> str:
    return (
        f'[tool.ruff]\nlint.select = ["ALL"]\nlint.ignore = [{ignore}]\n'
        f"lint.preview = {'true' if preview else 'false'}\n"
    )


def _graded(target: Path, **tech_stack: object) -> dict[str, Finding]:
    config = Config.model_validate({"tech_stack": tech_stack})
    outcome = code_quality.run(step_context(target, code_quality.SPEC, config=config))
    return {
        f.rule: f for f in outcome.findings if f.rule in ("ruff/RUF043", "ruff/F401", "ruff/RUF069")
    }


def test_a_rule_newer_than_a_removed_rule_the_configuration_names_is_info(tmp_path: Path) -> None:
    """filelock 3.16.1 (held-out 92, 93 noise warnings): its select-ALL configuration still
    ignores ANN101, which ruff removed in 0.8.0, so it was last run clean by an older ruff;
    RUF043, stable since 0.13.0, is info. F401 stays a warning."""
    files = {"pyproject.toml": _pyproject('"ANN101", "D203", "D213"'), "test_a.py": TESTS}
    graded = _graded(make_repo(tmp_path / "proj", files))
    assert graded["ruff/RUF043"].severity is Severity.INFO
    assert "ANN101, removed in 0.8.0" in graded["ruff/RUF043"].extra["newer_rule"]
    assert graded["ruff/F401"].severity is Severity.WARNING


def test_without_a_removed_rule_or_a_pin_the_newer_rule_stays_a_warning(tmp_path: Path) -> None:
    files = {"pyproject.toml": _pyproject('"D203", "D213"'), "test_a.py": TESTS}
    graded = _graded(make_repo(tmp_path / "proj", files))
    assert graded["ruff/RUF043"].severity is Severity.WARNING
    assert graded["ruff/F401"].severity is Severity.WARNING


def test_a_rule_newer_than_the_pinned_ruff_that_did_not_run_is_info(tmp_path: Path) -> None:
    """A project pinning ruff 0.9.10 whose pinned ruff does not run (here pinned_tools is off;
    attrs' labels call such rules noise, "not a rule of the project's pinned ruff"): a rule
    stable since 0.13.0 is info; with a pin of 0.13.0 it stays a warning."""
    files = {"pyproject.toml": _pyproject('"D203", "D213"'), "test_a.py": TESTS}
    old = make_repo(tmp_path / "old", {**files, "requirements-dev.txt": "ruff==0.9.10\n"})
    graded = _graded(old, pinned_tools=False)
    assert graded["ruff/RUF043"].severity is Severity.INFO
    assert (
        "ruff 0.9.10, which requirements-dev.txt pins" in graded["ruff/RUF043"].extra["newer_rule"]
    )
    same = make_repo(tmp_path / "same", {**files, "requirements-dev.txt": "ruff==0.13.0\n"})
    assert _graded(same, pinned_tools=False)["ruff/RUF043"].severity is Severity.WARNING


def test_a_preview_rule_is_judged_by_its_preview_release(tmp_path: Path) -> None:
    """With preview on, RUF069 (in preview since 0.15.1) is info after a removal in 0.8.0. So is
    RUF043, stable since 0.13.0, whose code follows RUF039's (in preview since 0.8.0): it came
    to preview no earlier (filelock 3.16.1, held-out 92: 18 warnings). RUF030, stable since
    0.8.0 but between RUF029 (preview since 0.4.0) and RUF031, may have been in the project's
    preview: a warning, as F401 (no F rule in preview to bracket it)."""
    files = {
        "pyproject.toml": _pyproject('"ANN101", "D203", "D213"', preview=True),
        "mod.py": PREVIEW_CODE + '\n\ndef check(x: int) -> None:\n    """Check."""\n'
        '    assert x, print("x is zero")\n',
        "test_a.py": TESTS,
    }
    config = Config.model_validate({"tech_stack": {}})
    outcome = code_quality.run(
        step_context(make_repo(tmp_path / "proj", files), code_quality.SPEC, config=config)
    )
    graded = {f.rule: f for f in outcome.findings}
    assert graded["ruff/RUF069"].severity is Severity.INFO
    assert graded["ruff/RUF043"].severity is Severity.INFO
    assert "follows RUF039" in graded["ruff/RUF043"].extra["newer_rule"]
    assert graded["ruff/RUF030"].severity is Severity.WARNING
    assert graded["ruff/F401"].severity is Severity.WARNING


def test_a_preview_entry_needs_a_consistent_bracket() -> None:
    def stage(kind: str, since: str) -> RuleStage:
        return RuleStage(kind, tuple(int(p) for p in since.split(".")))

    stages = {
        "X1": stage("Preview", "0.4.0"),
        "X2": stage("Stable", "0.9.0"),
        "X3": stage("Preview", "0.8.0"),
        "X4": stage("Stable", "0.10.0"),
        "X5": stage("Preview", "0.6.0"),  # entered before X3: codes out of order
        "Y1": stage("Stable", "0.10.0"),  # nothing in preview around it
    }
    assert preview_entry("X2", stages) == ("X1", (0, 4, 0))
    assert preview_entry("X4", stages) is None
    assert preview_entry("Y1", stages) is None
    assert preview_entry("X1", stages) is None  # a preview rule has its own release


def test_rule_stages_and_bounds() -> None:
    listed = (
        '[{"code": "A1", "status": {"Preview": {"since": "v0.1.1"}}},'
        ' {"code": "B2", "status": {"Stable": {"since": "0.13.0"}}}, {"code": "C3"}]'
    )
    stages = rule_stages(listed)
    assert {code: (s.stage, s.since) for code, s in stages.items()} == {
        "A1": ("Preview", (0, 1, 1)),
        "B2": ("Stable", (0, 13, 0)),
    }
    assert rule_stages("not json") == {}
    pinned, before = RuffBound((0, 13, 0), True, "pin"), RuffBound((0, 13, 0), False, "removed")
    assert not pinned.predates((0, 13, 0)) and pinned.predates((0, 13, 1))
    assert before.predates((0, 13, 0)) and not before.predates((0, 12, 9))
