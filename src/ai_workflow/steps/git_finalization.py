"""Step 11: Git Finalization. Working tree state and a proposed conventional commit message;
commits or pushes only when asked.

The message is built from the changed paths and, to tell a feature from a fix, whether the
diff adds a function or class definition (never from any tool's output, so log lines cannot
leak into it). Type inference, first match wins:

| what changed                                   | type     |
| ---------------------------------------------- | -------- |
| code with at least one new file                | feat     |
| code, only deleted or renamed files            | refactor |
| code, modified files that add a definition     | feat     |
| code, modified files                           | fix      |
| only docs / tests / CI / build files / other   | docs / test / ci / build / chore |
| several of those, no code                      | test > build > ci > docs > chore |

The scope is the deepest directory all those paths share, leaving out generic ones (`src`,
`tests`, `docs`...), else the file's stem when one file changed. With `run.commit` it commits
what the user staged (never `git add`); with `run.push` it pushes the branch. It refuses both on
a detached HEAD and during a merge, rebase, cherry-pick or revert.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.ci_files import is_ci_file
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.workdir import DEFAULT_WORKDIR, is_workdir_path, relative_workdir, workdir

SPEC = StepSpec(
    id="git_finalization",
    number=11,
    name="Git Finalization",
    description="Working tree state and a proposed conventional commit message; "
    "commits or pushes only when asked.",
    depends_on=("context_analysis",),
    categories=("*",),
    estimate_s=90.0,
    persona="git workflow specialist",
    mutates=True,  # with --commit/--push it writes .git: never alongside another writer
    after_failures=True,  # reports on failed steps too
)

SUBJECT_MAX = 72
BODY_MAX_FILES = 20
READ_TIMEOUT_S = 60.0
COMMIT_TIMEOUT_S = 300.0  # the user's commit hooks run here
PUSH_TIMEOUT_S = 300.0
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
READ_ENV = {**GIT_ENV, "GIT_OPTIONAL_LOCKS": "0"}
IN_PROGRESS = {
    "MERGE_HEAD": "a merge",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase or git am",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
}

# ------------------------------------------------------------------ path categories


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CODE_SUFFIXES = _words(
    ".py .pyi .js .mjs .cjs .jsx .ts .tsx .vue .svelte .sh .bash .zsh .go .rs .java .kt .rb "
    ".c .h .cc .cpp .hpp .cs .swift .php .scala .lua .pl .r .css .scss .html"
)
DOC_SUFFIXES = _words(".md .markdown .rst .adoc .txt")
DOC_STEMS = _words("readme changelog changes history license contributing authors notice")
DOC_DIRS = frozenset({"docs", "doc", "documentation"})
TEST_DIRS = frozenset({"tests", "test", "__tests__", "spec", "specs", "testing"})
TEST_NAME = re.compile(
    r"(^test_.*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$|\.bats$|^conftest\.py$)"
)
PROJECT_CI_DIR = ".ci/"  # a project's own CI scripts, beside the CI services' files
BUILD_NAMES = _words(
    """pyproject.toml setup.py setup.cfg MANIFEST.in Pipfile Pipfile.lock poetry.lock uv.lock
    package.json package-lock.json yarn.lock pnpm-lock.yaml npm-shrinkwrap.json Makefile
    CMakeLists.txt Dockerfile docker-compose.yml compose.yaml Cargo.toml Cargo.lock go.mod
    go.sum Gemfile Gemfile.lock build.gradle settings.gradle pom.xml tox.ini noxfile.py
    tsconfig.json"""
)
BUILD_NAME = re.compile(r"^(requirements.*\.(txt|in)|constraints.*\.txt|Dockerfile\..*)$")
GENERIC_DIRS = DOC_DIRS | TEST_DIRS | frozenset({"src", "lib", "source", ".github"})
NON_CODE_PRIORITY = ("test", "build", "ci", "docs", "chore")
SINGLE_TYPE = {"docs": "docs", "test": "test", "ci": "ci", "build": "build", "chore": "chore"}


def categorize(path: str) -> str:
    """One of code, docs, test, ci, build, chore for a repository-relative POSIX path."""
    pure = PurePosixPath(path)
    name, dirs = pure.name, [d.lower() for d in pure.parent.parts]
    if is_ci_file(path) or path.startswith(PROJECT_CI_DIR):
        return "ci"
    if name in BUILD_NAMES or BUILD_NAME.match(name):
        return "build"
    if TEST_NAME.search(name) or any(d in TEST_DIRS for d in dirs):
        return "test"
    if any(d in DOC_DIRS for d in dirs) or pure.suffix.lower() in DOC_SUFFIXES:
        return "docs"
    if pure.stem.lower() in DOC_STEMS:
        return "docs"
    if pure.suffix.lower() in CODE_SUFFIXES:
        return "code"
    return "chore"


# ------------------------------------------------------------------ working tree


@dataclass(frozen=True)
class Change:
    status: str  # A added, M modified, D deleted, R renamed, C copied, T type change, ? untracked
    path: str


@dataclass
class TreeState:
    staged: list[Change] = field(default_factory=list)
    unstaged: list[Change] = field(default_factory=list)
    untracked: list[Change] = field(default_factory=list)
    conflicted: list[str] = field(default_factory=list)
    workdir_untracked: bool = False  # files of ours show as untracked: the workdir not ignored

    def to_dict(self) -> dict[str, Any]:
        def paths(changes: list[Change]) -> list[dict[str, str]]:
            return [{"status": c.status, "path": c.path} for c in changes]

        return {
            "staged": paths(self.staged),
            "unstaged": paths(self.unstaged),
            "untracked": [c.path for c in self.untracked],
            "conflicted": list(self.conflicted),
            "counts": {
                "staged": len(self.staged),
                "unstaged": len(self.unstaged),
                "untracked": len(self.untracked),
                "conflicted": len(self.conflicted),
            },
        }


def _in_default_workdir(path: str) -> bool:
    return DEFAULT_WORKDIR in PurePosixPath(path).parts


def parse_status(raw: str, is_ours: Callable[[str], bool] = _in_default_workdir) -> TreeState:
    """`git status --porcelain=v1 -z --untracked-files=all`, without the paths `is_ours`
    (our work directory: `ai_workflow.workdir.is_workdir_path`; by default `.ai_workflow/`)."""
    state = TreeState()
    entries = iter(raw.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        x, y, path = entry[0], entry[1], entry[3:]
        if x in "RC":
            next(entries, None)  # the source path of a rename or copy
        if is_ours(path):
            state.workdir_untracked |= x == "?"
            continue  # our artefacts (also when the target is a subdirectory of the repo)
        if x == "?":
            state.untracked.append(Change("?", path))
        elif x == "U" or y == "U" or (x, y) in {("A", "A"), ("D", "D")}:
            state.conflicted.append(path)
        else:
            if x not in " !":
                state.staged.append(Change(x, path))
            if y not in " !":
                state.unstaged.append(Change(y, path))
    return state


# ------------------------------------------------------------------ commit message


@dataclass(frozen=True)
class CommitMessage:
    type: str
    scope: str | None
    subject: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.subject}\n\n{self.body}" if self.body else self.subject


# An added line that defines something: Python, JS/TS, Go, Rust, Ruby, shell functions.
ADDED_DEFINITION_RE = re.compile(
    r"^\+\s*(?:(?:async\s+)?def\s+\w|class\s+\w|(?:export\s+(?:default\s+)?)?"
    r"(?:async\s+)?function\*?\s+\w|export\s+(?:const|class|interface|type|enum)\s+\w|"
    r"func\s+(?:\([^)]*\)\s*)?\w|(?:pub(?:\([^)]*\))?\s+)?fn\s+\w|\w+\s*\(\)\s*\{)",
    re.MULTILINE,
)


def adds_definition(diff: str) -> bool:
    """Whether a unified diff adds a function, class or exported symbol."""
    return ADDED_DEFINITION_RE.search(diff) is not None


def infer_type(changes: Sequence[Change], new_definitions: bool = False) -> str | None:
    if not changes:
        return None
    categories = {categorize(c.path) for c in changes}
    if "code" in categories:
        code = [c for c in changes if categorize(c.path) == "code"]
        if any(c.status in {"A", "?"} for c in code) or new_definitions:
            return "feat"
        if all(c.status in {"D", "R"} for c in code):
            return "refactor"
        return "fix"
    if len(categories) == 1:
        return SINGLE_TYPE[categories.pop()]
    return next(t for t in NON_CODE_PRIORITY if t in categories)


def infer_scope(paths: Sequence[str], commit_type: str | None = None) -> str | None:
    if not paths:
        return None
    parents = [PurePosixPath(p).parent.parts for p in paths]
    common: list[str] = []
    for parts in zip(*parents, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    specific = [d for d in common if d.lower() not in GENERIC_DIRS]
    if specific:
        scope = specific[-1]
    elif len(set(paths)) == 1:
        scope = PurePosixPath(paths[0]).stem.lstrip(".")
    else:
        return None
    scope = re.sub(r"[^a-z0-9_.-]+", "-", scope.lower()).strip("-.")[:24]
    return scope if scope and scope != commit_type else None


def _clean(text: str) -> str:
    """A path as one printable line (control characters would break the message)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _verb(changes: Sequence[Change]) -> str:
    statuses = {c.status for c in changes}
    if statuses <= {"A", "?"}:
        return "add"
    if statuses == {"D"}:
        return "remove"
    if statuses == {"R"}:
        return "rename"
    return "update"


