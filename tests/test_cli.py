"""The command line as a user meets it: help, version, exit codes, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ai_workflow import __version__
from ai_workflow.cli import main
from tests.engine.conftest import custom_only_config
from tests.helpers import make_repo


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ai_workflow", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_version_and_help() -> None:
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"ai-workflow {__version__}"
    for args in (
        ["--help"],
        ["run", "--help"],
        ["graph", "--help"],
        ["steps", "--help"],
        ["metrics", "--help"],
    ):
        assert cli(*args).returncode == 0


def test_no_command_prints_help_and_exits_2() -> None:
    result = cli()
    assert result.returncode == 2 and "usage" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--target", "/does/not/exist"], "target does not exist"),
        (["run", "--jobs", "0"], "must be at least 1"),
        (["run", "--jobs", "x"], "expected a whole number"),
        (["run", "--steps", "nope"], "unknown step 'nope'"),
        (["run", "--bogus"], "unrecognized arguments"),
        (["graph", "--format", "png"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_without_traceback(args: list[str], message: str, tmp_path: Path) -> None:
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_target_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = cli("run", "--target", str(tmp_path / "f"))
    assert result.returncode == 2 and "not a directory" in result.stderr


def test_bad_config_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / ".workflow-config.yaml").write_text("run:\n  jbos: 2\n")
    result = cli("run", "--target", str(tmp_path), "--auto")
    assert result.returncode == 2
    assert (
        ".workflow-config.yaml, line 2: unknown key 'run.jbos' (did you mean 'run.jobs'?)"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_flags_without_run_mean_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_repo(tmp_path, {".workflow-config.yaml": custom_only_config([{"id": "a", "run": "true"}])})
    assert main(["--target", str(tmp_path), "--auto", "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "dry_run"


def test_steps_graph_and_metrics_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["steps", "--target", str(tmp_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 13 and rows[7]["id"] == "test_execution"
    for fmt, marker in (
        ("mermaid", "flowchart TD"),
        ("dot", "digraph workflow"),
        ("text", "Critical path"),
    ):
        assert main(["graph", "--target", str(tmp_path), "--format", fmt]) == 0
        assert marker in capsys.readouterr().out
    assert main(["metrics", "--target", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"] == 0


def test_metrics_after_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_repo(
        tmp_path,
        {
            ".workflow-config.yaml": custom_only_config(
                [{"id": "a", "run": "true"}, {"id": "b", "run": "exit 1"}]
            )
        },
    )
    for _ in range(2):
        main(["run", "--target", str(tmp_path), "--auto", "--no-resume"])
    capsys.readouterr()
    assert main(["metrics", "--target", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["runs"] == 2 and report["success_rate"] == 0
    assert set(report["median_step_duration_s"]) == {"a"}
    assert main(["metrics", "--target", str(tmp_path)]) == 0
    assert "2 run(s), 0 passed" in capsys.readouterr().out
