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


@pytest.mark.parametrize("command", ["run", "graph"])
def test_jobs_limit_is_the_same_for_run_and_graph(command: str, tmp_path: Path) -> None:
    make_repo(tmp_path, {".workflow-config.yaml": custom_only_config([{"id": "a", "run": "true"}])})
    too_many = cli(command, "--target", str(tmp_path), "--jobs", "999")
    assert too_many.returncode == 2, too_many.stderr
    assert "run.jobs: Input should be less than or equal to 64 (got 999)" in too_many.stderr
    assert "Traceback" not in too_many.stderr


def test_graph_jobs_within_the_limit_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path, {".workflow-config.yaml": custom_only_config([{"id": "a", "run": "true"}])})
    assert main(["graph", "--target", str(tmp_path), "--jobs", "64", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["jobs"] == 64


def test_config_path_that_is_a_directory_exits_2(tmp_path: Path) -> None:
    result = cli("run", "--target", str(tmp_path), "--auto", "--config", str(tmp_path))
    assert result.returncode == 2
    assert f"config file {tmp_path} is a directory" in result.stderr
    (tmp_path / ".workflow-config.yaml").mkdir()
    result = cli("run", "--target", str(tmp_path), "--auto")
    assert result.returncode == 2
    assert f"config file {tmp_path / '.workflow-config.yaml'} is a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_pyproject_with_our_table_exits_2_naming_file_and_toml_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ai-workflow\nrun = 1\n")
    result = cli("run", "--target", str(tmp_path), "--auto", "--dry-run")
    assert result.returncode == 2
    assert f"{tmp_path / 'pyproject.toml'}: invalid TOML" in result.stderr
    assert "[tool.ai-workflow] configuration cannot be read" in result.stderr
    assert "(at line 1, column 18)" in result.stderr  # tomllib's own position of the error
    assert "Traceback" not in result.stderr


def test_broken_pyproject_mentioning_us_warns_and_runs(tmp_path: Path) -> None:
    make_repo(tmp_path, {".gitignore": ".ai_workflow/\n"})
    (tmp_path / "pyproject.toml").write_text(
        "# settings live in tool.ai-workflow, see docs\n[project\nname = 'x'\n"
    )
    result = cli("run", "--target", str(tmp_path), "--auto", "--dry-run", "--steps", "0")
    assert result.returncode == 0, result.stderr
    assert f"warning: {tmp_path / 'pyproject.toml'}: invalid TOML (" in result.stderr
    assert "any tool.ai-workflow configuration in it is ignored" in result.stderr


@pytest.mark.parametrize(
    ("workflow", "message"),
    [
        (
            "  steps:\n    - {id: a, run: 'true', depends_on: [b]}\n"
            "    - {id: b, run: 'true', depends_on: [a]}\n",
            "line 3: dependency cycle between steps: a -> b -> a",
        ),
        (
            "  steps:\n    - {id: a, run: 'true'}\n    - {id: a, run: 'true'}\n",
            "line 6: workflow.steps[1]: duplicate step id 'a'",
        ),
        (
            "  steps:\n    - {id: a, run: 'true', depends_on: [zzz]}\n",
            "line 3: step 'a' depends on unknown step(s): zzz",
        ),
        (
            "  timeouts:\n    test_execution: 3\n    nope: 3\n",
            "line 6: workflow.timeouts: unknown step 'nope'",
        ),
        (
            "  timeouts:\n    test_execution: -1\n",
            "line 5: workflow.timeouts.test_execution: must be a positive number of seconds",
        ),
    ],
)
def test_workflow_errors_name_the_config_file_and_line(
    workflow: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".workflow-config.yaml"
    config.write_text(f"run:\n  jobs: 2\nworkflow:\n{workflow}")
    assert main(["run", "--dry-run", "--target", str(tmp_path)]) == 2
    assert f"ai-workflow: error: {config}, {message}" in capsys.readouterr().err
    assert main(["graph", "--target", str(tmp_path)]) == 0  # needs only the work directory
    assert f"ai-workflow: warning: {config}, {message}" in capsys.readouterr().err


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


def test_every_option_of_every_command_has_help_text() -> None:
    """`graph --format`, `graph --steps` and every other option say what they do in --help."""
    import argparse

    from ai_workflow.cli import build_parser

    parser, _ = build_parser()
    missing = []
    pending: list[tuple[str, argparse.ArgumentParser]] = [("ai-workflow", parser)]
    while pending:
        name, current = pending.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                pending += [(f"{name} {sub}", p) for sub, p in action.choices.items()]
            elif action.option_strings and not action.help:
                missing.append(f"{name} {action.option_strings[0]}")
    assert missing == []
