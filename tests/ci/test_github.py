"""The GitHub Action's report: job summary, annotations for new findings (capped the way GitHub
displays them), step outputs. The end-to-end tests run the action's own `run:` script in a real
bash with a fake GitHub environment, on a real repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.ci.findings import run_findings
from ai_workflow.ci.github import (
    MAX_SUMMARY_FINDINGS,
    annotation,
    annotation_commands,
    escape_data,
    escape_property,
    job_summary,
    output_lines,
    path_prefix,
)
from ai_workflow.findings import Severity
from tests.helpers import make_repo
from tests.report.factories import finding

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


def unescape(text: str) -> str:
    """What the GitHub runner decodes (its order: the escapes first, %25 last)."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


@given(st.text())
def test_escaping_round_trips_and_never_ends_a_command(text: str) -> None:
    data, prop = escape_data(text), escape_property(text)
    assert unescape(data) == text and unescape(prop) == text
    assert "\n" not in data and "\r" not in data
    assert not {"\n", "\r", ":", ","} & set(prop)


def summary_of(*findings: dict[str, Any], status: str = "failed") -> dict[str, Any]:
    return {
        "run_id": "workflow_20260101_000000",
        "status": status,
        "duration_s": 1.5,
        "git": {"branch": "feature", "commit": "0123456789abcdef", "dirty": False},
        "steps": [
            {
                "id": "code_quality",
                "number": 9,
                "name": "Code Quality",
                "status": status,
                "duration_s": 1.2,
                "summary": "ruff: 3 | pipes",
                "findings": list(findings),
            }
        ],
    }


def raw(
    rule: str, severity: str, message: str = "m", path: str | None = "a.py", **more: Any
) -> dict[str, Any]:
    data = finding(rule, severity, message, path, more.pop("line", None)).to_dict()
    data.update(more)
    return data


def test_annotation_format_and_an_injection_attempt() -> None:
    line = annotation(
        finding("ruff/F821", "error", "undefined name\n::add-mask::x", "src/a,b.py", 7), "sub/"
    )
    assert line == (
        "::error file=sub/src/a%2Cb.py,line=7,title=ruff/F821::undefined name%0A::add-mask::x"
    )
    assert annotation(finding("workflow/step-failed", "error", "tool missing")) == (
        "::error title=workflow/step-failed::tool missing"
    )


def test_annotations_are_capped_per_severity_with_a_notice() -> None:
    findings = run_findings(
        summary_of(
            *[raw("e/x", "error", f"e{i}", line=i + 1) for i in range(12)],
            *[raw("w/x", "warning", f"w{i}") for i in range(3)],
            raw("i/x", "info"),
        )
    )
    lines = annotation_commands(findings, limit=10)
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 3
    assert lines[-1].startswith("::notice ") and "2 more error(s) not annotated" in lines[-1]
    assert not any("i/x" in line for line in lines)


def test_baselined_findings_are_not_new() -> None:
    findings = run_findings(
        summary_of(
            raw("a/new", "error"),
            raw("a/old", "error", baselined=True),
            raw("a/older", "warning", extra={"baselined": True}),
        )
    )
    assert [f.rule for f in findings.new] == ["a/new"] and findings.baselined == 2
    assert [line.split("title=")[1].split("::")[0] for line in annotation_commands(findings)] == [
        "a/new"
    ]
    text = job_summary(summary_of(), findings, exit_code=1)
    assert "1 error(s), 0 warning(s) · 2 accepted by the baseline" in text


def test_job_summary_lists_steps_and_new_findings_safely() -> None:
    findings = run_findings(
        summary_of(
            raw("ruff/F821", "error", "name `x` | <undefined>", "src/a.py", line=3),
            raw("md/MD013", "info", "long line", "README.md"),
        )
    )
    text = job_summary(
        summary_of(), findings, exit_code=1, report_dir=Path("/p/.ai_workflow/backlog/w")
    )
    assert text.startswith("## ❌ ai-workflow: failed\n")
    assert "commit `0123456` on `feature`" in text
    assert "| 9 | Code Quality | ❌ failed | 1.20 s | 1 | 0 | ruff: 3 \\| pipes |" in text
    assert "| error | `ruff/F821` | src/a.py:3 | name 'x' \\| &lt;undefined&gt; |" in text
    assert "1 info in findings.json" in text and "MD013" not in text
    assert "/p/.ai_workflow/backlog/w" in text


def test_job_summary_caps_the_findings_table() -> None:
    many = [
        raw("w/x", "warning", f"message {i}", line=i + 1) for i in range(MAX_SUMMARY_FINDINGS + 5)
    ]
    text = job_summary(summary_of(*many), run_findings(summary_of(*many)), exit_code=0)
    assert text.count("| warning |") == MAX_SUMMARY_FINDINGS
    assert "… and 5 more in findings.json and findings.sarif." in text


def test_job_summary_of_a_run_that_could_not_start() -> None:
    text = job_summary(None, None, exit_code=2)
    assert text.startswith("## ❌ ai-workflow could not run (exit 2)")


def test_outputs_with_a_line_break_use_a_delimiter() -> None:
    text = output_lines({"sarif": "/p/findings.sarif", "odd": "a\nb"})
    assert text.startswith("sarif=/p/findings.sarif\nodd<<ghadelimiter_")
    delimiter = text.split("odd<<")[1].split("\n")[0]
    assert text.endswith(f"\na\nb\n{delimiter}\n")


