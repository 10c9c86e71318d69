"""The precision bench's checkouts (bench/precision.py): a prepared checkout is reused only
while its work tree is as preparing left it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]


@pytest.fixture(scope="module")
def precision() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("precision")
    finally:
        sys.path.remove(str(BENCH))


def _bundle(tmp_path: Path) -> tuple[Path, str]:
    source = tmp_path / "source"
    source.mkdir()
    (source / "package.json").write_text('{"main": "index.js"}\n')
    subprocess.run([*GIT, "init", "-q", "-b", "main", str(source)], check=True)
    subprocess.run([*GIT, "-C", str(source), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(source), "commit", "-qm", "init"], check=True)
    commit = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    bundle = tmp_path / "repos" / "demo.bundle"
    bundle.parent.mkdir()
    subprocess.run(["git", "-C", str(source), "bundle", "create", "-q", str(bundle), "main"])
    return bundle, commit


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
