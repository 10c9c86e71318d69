"""Step 0: Pre-Analysis. Git state, changed files and tech stack: what the other steps read.

`data` holds `git` (branch, commit, upstream, ahead/behind...), `changed_files` (working tree and
staged changes vs HEAD, untracked files, and the files of the last commit; relative paths, never
`.ai_workflow/`), `changes` (the same split by origin, plus deleted files) and `stack`
(`TechStack.to_dict()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.techstack import GENERIC, TechStack, detect_stack
from ai_workflow.workdir import is_workdir_path

SPEC = StepSpec(
    id="pre_analysis",
    number=0,
    name="Pre-Analysis",
    description="Git state, changed files and tech stack: the overview the other steps read.",
    depends_on=(),
    categories=("*",),
    estimate_s=30.0,
    persona=None,
)

GIT_TIMEOUT_S = 60.0
GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


class _Git:
    """Read-only git commands through the step's killable runner."""

    def __init__(self, ctx: StepContext) -> None:
        self.ctx = ctx

    def out(self, *args: str) -> str | None:
        result = self.ctx.run_command(
            ["git", "-C", str(self.ctx.target), *args], timeout=GIT_TIMEOUT_S, env=GIT_ENV
        )
        return result.stdout if result.ok else None

    def paths(self, *args: str) -> list[str]:
        """Paths from a `-z` listing, without our own work directory."""
        raw = self.out(*args) or ""
        return sorted({p for p in raw.split("\0") if p and not is_workdir_path(self.ctx.target, p)})


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    git = _Git(ctx)
    inside = (git.out("rev-parse", "--is-inside-work-tree") or "").strip() == "true"
    if inside:
        head = _head(git)
        facts = _git_facts(git, head)
        changes = _changes(git, has_commits=head.commit is not None, has_parent=head.has_parent)
        _report_git(outcome, facts, changes)
    else:
        facts = {"is_repo": False}
        changes = {"working_tree": [], "untracked": [], "last_commit": [], "deleted": []}
        outcome.add(
            "git/not-a-repository",
            "info",
            "the target is not a git work tree: branch, commit and changed files are unknown",
        )
    stack = detect_stack(ctx)
    _report_stack(outcome, stack)
    changed = sorted(
        set(changes["working_tree"]) | set(changes["untracked"]) | set(changes["last_commit"])
    )
    outcome.data = {
        "git": facts,
        "changed_files": changed,
        "changes": changes,
        "stack": stack.to_dict(),
    }
    outcome.checked += [
        _describe_git(facts) if inside else "git state: not a repository",
        _describe_changes(changes),
        f"tech stack: {_describe_stack(stack)}",
    ]
    outcome.summary = _summary(facts, changed, stack)
    return outcome


# --------------------------------------------------------------------------- git

CHANGED_FILES_SHOWN = 20


def _describe_git(facts: dict[str, Any]) -> str:
    """The git facts as one line of the step report."""
    if facts["commit"] is None:
        return f"git state: branch {facts['branch'] or '?'}, no commits yet"
    where = f"branch {facts['branch']}" if facts["branch"] else "detached HEAD"
    line = f"git state: {where} at {facts['short_commit']}"
    if facts["subject"]:
        line += f" ({facts['subject']})"
    if facts["upstream"] is None:
        return line + "; no upstream branch"
    if facts["ahead"] is None:
        return line + f"; upstream {facts['upstream']}"
    return line + f"; {facts['ahead']} ahead of, {facts['behind']} behind {facts['upstream']}"


def _describe_changes(changes: dict[str, list[str]]) -> str:
    """Changed files by origin, the first few named."""
    parts = []
    for key, label in (
        ("working_tree", "changed in the working tree or index"),
        ("untracked", "untracked"),
        ("last_commit", "in the last commit"),
    ):
        paths = changes[key]
        if not paths:
            continue
        shown = ", ".join(f"`{p}`" for p in paths[:CHANGED_FILES_SHOWN])
        more = (
            f" (+{len(paths) - CHANGED_FILES_SHOWN} more)"
            if len(paths) > CHANGED_FILES_SHOWN
            else ""
        )
        parts.append(f"{len(paths)} {label}: {shown}{more}")
    return "changed files: " + ("; ".join(parts) if parts else "none")


def _describe_stack(stack: TechStack) -> str:
    languages = ", ".join(f"{name} {share:.0%}" for name, share in stack.languages.items())
    languages = languages or GENERIC
    tests = stack.test_command or "no test command"
    return f"{languages}; tests: {tests}"


def _git_facts(git: _Git, head: _Head) -> dict[str, Any]:
    commit = head.commit
    branch = (git.out("symbolic-ref", "-q", "--short", "HEAD") or "").strip() or None
    facts: dict[str, Any] = {
        "is_repo": True,
        "branch": branch,
        "detached": commit is not None and branch is None,
        "commit": commit,
        "short_commit": commit[:12] if commit else None,
        "subject": None,
        "upstream": None,
        "ahead": None,
        "behind": None,
        "dirty": False,
    }
    if commit:
        facts["subject"] = head.subject
        facts.update(_upstream(git))
    return facts