def test_path_prefix_is_the_target_inside_the_checkout(tmp_path: Path) -> None:
    (tmp_path / "services" / "api").mkdir(parents=True)
    assert path_prefix(tmp_path / "services" / "api", tmp_path) == "services/api/"
    assert path_prefix(tmp_path, tmp_path) == ""
    assert path_prefix(tmp_path, tmp_path / "services") == ""
    assert path_prefix(tmp_path, None) == ""


# --------------------------------------------------------------------------- the action


def action_step(name: str) -> dict[str, Any]:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return next(step for step in action["runs"]["steps"] if step.get("id") == name)


def run_action_step(
    workspace: Path, tmp_path: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], str, dict[str, str]]:
    """Run the action's `run` step in bash, with a fake GitHub environment whose AIW_VENV is
    this test environment (the install step's result)."""
    step = action_step("run")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {
        **os.environ,
        "AIW_VENV": sys.prefix,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTIONS": "true",
    }
    defaults = {"target": ".", "steps": "", "fail-on": "", "smart-execution": "false"}
    defaults |= {"config": "", "extra-args": "", "max-annotations": "10"}
    for name, value in (defaults | inputs).items():
        env[f"INPUT_{name.upper().replace('-', '_')}"] = value
    assert set(step["env"]) - {"AIW_VENV"} == {
        f"INPUT_{name.upper().replace('-', '_')}" for name in defaults
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )
    outputs = dict(
        line.split("=", 1)
        for line in output.read_text(encoding="utf-8").splitlines()
        if "=" in line
    )
    return result, summary.read_text(encoding="utf-8"), outputs


def project(root: Path) -> Path:
    return make_repo(
        root,
        {
            "README.md": "# demo\n",
            ".gitignore": ".ai_workflow/\n",
            "pyproject.toml": '[project]\nname = "demo"\nversion = "1.0"\n',
            "src/demo/__init__.py": "import os\n\n\ndef f():\n    return undefined_name\n",
        },
    )


def test_action_run_step_reports_a_failing_run(tmp_path: Path) -> None:
    workspace = project(tmp_path / "workspace")
    result, summary, outputs = run_action_step(
        workspace, tmp_path, steps="code_quality", **{"extra-args": "--no-ai-cache"}
    )
    assert result.returncode == 1, result.stderr
    token = re.search(r"^::stop-commands::(\w+)$", result.stdout, re.M)
    assert token is not None and f"\n::{token.group(1)}::\n" in result.stdout
    after = result.stdout.split(f"::{token.group(1)}::", 1)[1]
    assert re.search(r"^::error file=src/demo/__init__.py,line=5,title=ruff/F821::", after, re.M)
    assert summary.startswith("## ❌ ai-workflow: failed")
    assert "| 9 | Code Quality | ❌ failed |" in summary
    assert outputs["exit-code"] == "1" and outputs["status"] == "failed"
    sarif = Path(outputs["sarif"])
    assert sarif.name == "findings.sarif" and sarif.is_file()
    assert Path(outputs["codequality"]).is_file() and Path(outputs["findings"]).is_file()
    assert int(outputs["new-errors"]) >= 1


def test_action_run_step_with_a_target_inside_the_checkout(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    project(workspace / "services" / "api")
    result, _, outputs = run_action_step(
        workspace, tmp_path, target="services/api", steps="code_quality"
    )
    assert result.returncode == 1, result.stderr
    assert "::error file=services/api/src/demo/__init__.py,line=5," in result.stdout
    assert outputs["report-dir"].startswith(str(workspace / "services" / "api" / ".ai_workflow"))


def test_action_run_step_when_the_run_cannot_start(tmp_path: Path) -> None:
    workspace = project(tmp_path / "workspace")
    result, summary, outputs = run_action_step(workspace, tmp_path, config="missing.yaml")
    assert result.returncode == 2
    assert "config file not found" in result.stderr and "Traceback" not in result.stderr
    assert summary.startswith("## ❌ ai-workflow could not run (exit 2)")
    assert outputs["status"] == "error" and outputs["exit-code"] == "2" and outputs["sarif"] == ""


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({}, ["--target", ".", "--auto"]),
        (
            {"--steps=": "1,code_quality", "--smart-execution=": "true", "--fail-on=": "warning"},
            [
                *("--target", ".", "--auto", "--steps", "1,code_quality"),
                *("--smart-execution", "--fail-on", "warning"),
            ],
        ),
        (
            {"--extra-args=": "--parallel --jobs '2'"},
            ["--target", ".", "--auto", "--parallel", "--jobs", "2"],
        ),
    ],
)
def test_inputs_become_run_options(inputs: dict[str, str], expected: list[str]) -> None:
    from ai_workflow.cli import build_parser
    from ai_workflow.commands.ci import _github_run_args

    parser, _ = build_parser()
    argv = ["ci", "github", *(flag + value for flag, value in inputs.items())]
    assert _github_run_args(parser.parse_args(argv)) == expected


def test_bad_inputs_are_usage_errors(tmp_path: Path) -> None:
    for args in (
        ["--smart-execution=maybe"],
        ["--extra-args=--jobs 'unclosed"],
        ["--max-annotations=0"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "ai_workflow", "ci", "github", "--target", str(tmp_path), *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr


def test_new_findings_count_by_severity() -> None:
    findings = run_findings(
        summary_of(raw("a/b", "error"), raw("a/c", "warning"), raw("a/d", "warning"))
    )
    assert findings.count(Severity.ERROR) == 1 and findings.count(Severity.WARNING) == 2
