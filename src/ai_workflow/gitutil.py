"""Small, safe wrappers around the git command line (read-only unless a caller says otherwise)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    pass


READ_ONLY_ENV = {"GIT_OPTIONAL_LOCKS": "0"}
"""No optional locks: `git status` and friends never refresh (rewrite) the project's index."""


def git(target: Path, *args: str, check: bool = True, timeout: float = 60.0) -> str:
    """Run `git -C target args...` and return stdout; GitError on failure when `check`.

    Optional locks are off (GIT_OPTIONAL_LOCKS=0): a read never writes `.git/index`, and never
    collides with the user's own git commands; a write still takes the locks it needs.
    """
    try:
        proc = subprocess.run(
            ["git", "-C", str(target), *args],
            capture_output=True,
            text=True,
            errors="surrogateescape",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **READ_ONLY_ENV},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args)}: {exc}") from None
    if check and proc.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {proc.stderr.strip() or proc.returncode}")
    return proc.stdout


def is_git_repo(target: Path) -> bool:
    try:
        return git(target, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def repo_root(target: Path) -> Path | None:
    try:
        return Path(git(target, "rev-parse", "--show-toplevel").strip())
    except GitError:
        return None


@dataclass(frozen=True)
class GitState:
    branch: str | None  # None on a detached HEAD
    commit: str | None  # None in a repository without commits
    dirty: bool

    def to_dict(self) -> dict[str, object]:
        return {"branch": self.branch, "commit": self.commit, "dirty": self.dirty}


def git_state(target: Path) -> GitState | None:
    """Branch, commit and dirtiness; None when the target is not inside a git work tree."""
    if not is_git_repo(target):
        return None
    branch = git(target, "rev-parse", "--abbrev-ref", "HEAD", check=False).strip()
    commit = git(target, "rev-parse", "--verify", "-q", "HEAD", check=False).strip() or None
    status = git(
        target,
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=normal",
        check=False,
    )
    dirty = any(line and not _is_workdir_artifact(line) for line in status.splitlines())
    return GitState(
        branch=None if branch in ("", "HEAD") else branch,
        commit=commit,
        dirty=dirty,
    )


def _is_workdir_artifact(status_line: str) -> bool:
    return status_line[3:].strip('"').startswith(".ai_workflow/")