def _descriptions(changes: Sequence[Change]) -> list[str]:
    """Candidate descriptions, most specific first. Names only when they are unambiguous."""
    verb = _verb(changes)
    names = sorted({_clean(PurePosixPath(c.path).name) for c in changes})
    count = f"{verb} {len(changes)} file{'s' if len(changes) != 1 else ''}"
    if len(names) != len(changes) or len(names) > 3:
        return [count]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return [f"{verb} {listed}", count]


def propose_message(
    changes: Sequence[Change], new_definitions: bool = False
) -> CommitMessage | None:
    """A conventional commit message for `changes` (whose diff adds a definition when
    `new_definitions`); None when nothing changed."""
    commit_type = infer_type(changes, new_definitions)
    if commit_type is None:
        return None
    deciding = [c.path for c in changes if categorize(c.path) == "code"] or [
        c.path for c in changes
    ]
    scope = infer_scope(deciding, commit_type)
    subject = ""
    for head in (f"{commit_type}({scope})" if scope else commit_type, commit_type):
        for description in _descriptions(changes):
            subject = f"{head}: {description}"
            if len(subject) <= SUBJECT_MAX:
                return CommitMessage(commit_type, scope, subject, _body(changes))
        scope = None
    return CommitMessage(commit_type, None, subject[: SUBJECT_MAX - 1] + "…", _body(changes))


