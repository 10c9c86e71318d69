"""Step 1 reuses each Python file's docstring facts and class facts (for inherited docstrings)
while its content is unchanged: the reuse is reported (and explained), and over random edit
sequences its findings equal a full run's."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.changes.fingerprint import step_files
from ai_workflow.config import Config
from ai_workflow.docstrings import ModuleFacts, module_facts
from ai_workflow.engine.step import RunMemo, StepOutcome
from ai_workflow.steps import documentation
from ai_workflow.steps.documentation import DocFacts, docstring_facts
from tests.file_edits import (
    FULL,
    REUSE_PROPERTY,
    apply_edit,
    assert_reuse_equals_full,
    explain_after_edit,
    file_edits,
)
from tests.helpers import commit_all, make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

FILES = {
    "README.md": "# Demo\n\n## Installation\n\npip install demo\n\n## Usage\n\nSee `demo.api`.\n",
    "src/demo/__init__.py": '"""Demo."""\n',
    "src/demo/api.py": '"""API."""\n\n\ndef run():\n    """Run."""\n',
    "src/demo/base.py": '"""Base."""\n\n\nclass Base:\n    """A base."""\n\n    def go(self):\n'
    '        """Go."""\n',
}


def _run(root: Path, config: Config | None = None) -> StepOutcome:
    ctx = step_context(root, documentation.SPEC, config=config, memo=RunMemo())
    return documentation.run(ctx)


def _findings(outcome: StepOutcome) -> list[dict[str, Any]]:
    return sorted(
        (f.to_dict() for f in outcome.findings),
        key=lambda f: (f["rule"], f["path"] or "", f["line"] or 0, f["message"]),
    )


def _reuse_line(outcome: StepOutcome) -> str:
    return next(c for c in outcome.checked if c.startswith("per-file results (docstrings)"))


def test_unchanged_files_reuse_their_facts_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    assert "3 of 3 file(s) checked (3 no stored results)" in _reuse_line(first)
    assert _findings(first) == _findings(_run(root, FULL))
    again = _run(root)
    assert _reuse_line(again).endswith("0 of 3 file(s) checked, 3 reused")
    assert _findings(again) == _findings(first)

    # true positive: a function added without a docstring is reported, not the stored facts
    (root / "src/demo/api.py").write_text('"""API."""\n\n\ndef run():\n    pass\n')
    edited = _run(root)
    assert "1 of 3 file(s) checked (1 content changed), 2 reused" in _reuse_line(edited)
    assert any(
        f.rule == "docs/missing-docstring" and f.path == "src/demo/api.py" for f in edited.findings
    )
    assert _findings(edited) == _findings(_run(root, FULL))


def test_explain_says_which_files_the_next_run_rechecks(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    lines = explain_after_edit(
        root, documentation.SPEC, documentation.run, "src/demo/base.py", "class Base:\n    pass\n"
    )
    assert any(x.startswith("per-file results (docstrings), last run") for x in lines)
    assert any("next run re-checks 1 (content changed): src/demo/base.py" in x for x in lines)


def test_facts_survive_their_stored_form(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        '__all__ = ["f"]\n\n@decorate\ndef f(a: int = 1) -> str:\n    """F."""\n\n'
        "class _Hidden:\n    def m(self):\n        pass\n"
    )
    (tmp_path / "bad.py").write_text("def f(:\n")
    for name in ("m.py", "bad.py"):
        facts = docstring_facts(tmp_path, name)
        assert facts is not None
        assert DocFacts.from_json(facts.to_json()) == facts
    assert docstring_facts(tmp_path, "bad.py") == DocFacts(False, blank=False)
    with pytest.raises(TypeError):
        DocFacts.from_json({"parses": 1, "module_docstring": 0, "blank": 0, "symbols": []})


def test_class_facts_are_reused_and_a_base_losing_its_docstring_is_seen(tmp_path: Path) -> None:
    """The inherited-docstring index (`docstrings.InheritanceIndex`) reads each module's class
    facts once per content: a child class inherits its base's docstring until the base loses
    it (the true positive)."""
    child = "from demo.base import Base\n\n\nclass Child(Base):\n    def go(self):\n        pass\n"
    root = make_repo(tmp_path / "p", {**FILES, "src/demo/child.py": '"""Child."""\n' + child})

    def classes_line(outcome: StepOutcome) -> str:
        return next(c for c in outcome.checked if c.startswith("per-file results (classes)"))

    def child_missing(outcome: StepOutcome) -> list[str]:
        return [f.message for f in outcome.findings if f.path == "src/demo/child.py"]

    first = _run(root)
    assert child_missing(first) == []
    assert "no stored results" in classes_line(first)
    again = _run(root)
    assert classes_line(again).startswith("per-file results (classes): 0 of")
    assert _findings(again) == _findings(first)
    (root / "src/demo/base.py").write_text(
        '"""Base."""\n\n\nclass Base:\n    def go(self):\n        pass\n'
    )
    edited = _run(root)
    assert "(1 content changed)" in classes_line(edited)
    assert child_missing(edited)
    assert _findings(edited) == _findings(_run(root, FULL))


def test_class_facts_survive_their_stored_form(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import a.b as c\nfrom .x import Y as Z\nclass K(c.Base, Generic[T], f()):\n"
        '    """K."""\n    def m(self):\n        pass\n    class Inner:\n        pass\n'
    )
    (tmp_path / "bad.py").write_text("class (:\n")
    [facts] = module_facts(tmp_path, "m.py") or (None,)
    assert facts is not None
    assert ModuleFacts.from_json(json.loads(json.dumps(facts.to_json()))) == facts
    assert facts.classes["K"].bases == ["c.Base", "Generic", None]
    assert module_facts(tmp_path, "bad.py") == (None,)
    with pytest.raises(TypeError):
        ModuleFacts.from_json(
            {"package": "", "classes": {"K": [1, {}, []]}, "aliases": {}, "modules": {}}
        )


# --------------------------------------------------------------------------- property

PARTS = [
    '"""A module."""\n',
    "def public():\n    pass\n",
    'def documented():\n    """Yes."""\n',
    "def _private():\n    pass\n",
    "class Child(Base):\n    def go(self):\n        pass\n",
    "class Plain:\n    def method(self):\n        pass\n",
    '__all__ = ["documented"]\n',
    "def broken(:\n",
    "from demo.base import Base\n",
]
PATHS = ["src/demo/api.py", "src/demo/base.py", "src/demo/new.py", "src/demo/_internal.py"]

edits = file_edits(PATHS, PARTS, 4)


def _apply(root: Path, edit: tuple[str, str, list[str]]) -> None:
    apply_edit(root, edit, link_to="src/demo/api.py")


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_findings_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("docs") / "p", FILES)
    assert_reuse_equals_full(root, sequence, _apply, _run, _findings)


def test_a_tracked_symlink_shows_what_it_points_at_now(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    os.symlink("api.py", root / "src/demo/alias.py")
    commit_all(root, "link")
    _run(root)
    (root / "src/demo/api.py").write_text('"""API."""\n\n\ndef changed():\n    pass\n')
    incremental = _run(root)
    assert any(
        f.path == "src/demo/alias.py" and "changed" in f.message for f in incremental.findings
    )
    assert _findings(incremental) == _findings(_run(root, FULL))


def test_the_tooling_that_asks_for_docstrings_is_in_the_steps_key(tmp_path: Path) -> None:
    tooling = {
        "pyproject.toml": '[project]\nname = "demo"\n',
        "requirements-dev.txt": "pydocstyle\n",
        ".pydocstyle": "[pydocstyle]\n",
        ".pylintrc": "[MESSAGES CONTROL]\n",
        "data/table.csv": "a,b\n",  # a file the step only lists
    }
    root = make_repo(tmp_path / "p", {**FILES, **tooling})
    read = step_files(step_context(root, documentation.SPEC, memo=RunMemo()))
    for path in ("pyproject.toml", "requirements-dev.txt", ".pydocstyle", ".pylintrc"):
        assert not read[path].startswith("listed"), path  # its content is in the key
    assert read["data/table.csv"].startswith("listed")  # only its presence
