"""The project files steps see: tracked plus untracked-not-ignored, never our artifacts.

Only regular files inside the target are project files: a FIFO, socket or device, a dangling
symlink and a symlink whose real path is outside the target are left out, so no step that
reads the listing can hang on a FIFO or read a file from outside the project.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.engine.step import RunMemo, StepContext
from ai_workflow.gitutil import GitError, git
from ai_workflow.textfiles import inside, register_root
from ai_workflow.workdir import DEFAULT_WORKDIR, excluded_workdirs

ALWAYS_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        DEFAULT_WORKDIR,
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        ".hypothesis",
    }
)


def list_project_files(target: Path, exclude_dirs: tuple[str, ...] = ()) -> list[str]:
    """Relative POSIX paths of the project's files, sorted.

    In a git work tree: tracked files plus untracked files git does not ignore (as they are on
    disk: deleted tracked files are left out). Elsewhere: every file, minus the usual tool and
    environment directories. `exclude_dirs` (from `structure.exclude_dirs`) are left out too.
    Only regular files inside the target count (see the module docstring).
    """
    register_root(target)  # reads under the target stay inside it (textfiles)
    exclude_dirs = (*exclude_dirs, *excluded_workdirs(target))
    excluded = ALWAYS_EXCLUDED_DIRS | set(exclude_dirs)
    try:  # git refuses outside a work tree: then every file on disk
        raw = git(target, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    except GitError:
        raw = None
    if raw is not None:
        paths = {p for p in raw.split("\0") if p}
        return sorted(
            p
            for p in paths
            if not _in_excluded(p, excluded, exclude_dirs) and is_project_file(target, p)
        )
    found: list[str] = []
    for root, dirs, files in os.walk(target):
        dirs[:] = sorted(d for d in dirs if d not in excluded)
        rel_root = Path(root).relative_to(target)
        for name in files:
            rel = (rel_root / name).as_posix()
            if not _in_excluded(rel, excluded, exclude_dirs) and is_project_file(target, rel):
                found.append(rel)
    return sorted(found)


def created_since_listing(target: Path, listed: Sequence[str], seen: Sequence[str]) -> set[str]:
    """Which of `seen` (paths a tool found walking the target itself, as ruff's `--show-files`
    does) are untracked files git does not ignore that `listed`, the run's listing of the
    project files, lacks: files that appeared after the run listed the project, such as what
    the project's own test suite wrote into the tree when step 7 ran it (astor 0.8.1's round-
    trip test writes a copy of the standard library to `tmp_rtrip/`). They are output of the
    run, not the project. A tracked file, an untracked one that was there when the run began,
    and anything outside a git work tree are never counted (git says nothing about them)."""
    known = set(listed)
    unlisted = {rel for rel in seen if rel not in known}
    if not unlisted:
        return set()
    try:
        raw = git(target, "ls-files", "-z", "--others", "--exclude-standard")
    except GitError:
        return set()
    return unlisted & {p for p in raw.split("\0") if p}


def is_project_file(target: Path, rel: str) -> bool:
    """A regular file, or a symlink to a regular file inside `target` (one lstat when it is
    a plain file)."""
    path = os.path.join(target, rel)
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode):
            return True
        if not stat.S_ISLNK(mode) or not stat.S_ISREG(os.stat(path).st_mode):
            return False
    except (OSError, ValueError):
        return False
    return inside(path, target)


TOOL_WALK_SKIPPED = frozenset({".git", "node_modules"})
"""Directories a linter walking the project skips by itself (ESLint's defaults)."""


def unsafe_entries(target: Path, skipped: Sequence[str] = ()) -> list[str]:
    """What a tool walking the target on its own must be told to leave alone, as relative
    POSIX paths, sorted: every entry that is neither a directory nor a project file (a FIFO,
    a socket, a device, a dangling symlink, a link to something outside the target) and every
    directory link leading out of the target. `.git`, `node_modules` and the `skipped`
    directories (relative paths: the work directories, which the tool is told to skip) are
    not walked."""
    left_out = {s.strip("/") for s in skipped}
    found: list[str] = []
    for root, dirs, files in os.walk(target):
        rel_root = Path(root).relative_to(target)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in TOOL_WALK_SKIPPED and (rel_root / d).as_posix() not in left_out
        )
        for name in list(dirs):
            path = os.path.join(root, name)
            if os.path.islink(path) and not inside(path, target):
                found.append((rel_root / name).as_posix())
                dirs.remove(name)
        found += [
            (rel_root / name).as_posix()
            for name in files
            if not is_project_file(target, (rel_root / name).as_posix())
        ]
    return sorted(found)


def _in_excluded(path: str, names: set[str] | frozenset[str], prefixes: tuple[str, ...]) -> bool:
    parts = path.split("/")
    if any(part in names for part in parts[:-1]):
        return True
    return any(path.startswith(prefix.rstrip("/") + "/") for prefix in prefixes)


def run_project_files(memo: RunMemo, target: Path, exclude_dirs: Sequence[str]) -> list[str]:
    """`list_project_files`, listed once per run and shared by the engine and every step."""
    exclude = tuple(exclude_dirs)
    return memo.get("project_files", lambda: list_project_files(target, exclude))


def project_files(ctx: StepContext) -> list[str]:
    """The project's files for a running step (see `run_project_files`)."""
    return run_project_files(ctx.memo, ctx.target, ctx.config.structure.exclude_dirs)