HEAD_FORMAT = "--format=%H%x00%P%x00%s"


@dataclass(frozen=True)
class _Head:
    commit: str | None
    has_parent: bool  # `HEAD~1` exists
    subject: str | None


def _head(git: _Git) -> _Head:
    """HEAD's commit id, whether it has a parent and its subject, from one `git log` (instead
    of `rev-parse HEAD`, `rev-parse HEAD~1` and `log -1 --format=%s`); no commit, no parent
    and no subject before the first commit."""
    raw = git.out("log", "-1", "--no-show-signature", HEAD_FORMAT, "HEAD") or ""
    fields = raw.rstrip("\n").split("\0")
    if len(fields) != 3 or not fields[0].strip():
        return _Head(None, False, None)
    commit, parents, subject = fields
    return _Head(commit.strip(), bool(parents.split()), subject.strip() or None)


def _upstream(git: _Git) -> dict[str, Any]:
    upstream = git.out("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    if not upstream or not upstream.strip():
        return {}
    counts = (git.out("rev-list", "--left-right", "--count", "HEAD...@{upstream}") or "").split()
    if len(counts) != 2:
        return {"upstream": upstream.strip()}
    return {"upstream": upstream.strip(), "ahead": int(counts[0]), "behind": int(counts[1])}


def _changes(git: _Git, *, has_commits: bool, has_parent: bool) -> dict[str, list[str]]:
    untracked = git.paths("ls-files", "-z", "--others", "--exclude-standard")
    if not has_commits:
        staged = git.paths("ls-files", "-z", "--cached")
        return {"working_tree": staged, "untracked": untracked, "last_commit": [], "deleted": []}
    working, deleted = _working(git)
    if has_parent:
        last = git.paths("diff", "-z", "--name-only", "--no-renames", "HEAD~1", "HEAD")
    else:  # the first commit: everything it added
        last = git.paths("diff-tree", "-z", "-r", "--root", "--no-commit-id", "--name-only", "HEAD")
    return {
        "working_tree": working,
        "untracked": untracked,
        "last_commit": last,
        "deleted": deleted,
    }


def _working(git: _Git) -> tuple[list[str], list[str]]:
    """The paths that differ between HEAD and the working tree, and those of them deleted,
    from one `git diff --name-status` (what `--name-only` and `--diff-filter=D` give)."""
    raw = (git.out("diff", "-z", "--name-status", "--no-renames", "HEAD") or "").split("\0")
    changed: set[str] = set()
    deleted: set[str] = set()
    for status, path in zip(raw[0::2], raw[1::2], strict=False):
        if not path or is_workdir_path(git.ctx.target, path):
            continue
        changed.add(path)
        if status.startswith("D"):
            deleted.add(path)
    return sorted(changed), sorted(deleted)


def _report_git(outcome: StepOutcome, facts: dict[str, Any], changes: dict[str, list[str]]) -> None:
    facts["dirty"] = bool(changes["working_tree"] or changes["untracked"])
    if facts["commit"] is None:
        outcome.add("git/no-commits", "info", "the repository has no commits yet")
    elif facts["detached"]:
        outcome.add("git/detached-head", "info", f"HEAD is detached at {facts['short_commit']}")
    if facts.get("behind"):
        outcome.add(
            "git/behind-upstream",
            "info",
            f"the branch is {facts['behind']} commit(s) behind {facts['upstream']}",
        )


# --------------------------------------------------------------------------- stack


def _report_stack(outcome: StepOutcome, stack: TechStack) -> None:
    if stack.primary_language == GENERIC:
        outcome.add(
            "stack/generic",
            "info",
            "no language detected with enough evidence: language-specific checks are skipped "
            "(set tech_stack.primary_language to choose one)",
        )
    if stack.test_framework in ("pytest", "unittest") and stack.python is None:
        outcome.add(
            "stack/no-python",
            "warning",
            f"{stack.test_framework} tests found but no Python interpreter: "
            "set tech_stack.python or activate the project's virtual environment",
        )
    if stack.test_command is None and stack.primary_language != GENERIC:
        outcome.add(
            "stack/no-test-command",
            "info",
            "no test command detected (set tech_stack.test_command to run the tests)",
        )


def _summary(facts: dict[str, Any], changed: list[str], stack: TechStack) -> str:
    if facts.get("is_repo"):
        where = facts.get("branch") or (facts.get("short_commit") or "no commits")
        if facts.get("ahead") or facts.get("behind"):
            where += f" (+{facts['ahead']}/-{facts['behind']})"
    else:
        where = "not a git repository"
    tests = f", tests: {stack.test_command}" if stack.test_command else ""
    return f"{where}; {len(changed)} changed file(s); {stack.primary_language}{tests}"
