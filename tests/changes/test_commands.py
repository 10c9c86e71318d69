"""`ai-workflow changes` and `ai-workflow explain` through the real CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ai_workflow.cli import main
from tests.changes.test_step_cache import custom_project
from tests.changes.util import project_repo, run_engine
from tests.helpers import commit_all, git, make_repo, write_files


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_changes_prints_base_files_and_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = project_repo(tmp_path / "p")
    write_files(repo, {"docs/new\nline.md": "x\n"})
    code, out, _ = cli(capsys, "changes", "--target", str(repo))
    assert code == 0
    base = git(repo, "rev-parse", "--short=7", "HEAD~1").strip()
    assert out.startswith(f"smart execution: base {base} (HEAD~1: no passed run recorded), ")
    assert "change type docs-only, impact low" in out
    assert "docs (2)" in out and "'docs/new\\nline.md'" in out
    assert "7: Test Execution" in out and "skip" in out


def test_changes_json_with_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = project_repo(tmp_path / "p")
    write_files(repo, {"src/demo/core.py": "v = 2\n"})
    commit_all(repo, "code")
    code, out, _ = cli(capsys, "changes", "--target", str(repo), "--base", "HEAD~2", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["base_ref"] == "HEAD~2" and data["base_source"] == "option"
    assert data["files"] == {"docs": ["docs/guide.md"], "code": ["src/demo/core.py"]}
    assert data["decisions"]["test_execution"]["decision"] == "run"
    assert data["decisions"]["dependencies"]["decision"] == "run"  # it reads the imports
    assert data["decisions"]["git_finalization"]["decision"] == "run"


def test_changes_on_a_non_git_target_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(tmp_path / "plain", {"a.py": "x\n"})
    code, out, _ = cli(capsys, "changes", "--target", str(tmp_path / "plain"))
    assert code == 0
    assert "impact unknown" in out and "warning:" in out and "Fix:" in out


def test_changes_bad_target_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "changes", "--target", str(tmp_path / "missing"))
    assert code == 2 and "target does not exist" in err


def test_explain_reused_changed_and_never_cached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_project(tmp_path / "p")
    first = run_engine(repo).summary["run_id"]
    code, out, _ = cli(capsys, "explain", "docs_check", "--target", str(repo))
    assert code == 0
    assert f"would be reused from {first} (inputs unchanged)" in out
    write_files(repo, {"docs/guide.md": "new\n", "docs/added.md": "x\n"})
    code, out, _ = cli(capsys, "explain", "docs_check", "--target", str(repo))
    assert code == 0 and f"runs again; changed since {first}: files." in out
    assert "1 modified: docs/guide.md" in out and "1 added: docs/added.md" in out
    code, out, _ = cli(capsys, "explain", "everything", "--target", str(repo), "--json")
    data = json.loads(out)
    assert data["verdict"] == "runs"
    assert set(data["changed"]) == {"files", "dependencies"}
    assert data["changed"]["dependencies"] == [
        "unknown: docs_check would run again (`ai-workflow explain docs_check`)"
    ]
    code, out, _ = cli(capsys, "explain", "tests_check", "--target", str(repo))
    assert "would be reused" in out  # its dependency code_check would be reused too
    code, out, _ = cli(capsys, "explain", "unscoped", "--target", str(repo))
    assert "never reused" in out


def test_explain_names_the_config_key_that_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_project(tmp_path / "p")
    run_engine(repo)
    with (repo / ".workflow-config.yaml").open("a", encoding="utf-8") as handle:
        handle.write("tech_stack:\n  test_command: make check\n")
    code, out, _ = cli(capsys, "explain", "code_check", "--target", str(repo))
    assert code == 0 and "config: changed" in out
    assert "tech_stack.test_command: None -> make check" in out


def test_explain_without_stored_result_and_unknown_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_project(tmp_path / "p")
    code, out, _ = cli(capsys, "explain", "docs_check", "--target", str(repo))
    assert code == 0 and "no stored fingerprint yet" in out
    code, _, err = cli(capsys, "explain", "nope", "--target", str(repo))
    assert code == 2 and "unknown step 'nope'" in err


def test_run_smart_execution_dry_run_shows_every_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = project_repo(tmp_path / "p")  # HEAD~1 -> HEAD changed docs only
    code, out, _ = cli(
        capsys, "run", "--target", str(repo), "--smart-execution", "--dry-run", "--json", "--auto"
    )
    summary = json.loads(out)
    assert code == 0
    steps = {s["id"]: s for s in summary["steps"]}
    skipped = {sid for sid, s in steps.items() if s["status"] == "skipped"}
    assert skipped == {
        "test_review",
        "test_generation",
        "test_execution",
        "dependencies",
        "code_quality",
    }
    assert steps["test_execution"]["reason"].startswith("no change in categories code, tests")
    assert summary["changes"]["change_type"] == "docs-only"
    assert summary["changes"]["decisions"]["pre_analysis"]["reason"] == "reads every change"


def test_run_smart_execution_writes_the_change_impact_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_project(tmp_path / "p")
    write_files(repo, {"src/demo/core.py": "def add(a, b):\n    return a + b + 0\n"})
    commit_all(repo, "code")
    code, out, _ = cli(
        capsys, "run", "--target", str(repo), "--smart-execution", "--json", "--auto"
    )
    summary = json.loads(out)
    assert code == 0
    statuses = {s["id"]: s["status"] for s in summary["steps"]}
    assert statuses["docs_check"] == "skipped" and statuses["code_check"] == "passed"
    report = repo / ".ai_workflow" / "backlog" / summary["run_id"] / "CHANGE_IMPACT_ANALYSIS.md"
    text = report.read_text(encoding="utf-8")
    assert "- Change type: code-only" in text
    base = git(repo, "rev-parse", "--short=7", "HEAD~1").strip()
    assert f"| 13: docs_check | skip | no change in categories docs since {base} |" in text
    assert "| 14: code_check | run | changed: code (1) |" in text


PACKAGE_DATA_PROJECT = {
    ".gitignore": ".ai_workflow/\n",
    "pkg/__init__.py": (
        "from pathlib import Path\n\n\ndef read():\n"
        '    return (Path(__file__).parent / "data.txt").read_text().strip()\n'
    ),
    "pkg/data.txt": "ok\n",
    "tests/test_data.py": "import pkg\n\n\ndef test_data():\n    assert pkg.read() == 'ok'\n",
}


def test_package_data_file_change_reruns_the_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `.txt` the package reads is not documentation: step 7 is neither reused nor skipped."""
    config = f"tech_stack:\n  python: {sys.executable}\n"
    repo = make_repo(tmp_path / "p", {**PACKAGE_DATA_PROJECT, ".workflow-config.yaml": config})
    run = ("run", "--target", str(repo), "--auto", "--steps", "7", "--json")
    code, out, _ = cli(capsys, *run)
    assert code == 0 and json.loads(out)["steps"][0]["status"] == "passed"
    write_files(repo, {"pkg/data.txt": "bad\n"})
    commit_all(repo, "data")
    code, out, _ = cli(capsys, "changes", "--target", str(repo), "--base", "HEAD~1", "--json")
    changes = json.loads(out)
    assert changes["change_type"] != "docs-only"
    for step in ("test_review", "test_execution", "code_quality"):
        assert changes["decisions"][step]["decision"] == "run", step
    code, out, _ = cli(capsys, *run)
    step = json.loads(out)["steps"][0]
    assert code != 0 and step["status"] == "failed", step
