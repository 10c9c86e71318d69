"""The work directory: where every file ai-workflow writes goes, `<target>/.ai_workflow/` unless
configured otherwise. `workdir(target)` is the one answer to "where"; every path of ours (the
`Workspace`, metrics, checkpoints, caches) and every exclusion of ours (project file listings,
change detection, fingerprints, linters, git status) derives from it.

The application chooses it once per command (`choose_workdir`): `--workdir`,
`AI_WORKFLOW_WORKDIR` or `run.workdir` (relative paths are relative to the target), else the
default. ai-workflow never writes into a directory that holds files tracked by git: the original
Bash tool commits its own `.ai_workflow/`, so when that directory holds tracked files the default
becomes `.ai-workflow/` (and the run says so once), and a configured directory that holds
tracked files is a usage error.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ai_workflow.errors import UsageError
from ai_workflow.gitutil import GitError, git

DEFAULT_WORKDIR = ".ai_workflow"
"""The default work directory's name (also the original Bash tool's)."""
FALLBACK_WORKDIR = ".ai-workflow"
"""The default when `DEFAULT_WORKDIR` holds files tracked by git."""
WORKDIR_NAMES = (DEFAULT_WORKDIR, FALLBACK_WORKDIR)


@dataclass(frozen=True)
class WorkdirChoice:
    path: Path
    note: str | None = None  # why the default was not used, to say once in the run header


_chosen: dict[Path, WorkdirChoice] = {}
_lock = threading.Lock()


def _key(target: Path) -> Path:
    return Path(os.path.abspath(target))


def choose_workdir(target: Path, configured: str | None = None) -> WorkdirChoice:
    """Decide the work directory of `target` for this process (UsageError when the configured
    one cannot be used) and remember it for `workdir`."""
    key = _key(target)
    if configured is not None and configured.strip():
        choice = WorkdirChoice(_configured(key, configured.strip()))
    else:
        choice = _default(key)
    with _lock:
        _chosen[key] = choice
    return choice


def workdir(target: Path) -> Path:
    """The work directory of `target`: the one chosen for it, else the default."""
    return chosen_workdir(target).path


def chosen_workdir(target: Path) -> WorkdirChoice:
    """The choice made for `target` (with its note), the default when none was made."""
    key = _key(target)
    with _lock:
        found = _chosen.get(key)
    return found if found is not None else choose_workdir(key)


def relative_workdir(target: Path) -> str | None:
    """The work directory of `target` as a POSIX path relative to it (as `.gitignore` or a CI
    file names it), None when it lies outside the target."""
    try:
        rel = workdir(target).relative_to(_key(target)).as_posix()
    except ValueError:
        return None
    return rel if rel not in ("", ".") else None


def excluded_workdirs(target: Path) -> tuple[str, ...]:
    """Work directories inside `target` that no step reads, as POSIX paths relative to it: the
    default name (ours, or the original tool's when ours moved) and the one in use."""
    names = [DEFAULT_WORKDIR]
    rel = relative_workdir(target)  # None outside the target: nothing of the project to leave out
    if rel and rel not in names:
        names.append(rel)
    return tuple(names)


def is_workdir_path(target: Path, path: str) -> bool:
    """Whether `path` (relative to `target`, or to the repository root when the target is a
    subdirectory of it) lies in one of `excluded_workdirs(target)`."""
    parts = PurePosixPath(path).parts
    for name in excluded_workdirs(target):
        own = PurePosixPath(name).parts
        for start in range(len(parts) - len(own) + 1):
            if parts[start : start + len(own)] == own:
                return True
    return False


def _default(target: Path) -> WorkdirChoice:
    if not _holds_tracked_files(target, DEFAULT_WORKDIR):
        return WorkdirChoice(target / DEFAULT_WORKDIR)
    if _holds_tracked_files(target, FALLBACK_WORKDIR):
        raise UsageError(
            f"{DEFAULT_WORKDIR}/ and {FALLBACK_WORKDIR}/ in {target} both hold files tracked by "
            "git and ai-workflow never writes into a tracked directory: choose another work "
            "directory with --workdir DIR (or AI_WORKFLOW_WORKDIR, or run.workdir)"
        )
    return WorkdirChoice(
        target / FALLBACK_WORKDIR,
        f"work directory: {FALLBACK_WORKDIR}/ ({DEFAULT_WORKDIR}/ holds files tracked by git: "
        "left alone)",
    )


def _configured(target: Path, configured: str) -> Path:
    raw = Path(configured).expanduser()
    path = Path(os.path.normpath(raw if raw.is_absolute() else target / raw))
    if path == target or target.is_relative_to(path):
        raise UsageError(f"work directory {configured} would hold the whole project {target}")
    if ".git" in path.parts:
        raise UsageError(f"work directory {configured} is inside a .git directory")
    if path.is_relative_to(target):
        rel = path.relative_to(target).as_posix()
        if _holds_tracked_files(target, rel):
            raise UsageError(
                f"work directory {configured} holds files tracked by git: ai-workflow never "
                "writes into a tracked directory; choose another one"
            )
    return path


def _holds_tracked_files(target: Path, rel: str) -> bool:
    """Whether git tracks any file under `target/rel` (False outside a git work tree)."""
    try:
        out = git(target, "ls-files", "-z", "--", rel)
    except GitError:
        return False
    return bool(out.strip("\0"))
