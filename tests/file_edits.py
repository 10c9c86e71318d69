"""Edits of a project's files for the property tests that compare a step's reused per-file
results with a full run (dependencies, documentation, test review, the file cache)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ai_workflow.changes.filecache import explain_stores
from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepContext, StepSpec
from tests.helpers import commit_all, step_context

FULL = Config.model_validate({"run": {"step_cache": False}})
REUSE_PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Edit = TypeVar("Edit")
FileEdit = tuple[str, str, list[str]]
Outcome = TypeVar("Outcome")


def edit_file(root: Path, kind: str, path: str, text: str = "", link_to: str = "") -> None:
    """One edit of `path`: "write" `text` (replacing a symbolic link there), "delete" it,
    "rename" it to `renamed_<name>` (a dangling link too), make it a tracked "link" to
    `link_to` when the path is free, or "commit" everything."""
    target = root / path
    if kind == "write":
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_text(text, encoding="utf-8")
    elif kind == "delete" and os.path.lexists(target):
        target.unlink()
    elif kind == "rename" and os.path.lexists(target):
        target.rename(target.with_name("renamed_" + target.name))
    elif kind == "link" and link_to and not os.path.lexists(target) and path != link_to:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(root / link_to, target.parent), target)
        commit_all(root, "link")  # tracked: its id is the link's own
    elif kind == "commit":
        commit_all(root, "edit")


def assert_reuse_equals_full(
    root: Path,
    sequence: Sequence[Edit],
    apply: Callable[[Path, Edit], None],
    run: Callable[..., Outcome],
    findings: Callable[[Outcome], Any],
) -> None:
    """After a cold run fills the store, every edit's incremental run (`run(root)`) finds what
    a full run (`run(root, FULL)`) finds."""
    run(root)
    for edit in sequence:
        apply(root, edit)
        assert findings(run(root)) == findings(run(root, FULL)), edit


def file_edits(
    paths: Sequence[str], parts: Sequence[str], max_parts: int, *more: st.SearchStrategy[FileEdit]
) -> st.SearchStrategy[FileEdit]:
    """(kind, path, parts) edits for `edit_file`: "write" 1 to `max_parts` of `parts` to one
    of `paths`, "delete", "rename" or "link" one of them, "commit"; and the `more` kinds a test
    adds."""
    return st.one_of(
        st.tuples(
            st.just("write"),
            st.sampled_from(list(paths)),
            st.lists(st.sampled_from(list(parts)), min_size=1, max_size=max_parts),
        ),
        *(
            st.tuples(st.just(kind), st.sampled_from(list(paths)), st.just([]))
            for kind in ("delete", "rename", "link")
        ),
        st.tuples(st.just("commit"), st.just(""), st.just([])),
        *more,
    )


def apply_edit(root: Path, edit: FileEdit, link_to: str = "") -> None:
    """`edit_file` for one (kind, path, parts) edit, the parts joined by blank lines."""
    kind, path, parts = edit
    edit_file(root, kind, path, "\n\n".join(parts), link_to=link_to)


def explain_after_edit(
    root: Path, spec: StepSpec, run: Callable[[StepContext], Any], path: str, text: str
) -> list[str]:
    """What `explain` says of `spec`'s per-file stores after a run and then `path` rewritten
    to `text`: which files the next run re-checks, and why."""
    ctx = step_context(root, spec, memo=RunMemo())
    run(ctx)
    (root / path).write_text(text)
    current = file_ids(step_context(root, spec, memo=RunMemo()))
    return explain_stores(ctx.workspace.step_cache_dir, spec.id, current)
