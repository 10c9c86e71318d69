"""Small, safe wrappers around the git command line (read-only unless a caller says otherwise)."""

from __future__ import annotations

import os
import stat
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


GIT_READS = frozenset({".gitignore", ".gitattributes"})
"""Files git opens in every directory it walks: one that is a FIFO makes git wait forever."""
GIT_WALK_SKIPPED = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})


def blocking_git_files(target: Path) -> list[str]:
    """`.gitignore`/`.gitattributes` files git would open in `target`'s work tree (the target,
    its subdirectories and the directories above it up to the repository) that are no
    regular file and no symlink (git does not follow those), as paths relative to the
    target; [] outside a git work tree."""
    top = next((d for d in (target, *target.parents) if (d / ".git").exists()), None)
    if top is None:
        return []
    found: list[str] = []
    dirs_above = [d for d in target.parents if d == top or top in d.parents]
    for directory in dirs_above:
        found += [os.path.relpath(directory / n, target) for n in _blocking_in(directory)]
    for root, dirs, _files in os.walk(target):
        dirs[:] = [d for d in dirs if d not in GIT_WALK_SKIPPED]
        found += [os.path.relpath(Path(root) / n, target) for n in _blocking_in(Path(root))]
    return sorted(found)


def _blocking_in(directory: Path) -> list[str]:
    blocking = []
    for name in GIT_READS:
        try:
            mode = os.lstat(directory / name).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode) and not stat.S_ISLNK(mode):
            blocking.append(name)
    return blocking


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
    """Branch, commit and dirtiness, from one `git status`; None when the target is not inside
    a git work tree (git refuses there)."""
    try:
        raw = git(
            target,
            "status",
            "--porcelain=v2",
            "--branch",
            "-z",
            "--untracked-files=normal",
        )
    except GitError:
        return None
    from ai_workflow.workdir import is_workdir_path  # it uses `git`: imported here

    branch = commit = None
    dirty = False
    fields = iter(raw.split("\0"))
    for entry in fields:
        if entry.startswith("# branch.oid "):
            commit = None if entry.endswith("(initial)") else entry.split()[-1]
        elif entry.startswith("# branch.head "):
            branch = None if entry.endswith("(detached)") else entry[len("# branch.head ") :]
        elif entry and not entry.startswith("#"):
            if entry.startswith("2 "):
                next(fields, None)  # a rename's original path
            dirty = dirty or not is_workdir_path(target, _porcelain_v2_path(entry))
    return GitState(branch=branch, commit=commit, dirty=dirty)


_V2_FIELDS_BEFORE_PATH = {"1": 8, "2": 9, "u": 10, "?": 1, "!": 1}


def _porcelain_v2_path(entry: str) -> str:
    """The path of a `git status --porcelain=v2 -z` entry (its last space-separated field)."""
    return entry.split(" ", _V2_FIELDS_BEFORE_PATH.get(entry[:1], 1))[-1]
