"""The change set: what differs between a base commit and the working tree, and why that base.

Base precedence: `smart_execution.base` (`--base`) or `AI_WORKFLOW_BASE` > the CI's base (see
`ai_workflow.changes.ci_base`: the pull or merge request's base, else the commit before the
pushed ones) > the commit of the last passed run when it is an ancestor of HEAD > `HEAD~1`.
The change set is `git diff MERGE_BASE` against the working tree (committed, staged and
unstaged changes in one pass; renames count for both paths because rename detection is off)
plus untracked files git does not ignore. Every git call uses `-z` output, so names with
spaces, newlines or any byte survive.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_workflow.changes.ci_base import CI_BASE_VARIABLES, GITHUB_FIX, GITLAB_FIX, CiBase, ci_base
from ai_workflow.config import CONFIG_FILE_NAMES, Config
from ai_workflow.gitutil import GitError, git
from ai_workflow.project_files import ALWAYS_EXCLUDED_DIRS
from ai_workflow.textfiles import read_utf8
from ai_workflow.workdir import excluded_workdirs

UNTRACKED = "?"
__all__ = ["CI_BASE_VARIABLES", "Base", "ChangeSet", "detect_changes", "display_path"]
SHALLOW_FIX = f"fetch more history: `git fetch --unshallow` ({GITHUB_FIX}; {GITLAB_FIX})"


@dataclass(frozen=True)
class Base:
    """The commit changes are measured from, and why it was chosen."""

    ref: str  # what was asked for: "origin/main", "HEAD~1", a run's commit
    commit: str  # full commit id
    source: str  # option | environment | ci | history | parent
    reason: str  # one line for people: "--base origin/main"

    @property
    def short(self) -> str:
        return self.commit[:7]


@dataclass
class ChangeSet:
    """Changed paths (relative to the target, POSIX) with their git status letter.

    `known` is False when the change set cannot be trusted (not git, shallow clone, unknown
    base...): `unknown_reason` says why and `warnings` carry the fix.
    """

    known: bool
    files: dict[str, str] = field(default_factory=dict)  # path -> A|M|D|T|?|...
    base: Base | None = None
    merge_base: str | None = None
    head: str | None = None
    unknown_reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the base was chosen, fallbacks
    workflow_config_changed: bool = False

    @classmethod
    def unknown(cls, reason: str, fix: str, **kwargs: Any) -> ChangeSet:
        warning = f"impact unknown: {reason}; every step runs. Fix: {fix}"
        return cls(known=False, unknown_reason=reason, warnings=[warning], **kwargs)


def display_path(path: str) -> str:
    """A path as printable text (undecodable bytes become U+FFFD)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _try(target: Path, *args: str) -> str | None:
    try:
        return git(target, *args)
    except GitError:
        return None


def _resolve(target: Path, ref: str) -> str | None:
    out = _try(target, "rev-parse", "--verify", "-q", "--end-of-options", ref + "^{commit}")
    return out.strip() or None if out else None


def _is_ancestor(target: Path, commit: str) -> bool:
    return _try(target, "merge-base", "--is-ancestor", commit, "HEAD") is not None


@dataclass
class _Repo:
    target: Path
    head: str | None
    branch: str | None
    shallow: bool


