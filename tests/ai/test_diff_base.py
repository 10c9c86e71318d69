"""The prompt's diff is taken against smart execution's change base when the run has one
(`--base`, the CI base, the last passed run's commit), else against HEAD~1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_workflow.cli import main
from tests.helpers import commit_all, make_repo, write_files

CORE = "src/demo/core.py"


def _project(root: Path) -> tuple[Path, str]:
    """Three commits (base, c2, c3) and a working-tree change, all to core.py."""
    body = "def add(a, b):\n    return a + b\n"
    target = make_repo(root, {"README.md": "# Demo\n", ".gitignore": ".ai_workflow/\n", CORE: body})
    base = commit_all(target, "base")  # empty: the first commit holds the files
    body += "\n\ndef from_c2():\n    return 2\n"
    write_files(target, {CORE: body})
    commit_all(target, "c2")
    body += "\n\ndef from_c3():\n    return 3\n"
    write_files(target, {CORE: body})
    commit_all(target, "c3")
    write_files(target, {CORE: body + "\n\ndef from_tree():\n    return 4\n"})
    return target, base


def _prompt(capsys: pytest.CaptureFixture[str], target: Path, *extra: str) -> str:
    argv = ["run", "--target", str(target), "--auto", "--json", "--no-step-cache"]
    code = main([*argv, "--steps", "pre_analysis,code_quality", *extra])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    summary = json.loads(out)
    steps = {s["id"]: s["status"] for s in summary["steps"]}
    assert steps["code_quality"] not in ("skipped", "reused"), steps
    prompts = target / ".ai_workflow" / "prompts" / summary["run_id"]
    return (prompts / "step09_code_quality.md").read_text(encoding="utf-8")


def test_diff_against_the_change_base_with_smart_execution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, base = _project(tmp_path / "p")
    prompt = _prompt(capsys, target, "--smart-execution", "--base", base)
    assert f"## Diff of changed files (against the change base {base[:12]})" in prompt
    for added in ("from_c2", "from_c3", "from_tree"):  # every change since the base
        assert f"+def {added}():" in prompt


def test_diff_against_head_parent_without_a_change_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, _ = _project(tmp_path / "p")
    prompt = _prompt(capsys, target)
    assert "## Diff of changed files\n" in prompt
    assert "+def from_c3():" in prompt and "+def from_tree():" in prompt
    assert "+def from_c2():" not in prompt  # committed before HEAD~1: context only
