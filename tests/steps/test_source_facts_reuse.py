"""Step 5 reads each Python source module's facts (symbols, classes and their bases,
definitions without behaviour) and its units once per content: an unchanged source is not
parsed again, a changed class hierarchy re-derives every module's units, and over random edit
sequences the inventory equals a full run's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo
from ai_workflow.steps import test_review
from ai_workflow.steps.test_review import (
    Inventory,
    SourceFacts,
    _decode_units,
    _encode_units,
    source_facts,
)
from ai_workflow.testsource import pyreach
from ai_workflow.testsource.pyindex import PyIndex
from tests.file_edits import (
    FULL,
    REUSE_PROPERTY,
    apply_edit,
    assert_reuse_equals_full,
)
from tests.helpers import make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

FILES = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\n',
    "src/demo/__init__.py": "",
    "src/demo/base.py": "class Base:\n    def run(self):\n        return 1\n",
    "src/demo/core.py": (
        "from demo.base import Base\n\n\nclass Job(Base):\n    def run(self):\n        return 2\n"
    ),
    "tests/test_core.py": "from demo.core import Job\n\n\ndef test_job():\n    assert Job()\n",
}
SOURCE = (
    "from dataclasses import dataclass\n\n\n@dataclass\nclass Point:\n    x: int\n\n\n"
    "class Shape(Base, metaclass=Meta):\n    def area(self):\n        ...\n\n"
    "    class Inner(Point):\n        pass\n\n\ndef _hidden():\n    pass\n\n\n"
    "async def fetch(a: int = 1) -> str:\n    '''Fetch.'''\n    return str(a)\n"
)


def _run(root: Path, config: Config | None = None) -> tuple[Inventory, list[str]]:
    ctx = step_context(root, test_review.SPEC, config=config, memo=RunMemo())
    outcome = test_review.run(ctx)
    return test_review.inventory(ctx), outcome.checked


def _inventory(result: tuple[Inventory, list[str]]) -> tuple[Any, ...]:
    inv = result[0]
    return (
        inv.source_modules,
        inv.untested,
        inv.symbols,
        inv.no_behaviour,
        sorted(inv.reach.python_units),
        sorted(inv.reach.modules),
        inv.why_untested,
    )


def _line(result: tuple[Inventory, list[str]], check: str) -> str:
    return next(c for c in result[1] if c.startswith(f"per-file results ({check})"))


def test_source_facts_and_units_survive_their_stored_form(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    (tmp_path / "bad.py").write_text("class (:\n")
    index = PyIndex.build(tmp_path, ["m.py", "bad.py"])
    facts = source_facts(index, "m.py")
    assert facts.parses and facts.symbols and facts.classes and facts.no_behaviour
    assert SourceFacts.from_json(json.loads(json.dumps(facts.to_json()))) == facts
    assert source_facts(index, "bad.py") == SourceFacts(False)
    tree = index.tree("m.py")
    assert tree is not None
    units = pyreach.module_units("m.py", tree, pyreach.class_bases([tree]))
    stored = json.loads(json.dumps(_encode_units(units)))
    assert _decode_units("m.py", stored) == units
    with pytest.raises(TypeError):
        SourceFacts.from_json({"parses": "yes", "symbols": [], "classes": [], "no_behaviour": []})
    with pytest.raises((TypeError, ValueError)):
        _decode_units("m.py", [["q", "n", "function", [1], None, False]])


def test_class_bases_are_the_merge_of_each_modules_classes(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("class A(B):\n    class A(C):\n        pass\n")
    (tmp_path / "b.py").write_text("class A(D):\n    pass\nclass B:\n    pass\n")
    index = PyIndex.build(tmp_path, ["a.py", "b.py"])
    trees = [t for t in (index.tree("a.py"), index.tree("b.py")) if t is not None]
    merged = pyreach.merge_bases(pyreach.classes_in(t) for t in trees)
    assert merged == pyreach.class_bases(trees) == {"A": {"B", "C", "D"}, "B": set()}


def test_unchanged_sources_are_not_parsed_again_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    assert "3 of 3 file(s) checked (3 no stored results)" in _line(first, "sources")
    assert _inventory(first) == _inventory(_run(root, FULL))
    again = _run(root)
    assert _line(again, "sources").endswith("0 of 3 file(s) checked, 3 reused")
    assert _line(again, "units").endswith("0 of 2 file(s) checked, 2 reused")  # modules with an API
    assert _inventory(again) == _inventory(first)

    # true positive: a public function added to a source is a symbol and a unit, not stored
    core = root / "src/demo/core.py"
    core.write_text(core.read_text() + "\n\ndef added():\n    return 3\n")
    edited = _run(root)
    assert "1 of 3 file(s) checked (1 content changed), 2 reused" in _line(edited, "sources")
    assert "added" in [s.name for s in edited[0].symbols["src/demo/core.py"]]
    assert ("src/demo/core.py", "added") not in edited[0].reach.python_units
    assert _inventory(edited) == _inventory(_run(root, FULL))


def test_a_changed_class_hierarchy_derives_every_modules_units_again(tmp_path: Path) -> None:
    """`module_units` reads the bases of every project class (a method of a subclass of a
    reached class runs implicitly): a base changed elsewhere invalidates every module's units,
    the true positive beside the reuse above."""
    root = make_repo(tmp_path / "p", FILES)
    _run(root)
    (root / "src/demo/base.py").write_text(
        "class Root:\n    pass\n\n\nclass Base(Root):\n    def run(self):\n        return 1\n"
    )
    edited = _run(root)
    assert "(2 tool, configuration or ai-workflow changed)" in _line(edited, "units")
    assert _inventory(edited) == _inventory(_run(root, FULL))


# --------------------------------------------------------------------------- property

SOURCE_PARTS = [
    "from demo.base import Base\n",
    "class Job(Base):\n    def run(self):\n        return 2\n",
    "class Base:\n    def run(self):\n        return 1\n",
    "class Base(Job):\n    def step(self):\n        return 0\n",
    "@dataclass\nclass Data:\n    x: int\n",
    "def helper():\n    ...\n",
    "def public(a):\n    return a\n",
    "def broken(:\n",
]
TEST_PARTS = [
    "from demo.core import Job\n",
    "from demo.base import Base\n",
    "def test_job():\n    assert Job().run()\n",
    "def test_base():\n    assert Base().run()\n",
]
SOURCES = ["src/demo/base.py", "src/demo/core.py", "src/demo/new.py"]

edits = st.one_of(
    st.tuples(
        st.just("write"),
        st.sampled_from(SOURCES),
        st.lists(st.sampled_from(SOURCE_PARTS), min_size=1, max_size=4),
    ),
    st.tuples(
        st.just("write"),
        st.just("tests/test_core.py"),
        st.lists(st.sampled_from(TEST_PARTS), min_size=1, max_size=3),
    ),
    st.tuples(st.just("delete"), st.sampled_from(SOURCES), st.just([])),
    st.tuples(st.just("rename"), st.sampled_from(SOURCES), st.just([])),
    st.tuples(st.just("commit"), st.just(""), st.just([])),
)


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_inventory_equals_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("sources") / "p", FILES)
    assert_reuse_equals_full(root, sequence, apply_edit, _run, _inventory)