def _open_repo(target: Path) -> _Repo | None:
    flags = _try(target, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository")
    if flags is None or not flags.startswith("true"):
        return None
    head = _resolve(target, "HEAD")
    branch = (_try(target, "symbolic-ref", "-q", "--short", "HEAD") or "").strip() or None
    return _Repo(target, head, branch, flags.split()[-1] == "true")


def detect_changes(
    target: Path,
    config: Config,
    history: Sequence[Mapping[str, Any]] = (),
    environ: Mapping[str, str] | None = None,
) -> ChangeSet:
    """Detect what changed in `target`; never raises for git problems (they make it unknown)."""
    env = os.environ if environ is None else environ
    repo = _open_repo(target)
    if repo is None:
        return ChangeSet.unknown(
            "the target is not inside a git work tree",
            "run it on a git repository (step fingerprints still reuse unchanged steps)",
        )
    if repo.head is None:
        return ChangeSet.unknown(
            "the repository has no commits yet", "commit once, then smart execution can compare"
        )
    try:
        chosen = _choose_base(repo, config, history, env)
        if isinstance(chosen, ChangeSet):
            return chosen
        base, notes = chosen
        return _diff(repo, base, notes, config)
    except GitError as exc:
        return ChangeSet.unknown(f"git failed ({exc})", "check the repository with `git status`")


def _explicit_base(config: Config, env: Mapping[str, str]) -> tuple[str, str, str] | None:
    if config.smart_execution.base:
        ref = config.smart_execution.base
        return ref, "option", f"--base {ref} (smart_execution.base)"
    if env.get("AI_WORKFLOW_BASE", "").strip():
        ref = env["AI_WORKFLOW_BASE"].strip()
        return ref, "environment", f"AI_WORKFLOW_BASE={ref}"
    return None


def _choose_base(
    repo: _Repo, config: Config, history: Sequence[Mapping[str, Any]], env: Mapping[str, str]
) -> tuple[Base, list[str]] | ChangeSet:
    explicit = _explicit_base(config, env)
    if explicit is not None:
        ref, source, reason = explicit
        commit = _resolve(repo.target, ref)
        if commit is None:
            return _missing_base(repo, f"the base '{ref}' ({reason}) does not exist here", ref)
        return Base(ref, commit, source, reason), []
    ci, ci_notes = ci_base(env)
    if ci is not None:
        return _ci_choice(repo, ci, ci_notes)
    if repo.branch is None:
        return ChangeSet.unknown(
            "HEAD is detached and no base was given",
            "check out a branch, or pass --base REF (or set AI_WORKFLOW_BASE)",
            head=repo.head,
        )
    notes: list[str] = list(ci_notes)
    from_history = _history_base(repo, history, notes)
    if from_history is not None:
        return from_history, notes
    return _parent_base(repo, notes)


def _ci_choice(repo: _Repo, ci: CiBase, notes: list[str]) -> tuple[Base, list[str]] | ChangeSet:
    reason = f"{ci.kind} {ci.origin}"
    if ci.commit is not None:
        commit = _resolve(repo.target, ci.commit)
        if commit is not None:
            return Base(ci.commit, commit, "ci", reason), notes
        if repo.shallow or not ci.branch_refs:
            return _ci_missing(repo, ci)
        notes = [*notes, f"the {ci.kind} commit {ci.commit[:7]} is not in the local history"]
    for candidate in ci.branch_refs:
        commit = _resolve(repo.target, candidate)
        if commit is not None:
            return Base(candidate, commit, "ci", reason), notes
    return _ci_missing(repo, ci)


def _ci_missing(repo: _Repo, ci: CiBase) -> ChangeSet:
    name = f"'{ci.branch}'" if ci.branch else str(ci.commit)[:7]
    reason = f"the {ci.kind} {name} ({ci.origin}) is not in the local history"
    if ci.kind == "previous push" and not repo.shallow:
        reason += " (rewritten by a force push?)"
    shallow_fix = f"fetch the whole history ({ci.shallow_fix}, or `git fetch --unshallow`)"
    return _missing_base(repo, reason, ci.fetch, shallow_fix)


def _missing_base(repo: _Repo, reason: str, ref: str, shallow_fix: str = SHALLOW_FIX) -> ChangeSet:
    fix = f"`git fetch origin {ref}`, or pass an existing commit with --base"
    if repo.shallow:
        reason = f"shallow clone: {reason}"
        fix = shallow_fix + f", then `git fetch origin {ref}`"
    return ChangeSet.unknown(reason, fix, head=repo.head)


def _history_base(
    repo: _Repo, history: Sequence[Mapping[str, Any]], notes: list[str]
) -> Base | None:
    for run in reversed(history):
        if run.get("status") != "passed":
            continue
        options = run.get("options") or {}
        if isinstance(options, Mapping) and options.get("all_steps") is False:
            continue  # a run of selected steps vouches for nothing about the others
        state = run.get("git") or {}
        commit = state.get("commit") if isinstance(state, Mapping) else None
        run_id = run.get("run_id", "?")
        if not isinstance(commit, str) or not commit:
            notes.append(f"last passed run {run_id} has no git commit recorded")
            return None
        if state.get("dirty"):
            notes.append(f"last passed run {run_id} ran on uncommitted changes")
            return None
        if not _is_ancestor(repo.target, commit):
            notes.append(f"last passed run {run_id} ({commit[:7]}) is not an ancestor of HEAD")
            return None
        return Base(commit, commit, "history", f"commit of the last passed run {run_id}")
    return None


def _parent_base(repo: _Repo, notes: list[str]) -> tuple[Base, list[str]] | ChangeSet:
    commit = _resolve(repo.target, "HEAD~1")
    if commit is not None:
        reason = "HEAD~1: " + ("; ".join(notes) if notes else "no passed run recorded")
        return Base("HEAD~1", commit, "parent", reason), notes
    if repo.shallow:
        return ChangeSet.unknown(
            "shallow clone: HEAD~1 is not in the local history", SHALLOW_FIX, head=repo.head
        )
    return ChangeSet.unknown(
        "HEAD is the repository's only commit, there is nothing to compare with",
        "pass --base REF once there is history to compare with",
        head=repo.head,
    )


def _diff(repo: _Repo, base: Base, notes: list[str], config: Config) -> ChangeSet:
    merge_base = base.commit
    if base.source in ("option", "environment", "ci"):
        out = _try(repo.target, "merge-base", base.commit, "HEAD")
        if not out or not out.strip():
            fix = SHALLOW_FIX if repo.shallow else "pass a --base that shares history with HEAD"
            reason = f"{base.ref} and HEAD have no common ancestor here"
            if repo.shallow:
                reason = f"shallow clone: {reason} (the history between them was not fetched)"
            return ChangeSet.unknown(reason, fix, base=base, head=repo.head)
        merge_base = out.strip()
    files = _tracked_changes(repo.target, merge_base)
    for path in _split(git(repo.target, "ls-files", "-z", "--others", "--exclude-standard")):
        files.setdefault(path, UNTRACKED)
    files = _without_excluded(
        files, [*config.structure.exclude_dirs, *excluded_workdirs(repo.target)]
    )
    return ChangeSet(
        known=True,
        files=files,
        base=base,
        merge_base=merge_base,
        head=repo.head,
        notes=notes,
        workflow_config_changed=_workflow_config_changed(repo.target, merge_base, files),
    )


def _split(raw: str) -> list[str]:
    return [p for p in raw.split("\0") if p]


def _tracked_changes(target: Path, merge_base: str) -> dict[str, str]:
    raw = git(
        target, "diff", "-z", "--name-status", "--no-renames", "--no-ext-diff", "--relative",
        merge_base, "--",
    )  # fmt: skip
    tokens = raw.split("\0")
    files: dict[str, str] = {}
    i = 0
    while i + 1 < len(tokens):
        status = tokens[i]
        if not status:
            i += 1
            continue
        if status[0] in "RC":  # only if a user config forces renames on: count both paths
            files[tokens[i + 1]] = "D" if status[0] == "R" else "A"
            files[tokens[i + 2]] = "A"
            i += 3
            continue
        files[tokens[i + 1]] = status[0]
        i += 2
    return files


def _without_excluded(files: dict[str, str], exclude_dirs: Sequence[str]) -> dict[str, str]:
    """Drop our own artifacts and the directories no step reads."""
    names = ALWAYS_EXCLUDED_DIRS
    prefixes = tuple(d.strip("/") + "/" for d in exclude_dirs if d.strip("/"))
    kept: dict[str, str] = {}
    for path, status in files.items():
        if prefixes and path.startswith(prefixes):
            continue
        if "/" in path and not names.isdisjoint(path.split("/")[:-1]):
            continue
        kept[path] = status
    return kept


def _workflow_config_changed(target: Path, merge_base: str, files: Mapping[str, str]) -> bool:
    """True when ai-workflow's own configuration differs from the base (every step may care)."""
    if any(name in files for name in CONFIG_FILE_NAMES):
        return True
    if "pyproject.toml" not in files:
        return False
    old = _try(target, "show", f"{merge_base}:./pyproject.toml")
    new = read_utf8(target / "pyproject.toml", root=target)
    return bool(_tool_section(old) != _tool_section(new))


def _tool_section(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return tomllib.loads(text).get("tool", {}).get("ai-workflow")
    except tomllib.TOMLDecodeError:
        return "<unreadable>"
