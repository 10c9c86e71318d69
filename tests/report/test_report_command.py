"""`ai-workflow report [RUN_ID] [--open]`: every run writes report.html; the command finds it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ai_workflow.cli import main
from tests.helpers import make_repo


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, list[str]]:
    """A repository with two real runs of two fast steps."""
    target = make_repo(tmp_path / "p", {"README.md": "# p\n\nSee [docs](docs.md).\n"})
    run_ids = []
    for _ in range(2):
        main(["run", "--target", str(target), "--auto", "--json", "--steps", "0,2"])
        run_ids.append(json.loads(capsys.readouterr().out)["run_id"])
    return target, run_ids


def report(target: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The command in a subprocess of its own (webbrowser reads BROWSER once per process)."""
    code = "import sys; from ai_workflow.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, "report", "--target", str(target), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_every_run_writes_a_report_and_the_last_one_is_the_default(
    project: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    target, (first, second) = project
    backlog = target / ".ai_workflow" / "backlog"
    assert (backlog / first / "report.html").is_file()
    assert main(["report", "--target", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(backlog / second / "report.html")
    assert main(["report", first, "--target", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(backlog / first / "report.html")


def test_an_unknown_run_is_a_usage_error_naming_the_runs_that_have_one(
    project: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    target, (_, second) = project
    assert main(["report", "workflow_19990101_000000", "--target", str(target)]) == 2
    err = capsys.readouterr().err
    assert "no HTML report" in err and second in err
    for outside in ("../../etc", "a/b"):
        assert main(["report", outside, "--target", str(target)]) == 2
        assert "not a run id" in capsys.readouterr().err


def test_a_target_without_runs_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--target", str(tmp_path)]) == 2
    assert "no HTML report" in capsys.readouterr().err


def test_open_without_a_display_prints_the_path_and_says_why(
    project: tuple[Path, list[str]],
) -> None:
    target, (_, second) = project
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "BROWSER": ""}
    code, out, err = report(target, "--open", env=env)
    assert code == 0
    assert out.strip().endswith(f"{second}/report.html")
    assert "no display" in err


def test_open_hands_the_file_url_to_the_browser(
    project: tuple[Path, list[str]], tmp_path: Path
) -> None:
    target, _ = project
    seen = tmp_path / "opened.txt"
    opener = tmp_path / "fake-browser"
    opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{seen}"\n')
    opener.chmod(0o755)
    code, out, _ = report(target, "--open", env={"DISPLAY": ":0", "BROWSER": str(opener)})
    assert code == 0
    assert seen.read_text() == Path(out.strip()).as_uri()