STATUS_WORD = {
    "A": "added",
    "?": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "type changed",
}


def _body(changes: Sequence[Change]) -> str:
    ordered = sorted(changes, key=lambda c: c.path)
    lines = [
        f"- {STATUS_WORD.get(c.status, 'changed')}: {_clean(c.path)}"
        for c in ordered[:BODY_MAX_FILES]
    ]
    if len(ordered) > BODY_MAX_FILES:
        lines.append(f"- and {len(ordered) - BODY_MAX_FILES} more file(s)")
    return "\n".join(lines)


# ------------------------------------------------------------------ the step


class _Git:
    def __init__(self, ctx: StepContext) -> None:
        self.ctx = ctx

    def run(
        self, *args: str, timeout: float = READ_TIMEOUT_S, write: bool = False
    ) -> CommandResult:
        return self.ctx.run_command(
            ["git", *args], timeout=timeout, env=GIT_ENV if write else READ_ENV
        )

    def out(self, *args: str) -> str | None:
        result = self.run(*args)
        return result.stdout if result.ok else None


def _git_failure(result: CommandResult) -> str:
    """git's own reason in one line: its fatal/error lines, else the last lines it printed."""
    if result.timed_out:
        return "timed out"
    lines = [ln.strip() for ln in (result.stderr or result.stdout).splitlines() if ln.strip()]
    reasons = [ln for ln in lines if ln.startswith(("fatal:", "error:"))] or lines[-3:]
    return " | ".join(reasons[:3]) or f"exit status {result.returncode}"


