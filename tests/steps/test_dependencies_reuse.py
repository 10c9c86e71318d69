"""Step 8 reuses each Python file's imports, and the import stems that tell which modules the
package loads only on demand, while its content is unchanged: the reuse is reported (and
explained), and over random edit sequences its findings equal a full run's."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.changes.filecache import code_id, explain_stores
from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.config import Config
from ai_workflow.deps import lockfiles
from ai_workflow.engine.step import RunMemo, StepOutcome
from ai_workflow.steps import dependencies
from tests.file_edits import (
    FULL,
    REUSE_PROPERTY,
    assert_reuse_equals_full,
    edit_file,
    file_edits,
)
from tests.helpers import commit_all, make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

PYPROJECT = textwrap.dedent(
    """\
    [project]
    name = "demo"
    version = "1.0"
    dependencies = ["requests>=2", "leftpad>=1"]
    """
)
FILES = {
    "pyproject.toml": PYPROJECT,
    "src/demo/__init__.py": "import requests\n",
    "src/demo/util.py": "import os\n",
    "tests/test_demo.py": "import demo\n",
}


def _run(root: Path, config: Config | None = None) -> StepOutcome:
    ctx = step_context(root, dependencies.SPEC, config=config, memo=RunMemo())
    return dependencies.run(ctx)


def _findings(outcome: StepOutcome) -> list[dict[str, Any]]:
    return sorted(
        (f.to_dict() for f in outcome.findings), key=lambda f: (f["rule"], f["path"], f["line"])
    )


def _reuse_line(outcome: StepOutcome, check: str = "imports") -> str:
    return next(c for c in outcome.checked if c.startswith(f"per-file results ({check})"))


def test_unchanged_files_reuse_their_imports_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    assert "3 of 3 file(s) checked (3 no stored results)" in _reuse_line(first)
    assert _findings(first) == _findings(_run(root, FULL))

    again = _run(root)
    assert _reuse_line(again).endswith("0 of 3 file(s) checked, 3 reused")
    assert _findings(again) == _findings(first)

    # true positive: an edited file's new import is found, not the stored one reused
    (root / "src/demo/util.py").write_text("import numpy\n", encoding="utf-8")
    edited = _run(root)
    assert "1 of 3 file(s) checked (1 content changed), 2 reused" in _reuse_line(edited)
    assert any(f.rule == "deps/undeclared-import" and "numpy" in f.message for f in edited.findings)
    assert _findings(edited) == _findings(_run(root, FULL))


def test_a_file_that_stops_parsing_is_not_reused_and_one_that_parses_again_is_read(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "p", FILES)
    _run(root)
    (root / "src/demo/__init__.py").write_text("def f(:\n", encoding="utf-8")
    broken = _run(root)
    assert _findings(broken) == _findings(_run(root, FULL))  # requests now unused
    assert any(
        f.rule == "deps/unused-dependency" and "requests" in f.message for f in broken.findings
    )
    stored_broken = _run(root)  # the stored "does not parse" is reused, with the same result
    assert _findings(stored_broken) == _findings(broken)
    (root / "src/demo/__init__.py").write_text("import requests\n", encoding="utf-8")
    fixed = _run(root)
    assert not any("requests" in f.message for f in fixed.findings)


ON_DEMAND = {
    "pyproject.toml": '[project]\nname = "pkg"\ndependencies = []\n',
    "src/pkg/__init__.py": "def load_ext(host):\n    from .ext import Magics\n    return Magics\n",
    "src/pkg/ext.py": "from hostlib.magic import Magics\n",
    "src/pkg/core.py": "def load():\n    return 1\n",
}


def _undeclared(outcome: StepOutcome) -> list[str]:
    return [f.path or "" for f in outcome.findings if f.rule == "deps/undeclared-import"]


def test_import_stems_are_reused_and_a_module_imported_eagerly_again_is_seen(
    tmp_path: Path,
) -> None:
    """The stems of the imports inside functions (`deps.ondemand`) are stored per file: an
    unchanged project parses no file for them, and an edit that imports the on-demand module
    at top level makes its imports required again (the true positive)."""
    root = make_repo(tmp_path / "p", ON_DEMAND)
    first = _run(root)
    assert _undeclared(first) == []  # ext.py is loaded on demand: hostlib is optional
    cold = _reuse_line(first, "on-demand")
    assert "file(s) checked (" in cold and "no stored results" in cold
    again = _run(root)
    assert _reuse_line(again, "on-demand").startswith("per-file results (on-demand): 0 of")
    assert _findings(again) == _findings(first)

    (root / "src/pkg/core.py").write_text("from .ext import Magics\n", encoding="utf-8")
    edited = _run(root)
    assert _undeclared(edited) == ["src/pkg/ext.py"]
    # core.py was read for no stems before (no indented import, no stem in its text)
    assert "1 of 2 file(s) checked (1 new file), 1 reused" in _reuse_line(edited, "on-demand")
    assert _findings(edited) == _findings(_run(root, FULL))


def test_explain_says_which_files_the_next_run_rechecks(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    ctx = step_context(root, dependencies.SPEC, memo=RunMemo())
    dependencies.run(ctx)
    (root / "src/demo/util.py").write_text("import json\n", encoding="utf-8")
    current = file_ids(step_context(root, dependencies.SPEC, memo=RunMemo()))
    lines = explain_stores(ctx.workspace.step_cache_dir, "dependencies", current)
    assert lines[0].startswith("per-file results (imports), last run")
    assert "3 of 3 file(s) checked" in lines[0]
    assert any("next run re-checks 1 (content changed): src/demo/util.py" in x for x in lines)


def test_the_extractor_code_and_python_are_in_the_context(tmp_path: Path) -> None:
    module = ModuleType("fake_extractor")
    source = tmp_path / "fake_extractor.py"
    source.write_text("X = 1\n", encoding="utf-8")
    module.__file__ = str(source)
    before = code_id(module)
    assert code_id(module) == before
    source.write_text("X = 2\n", encoding="utf-8")
    assert code_id(module) != before


def test_a_lockfile_is_parsed_once_per_text() -> None:
    text = '[[package]]\nname = "Requests"\nversion = "2.0"\n'
    assert lockfiles.parse_toml(text) is lockfiles.parse_toml(text)
    assert lockfiles.lock_package_names(text) == {"requests"}
    assert lockfiles.lock_package_names("[[package]\n") is None  # invalid TOML still reported


# --------------------------------------------------------------------------- property

LINES = [
    "import requests\n",
    "import numpy\n",
    "from yaml import safe_load\n",
    "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n",
    "import importlib\nmod = importlib.import_module('toml')\n",
    "import os\n",
    "def f(:\n",
    "from . import util\n",
    "def load():\n    from . import util\n",  # on demand (`deps.ondemand`)
    "def load():\n    from demo import new\n",
    "def test_load():\n    import demo.util\n",
    "from demo.new import thing\n",
    "def load():\n    from .. import x\n",
]
PATHS = ["src/demo/__init__.py", "src/demo/util.py", "src/demo/new.py", "tests/test_demo.py"]

edits = file_edits(
    PATHS,
    LINES,
    3,
    st.tuples(st.just("declare"), st.sampled_from(["numpy", "PyYAML", "leftpad"]), st.just([])),
)


def _apply(root: Path, edit: tuple[str, str, list[str]]) -> None:
    kind, path, lines = edit
    if kind == "declare":
        manifest = root / "pyproject.toml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace('"leftpad>=1"', f'"leftpad>=1", "{path}>=1"', 1))
    else:
        edit_file(root, kind, path, "".join(lines), link_to="src/demo/util.py")


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_findings_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("deps") / "p", FILES)
    assert_reuse_equals_full(root, sequence, _apply, _run, _findings)


def test_a_tracked_symlink_shows_what_it_points_at_now(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    os.symlink("util.py", root / "src/demo/alias.py")
    commit_all(root, "link")
    _run(root)
    (root / "src/demo/util.py").write_text("import numpy\n", encoding="utf-8")
    incremental = _run(root)
    assert any(f.path == "src/demo/alias.py" and "numpy" in f.message for f in incremental.findings)
    assert _findings(incremental) == _findings(_run(root, FULL))


def test_a_relative_import_above_the_project_root_names_no_project_file() -> None:
    """`from .. import x` in a top-level file (a script, or a stray file of a package's
    parent) reaches out of the project: no stem, and no crash; one level up from a package's
    module still names the package."""
    from ai_workflow.deps.ondemand import import_stems

    assert import_stems("setup_helper.py", "def f():\n    from .. import x\n") == []
    stems = import_stems("pkg/sub/mod.py", "def f():\n    from .. import x\n")
    assert stems is not None and {stem for stem, _ in stems} >= {"pkg", "pkg/x"}
