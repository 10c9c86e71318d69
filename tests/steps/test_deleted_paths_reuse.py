"""documentation's deleted paths (`git log --diff-filter=D`) are kept with the commit they were
read at and extended by the commits since when that commit is HEAD's ancestor: over random
sequences of commits, deletions, branches, merges and resets the answer equals a full read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ai_workflow.changes.filecache import run_store_path
from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepContext
from ai_workflow.steps import documentation
from tests.file_edits import FULL, REUSE_PROPERTY
from tests.helpers import commit_all, git, make_repo, step_context, write_files

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")


def _ctx(root: Path, config: Config | None = None) -> StepContext:
    return step_context(root, documentation.SPEC, config=config, memo=RunMemo())


def _deleted(root: Path, config: Config | None = None) -> set[str]:
    return documentation.deleted_paths(_ctx(root, config))


def _kept(root: Path) -> dict[str, object]:
    stored = json.loads(run_store_path(_ctx(root), "deleted").read_text())
    history: dict[str, object] = stored["history"]
    return history


def test_the_commits_since_the_kept_one_are_read_and_added(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "a\n", "b.md": "b\n", "c.md": "c\n"})
    (root / "a.md").unlink()
    first = commit_all(root, "drop a")
    assert _deleted(root) == {"a.md"}
    assert _kept(root) == {"head": first, "commits": 1, "paths": ["a.md"]}

    # true positive: a deletion after the kept commit is found
    (root / "b.md").unlink()
    second = commit_all(root, "drop b")
    assert _deleted(root) == {"a.md", "b.md"} == _deleted(root, FULL)
    assert _kept(root) == {"head": second, "commits": 2, "paths": ["a.md", "b.md"]}

    # another history (HEAD reset before the kept commit): read again in full
    git(root, "reset", "-q", "--hard", "HEAD~2")
    assert _deleted(root) == set() == _deleted(root, FULL)


def test_beyond_the_limit_the_whole_history_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documentation, "DELETED_HISTORY_LIMIT", "2")
    root = make_repo(tmp_path / "p", {f"{n}.md": n for n in "abcd"})
    for name in "abc":
        (root / f"{name}.md").unlink()
        commit_all(root, f"drop {name}")
        _deleted(root)
    # the last two deleting commits only, as `git log -n 2` gives
    assert _deleted(root) == {"b.md", "c.md"} == _deleted(root, FULL)


def test_a_shallow_clone_is_read_in_full(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", {"a.md": "a\n", "b.md": "b\n"})
    (origin / "a.md").unlink()
    commit_all(origin, "drop a")
    (origin / "b.md").unlink()
    commit_all(origin, "drop b")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    assert _deleted(clone) == set()  # its one commit has no parent here
    git(clone, "fetch", "-q", "--unshallow")  # the kept commit's history grew
    assert _deleted(clone) == {"a.md", "b.md"} == _deleted(clone, FULL)


OPS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["a.md", "b.md", "c.md", "d/e.md"])),
    st.tuples(st.just("delete"), st.sampled_from(["a.md", "b.md", "c.md", "d/e.md"])),
    st.tuples(st.just("branch"), st.sampled_from(["x.md", "y.md"])),
    st.tuples(st.just("reset"), st.integers(1, 3)),
    st.tuples(st.just("amend"), st.just("")),
)


def _apply(root: Path, op: tuple[str, object]) -> None:
    kind, arg = op
    count = int(git(root, "rev-list", "--count", "--first-parent", "HEAD").strip())
    if kind == "add":
        write_files(root, {str(arg): f"{arg} {count}\n"})
        commit_all(root, f"add {arg}")
    elif kind == "delete":
        if (root / str(arg)).exists():
            (root / str(arg)).unlink()
        commit_all(root, f"delete {arg}")
    elif kind == "branch":  # a side branch that deletes a file, merged without fast-forward
        git(root, "checkout", "-q", "-B", f"side{count}")  # a reset may have left that name
        write_files(root, {str(arg): "side\n"})
        commit_all(root, "side add")
        (root / str(arg)).unlink()
        commit_all(root, "side delete")
        git(root, "checkout", "-q", "main")
        git(root, "merge", "-q", "--no-ff", "-m", "merge", f"side{count}")
    elif kind == "reset" and count > int(str(arg)):
        git(root, "reset", "-q", "--hard", f"HEAD~{arg}")
    elif kind == "amend":
        for name in ("a.md", "b.md"):
            if (root / name).exists():
                (root / name).unlink()
        git(root, "add", "-A")
        git(root, "commit", "-q", "--amend", "--allow-empty", "-m", "amended")


@REUSE_PROPERTY
@given(st.lists(OPS, min_size=1, max_size=8))
@example(sequence=[("branch", "x.md"), ("reset", 1), ("branch", "x.md")])
def test_incremental_deleted_paths_equal_a_full_read(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, object]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("deleted") / "p", {"a.md": "a\n", "b.md": "b\n"})
    _deleted(root)
    for op in sequence:
        _apply(root, op)
        assert _deleted(root) == _deleted(root, FULL) == _logged(root), op


def _logged(root: Path) -> set[str]:
    """What the single `git log` documentation ran before the answer was kept gives."""
    out = git(root, "log", "--no-renames", "--diff-filter=D", "--name-only", "--format=", "-n5000")
    return {line.strip() for line in out.splitlines() if line.strip()}


def test_replaced_commits_are_read_in_full(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "a\n", "b.md": "b\n"})
    (root / "a.md").unlink()
    commit_all(root, "drop a")
    write_files(root, {"c.md": "c\n"})
    commit_all(root, "add c")
    assert _deleted(root) == {"a.md"}
    git(root, "replace", "--graft", "HEAD")  # HEAD now has no parent: same id, other history
    assert _deleted(root) == set() == _deleted(root, FULL)
