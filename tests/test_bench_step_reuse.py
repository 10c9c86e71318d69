"""bench/bench_step_reuse.py on a small bundle: both trees run, one summary line, the same
findings (the same tree twice here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import git, make_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")
ROOT = Path(__file__).resolve().parents[1]


def test_the_bench_prints_one_summary_line_for_two_trees(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "demo"\ndependencies = ["requests"]\n',
        "README.md": "# Demo\n\n## Usage\n\nCall `demo.api.run`.\n",
        "src/demo/__init__.py": '"""Demo."""\n\n\ndef load():\n    from . import api\n',
        "src/demo/api.py": '"""API."""\nimport requests\n\n\ndef run():\n    """Run."""\n',
    }
    repo = make_repo(tmp_path / "demo", files)
    repos = tmp_path / "repos"
    repos.mkdir()
    git(repo, "bundle", "create", str(repos / "demo.bundle"), "main")
    src = str(ROOT / "src")
    bench = [sys.executable, str(ROOT / "bench/bench_step_reuse.py"), "--before", src]
    done = subprocess.run(
        [*bench, "--after", src, "--project", "demo", "--rounds", "1", "--repos", str(repos)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert (
        lines[0]
        == "demo: editing src/demo/api.py; steps dependencies, documentation, script_references"
    )
    assert [x for x in lines if x.startswith("SUMMARY")] == [lines[-1]]
    assert lines[-1].endswith("same findings: yes")
    missing = subprocess.run(
        [*bench, "--after", src, "--project", "nothing", "--repos", str(repos)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "no bundle" in missing.stderr
