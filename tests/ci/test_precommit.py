"""The pre-commit hooks: the quick hook blocks a commit on findings in its own files only, the
full hook is the run's exit code; `.pre-commit-hooks.yaml` is tried with the real `pre-commit
try-repo`, which builds the hook environment from this repository as a user's would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_workflow.ci.findings import run_findings
from ai_workflow.ci.precommit import QUICK_STEPS, quick_run_args, verdict
from ai_workflow.ci.runner import without_own_virtualenv
from ai_workflow.findings import Severity
from ai_workflow.steps import builtin_steps
from tests.helpers import commit_all, git, make_repo, write_files
from tests.report.factories import finding

ROOT = Path(__file__).resolve().parents[2]
CLEAN = "def add(a: int, b: int) -> int:\n    return a + b\n"
BROKEN = "def f():\n    return undefined_name\n"


def project(root: Path) -> Path:
    return make_repo(
        root,
        {
            "README.md": "# demo\n",
            ".gitignore": ".ai_workflow/\n",
            "pyproject.toml": '[project]\nname = "demo"\nversion = "1.0"\n',
            "src/demo/__init__.py": CLEAN,
            "src/demo/legacy.py": BROKEN,  # an old error the commit does not touch
        },
    )


def hook(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ai_workflow", "ci", "pre-commit", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


def summary_with(*findings: dict[str, Any]) -> dict[str, Any]:
    return {"steps": [{"id": "code_quality", "findings": list(findings)}]}


def test_quick_steps_are_built_in_steps() -> None:
    assert set(QUICK_STEPS) <= {step.spec.id for step in builtin_steps()}
    assert not {"test_execution", "test_generation", "git_finalization"} & set(QUICK_STEPS)


def test_verdict_blocks_on_the_committed_files_only() -> None:
    findings = run_findings(
        summary_with(
            finding("ruff/F821", "error", "x", "./src/a.py", 2).to_dict(),
            finding("ruff/F821", "error", "y", "src/old.py", 2).to_dict(),
            finding("docs/missing-docstring", "warning", "z", "src/a.py", 1).to_dict(),
            finding("workflow/step-failed", "error", "tool missing").to_dict(),
        )
    )
    errors = verdict(findings, ["src/a.py"], Severity.ERROR)
    assert [f.message for f in errors.blocking] == ["tool missing", "x"]
    assert errors.elsewhere == 1
    strict = verdict(findings, ["src/a.py"], Severity.WARNING)
    assert len(strict.blocking) == 3
    everything = verdict(findings, [], Severity.ERROR)
    assert len(everything.blocking) == 3 and everything.elsewhere == 0


def test_smart_execution_only_for_the_commit_s_own_files(tmp_path: Path) -> None:
    repo = project(tmp_path / "p")
    write_files(repo, {"src/demo/__init__.py": CLEAN + "\n"})
    assert quick_run_args(repo, ["src/demo/__init__.py"], ["code_quality"])[-3:] == [
        "--smart-execution",
        "--base",
        "HEAD",
    ]
    # `pre-commit run --all-files` passes unchanged files too: every quick step runs
    assert "--smart-execution" not in quick_run_args(
        repo, ["src/demo/__init__.py", "README.md"], ["code_quality"]
    )


def test_own_virtualenv_is_hidden_from_the_project(tmp_path: Path) -> None:
    own = Path(sys.prefix)
    path = os.pathsep.join([str(own / "bin"), "/usr/bin"])
    assert without_own_virtualenv({"VIRTUAL_ENV": str(own), "PATH": path}) == {
        "VIRTUAL_ENV": None,
        "PATH": "/usr/bin",
    }
    assert without_own_virtualenv({"VIRTUAL_ENV": str(tmp_path), "PATH": path}) == {}
    assert without_own_virtualenv({"PATH": path}) == {}


def test_quick_hook_passes_a_clean_commit_despite_old_errors(tmp_path: Path) -> None:
    repo = project(tmp_path / "p")
    write_files(
        repo, {"src/demo/__init__.py": CLEAN + "\n\ndef sub(a: int) -> int:\n    return -a\n"}
    )
    git(repo, "add", "-A")
    result = hook(repo, "src/demo/__init__.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in files this commit does not touch" in result.stdout
    assert "smart execution: base" in result.stderr  # only what the commit changed runs


def test_quick_hook_blocks_an_error_in_a_committed_file(tmp_path: Path) -> None:
    repo = project(tmp_path / "p")
    write_files(repo, {"src/demo/__init__.py": BROKEN})
    git(repo, "add", "-A")
    result = hook(repo, "src/demo/__init__.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "src/demo/__init__.py:2: error ruff/F821:" in result.stdout
    assert "legacy.py" not in result.stdout


def test_full_hook_is_the_run_s_exit_code(tmp_path: Path) -> None:
    repo = project(tmp_path / "p")
    result = hook(repo, "--full")
    assert result.returncode == 1, result.stderr
    assert "13 step(s)" in result.stderr and "ruff/F821" in result.stderr


def test_hook_definitions() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"ai-workflow", "ai-workflow-full"}
    quick, full = hooks["ai-workflow"], hooks["ai-workflow-full"]
    assert quick["entry"] == "ai-workflow ci pre-commit" and quick["pass_filenames"] is True
    assert full["entry"] == "ai-workflow ci pre-commit --full" and full["always_run"] is True
    assert all(h["language"] == "python" and h["require_serial"] for h in hooks.values())


@pytest.mark.slow
def test_pre_commit_try_repo_runs_both_hooks(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs this repository into a hook environment with pip (from
    the package index, as for any user) and runs the hooks on a real commit."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[dev]')")
    repo = project(tmp_path / "p")
    write_files(repo, {"src/demo/__init__.py": CLEAN + "\n"})
    git(repo, "add", "-A")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [pre_commit, "try-repo", str(ROOT), "--hook-stage", "manual", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    output = result.stdout + result.stderr
    if "An error has occurred" in output:
        reason = _network_problem(_log(env))
        if reason:
            pytest.skip(f"pre-commit could not build the hook environment: {reason}")
    assert "ai-workflow (quick checks of the committed files)" in output, output
    quick = output.split("ai-workflow (quick checks of the committed files)")[1].splitlines()[0]
    full = output.split("ai-workflow (every step)")[1].splitlines()[0]
    assert quick.endswith("Passed"), output  # the old error is in a file the commit leaves
    assert full.endswith("Failed"), output  # ... but the full run fails on it
    assert "in files this commit does not touch" in output
    assert result.returncode == 1
    commit_all(repo, "the hooks left the project's files alone")
    assert git(repo, "status", "--porcelain").strip() == ""


def _log(env: dict[str, str]) -> str:
    log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
    return log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


def _network_problem(log: str) -> str | None:
    for marker in (
        "NewConnectionError",
        "Failed to establish a new connection",
        "No matching distribution",
        "Could not find a version",
    ):
        if marker in log:
            line = next(line for line in log.splitlines() if marker in line)
            return f"pip could not reach the package index ({line.strip()[:200]})"
    return None
