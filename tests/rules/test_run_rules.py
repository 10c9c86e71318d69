"""Rule control through the real CLI on real git repositories: configuration (select, ignore,
severity, per-path ignores) and its errors, inline suppressions, the baseline, --fail-on and
--new-only, also for results reused from the step cache and from a checkpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ai_workflow.changes import build_step_cache
from ai_workflow.cli import main
from ai_workflow.config import RulesConfig, load_config
from ai_workflow.engine.registry import build_registry
from ai_workflow.engine.runner import QuietObserver, RunRequest, run_workflow
from ai_workflow.rules.policy import build_policy
from ai_workflow.steps import builtin_steps
from tests.helpers import commit_all, make_repo, write_files

SARIF_SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"
FAST = (
    "workflow:\n  disable: [script_references, directory_structure, test_review, "
    "test_generation, test_execution, dependencies, context_analysis, git_finalization, "
    "markdown_lint]\n"
)
"""Four steps (pre_analysis, documentation, consistency, code_quality) keep the runs short."""

COMPLEX = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(1, 11))
CORE = (
    '"""Core functions."""\n\nimport os\n\n\n'
    'def grade(x: int) -> int:\n    """A long chain of decisions."""\n'
    + COMPLEX
    + "    return 0\n\n\n"
    'def broken() -> int:\n    """Uses a name nobody defines."""\n    return missing_name\n'
)
README = (
    "# Demo\n\n## Installation\n\nRun `pip install .`.\n\n## Usage\n\n"
    "See [the guide](docs/guide.md).\n"
)
FILES = {
    "README.md": README,
    "pkg/__init__.py": '"""Demo package."""\n',
    "pkg/core.py": CORE,
    "pkg/extra.py": 'def helper() -> int:\n    """Help."""\n    return 1\n',
    ".workflow-config.yaml": FAST,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Defects: a broken link (error), an unused import (warning), an undefined name (error), a
    complex function (warning), a module without docstring (a rule off by default)."""
    return make_repo(tmp_path / "p", FILES)


