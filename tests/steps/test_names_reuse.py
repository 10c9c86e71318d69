"""Steps 1 and 3 reuse each Python module's top-level names (what a `pkg.mod.func` reference in
the docs, or a console script's `pkg.mod:func`, must find) while the file's content is
unchanged: the reuse is reported and explained, and over random edit sequences the findings
equal a full run's."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepOutcome
from ai_workflow.steps import documentation, script_references
from ai_workflow.steps.documentation import top_level_names
from tests.file_edits import (
    FULL,
    REUSE_PROPERTY,
    apply_edit,
    assert_reuse_equals_full,
    explain_after_edit,
    file_edits,
)
from tests.helpers import make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

README = (
    "# Demo\n\n## Installation\n\npip install demo\n\n## Usage\n\n"
    "Call `demo.api.run` or `demo.api.Client`.\n\n```bash\npython -m demo.api\n```\n"
)
PYPROJECT = '[project]\nname = "demo"\n\n[project.scripts]\ndemo = "demo.api:run"\n'
FILES = {
    "README.md": README,
    "pyproject.toml": PYPROJECT,
    "src/demo/__init__.py": '"""Demo."""\n',
    "src/demo/api.py": '"""API."""\n\n\ndef run():\n    """Run."""\n\n\nclass Client:\n    """C."""\n',
}
STEPS: dict[str, ModuleType] = {"documentation": documentation, "script": script_references}


def _runner(step: ModuleType) -> Any:
    def run(root: Path, config: Config | None = None) -> StepOutcome:
        ctx = step_context(root, step.SPEC, config=config, memo=RunMemo())
        outcome: StepOutcome = step.run(ctx)
        return outcome

    return run


def _findings(outcome: StepOutcome) -> list[tuple[str, str, int, str]]:
    return sorted((f.rule, f.path or "", f.line or 0, f.message) for f in outcome.findings)


def _names_line(outcome: StepOutcome) -> str:
    return next(c for c in outcome.checked if c.startswith("per-file results (names)"))


def _stale(outcome: StepOutcome) -> list[str]:
    return [f.message for f in outcome.findings if "run" in f.message and "api" in f.message]


@pytest.mark.parametrize("step", STEPS.values(), ids=list(STEPS))
def test_unchanged_modules_reuse_their_names_and_a_removed_name_is_seen(
    tmp_path: Path, step: ModuleType
) -> None:
    root = make_repo(tmp_path / "p", FILES)
    run = _runner(step)
    first = run(root)
    assert "1 of 1 file(s) checked (1 no stored results)" in _names_line(first)
    assert _findings(first) == _findings(run(root, FULL))
    assert _stale(first) == []
    again = run(root)
    assert _names_line(again).endswith("0 of 1 file(s) checked, 1 reused")
    assert _findings(again) == _findings(first)

    # true positive: `run` is gone from demo.api, and the docs (or the console script) name it
    (root / "src/demo/api.py").write_text('"""API."""\n\n\nclass Client:\n    """C."""\n')
    edited = run(root)
    assert "1 of 1 file(s) checked (1 content changed)" in _names_line(edited)
    assert _stale(edited), edited.findings
    assert _findings(edited) == _findings(run(root, FULL))


def test_explain_says_which_modules_the_next_run_reads_again(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    lines = explain_after_edit(
        root, documentation.SPEC, documentation.run, "src/demo/api.py", "def other():\n    pass\n"
    )
    assert any(x.startswith("per-file results (names), last run") for x in lines)
    assert any("next run re-checks 1 (content changed): src/demo/api.py" in x for x in lines)


def test_names_that_cannot_be_told_are_stored_as_such(tmp_path: Path) -> None:
    (tmp_path / "star.py").write_text("from os import *\n")
    (tmp_path / "bad.py").write_text("def f(:\n")
    (tmp_path / "ok.py").write_text("import a.b as c\nX = 1\ndef f():\n    pass\n")
    assert top_level_names(tmp_path, "star.py") == (None,)
    assert top_level_names(tmp_path, "bad.py") == (None,)
    assert top_level_names(tmp_path, "ok.py") == (["X", "c", "f"],)


# --------------------------------------------------------------------------- property

PARTS = [
    'def run():\n    """Run."""\n',
    "class Client:\n    pass\n",
    "from demo.util import run\n",
    "from os import *\n",
    "def __getattr__(name):\n    return name\n",
    "if True:\n    Client = object\n",
    "def broken(:\n",
    "import demo.util as run\n",
]
PATHS = ["src/demo/api.py", "src/demo/util.py", "src/demo/__init__.py", "src/demo/api/__init__.py"]

edits = file_edits(PATHS, PARTS, 3)


def _apply(root: Path, edit: tuple[str, str, list[str]]) -> None:
    apply_edit(root, edit, link_to="src/demo/util.py")


@REUSE_PROPERTY
@given(st.sampled_from(list(STEPS)), st.lists(edits, min_size=1, max_size=5))
def test_incremental_findings_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory,
    step: str,
    sequence: list[tuple[str, str, list[str]]],
) -> None:
    root = make_repo(tmp_path_factory.mktemp("names") / "p", FILES)
    assert_reuse_equals_full(root, sequence, _apply, _runner(STEPS[step]), _findings)
