"""The precision bench's checkouts (bench/precision.py): a prepared checkout is reused only
while its work tree is as preparing left it."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import git, import_bench, make_repo


@pytest.fixture(scope="module")
def precision() -> ModuleType:
    return import_bench("precision")


def _bundle(tmp_path: Path) -> tuple[Path, str]:
    source = make_repo(tmp_path / "source", {"package.json": '{"main": "index.js"}\n'})
    bundle = tmp_path / "repos" / "demo.bundle"
    bundle.parent.mkdir()
    git(source, "bundle", "create", "-q", str(bundle), "main")
    return bundle, git(source, "rev-parse", "HEAD").strip()


def test_a_checkout_a_run_built_files_into_is_checked_out_again(
    precision: ModuleType, tmp_path: Path
) -> None:
    bundle, commit = _bundle(tmp_path)
    header = {"bundle": bundle.name, "branch": "main", "commit": commit, "prepare": "mkdir env"}
    project = precision.LabelFile(tmp_path / "demo.tsv", header)
    work = tmp_path / "work"
    target = precision.checkout(project, bundle.parent, work)
    assert (target / "env").is_dir()
    (target / ".ai_workflow").mkdir()  # a run's own output does not count
    sentinel = target / ".git" / "kept"
    sentinel.write_text("")
    assert precision.checkout(project, bundle.parent, work) == target
    assert sentinel.exists()  # reused as prepared
    (target / "index.js").write_text("built by the tests\n")
    assert precision.checkout(project, bundle.parent, work) == target
    assert not sentinel.exists() and not (target / "index.js").exists()  # checked out again
    assert (target / "env").is_dir()  # and prepared again
