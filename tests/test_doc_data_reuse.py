"""`doc_data.data_documents` keeps, per reader (a test file or a benchmark program), the paths
its string literals name, keyed by the reader's content: over random edit sequences of the
readers and the documents, the documents found to be program input equal a full run's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.changes.filecache import FileResults
from ai_workflow.config import Config
from ai_workflow.doc_data import data_documents
from ai_workflow.engine.step import RunMemo
from ai_workflow.markdown_docs import project_docs
from ai_workflow.project_files import project_files
from ai_workflow.steps import documentation
from tests.file_edits import FULL, REUSE_PROPERTY, apply_edit, file_edits
from tests.helpers import make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

FILES = {
    "README.md": "# Demo\n",
    "data/spec.md": "# Spec\n\n[term](@)\n",
    "bench/input.md": "# Input\n",
    "notes/plan.md": "# Plan\n",
    "tests/test_spec.py": 'SPEC = open("../data/spec.md")\n',
    "bench/run.go": 'package main\n\nvar data = "input.md"\n',
    "src/demo/__init__.py": '"""Demo."""\n',
}


def _inputs(root: Path, config: Config | None = None) -> tuple[set[str], FileResults]:
    ctx = step_context(root, documentation.SPEC, config=config, memo=RunMemo())
    files = project_files(ctx)
    docs = [f for f in files if f.endswith(".md")]
    stored = FileResults(ctx, "readers", {"code": "test"}, owner="markdown_docs")
    found = data_documents(root, files, docs, stored)
    stored.save()
    return found, stored


def test_readers_are_read_again_only_when_they_change(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first, stored = _inputs(root)
    assert first == {"data/spec.md", "bench/input.md"}
    assert (stored.reused, sum(map(len, stored.rechecked.values()))) == (0, 2)
    again, stored = _inputs(root)
    assert again == first and stored.reused == 2 and not stored.rechecked

    # true positive: an edited reader is read again and what it names now counts
    (root / "tests/test_spec.py").write_text('PLAN = "../notes/plan.md"\n')
    edited, stored = _inputs(root)
    assert stored.rechecked == {"content": ["tests/test_spec.py"]} and stored.reused == 1
    assert edited == {"notes/plan.md", "bench/input.md"} == _inputs(root, FULL)[0]


def test_project_docs_leaves_out_what_a_kept_reader_names(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    for _ in range(2):  # cold, then every reader's names read back
        ctx = step_context(root, documentation.SPEC, memo=RunMemo())
        assert sorted(project_docs(ctx)) == ["README.md", "notes/plan.md"]


PARTS = [
    'open("../data/spec.md")',
    'SPEC = "data/spec.md"',
    'PLAN = "notes/plan.md"',
    'INPUT = "input.md"',
    'OTHER = "other.md"',
    "x = 1",
]
PATHS = ["tests/test_spec.py", "bench/run.go", "tests/test_more.py", "bench/input.md", "other.md"]

edits = file_edits(PATHS, PARTS, 3)


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=6))
def test_incremental_inputs_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("inputs") / "p", FILES)
    _inputs(root)
    for edit in sequence:
        apply_edit(root, edit, link_to="tests/test_spec.py")
        assert _inputs(root)[0] == _inputs(root, FULL)[0], edit