def _repository_facts(git: _Git) -> list[str] | None:
    """One `git rev-parse`: None outside a work tree, else the paths of the marker files of
    an operation in progress (merge, rebase...), in `IN_PROGRESS` order."""
    args = [a for name in IN_PROGRESS for a in ("--git-path", name)]
    lines = (git.out("rev-parse", "--is-inside-work-tree", *args) or "").splitlines()
    if not lines or lines[0].strip() != "true":
        return None
    return lines[1:]


def _operation_in_progress(ctx: StepContext, listed: list[str]) -> str | None:
    for name, raw in zip(IN_PROGRESS, listed, strict=False):
        path = Path(raw.strip())
        if (path if path.is_absolute() else ctx.target / path).exists():
            return IN_PROGRESS[name]
    return None


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    git = _Git(ctx)
    markers = _repository_facts(git)
    if markers is None:
        outcome.add("git/not-a-repository", "info", "the target is not a git work tree")
        outcome.checked.append("git state: not a repository")
        outcome.summary = "not a git repository: nothing to finalize"
        outcome.data = {"is_repo": False, "commit_message": None}
        return outcome
    raw = git.out("status", "--porcelain=v1", "-z", "--untracked-files=all")
    if raw is None:
        outcome.tool_error = "git status failed (see the step log)"
        return outcome
    state = parse_status(raw, lambda path: is_workdir_path(ctx.target, path))
    branch = (git.out("symbolic-ref", "-q", "--short", "HEAD") or "").strip() or None
    operation = _operation_in_progress(ctx, markers)
    basis = _unique(state.staged or [*state.staged, *state.unstaged, *state.untracked])
    message = propose_message(basis, _code_diff_adds_definition(git, basis, bool(state.staged)))
    outcome.data = {
        "is_repo": True,
        "branch": branch,
        "detached": branch is None,
        "operation_in_progress": operation,
        **state.to_dict(),
        "message_basis": "staged" if state.staged else "working tree",
        "commit_message": message.text if message else None,
        "commit_subject": message.subject if message else None,
        "commit_type": message.type if message else None,
        "commit_scope": message.scope if message else None,
        "committed": None,
        "pushed": None,
    }
    outcome.checked += [
        "working tree: staged, unstaged, untracked and conflicted files",
        f"branch: {branch or 'detached HEAD'}; operation in progress: {operation or 'none'}",
        "proposed a conventional commit message from the changed paths",
    ]
    _report_state(ctx, git, outcome, state, operation)
    _write_if_asked(ctx, git, outcome, state, branch, operation, message)
    outcome.summary = _summary(state, message, outcome.data)
    return outcome


def _code_diff_adds_definition(git: _Git, basis: list[Change], staged: bool) -> bool:
    """Whether the modified code files' diff (staged, else against HEAD) adds a definition."""
    modified = [c.path for c in basis if c.status == "M" and categorize(c.path) == "code"]
    if not modified:
        return False
    against = ["--cached"] if staged else ["HEAD"]
    diff = git.out("diff", "--no-color", "--no-ext-diff", "-U0", *against, "--", *modified)
    return adds_definition(diff or "")


def _unique(changes: list[Change]) -> list[Change]:
    seen: dict[str, Change] = {}
    for change in changes:
        seen.setdefault(change.path, change)
    return list(seen.values())


def _report_state(
    ctx: StepContext, git: _Git, outcome: StepOutcome, state: TreeState, operation: str | None
) -> None:
    counts = outcome.data["counts"]
    if any(counts.values()):
        outcome.add(
            "git/uncommitted-changes",
            "info",
            f"{counts['staged']} staged, {counts['unstaged']} unstaged, "
            f"{counts['untracked']} untracked, {counts['conflicted']} conflicted file(s)",
        )
    for path in state.conflicted:
        outcome.add("git/conflict", "warning", "unresolved merge conflict", path)
    if operation:
        outcome.add("git/operation-in-progress", "info", f"{operation} is in progress")
    if state.workdir_untracked:
        outcome.add(
            "git/workdir-not-ignored",
            "info",
            f"{_workdir_label(ctx.target)} is not ignored: add it to .gitignore so run "
            "artefacts stay out of commits",
            ".gitignore",
        )