def run(target: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["run", "--target", str(target), "--auto", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def found(summary: dict[str, Any], *, baselined: bool | None = False) -> set[tuple[Any, ...]]:
    """(rule, severity, path, line) of the run's findings (new ones by default)."""
    return {
        (f["rule"], f["severity"], f["path"], f["line"])
        for step in summary["steps"]
        for f in step["findings"]
        if baselined is None or f["baselined"] is baselined
    }


def shown(summary: dict[str, Any]) -> set[tuple[Any, ...]]:
    """The new errors and warnings (what the console shows and the exit code counts)."""
    return {f for f in found(summary) if f[1] != "info"}


def rules(summary: dict[str, Any]) -> set[str]:
    return {rule for rule, *_ in found(summary)}


def status(summary: dict[str, Any], step: str) -> str:
    return str(next(s["status"] for s in summary["steps"] if s["id"] == step))


def configure(target: Path, rules_yaml: str) -> None:
    (target / ".workflow-config.yaml").write_text(FAST + rules_yaml)


# ------------------------------------------------------------------------------ configuration


def test_defaults_report_every_defect_but_rules_that_are_off(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = run(project, capsys)
    assert code == 1
    assert {
        ("links/broken-link", "error", "README.md", 9),
        ("ruff/F401", "warning", "pkg/core.py", 3),
        ("ruff/F821", "error", "pkg/core.py", 33),
        ("quality/complex-function", "info", "pkg/core.py", 6),
    } <= found(summary)
    assert "docs/missing-module-docstring" not in rules(summary)  # pkg/extra.py: off by default
    assert summary["rules"]["counts"] == {"disabled": 1}


def test_select_ignore_severity_and_per_path_ignores(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(
        project,
        "rules:\n"
        "  select: [docs/missing-module-docstring]\n"
        "  ignore: [ruff/F8]\n"  # a code prefix: F821
        "  severity: {quality/: error, ruff/F401: info}\n"
        "  per_path_ignores:\n"
        '    "*.md": [links/]\n',
    )
    code, summary = run(project, capsys)
    assert ("docs/missing-module-docstring", "info", "pkg/extra.py", 1) in found(summary)
    assert ("quality/complex-function", "error", "pkg/core.py", 6) in found(summary)
    assert ("ruff/F401", "info", "pkg/core.py", 3) in found(summary)
    assert not rules(summary) & {"ruff/F821", "links/broken-link"}
    assert status(summary, "consistency") == "passed"  # its only error is ignored
    assert status(summary, "code_quality") == "failed"  # quality/ made an error
    assert code == 1
    assert summary["rules"]["counts"] == {"ignored": 2}
    configure(project, "rules:\n  ignore: [quality/, ruff/, links/broken-link]\n")
    code, summary = run(project, capsys)
    assert code == 0 and summary["status"] == "passed"
    assert {s["status"] for s in summary["steps"]} <= {"passed", "reused"}


def test_rules_in_pyproject_toml(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".workflow-config.yaml").unlink()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "1.0"\n\n'
        "[tool.ai-workflow.workflow]\n"
        'disable = ["script_references", "directory_structure", "test_review", '
        '"test_generation", "test_execution", "dependencies", "context_analysis", '
        '"git_finalization", "markdown_lint"]\n\n'
        "[tool.ai-workflow.rules]\n"
        'ignore = ["links/broken-link", "ruff/F821"]\n'
    )
    code, summary = run(project, capsys, "--steps", "consistency,code_quality")
    assert not rules(summary) & {"ruff/F821", "links/broken-link"}
    assert "ruff/F401" in rules(summary) and code == 0


@pytest.mark.parametrize(
    ("config", "where", "message"),
    [
        (
            "rules:\n  ignore:\n    - md/MD013\n    - docs/missing-docstrng\n",
            ".workflow-config.yaml, line 4",
            "rules.ignore: unknown rule id or prefix 'docs/missing-docstrng' "
            "(did you mean 'docs/missing-docstring'?)",
        ),
        (
            "rules:\n  severity:\n    qualty/: error\n",
            ".workflow-config.yaml, line 3",
            "rules.severity: unknown rule id or prefix 'qualty/' (did you mean 'quality/'?)",
        ),
        (
            'rules:\n  per_path_ignores:\n    "tests/**":\n      - quality\n',
            ".workflow-config.yaml, line 4",
            "rules.per_path_ignores: unknown rule id or prefix 'quality' "
            "(did you mean 'quality/'?)",
        ),
    ],
)
def test_a_misspelt_rule_is_exit_2_with_a_suggestion_and_the_line(
    project: Path, capsys: pytest.CaptureFixture[str], config: str, where: str, message: str
) -> None:
    (project / ".workflow-config.yaml").write_text(config)
    assert main(["run", "--target", str(project), "--auto"]) == 2
    err = capsys.readouterr().err
    assert f"{project / where}: {message}" in err
    assert "Traceback" not in err


def test_a_misspelt_rule_in_pyproject_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = make_repo(
        tmp_path / "t",
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.ai-workflow.rules]\n'
            'ignore = [\n  "md/MD013",\n  "links/brokenlink",\n]\n'
        },
    )
    assert main(["run", "--target", str(target), "--auto"]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml [tool.ai-workflow], line 7: rules.ignore: unknown rule id" in err
    assert "(did you mean 'links/broken-link'?)" in err


# ------------------------------------------------------------------------------ suppression


def test_inline_suppression_in_code_and_markdown(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    core = CORE.replace(
        "def grade(", "# ai-workflow: ignore[quality/complex-function]\ndef grade("
    ).replace("import os\n", "import os  # ai-workflow: ignore[ruff/F401]\n")
    readme = README.replace(
        "See [the guide]", "<!-- ai-workflow: ignore[links/] -->\nSee [the guide]"
    ).replace("## Usage", "## Usage\n\nAlso [this](missing.md) and [that](gone.md).")
    write_files(project, {"pkg/core.py": core, "README.md": readme})
    readme_lines = readme.splitlines()
    same_line = readme_lines.index("Also [this](missing.md) and [that](gone.md).") + 1
    _, summary = run(project, capsys)
    assert "quality/complex-function" not in rules(summary)  # the line above
    assert ("links/broken-link", "error", "README.md", same_line) in found(summary)  # not marked
    assert not any(f[0] == "links/broken-link" and f[3] == same_line + 3 for f in found(summary))
    assert ("ruff/F401", "warning", "pkg/core.py", 3) in found(summary)  # ruff keeps noqa
    counts = {
        s["id"]: s["summary"]
        for s in summary["steps"]
        if s["id"] in ("consistency", "code_quality")
    }
    assert counts  # both ran
    assert summary["rules"]["counts"]["suppressed"] == 2
    report = next((project / ".ai_workflow" / "backlog").iterdir()) / "step09_code_quality.md"
    assert "1 suppressed by `ai-workflow: ignore[...]` comments" in report.read_text()
    write_files(project, {"README.md": readme.replace("Also [this]", "<!-- ai-workflow: "
                                                      "ignore[links/broken-link] --> Also [this]")})  # fmt: skip
    _, summary = run(project, capsys, "--steps", "consistency")
    assert "links/broken-link" not in rules(summary)


# ------------------------------------------------------------------------------ --fail-on


def test_fail_on_error_warning_and_never(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, "rules:\n  ignore: [links/broken-link, ruff/F821]\n")  # warnings only
    assert run(project, capsys)[0] == 0
    assert run(project, capsys, "--fail-on", "warning")[0] == 1
    assert run(project, capsys, "--fail-on", "never")[0] == 0
    configure(project, "")  # errors again
    assert run(project, capsys)[0] == 1
    assert run(project, capsys, "--fail-on", "error")[0] == 1
    code, summary = run(project, capsys, "--fail-on", "never")
    assert code == 0 and summary["status"] == "failed"  # the run says what happened anyway
    assert summary["options"]["fail_on"] == "never"
    configure(project, "run:\n  fail_on: never\n")
    assert run(project, capsys)[0] == 0
    assert main(["run", "--target", str(project), "--fail-on", "sometimes"]) == 2
    capsys.readouterr()


# ------------------------------------------------------------------------------ baseline


def test_baseline_round_trip(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "--target", str(project)]) == 2
    assert "no complete run recorded" in capsys.readouterr().err
    code, first = run(project, capsys)
    assert code == 1
    assert main(["baseline", "--target", str(project)]) == 0
    assert f"of run {first['run_id']}" in capsys.readouterr().out
    baseline = json.loads((project / ".ai-workflow-baseline.json").read_text())
    assert len(baseline["findings"]) == len(found(first, baselined=None))
    # lines move: a new helper above everything, the two functions swapped
    head, rest = CORE.split("def grade(")
    grade, broken = rest.split("def broken(")
    moved = (
        head.replace("import os\n", 'import os\n\n\ndef early() -> None:\n    """Early."""\n')
        + "def broken("
        + broken
        + "\n\ndef grade("
        + grade.rstrip("\n")
        + "\n"
    )
    write_files(project, {"pkg/core.py": moved, "README.md": "\n\n" + README})
    code, summary = run(project, capsys)
    assert found(summary) == set() and code == 0  # all known: nothing new, exit 0
    assert len(found(summary, baselined=True)) == len(found(first, baselined=None))
    assert {s["status"] for s in summary["steps"]} == {"passed"}
    # one new defect
    later = '\n\ndef later() -> int:\n    """Later."""\n    return nope\n'
    write_files(project, {"pkg/core.py": moved + later})
    code, summary = run(project, capsys)
    assert code == 1
    (new,) = shown(summary)
    assert new[:3] == ("ruff/F821", "error", "pkg/core.py")
    assert summary["counts"]["findings"]["error"] == 1
    assert summary["counts"]["findings"]["baselined"] == len(found(first, baselined=None))
    backlog = project / ".ai_workflow" / "backlog" / summary["run_id"]
    document = json.loads((backlog / "findings.json").read_text())
    assert document["counts"]["error"] == 1 and document["counts"]["baselined"] >= 4
    assert sum(f["baselined"] for f in document["findings"]) == document["counts"]["baselined"]
    sarif = json.loads((backlog / "findings.sarif").read_text())
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    states = [r["baselineState"] for r in sarif["runs"][0]["results"]]
    assert states.count("new") == 1 and states.count("unchanged") == len(states) - 1
    err = capsys.readouterr().err
    assert err == ""  # --json: the console went to stderr, which capsys already drained


def test_baseline_hides_known_findings_from_the_console(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, capsys)
    assert main(["baseline", "--target", str(project)]) == 0
    write_files(project, {"pkg/extra.py": "import sys\n\n\ndef helper() -> int:\n    return 1\n"})
    code = main(["run", "--target", str(project), "--auto"])
    out = capsys.readouterr().out  # without --json the console is on stdout
    assert code == 0  # the new finding is a warning
    top = out.split("Top findings", 1)[1].split("Performance Metrics", 1)[0]
    assert "pkg/extra.py:1" in top and "ruff/F401" in top
    assert "missing_name" not in top and "README.md" not in top
    assert "baselined finding(s) not shown" in top
    latest = max((project / ".ai_workflow" / "summaries").iterdir())
    summary_md = latest / "step09_code_quality_summary.md"
    text = summary_md.read_text()
    assert "pkg/extra.py" in text and "missing_name" not in text and "baselined" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", "is not valid JSON"),
        ('{"schema": "something/else@2", "findings": []}', "is not an ai-workflow baseline"),
    ],
)
def test_an_unusable_baseline_is_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (project / ".ai-workflow-baseline.json").write_text(content)
    assert main(["run", "--target", str(project), "--auto"]) == 2
    err = capsys.readouterr().err
    assert message in err and ".ai-workflow-baseline.json" in err and "Traceback" not in err


