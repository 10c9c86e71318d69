"""The work directory: configurable (--workdir, AI_WORKFLOW_WORKDIR, run.workdir), moved off a
directory git tracks, followed by every listing and exclusion of ours; and the commands that only
need it (metrics, steps, graph, cache) work without a valid project configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_workflow.changes.detect import detect_changes
from ai_workflow.cli import main
from ai_workflow.config import Config, load_config, usable_cpus
from ai_workflow.errors import UsageError
from ai_workflow.gitutil import git_state
from ai_workflow.project_files import list_project_files
from ai_workflow.workdir import choose_workdir, excluded_workdirs, is_workdir_path, workdir
from tests.engine.conftest import custom_only_config
from tests.helpers import commit_all, make_repo

STEP = custom_only_config([{"id": "a", "run": "true"}])


def run(repo: Path, *args: str) -> int:
    return main(["run", "--target", str(repo), "--auto", "--no-resume", *args])


def test_workdir_flag_env_and_config_choose_where_files_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "p", {"README.md": "# p\n", ".workflow-config.yaml": STEP})
    assert run(repo, "--workdir", "build/aiwf") == 0
    assert (repo / "build/aiwf/metrics/history.jsonl").is_file()
    assert not (repo / ".ai_workflow").exists()
    monkeypatch.setenv("AI_WORKFLOW_WORKDIR", str(tmp_path / "outside"))
    assert run(repo) == 0
    assert (tmp_path / "outside/metrics/history.jsonl").is_file()
    monkeypatch.delenv("AI_WORKFLOW_WORKDIR")
    (repo / ".workflow-config.yaml").write_text(STEP + "run:\n  workdir: .state\n")
    assert run(repo) == 0
    assert (repo / ".state/metrics/history.jsonl").is_file()
    # every command reads the directory it is told to
    capsys.readouterr()
    assert main(["metrics", "--target", str(repo), "--workdir", "build/aiwf", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"] == 1
    # our directories stay out of the project's files and out of `git status`
    commit_all(repo, "config")
    assert not [f for f in list_project_files(repo) if f.startswith((".state", "build/"))]
    assert git_state(repo) is not None and not git_state(repo).dirty  # type: ignore[union-attr]


def test_a_configured_workdir_that_git_tracks_or_that_holds_the_project_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "p", {"docs/a.md": "# a\n", ".workflow-config.yaml": STEP})
    for bad, message in (
        ("docs", "holds files tracked by git"),
        (".", "would hold the whole project"),
        ("..", "would hold the whole project"),
        (".git/x", "inside a .git directory"),
    ):
        assert run(repo, "--workdir", bad) == 2
        assert message in capsys.readouterr().err
    assert sorted(p.name for p in (repo / "docs").iterdir()) == ["a.md"]


def test_both_default_names_tracked_asks_for_a_workdir(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {".ai_workflow/x": "1", ".ai-workflow/y": "2"})
    with pytest.raises(UsageError, match="--workdir"):
        choose_workdir(repo)
    assert choose_workdir(repo, "elsewhere").path == repo / "elsewhere"


def test_a_moved_workdir_is_left_out_of_listings_and_change_detection(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"src/a.py": "x = 1\n", ".ai_workflow/backlog/r/s.md": "# s\n"})
    assert workdir(repo) == repo / ".ai-workflow"
    assert excluded_workdirs(repo) == (".ai_workflow", ".ai-workflow")
    for rel in (".ai-workflow/logs/x.log", ".ai_workflow/new.md"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("x\n")
    (repo / "src/b.py").write_text("y = 2\n")
    assert list_project_files(repo) == ["src/a.py", "src/b.py"]
    changes = detect_changes(repo, load_config(repo, environ={}), [], {"AI_WORKFLOW_BASE": "HEAD"})
    assert sorted(changes.files) == ["src/b.py"]
    assert is_workdir_path(repo, "sub/.ai-workflow/x") and not is_workdir_path(repo, "ai-workflow")


def test_a_workdir_outside_a_non_git_target_and_inside_one(tmp_path: Path) -> None:
    target = tmp_path / "plain"
    (target / "state").mkdir(parents=True)
    (target / "state/old.log").write_text("x")
    (target / "main.py").write_text("print(1)\n")
    choose_workdir(target, "state")
    assert list_project_files(target) == ["main.py"]
    choose_workdir(target, str(tmp_path / "elsewhere"))
    assert excluded_workdirs(target) == (".ai_workflow",)
    assert list_project_files(target) == ["main.py", "state/old.log"]


BROKEN = "ai:\n  modle: x\n"


def test_commands_that_need_only_the_workdir_work_with_a_broken_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, {".gitignore": ".ai_workflow/\n"})
    (repo / ".workflow-config.yaml").write_text(BROKEN)
    for command in (["metrics"], ["steps"], ["graph"], ["cache", "stats"]):
        assert main([*command, "--target", str(repo)]) == 0, command
        err = capsys.readouterr().err
        assert "warning: invalid configuration" in err and "did you mean 'ai.model'?" in err
        assert f"(left out: `{command[0]}` works without it)" in err
    assert run(repo, "--dry-run") == 2
    assert "error: invalid configuration" in capsys.readouterr().err
    # the command line itself must still be valid
    assert main(["graph", "--target", str(repo), "--jobs", "65"]) == 2


def test_cache_without_an_action_lists_the_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "--target", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cache needs an action:" in err and "usage: ai-workflow cache" in err
    for action in ("stats:", "prune:", "clear:"):
        assert f"\n  {action}" in err


def test_jobs_default_to_the_cpus_and_more_jobs_are_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert Config().run.jobs == min(4, usable_cpus())
    repo = make_repo(tmp_path, {".workflow-config.yaml": STEP, ".gitignore": ".ai_workflow/\n"})
    jobs = usable_cpus() + 1
    assert run(repo, "--parallel", "--jobs", str(jobs)) == 0
    out = capsys.readouterr().out  # the run header (stderr with --json)
    assert out.count(f"--jobs {jobs} is more than the {usable_cpus()} CPU(s) here") == 1
    assert run(repo, "--parallel") == 0
    assert "CPU(s) here" not in capsys.readouterr().out
