"""Step 5 reuses the names each test file uses while its content is unchanged: the reuse is
reported (and explained), and over random edit sequences its findings equal a full run's."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.changes.filecache import explain_stores
from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepOutcome
from ai_workflow.steps import test_review
from tests.file_edits import (
    FULL,
    REUSE_PROPERTY,
    apply_edit,
    assert_reuse_equals_full,
)
from tests.helpers import commit_all, make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

FILES = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\n',
    "src/demo/__init__.py": "",
    "src/demo/core.py": "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
    "tests/test_core.py": "from demo.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
}


@dataclass
class Review:
    outcome: StepOutcome
    units: set[tuple[str, str]]  # the definitions the tests reach (what test generation ranks)
    modules: set[str]
    incomplete: dict[str, str]  # the module graph could not be followed


def _run(root: Path, config: Config | None = None) -> Review:
    ctx = step_context(root, test_review.SPEC, config=config, memo=RunMemo())
    outcome = test_review.run(ctx)
    reach = test_review.inventory(ctx).reach  # (memoised: the run's own)
    return Review(outcome, reach.python_units, reach.modules, reach.incomplete)


def _findings(review: Review) -> tuple[list[dict[str, Any]], list[Any], list[str], dict[str, str]]:
    found = sorted(
        (f.to_dict() for f in review.outcome.findings),
        key=lambda f: (f["rule"], f["path"] or "", f["line"] or 0, f["message"]),
    )
    return found, sorted(review.units), sorted(review.modules), review.incomplete


def _reuse_line(review: Review) -> str:
    return next(c for c in review.outcome.checked if c.startswith("per-file results (names)"))


def _untested(review: Review) -> set[str]:
    """The functions of src/demo/core.py no test reaches."""
    return {name for name in ("add", "sub") if ("src/demo/core.py", name) not in review.units}


def test_unchanged_test_files_reuse_their_names_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    assert "1 of 1 file(s) checked (1 no stored results)" in _reuse_line(first)
    assert _untested(first) == {"sub"}
    assert _findings(first) == _findings(_run(root, FULL))
    again = _run(root)
    assert _reuse_line(again).endswith("0 of 1 file(s) checked, 1 reused")
    assert _findings(again) == _findings(first)

    # true positive: a test that now calls sub() reaches it: the stored names are not reused
    test = root / "tests/test_core.py"
    test.write_text(test.read_text() + "\n\ndef test_sub():\n    assert sub(2, 1) == 1\n")
    edited = _run(root)
    assert "1 of 1 file(s) checked (1 content changed), 0 reused" in _reuse_line(edited)
    assert _untested(edited) == set()
    assert _findings(edited) == _findings(_run(root, FULL))


def test_explain_says_which_test_files_the_next_run_rereads(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    ctx = step_context(root, test_review.SPEC, memo=RunMemo())
    test_review.run(ctx)
    (root / "tests/test_core.py").write_text("def test_nothing():\n    assert True\n")
    current = file_ids(step_context(root, test_review.SPEC, memo=RunMemo()))
    lines = explain_stores(ctx.workspace.step_cache_dir, "test_review", current)
    assert lines[0].startswith("per-file results (names), last run")
    assert any("next run re-checks 1 (content changed): tests/test_core.py" in x for x in lines)


def test_a_tracked_symlinked_test_file_shows_what_it_points_at_now(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {**FILES, "shared/cases.py": "def test_x():\n    pass\n"})
    os.symlink("../shared/cases.py", root / "tests/test_linked.py")
    commit_all(root, "link")
    _run(root)
    (root / "shared/cases.py").write_text("def test_x():\n    assert sub(3, 1) == 2\n")
    incremental = _run(root)
    assert _untested(incremental) == set()
    assert _findings(incremental) == _findings(_run(root, FULL))


# --------------------------------------------------------------------------- property

TEST_PARTS = [
    "from demo.core import add, sub\n",
    "def test_add():\n    assert add(1, 2) == 3\n",
    "def test_sub():\n    assert sub(2, 1) == 1\n",
    "def test_nothing():\n    add(1, 1)\n",
    "def test_broken(:\n",
    "def test_name():\n    assert 'mul' in dir()\n",
    "import demo.extra\n",
    "def test_patch():\n    assert 'demo.extra.mul'\n",
]
SOURCE_PARTS = [
    "def add(a, b):\n    return a + b\n",
    "def sub(a, b):\n    return a - b\n",
    "def mul(a, b):\n    return a * b\n",
    "class Calc:\n    def total(self):\n        return add(1, 2)\n",
    "from . import extra\n",
    "from .missing import nothing\n",
    "import importlib\n\n\ndef load(name):\n    return importlib.import_module(f'demo.{name}')\n",
]
TESTS = ["tests/test_core.py", "tests/test_more.py"]
SOURCES = ["src/demo/core.py", "src/demo/extra.py"]

edits = st.one_of(
    st.tuples(
        st.just("write"),
        st.sampled_from(TESTS),
        st.lists(st.sampled_from(TEST_PARTS), min_size=1, max_size=4),
    ),
    st.tuples(
        st.just("write"),
        st.sampled_from(SOURCES),
        st.lists(st.sampled_from(SOURCE_PARTS), min_size=1, max_size=3),
    ),
    st.tuples(st.just("delete"), st.sampled_from(TESTS + SOURCES), st.just([])),
    st.tuples(st.just("commit"), st.just(""), st.just([])),
)


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_findings_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("review") / "p", FILES)
    assert_reuse_equals_full(root, sequence, apply_edit, _run, _findings)
