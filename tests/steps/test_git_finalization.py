"""Step 11 on real repositories: working-tree report, conventional commit message, and git
writes only when asked (commit what is staged, push to a bare repo), refusals otherwise."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome
from ai_workflow.steps import git_finalization as gf
from ai_workflow.steps.git_finalization import Change, categorize, parse_status, propose_message
from tests.helpers import commit_all, git, make_repo, step_context, write_files

FILES = {
    ".gitignore": ".ai_workflow/\n",
    "README.md": "# P\n",
    "src/pkg/__init__.py": "",
    "src/pkg/core.py": "def f():\n    return 1\n",
    "tests/test_core.py": "def test_f():\n    assert True\n",
}
LOG_LINE = re.compile(
    r"^\[\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\]|\[(INFO|SUCCESS|WARNING|ERROR|STEP)\]"
)


def run(target: Path, **run_options: bool) -> StepOutcome:
    config = Config.model_validate({"run": run_options}) if run_options else None
    return gf.run(step_context(target, gf.SPEC, config=config))


def rules(outcome: StepOutcome) -> dict[str, str]:
    return {f.rule: f.severity.value for f in outcome.findings}


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


# ---------------------------------------------------------------- message inference


@pytest.mark.parametrize(
    ("changes", "expected_type", "expected_scope"),
    [
        ([("?", "src/pkg/report/new.py")], "feat", "report"),
        ([("A", "src/pkg/a.py"), ("M", "README.md")], "feat", "pkg"),
        ([("M", "src/pkg/core.py")], "fix", "pkg"),
        ([("M", "app.py")], "fix", "app"),
        ([("D", "src/pkg/old.py"), ("R", "src/pkg/moved.py")], "refactor", "pkg"),
        ([("M", "README.md")], "docs", "readme"),
        ([("M", "docs/guide/a.md"), ("A", "docs/guide/b.md")], "docs", "guide"),
        ([("M", "docs/conf.py")], "docs", "conf"),
        ([("M", "tests/steps/test_x.py")], "test", "steps"),
        ([("A", "web/app.test.ts")], "test", "web"),
        ([("M", ".github/workflows/ci.yml")], "ci", "workflows"),
        ([("M", ".ci/run")], "ci", None),  # a scope equal to the type is dropped
        ([("M", "pyproject.toml"), ("M", "requirements-dev.txt")], "build", None),
        ([("M", "package.json")], "build", "package"),
        ([("M", ".gitignore"), ("M", "config/settings.yaml")], "chore", None),
        ([("M", "tests/test_a.py"), ("M", "README.md")], "test", None),
        ([("M", "README.md"), ("M", "pyproject.toml")], "build", None),
        ([("M", "CHANGELOG.md"), ("M", ".editorconfig")], "docs", None),
    ],
)
def test_type_and_scope_inference(
    changes: list[tuple[str, str]], expected_type: str, expected_scope: str | None
) -> None:
    message = propose_message([Change(s, p) for s, p in changes])
    assert message is not None
    assert (message.type, message.scope) == (expected_type, expected_scope)
    prefix = f"{expected_type}({expected_scope}): " if expected_scope else f"{expected_type}: "
    assert message.subject.startswith(prefix)


def test_subjects_describe_the_change() -> None:
    one = propose_message([Change("M", "src/pkg/core.py")])
    assert one is not None and one.subject == "fix(pkg): update core.py"
    added = propose_message([Change("A", "docs/a.md"), Change("?", "docs/b.md")])
    assert added is not None and added.subject == "docs: add a.md and b.md"
    removed = propose_message([Change("D", "x.txt")])
    assert removed is not None and removed.subject == "docs(x): remove x.txt"
    many = propose_message([Change("M", f"src/mod{i}/f.py") for i in range(12)])
    assert many is not None and many.subject == "fix: update 12 files"
    assert many.body.splitlines()[0] == "- modified: src/mod0/f.py"
    assert propose_message([]) is None


def test_long_names_fall_back_to_counts_and_stay_within_72_chars() -> None:
    name = "a_really_long_module_name_that_goes_on_and_on_and_on_forever.py"
    message = propose_message([Change("M", f"src/very_long_component_name/{name}")])
    assert message is not None
    assert message.subject == "fix(very_long_component_name): update 1 file"
    big = propose_message([Change("A", f"lib/{'x' * 90}.py")])
    assert big is not None and len(big.subject) <= gf.SUBJECT_MAX


def test_body_lists_files_and_caps_them() -> None:
    changes = [Change("M", f"docs/p{i:02d}.md") for i in range(gf.BODY_MAX_FILES + 5)]
    message = propose_message(changes)
    assert message is not None
    lines = message.body.splitlines()
    assert len(lines) == gf.BODY_MAX_FILES + 1
    assert lines[-1] == "- and 5 more file(s)"
    assert message.text == message.subject + "\n\n" + message.body


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "M", "D", "R", "?"]),
            st.from_regex(r"[A-Za-z0-9_.\n\t -]{1,30}(/[A-Za-z0-9_.-]{1,30}){0,3}", fullmatch=True),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_change_set_gives_a_short_single_line_conventional_subject(
    changes: list[tuple[str, str]],
) -> None:
    message = propose_message([Change(s, p) for s, p in changes])
    assert message is not None
    assert len(message.subject) <= gf.SUBJECT_MAX
    assert "\n" not in message.subject and "\t" not in message.subject
    assert re.match(
        r"^(feat|fix|refactor|docs|test|ci|build|chore)(\([a-z0-9_.-]+\))?: \S", message.subject
    )
    assert all(line.startswith("- ") and line.isprintable() for line in message.body.splitlines())


def test_categories() -> None:
    assert categorize("src/app.py") == "code"
    assert categorize("LICENSE") == "docs"
    assert categorize("requirements.txt") == "build"
    assert categorize("tests/README.md") == "test"
    assert categorize("scripts/deploy.sh") == "code"
    assert categorize(".github/dependabot.yml") == "chore"
    assert categorize("Jenkinsfile") == "ci"


# ---------------------------------------------------------------- working tree


def dirty_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "r", FILES)
    write_files(repo, {"src/pkg/new.py": "X = 1\n", "README.md": "# P\n\nMore.\n"})
    git(repo, "add", "src/pkg/new.py")
    git(repo, "mv", "tests/test_core.py", "tests/test_moved.py")
    write_files(repo, {"notes.txt": "todo\n", "src/pkg/core.py": "def f():\n    return 2\n"})
    return repo


def test_parse_status_of_a_real_repository(tmp_path: Path) -> None:
    repo = dirty_repo(tmp_path)
    write_files(repo, {".ai_workflow/logs/x.log": "ours\n"})
    state = parse_status(git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all"))
    assert {(c.status, c.path) for c in state.staged} == {
        ("A", "src/pkg/new.py"),
        ("R", "tests/test_moved.py"),
    }
    assert {(c.status, c.path) for c in state.unstaged} == {
        ("M", "README.md"),
        ("M", "src/pkg/core.py"),
    }
    assert [c.path for c in state.untracked] == ["notes.txt"]
    assert state.conflicted == []


def test_reports_state_and_proposes_from_staged_without_writing(tmp_path: Path) -> None:
    repo = dirty_repo(tmp_path)
    before_head, before_index = head(repo), git(repo, "ls-files", "-s")
    outcome = run(repo)
    data = outcome.data
    assert outcome.status().value == "passed"
    assert data["counts"] == {"staged": 2, "unstaged": 2, "untracked": 1, "conflicted": 0}
    assert data["untracked"] == ["notes.txt"]
    assert data["branch"] == "main" and data["detached"] is False
    assert data["message_basis"] == "staged"
    assert data["commit_type"] == "feat" and data["commit_scope"] == "pkg"
    assert data["commit_subject"] == "feat(pkg): update new.py and test_moved.py"
    assert "README.md" not in data["commit_message"]  # only what would be committed
    assert data["committed"] is None and data["pushed"] is None
    assert rules(outcome)["git/uncommitted-changes"] == "info"
    assert head(repo) == before_head and git(repo, "ls-files", "-s") == before_index


def test_without_staged_changes_the_proposal_covers_the_working_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    write_files(repo, {"README.md": "# P\n\nUsage.\n"})
    data = run(repo).data
    assert data["message_basis"] == "working tree"
    assert data["commit_subject"] == "docs(readme): update README.md"


def test_clean_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    outcome = run(repo)
    assert outcome.data["commit_message"] is None
    assert outcome.summary == "working tree clean"
    assert outcome.findings == []


def test_no_log_line_ever_reaches_the_message(tmp_path: Path) -> None:
    repo = dirty_repo(tmp_path)
    ctx = step_context(repo, gf.SPEC)
    ctx.log("[2026-01-01 00:00:00] [INFO] this is a log line")
    outcome = gf.run(ctx)
    log_text = ctx.workspace.step_log(gf.SPEC).read_text()
    assert "git status" in log_text  # the step logged its commands...
    message = outcome.data["commit_message"]
    assert not any(LOG_LINE.search(line) for line in message.splitlines())  # ...not into this


def test_workdir_not_ignored_is_pointed_out(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"README.md": "# P\n"})
    outcome = run(repo)  # the step context created .ai_workflow/ for its log
    assert rules(outcome)["git/workdir-not-ignored"] == "info"
    assert outcome.data["untracked"] == []  # our own directory is never counted


def test_a_moved_workdir_is_named_and_never_counted(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"README.md": "# P\n", ".ai_workflow/old.md": "# x\n"})
    outcome = run(repo)  # git tracks .ai_workflow/: the step context's log went to .ai-workflow/
    assert (repo / ".ai-workflow").is_dir() and outcome.data["untracked"] == []
    found = [f for f in outcome.findings if f.rule == "git/workdir-not-ignored"]
    assert [f.message.split(" is not")[0] for f in found] == [".ai-workflow/"]


def test_workdir_ignored_by_its_own_gitignore_is_not_pointed_out(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"README.md": "# P\n"})
    (repo / ".ai_workflow").mkdir()
    (repo / ".ai_workflow" / ".gitignore").write_text("*\n")  # as every real run writes it
    assert "git/workdir-not-ignored" not in rules(run(repo))


def test_not_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    outcome = run(plain, commit=True)
    assert rules(outcome) == {"git/not-a-repository": "info"}
    assert outcome.status().value == "passed"
    assert outcome.data["commit_message"] is None


def test_conflicts_are_reported(tmp_path: Path) -> None:
    repo = merge_conflict(tmp_path)
    outcome = run(repo)
    assert outcome.data["conflicted"] == ["README.md"]
    assert rules(outcome)["git/conflict"] == "warning"
    assert rules(outcome)["git/operation-in-progress"] == "info"  # not asked to write: no error


# ---------------------------------------------------------------- commit and push


def test_commit_commits_only_staged_content_and_leaves_the_rest(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    write_files(repo, {"src/pkg/core.py": "def f():\n    return 2\n"})
    git(repo, "add", "src/pkg/core.py")
    write_files(
        repo,
        {
            "src/pkg/core.py": "def f():\n    return 3\n",  # a further, unstaged edit
            "README.md": "# P\n\nUnstaged.\n",
            "notes.txt": "untracked\n",
        },
    )
    before = head(repo)
    outcome = run(repo, commit=True)
    assert outcome.status().value == "passed", outcome.findings
    sha = outcome.data["committed"]
    assert sha == head(repo) != before
    assert git(repo, "log", "-1", "--format=%s").strip() == "fix(pkg): update core.py"
    assert git(repo, "log", "-1", "--format=%b").strip() == "- modified: src/pkg/core.py"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["src/pkg/core.py"]
    assert git(repo, "show", "HEAD:src/pkg/core.py") == "def f():\n    return 2\n"  # as staged
    assert (repo / "src/pkg/core.py").read_text() == "def f():\n    return 3\n"
    assert git(repo, "diff", "--name-only").split() == ["README.md", "src/pkg/core.py"]
    assert "?? notes.txt" in git(repo, "status", "--porcelain")
    assert rules(outcome)["git/committed"] == "info"


def test_commit_with_nothing_staged_warns_and_never_stages(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    write_files(repo, {"README.md": "# P\n\nChanged.\n", "new.py": "X = 1\n"})
    before, status = head(repo), git(repo, "status", "--porcelain")
    outcome = run(repo, commit=True)
    assert rules(outcome)["git/nothing-staged"] == "warning"
    assert outcome.status().value == "warning"
    assert head(repo) == before and git(repo, "status", "--porcelain") == status


def test_failing_commit_hook_is_an_error_and_nothing_is_pushed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    bare = bare_remote(tmp_path, repo)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint failed: fix it' >&2\nexit 1\n")
    hook.chmod(0o755)
    write_files(repo, {"src/pkg/core.py": "X = 2\n"})
    git(repo, "add", "-A")
    before = head(repo)
    outcome = run(repo, commit=True, push=True)
    failure = next(f for f in outcome.findings if f.rule == "git/commit-failed")
    assert failure.severity.value == "error" and "lint failed: fix it" in failure.message
    assert head(repo) == before
    assert "git/pushed" not in rules(outcome)
    assert git(bare, "rev-parse", "main").strip() == before


def bare_remote(tmp_path: Path, repo: Path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "origin", "main")
    return bare


def test_commit_and_push_to_a_bare_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    bare = bare_remote(tmp_path, repo)
    write_files(repo, {"docs/usage.md": "# Usage\n"})
    git(repo, "add", "docs/usage.md")
    outcome = run(repo, commit=True, push=True)
    assert outcome.status().value == "passed", outcome.findings
    assert git(bare, "rev-parse", "main").strip() == head(repo) == outcome.data["committed"]
    assert git(bare, "log", "-1", "--format=%s", "main").strip() == "docs(usage): add usage.md"
    assert outcome.data["pushed"] == {"remote": "origin", "ref": "refs/heads/main"}
    assert "pushed to origin" in outcome.summary


def test_push_follows_the_configured_upstream(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    bare = bare_remote(tmp_path, repo)
    git(repo, "remote", "rename", "origin", "upstream")
    git(repo, "checkout", "-q", "-b", "feature")
    git(repo, "push", "-q", "-u", "upstream", "feature:topic")
    commit_all(repo, "local work")
    outcome = run(repo, push=True)
    assert outcome.data["pushed"] == {"remote": "upstream", "ref": "refs/heads/topic"}
    assert git(bare, "rev-parse", "topic").strip() == head(repo)


def test_push_without_a_remote_is_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    outcome = run(repo, push=True)
    assert rules(outcome)["git/push-failed"] == "error"
    assert outcome.status().value == "failed"


def test_push_to_a_missing_remote_reports_gits_reason(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    git(repo, "remote", "add", "origin", str(tmp_path / "does-not-exist.git"))
    outcome = run(repo, push=True)
    failure = next(f for f in outcome.findings if f.rule == "git/push-failed")
    assert "git push failed" in failure.message and "does-not-exist" in failure.message


# ---------------------------------------------------------------- refusals


def _diverged(tmp_path: Path) -> Path:
    """main and other both changed README.md: merging one into the other conflicts."""
    repo = make_repo(tmp_path / "r", FILES)
    git(repo, "checkout", "-q", "-b", "other")
    write_files(repo, {"README.md": "# Other\n"})
    commit_all(repo, "other")
    git(repo, "checkout", "-q", "main")
    write_files(repo, {"README.md": "# Main\n"})
    commit_all(repo, "main")
    return repo


def _stopped(tmp_path: Path, operation: str) -> Path:
    """A repository left mid-`operation` (merge, cherry-pick, rebase) by a conflict."""
    repo = _diverged(tmp_path)
    subprocess.run(["git", "-C", str(repo), operation, "other"], capture_output=True)
    return repo


def merge_conflict(tmp_path: Path) -> Path:
    repo = _stopped(tmp_path, "merge")
    assert (repo / ".git" / "MERGE_HEAD").exists()
    return repo


def cherry_pick_conflict(tmp_path: Path) -> Path:
    repo = _stopped(tmp_path, "cherry-pick")
    assert (repo / ".git" / "CHERRY_PICK_HEAD").exists()
    return repo


def rebase_conflict(tmp_path: Path) -> Path:
    repo = _stopped(tmp_path, "rebase")
    assert (repo / ".git" / "rebase-merge").exists() or (repo / ".git" / "rebase-apply").exists()
    return repo


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (merge_conflict, "a merge"),
        (cherry_pick_conflict, "a cherry-pick"),
        (rebase_conflict, "a rebase"),
    ],
)
def test_refuses_during_merge_cherry_pick_and_rebase(
    tmp_path: Path, make: Callable[[Path], Path], what: str
) -> None:
    repo = make(tmp_path)
    git(repo, "add", "README.md")  # conflict "resolved" and staged: committing would work
    before, index = head(repo), git(repo, "ls-files", "-s")
    outcome = run(repo, commit=True, push=True)
    refusal = next(f for f in outcome.findings if f.severity.value == "error")
    assert refusal.rule == "git/operation-in-progress"
    assert refusal.message.startswith(what) and "refusing to commit or push" in refusal.message
    assert outcome.data["operation_in_progress"].startswith(what)
    assert head(repo) == before and git(repo, "ls-files", "-s") == index
    assert outcome.status().value == "failed"


def test_refuses_on_a_detached_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    git(repo, "checkout", "-q", "--detach")
    write_files(repo, {"README.md": "# Changed\n"})
    git(repo, "add", "README.md")
    before = head(repo)
    outcome = run(repo, commit=True)
    assert rules(outcome)["git/detached-head"] == "error"
    assert head(repo) == before
    assert git(repo, "diff", "--cached", "--name-only").split() == ["README.md"]  # still staged
    assert outcome.data["detached"] is True


def test_detached_head_without_write_options_is_fine(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    git(repo, "checkout", "-q", "--detach")
    outcome = run(repo)
    assert outcome.status().value == "passed"
    assert outcome.data["detached"] is True


@pytest.mark.parametrize(
    ("added", "is_definition"),
    [
        ("+def parse(text):", True),
        ("+    async def fetch(self):", True),
        ("+class Cache:", True),
        ("+export function render() {", True),
        ("+export const LIMIT = 3;", True),
        ("+func (s *Server) Start() error {", True),
        ("+pub fn add(a: i32) -> i32 {", True),
        ("+cleanup() {", True),
        ("+    return value + 1", False),
        ("-def removed():", False),
        ("+# def commented_out", False),
    ],
)
def test_added_definitions_are_recognised(added: str, is_definition: bool) -> None:
    assert gf.adds_definition(f"@@ -1 +1 @@\n{added}\n") is is_definition


def test_a_new_function_in_an_existing_file_is_a_feature(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"src/calc/core.py": "def add(a, b):\n    return a + b\n"})
    core = repo / "src/calc/core.py"
    core.write_text(core.read_text() + "\n\ndef sub(a, b):\n    return a - b\n")
    assert run(repo).data["commit_type"] == "feat"
    core.write_text("def add(a, b):\n    return b + a\n")  # a change inside a definition
    assert run(repo).data["commit_type"] == "fix"
