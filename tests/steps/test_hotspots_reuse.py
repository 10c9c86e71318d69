"""Code quality's hot spots are kept per file: a file's findings are reused while its content and
the limits are unchanged, and are the same as a full run's (see also the property test in
tests/changes/test_filecache.py, which runs code_quality over random edit sequences)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ai_workflow.changes.filecache import FileResults
from ai_workflow.config import ThresholdsConfig
from ai_workflow.engine.step import RunMemo
from ai_workflow.lint.hotspots import find_hotspots
from ai_workflow.steps import code_quality
from tests.helpers import commit_all, make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

NESTED = "def f(a):\n" + "".join("    " * (i + 1) + f"if a > {i}:\n" for i in range(6))
NESTED += "    " * 7 + "return a\n"
FILES = {"pkg/deep.py": NESTED, "pkg/flat.py": "def g():\n    return 1\n"}


def _hotspots(root: Path, limits: ThresholdsConfig | None = None) -> tuple[list[str], str]:
    ctx = step_context(root, code_quality.SPEC, memo=RunMemo())
    stored = FileResults(ctx, "hotspots", {"limits": (limits or ThresholdsConfig()).model_dump()})
    found = find_hotspots(root, sorted(FILES), limits, stored)
    stored.save()
    return [f"{f.rule} {f.path}:{f.line} {f.message}" for f in found], stored.describe()


def _full(root: Path, limits: ThresholdsConfig | None = None) -> list[str]:
    found = find_hotspots(root, sorted(FILES), limits)
    return [f"{f.rule} {f.path}:{f.line} {f.message}" for f in found]


def test_unchanged_files_reuse_their_hot_spots_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first, line = _hotspots(root)
    assert any("quality/deep-nesting pkg/deep.py:1" in f for f in first)
    assert "2 of 2 file(s) checked (2 no stored results)" in line
    again, line = _hotspots(root)
    assert again == first == _full(root)
    assert line.endswith("0 of 2 file(s) checked, 2 reused")
    (root / "pkg/flat.py").write_text(NESTED.replace("def f", "def h"))  # true positive
    edited, line = _hotspots(root)
    assert "1 of 2 file(s) checked (1 content changed), 1 reused" in line
    assert any("pkg/flat.py" in f and "h: blocks nested" in f for f in edited)
    assert edited == _full(root)


def test_other_limits_recheck_every_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    _hotspots(root)
    lenient = ThresholdsConfig(nesting=10)
    found, line = _hotspots(root, lenient)
    assert "2 of 2 file(s) checked (2 tool, configuration or ai-workflow changed)" in line
    assert found == _full(root, lenient) == []


def test_a_tracked_symlink_shows_what_it_points_at_now(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "p", {"pkg/flat.py": FILES["pkg/flat.py"], "pkg/real.py": "x = 1\n"}
    )
    os.symlink("real.py", root / "pkg/deep.py")
    commit_all(root, "link")
    _hotspots(root)
    (root / "pkg/real.py").write_text(NESTED)
    found, _ = _hotspots(root)
    assert any(f.startswith("quality/deep-nesting pkg/deep.py") for f in found)
    assert found == _full(root)
