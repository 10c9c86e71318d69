from __future__ import annotations

import json
from pathlib import Path

from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome, StepStatus
from ai_workflow.steps import pre_analysis
from ai_workflow.techstack import TechStack, detect_stack_for
from tests.helpers import commit_all, git, make_repo, step_context, write_files

FILES = {
    "pyproject.toml": '[project]\nname = "p"\n',
    "p/__init__.py": "",
    "p/core.py": "def f():\n    return 1\n",
    "README.md": "# P\n",
}


def run(target: Path, config: Config | None = None) -> StepOutcome:
    return pre_analysis.run(step_context(target, pre_analysis.SPEC, config=config))


def rules(outcome: StepOutcome) -> set[str]:
    return {f.rule for f in outcome.findings}


def test_changed_files_working_tree_untracked_and_last_commit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", FILES)
    write_files(root, {"p/new.py": "X = 1\n", "docs/guide.md": "# Guide\n"})
    commit_all(root, "second")
    write_files(root, {"p/core.py": "def f():\n    return 2\n", "notes.txt": "todo\n"})
    write_files(root, {".ai_workflow/logs/x.log": "ours\n", "a b.txt": "space\n"})
    (root / "README.md").unlink()
    git(root, "add", "README.md")

    outcome = run(root)
    data = outcome.data
    assert data["changed_files"] == sorted(
        ["p/core.py", "README.md", "notes.txt", "a b.txt", "p/new.py", "docs/guide.md"]
    )
    assert data["changes"]["working_tree"] == ["README.md", "p/core.py"]
    assert data["changes"]["untracked"] == ["a b.txt", "notes.txt"]
    assert data["changes"]["last_commit"] == ["docs/guide.md", "p/new.py"]
    assert data["changes"]["deleted"] == ["README.md"]
    assert data["git"]["branch"] == "main"
    assert data["git"]["commit"] == git(root, "rev-parse", "HEAD").strip()
    assert data["git"]["subject"] == "second"
    assert data["git"]["dirty"] is True
    assert data["git"]["upstream"] is None
    assert data["stack"]["primary_language"] == "python"
    assert TechStack.from_dict(data["stack"]).primary_language == "python"
    json.dumps(data)  # consumers get plain JSON
    assert outcome.status() == StepStatus.PASSED
    assert "main" in outcome.summary and "6 changed file(s)" in outcome.summary


