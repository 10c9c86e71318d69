"""The whole workflow through the real CLI on fixture projects: every planted defect is reported
by the right step at the right place, and a clean project gets no error findings."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ai_workflow.cli import main
from tests.helpers import commit_all, git, make_repo

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-project"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def run(target: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["run", "--target", str(target), "--auto", "--parallel", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def findings(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for step in summary["steps"] for f in step["findings"]]


def has(summary: dict[str, Any], step: str, rule: str, path: str, line: int | None = None) -> bool:
    return any(
        f["step"] == step
        and f["rule"] == rule
        and f["path"] == path
        and (line is None or f["line"] == line)
        for f in findings(summary)
    )


@pytest.fixture
def python_project(tmp_path: Path) -> Path:
    """The bundled example as a git repo, its tests run by this interpreter (which has pytest)."""
    target = tmp_path / "minicalc"
    shutil.copytree(EXAMPLE, target)
    config = f"tech_stack:\n  python: {sys.executable}\n"
    (target / ".workflow-config.yaml").write_text(config)
    make_repo(target)
    commit_all(target, "import minicalc")
    return target


def test_clean_example_has_no_error_findings(
    python_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = run(python_project, capsys)
    errors = [f for f in findings(summary) if f["severity"] == "error"]
    assert errors == []
    assert code == 0 and summary["status"] == "passed"
    assert len(summary["steps"]) == 13
    statuses = {s["id"]: s["status"] for s in summary["steps"]}
    assert all(status in ("passed", "warning") for status in statuses.values()), statuses
    tests = next(s for s in summary["steps"] if s["id"] == "test_execution")
    assert "4 passed" in tests["summary"]
    # the untested module of the example is noticed
    assert has(summary, "test_review", "tests/untested-module", "src/minicalc/stats.py")
    assert git(python_project, "status", "--porcelain") == ""


def test_planted_defects_are_reported_by_the_right_step(
    python_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = python_project
    (t / "tests" / "test_core.py").write_text(
        (t / "tests" / "test_core.py").read_text()
        + "\n\ndef test_broken() -> None:\n    assert add(1, 1) == 3\n"
    )
    readme = (t / "README.md").read_text()
    readme += "\nSee [the guide](docs/missing-guide.md).\n\nDeploy with `./scripts/deploy.sh`.\n"
    (t / "README.md").write_text(readme)
    (t / "src" / "minicalc" / "__init__.py").write_text(
        (t / "src" / "minicalc" / "__init__.py").read_text().replace('"0.3.0"', '"0.2.9"')
    )
    (t / "src" / "minicalc" / "broken.py").write_text(
        '"""Broken."""\n\n\ndef f() -> int:\n    return undefined_name\n'
    )
    (t / "tools").mkdir()
    (t / "tools" / "helper.txt").write_text("x\n")
    (t / "src" / "minicalc" / "__pycache__").mkdir()
    (t / "src" / "minicalc" / "__pycache__" / "core.cpython-311.pyc").write_bytes(b"\0")
    git(t, "add", "-f", "src/minicalc/__pycache__/core.cpython-311.pyc")
    commit_all(t, "plant defects")
    code, summary = run(t, capsys)
    lines = readme.splitlines()
    link_line = next(i for i, line in enumerate(lines, 1) if "missing-guide" in line)
    script_line = next(i for i, line in enumerate(lines, 1) if "deploy.sh" in line)
    assert code == 1 and summary["status"] == "failed"
    assert has(summary, "test_execution", "tests/failed", "tests/test_core.py")
    assert has(summary, "consistency", "links/broken-link", "README.md", link_line)
    assert has(summary, "consistency", "version/mismatch", "src/minicalc/__init__.py")
    assert has(summary, "script_references", "scripts/missing-script", "README.md", script_line)
    assert has(summary, "directory_structure", "structure/undocumented-dir", "tools")
    assert has(
        summary, "directory_structure", "structure/committed-artifact", "src/minicalc/__pycache__"
    )
    assert has(summary, "code_quality", "ruff/F821", "src/minicalc/broken.py", 5)
    assert has(summary, "documentation", "docs/missing-docstring", "src/minicalc/stats.py", 11)
    # the reports carry the same findings, and the SARIF file is valid 2.1.0
    backlog = t / ".ai_workflow" / "backlog" / summary["run_id"]
    sarif = json.loads((backlog / "findings.sarif").read_text())
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    rule_ids = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"tests/failed", "links/broken-link", "ruff/F821"} <= rule_ids
    assert (backlog / "step07_test_execution.md").read_text().count("tests/failed") >= 1
    assert (backlog / "WORKFLOW_SUMMARY.md").is_file()


def test_markdown_problem_is_reported_with_rule_and_line(
    python_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (python_project / "docs" / "notes.md").write_text(
        "# Notes\n\n\n\nAn [empty link]() goes nowhere.\n"
    )
    commit_all(python_project, "notes")
    _, summary = run(python_project, capsys, "--steps", "markdown_lint")
    md = [
        f
        for f in findings(summary)
        if f["step"] == "markdown_lint" and f["path"] == "docs/notes.md"
    ]
    assert any(f["rule"] == "md/MD042" and f["line"] == 5 for f in md), md
    assert not any(f["rule"] == "md/MD012" for f in md)  # style: only when the project asks


def test_js_project_with_node_test_runner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    target = make_repo(
        tmp_path / "jsproj",
        {
            "package.json": json.dumps(
                {
                    "name": "jsproj",
                    "version": "1.0.0",
                    "scripts": {"test": "node --test"},
                    "license": "MIT",
                },
                indent=2,
            ),
            "package-lock.json": json.dumps(
                {
                    "name": "jsproj",
                    "version": "1.0.0",
                    "lockfileVersion": 3,
                    "requires": True,
                    "packages": {"": {"name": "jsproj", "version": "1.0.0", "license": "MIT"}},
                },
                indent=2,
            ),
            "README.md": "# jsproj\n\n## Installation\n\n`npm install`\n\n## Usage\n\nRun `npm test`.\n",
            "index.js": "/** Add two numbers. */\nexport function add(a, b) {\n  return a + b;\n}\n",
            "test/add.test.js": (
                "import { test } from 'node:test';\nimport assert from 'node:assert';\n"
                "import { add } from '../index.js';\n\n"
                "test('adds', () => { assert.strictEqual(add(1, 2), 3); });\n"
                "test('broken', () => { assert.strictEqual(add(1, 1), 3); });\n"
            ),
        },
    )
    (target / "package.json").write_text(
        (target / "package.json").read_text().replace('"license"', '"type": "module", "license"')
    )
    commit_all(target, "module")
    code, summary = run(target, capsys)
    tests = next(s for s in summary["steps"] if s["id"] == "test_execution")
    assert code == 1 and tests["status"] == "failed"
    assert "1 passed" in tests["summary"] and "1 failed" in tests["summary"]
    assert any(f["rule"] == "tests/failed" and "broken" in f["message"] for f in tests["findings"])


def test_shell_project_shellcheck_and_exec_bit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = make_repo(
        tmp_path / "shproj",
        {
            "README.md": "# shproj\n\n## Installation\n\nCopy the script.\n\n## Usage\n\nRun `./deploy.sh DIR`.\n",
            "deploy.sh": "#!/bin/sh\nrm -rf $1/build\n",
        },
    )
    code, summary = run(target, capsys)
    assert code == 1  # the missing executable bit is an error
    assert has(summary, "code_quality", "shellcheck/SC2086", "deploy.sh", 2)
    assert has(summary, "script_references", "scripts/not-executable", "README.md", 9)
    statuses = {s["id"]: s["status"] for s in summary["steps"]}
    assert statuses["test_execution"] in ("passed", "warning")  # no tests: said, not a crash


def test_unchanged_rerun_reuses_every_fingerprinted_step(
    python_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(python_project, capsys)
    _, second = run(python_project, capsys)
    statuses = {s["id"]: s["status"] for s in second["steps"]}
    always_run = {"context_analysis", "git_finalization"}  # they report on this very run
    assert {sid for sid, st in statuses.items() if st != "reused"} == always_run, statuses