def _workdir_label(target: Path) -> str:
    """The work directory as the user would name it in .gitignore."""
    rel = relative_workdir(target)
    return f"{rel}/" if rel else str(workdir(target))


def _write_if_asked(
    ctx: StepContext,
    git: _Git,
    outcome: StepOutcome,
    state: TreeState,
    branch: str | None,
    operation: str | None,
    message: CommitMessage | None,
) -> None:
    run_config = ctx.config.run
    if not (run_config.commit or run_config.push):
        return
    refusal = _refusal(branch, operation)
    if refusal:
        rule, text = refusal
        outcome.add(rule, "error", f"{text}: refusing to commit or push")
        return
    if run_config.commit and not _commit(git, outcome, state, message):
        return
    if run_config.push and branch is not None:
        _push(git, outcome, branch)


def _refusal(branch: str | None, operation: str | None) -> tuple[str, str] | None:
    if operation:
        return "git/operation-in-progress", f"{operation} is in progress"
    if branch is None:
        return "git/detached-head", "HEAD is detached (no branch to commit on)"
    return None


def _commit(
    git: _Git, outcome: StepOutcome, state: TreeState, message: CommitMessage | None
) -> bool:
    """Commit the index as the user staged it. False when that failed (then nothing is pushed)."""
    if not state.staged or message is None:
        outcome.add(
            "git/nothing-staged",
            "warning",
            "nothing staged: --commit commits only what you staged with `git add`; "
            "nothing was committed",
        )
        return True
    if state.conflicted:
        outcome.add("git/commit-failed", "error", "unresolved conflicts: nothing was committed")
        return False
    result = git.run(
        "commit",
        "-q",
        "-m",
        message.subject,
        "-m",
        message.body,
        timeout=COMMIT_TIMEOUT_S,
        write=True,
    )
    if not result.ok:
        outcome.add("git/commit-failed", "error", f"git commit failed: {_git_failure(result)}")
        return False
    sha = (git.out("rev-parse", "HEAD") or "").strip()
    outcome.data["committed"] = sha
    outcome.add("git/committed", "info", f"committed {sha[:12]}: {message.subject}")
    return True


def _push(git: _Git, outcome: StepOutcome, branch: str) -> None:
    remote = (git.out("config", "--get", f"branch.{branch}.remote") or "").strip()
    if not remote:
        remotes = (git.out("remote") or "").split()
        remote = "origin" if "origin" in remotes else (remotes[0] if len(remotes) == 1 else "")
    if not remote:
        outcome.add("git/push-failed", "error", "no remote to push to (add one with git remote)")
        return
    merge = (git.out("config", "--get", f"branch.{branch}.merge") or "").strip()
    ref = merge or f"refs/heads/{branch}"
    result = git.run("push", remote, f"HEAD:{ref}", timeout=PUSH_TIMEOUT_S, write=True)
    if not result.ok:
        outcome.add("git/push-failed", "error", f"git push failed: {_git_failure(result)}")
        return
    outcome.data["pushed"] = {"remote": remote, "ref": ref}
    outcome.add("git/pushed", "info", f"pushed {branch} to {remote} ({ref})")


def _summary(state: TreeState, message: CommitMessage | None, data: dict[str, Any]) -> str:
    if message is None:
        head = "working tree clean"
    else:
        head = (
            f"{len(state.staged)} staged, {len(state.unstaged)} unstaged, "
            f"{len(state.untracked)} untracked; proposed '{message.subject}'"
        )
    if data.get("committed"):
        head += f"; committed {str(data['committed'])[:12]}"
    if data.get("pushed"):
        head += f"; pushed to {data['pushed']['remote']}"
    return head