# ------------------------------------------------------------------------------ --new-only


def test_new_only_reports_findings_on_changed_lines(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit_all(project, "nothing new")
    core = CORE.replace("import os\n", "import os\nimport sys\n")  # a new line, new defect
    write_files(project, {"pkg/core.py": core})
    commit_all(project, "change core")
    fresh = 'def fresh() -> int:\n    """Fresh."""\n    return gone\n'
    write_files(project, {"pkg/fresh.py": fresh})  # untracked: wholly new
    code, summary = run(project, capsys, "--new-only", "--base", base)
    assert shown(summary) == {
        ("ruff/F401", "warning", "pkg/core.py", 4),
        ("ruff/F821", "error", "pkg/fresh.py", 3),
    }
    assert code == 1  # the new error counts
    assert summary["rules"]["counts"]["outside_diff"] == 4  # F401 os, F821, complex, link
    assert summary["options"]["new_only"] is True
    (project / "pkg" / "fresh.py").unlink()
    code, summary = run(project, capsys, "--new-only", "--base", base)
    assert shown(summary) == {("ruff/F401", "warning", "pkg/core.py", 4)} and code == 0


def test_new_only_keeps_pathless_findings_and_needs_a_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(FILES)
    files[".workflow-config.yaml"] = FAST.replace("test_execution, ", "") + (
        "tech_stack:\n  test_command: 'false'\n"
    )
    target = make_repo(tmp_path / "q", files)
    assert main(["run", "--target", str(target), "--auto", "--new-only"]) == 2
    err = capsys.readouterr().err
    assert "--new-only needs a base to compare with" in err and "only commit" in err
    commit_all(target, "second")
    code, summary = run(target, capsys, "--new-only", "--steps", "test_execution")
    assert [f[0] for f in shown(summary)] == ["tests/command-failed"] and code == 1


# ------------------------------------------------------------------------------ reuse


def test_the_policy_applies_to_results_reused_from_the_step_cache(project: Path) -> None:
    """The step cache keeps raw findings: a run with another policy (the configuration is the
    same, so the fingerprint is too) applies its own to the reused result."""
    config = load_config(project)
    registry = build_registry(builtin_steps(), config.workflow)

    def engine_run(rules: RulesConfig) -> dict[str, Any]:
        request = RunRequest(
            target=project,
            config=config,
            registry=registry,
            selected=["code_quality"],
            observer=QuietObserver(),
            make_step_cache=lambda ws: build_step_cache(project, config, ws),
            finding_policy=build_policy(project, rules),
        )
        return run_workflow(request).summary

    first = engine_run(RulesConfig(ignore=["ruff/F821"]))
    assert status(first, "code_quality") == "warning"  # stored: the policy let it pass
    second = engine_run(RulesConfig())
    assert status(second, "code_quality") == "failed"  # reused, and failing under this policy
    assert ("ruff/F821", "error", "pkg/core.py", 33) in found(second)
    assert "inputs unchanged since" in str(second["steps"][0]["reason"])
    third = engine_run(RulesConfig(ignore=["ruff/"]))
    assert status(third, "code_quality") == "reused"
    assert rules(third) == {"quality/complex-function"}


def test_the_cli_reuses_cached_steps_under_another_policy(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rule settings and --fail-on/--new-only are not part of a step's fingerprint: the cached
    raw findings go through each run's own policy. (The configuration is kept outside the
    project here: a changed project file would be a changed input.)"""
    config = tmp_path / "rules.yaml"

    def cached_run(rules_yaml: str, *args: str) -> tuple[int, dict[str, Any]]:
        config.write_text(FAST + rules_yaml)
        return run(project, capsys, "--steps", "code_quality", "--config", str(config), *args)

    _, first = cached_run("rules:\n  ignore: [ruff/F821]\n")
    assert status(first, "code_quality") == "warning"
    code, second = cached_run("rules:\n  ignore: [ruff/F821]\n", "--fail-on", "warning")
    assert status(second, "code_quality") == "reused" and found(second) == found(first)
    assert code == 1
    code, third = cached_run("rules:\n  ignore: [ruff/]\n  severity: {quality/: info}\n")
    assert status(third, "code_quality") == "reused" and code == 0
    assert found(third) == {("quality/complex-function", "info", "pkg/core.py", 6)}
    code, fourth = cached_run("")
    assert status(fourth, "code_quality") == "failed" and code == 1  # reused, failing now
    assert "ruff/F821" in rules(fourth) and "inputs unchanged" in fourth["steps"][0]["reason"]


def test_the_policy_applies_to_results_resumed_from_a_checkpoint(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = commit_all(project, "base")
    write_files(project, {"pkg/extra.py": "import sys\n\n\ndef helper() -> int:\n    return 1\n"})
    (project / ".workflow-config.yaml").write_text(
        FAST + "  steps:\n    - {id: gate, run: 'exit 3', depends_on: [pre_analysis]}\n"
        "rules:\n  ignore: [ruff/F821, links/]\n"
    )
    commit_all(project, "new import, a failing gate")
    code, first = run(project, capsys, "--no-step-cache")
    assert code == 1 and status(first, "gate") == "failed"
    assert status(first, "code_quality") == "warning"
    assert ("ruff/F401", "warning", "pkg/core.py", 3) in found(first)
    monkeypatch.setenv("AI_WORKFLOW_BASE", base)  # --base would change the step's settings
    code, second = run(project, capsys, "--no-step-cache", "--new-only")
    assert second["options"]["resumed_from"] == first["run_id"]
    assert status(second, "code_quality") == "reused"
    assert {f for f in shown(second) if f[0] != "custom/exit-status"} == {
        ("ruff/F401", "warning", "pkg/extra.py", 1)
    }