def test_first_commit_lists_its_files(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", FILES)
    outcome = run(root)
    assert outcome.data["changes"]["last_commit"] == sorted(FILES)
    assert outcome.data["changes"]["working_tree"] == []
    assert outcome.data["git"]["dirty"] is False


def test_repository_without_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r")
    write_files(root, {"a.py": "", "b.sh": "echo\n"})
    git(root, "add", "a.py")
    outcome = run(root)
    assert outcome.data["git"]["commit"] is None
    assert outcome.data["git"]["branch"] == "main"
    assert outcome.data["changed_files"] == ["a.py", "b.sh"]
    assert "git/no-commits" in rules(outcome)
    assert outcome.status() == StepStatus.PASSED


def test_not_a_git_directory(tmp_path: Path) -> None:
    write_files(tmp_path, {"x.sh": "#!/bin/sh\n", "y.sh": "echo\n"})
    outcome = run(tmp_path)
    assert outcome.data["git"] == {"is_repo": False}
    assert outcome.data["changed_files"] == []
    assert outcome.data["stack"]["primary_language"] == "shell"
    finding = next(f for f in outcome.findings if f.rule == "git/not-a-repository")
    assert finding.severity == "info"
    assert "not a git repository" in outcome.summary


def test_ahead_and_behind_upstream(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", FILES)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    write_files(origin, {"upstream.txt": "1\n"})
    commit_all(origin, "upstream 1")
    write_files(origin, {"upstream2.txt": "2\n"})
    commit_all(origin, "upstream 2")
    git(clone, "fetch", "-q")
    write_files(clone, {"local.txt": "l\n"})
    commit_all(clone, "local")
    outcome = run(clone)
    facts = outcome.data["git"]
    assert (facts["upstream"], facts["ahead"], facts["behind"]) == ("origin/main", 1, 2)
    assert "git/behind-upstream" in rules(outcome)
    assert "(+1/-2)" in outcome.summary


def test_detached_head(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", FILES)
    commit_all(root, "two")
    git(root, "checkout", "-q", "--detach", "HEAD~1")
    outcome = run(root)
    assert outcome.data["git"]["detached"] is True
    assert outcome.data["git"]["branch"] is None
    assert "git/detached-head" in rules(outcome)


def test_generic_stack_and_missing_python(tmp_path: Path) -> None:
    generic = make_repo(tmp_path / "g", {"notes.txt": "x\n"})
    outcome = run(generic)
    assert rules(outcome) >= {"stack/generic"}
    assert outcome.data["stack"]["primary_language"] == "generic"

    python = make_repo(tmp_path / "p", {**FILES, "tests/test_core.py": "def test(): pass\n"})
    cfg = Config.model_validate({"tech_stack": {"python": None}})
    ctx = step_context(python, pre_analysis.SPEC, config=cfg)
    # no interpreter anywhere: an empty PATH and no virtual environment
    stack = detect_stack_for(python, cfg, {"PATH": ""})
    ctx.memo.get("tech_stack", lambda: stack)
    outcome = pre_analysis.run(ctx)
    missing = next(f for f in outcome.findings if f.rule == "stack/no-python")
    assert missing.severity == "warning"
    assert "tech_stack.python" in missing.message


def test_reads_git_without_writing_the_index(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", FILES)
    write_files(root, {"p/core.py": "def f():\n    return 3\n"})
    index = root / ".git" / "index"
    before = index.stat().st_mtime_ns
    run(root)
    assert index.stat().st_mtime_ns == before


def test_last_commit_of_a_merge_is_compared_with_its_first_parent(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", FILES)
    git(root, "checkout", "-q", "-b", "feature")
    write_files(root, {"p/feature.py": "X = 1\n"})
    commit_all(root, "feature")
    git(root, "checkout", "-q", "main")
    write_files(root, {"docs/main.md": "# Main\n"})
    commit_all(root, "main work")
    git(root, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
    outcome = run(root)
    assert outcome.data["changes"]["last_commit"] == ["p/feature.py"]


def _listed(root: Path, *args: str) -> list[str]:
    return sorted(p for p in git(root, *args).split("\0") if p)


def test_folded_git_calls_give_what_the_separate_calls_gave(tmp_path: Path) -> None:
    """HEAD's id, parent and subject come from one `git log`, the changed and deleted paths
    from one `git diff --name-status`: the same as `rev-parse HEAD`, `rev-parse HEAD~1`,
    `log -1 --format=%s`, `diff --name-only` and `diff --diff-filter=D`, here at a merge
    commit (its first parent's diff) with staged, unstaged and deleted paths, one of them
    with a newline and a tab in its name."""
    root = make_repo(tmp_path / "r", {**FILES, "gone.txt": "x\n", "kept.txt": "y\n"})
    git(root, "checkout", "-q", "-b", "side")
    write_files(root, {"side.py": "S = 1\n"})
    commit_all(root, "side work")
    git(root, "checkout", "-q", "main")
    write_files(root, {"main.py": "M = 1\n", "odd\nname\t.txt": "z\n"})
    commit_all(root, "main work")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge side:  a subject  ", "side")
    (root / "gone.txt").unlink()  # deleted, not staged
    git(root, "rm", "-q", "kept.txt")  # deleted, staged
    write_files(root, {"p/core.py": "def f():\n    return 3\n", "odd\nname\t.txt": "w\n"})
    git(root, "add", "p/core.py")

    data = run(root).data
    changes = data["changes"]
    assert data["git"]["commit"] == git(root, "rev-parse", "--verify", "-q", "HEAD").strip()
    assert data["git"]["subject"] == "Merge side:  a subject"
    assert changes["working_tree"] == _listed(root, "diff", "-z", "--name-only", "HEAD")
    assert changes["working_tree"] == ["gone.txt", "kept.txt", "odd\nname\t.txt", "p/core.py"]
    deleted = _listed(root, "diff", "-z", "--name-only", "--diff-filter=D", "HEAD")
    assert changes["deleted"] == deleted == ["gone.txt", "kept.txt"]
    last = _listed(root, "diff", "-z", "--name-only", "--no-renames", "HEAD~1", "HEAD")
    assert changes["last_commit"] == last == ["side.py"]
