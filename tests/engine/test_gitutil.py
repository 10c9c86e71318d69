"""gitutil reads a real repository without ever writing to its `.git` directory."""

from __future__ import annotations

import os
from pathlib import Path

from ai_workflow.cli import main
from ai_workflow.gitutil import GitState, git_state
from tests.engine.conftest import custom_only_config
from tests.helpers import git, make_repo


def stale_index_repo(root: Path) -> Path:
    """A clean repo whose index has stale stat data: a plain `git status` would rewrite it."""
    repo = make_repo(
        root,
        {
            "README.md": "# project\n",
            ".gitignore": ".ai_workflow/\n",
            ".workflow-config.yaml": custom_only_config([{"id": "a", "run": "true"}]),
        },
    )
    stat = (repo / "README.md").stat()
    os.utime(repo / "README.md", ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**10))
    return repo


def test_git_state_does_not_refresh_the_index(tmp_path: Path) -> None:
    repo = stale_index_repo(tmp_path / "project")
    before = (repo / ".git" / "index").read_bytes()
    state = git_state(repo)
    assert state is not None and state.dirty is False and state.branch == "main"
    assert (repo / ".git" / "index").read_bytes() == before
    # the control: git's own status, with optional locks, does rewrite this index
    git(repo, "status", "--porcelain")
    assert (repo / ".git" / "index").read_bytes() != before


def test_dry_run_leaves_dot_git_untouched(tmp_path: Path) -> None:
    repo = stale_index_repo(tmp_path / "project")
    before = {p: p.read_bytes() for p in (repo / ".git").rglob("*") if p.is_file()}
    assert main(["run", "--target", str(repo), "--dry-run"]) == 0
    after = {p: p.read_bytes() for p in (repo / ".git").rglob("*") if p.is_file()}
    assert after == before


def test_git_state_from_one_status(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git_state(plain) is None
    repo = make_repo(tmp_path / "repo")
    assert git_state(repo) == GitState(branch="main", commit=None, dirty=False)  # unborn
    (repo / "a b.txt").write_text("x\n")
    assert git_state(repo) == GitState("main", None, True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    head = git(repo, "rev-parse", "HEAD").strip()
    assert git_state(repo) == GitState("main", head, False)
    (repo / ".ai_workflow").mkdir()
    (repo / ".ai_workflow" / "x").write_text("ours\n")
    assert git_state(repo) == GitState("main", head, False)  # our own files never count
    git(repo, "mv", "a b.txt", "c.txt")
    assert git_state(repo) == GitState("main", head, True)
    git(repo, "checkout", "-q", "--detach")
    state = git_state(repo)
    assert state is not None and state.branch is None and state.commit == head
    assert git_state(repo / ".git") is None  # not a work tree
