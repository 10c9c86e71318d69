"""bench/bench_ruff_parses.py: the findings it plants and its bad-input exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import BENCH, import_bench, make_repo


def test_plants_one_unused_import_and_local_per_file(tmp_path: Path) -> None:
    bench = import_bench("bench_ruff_parses")
    repo = make_repo(
        tmp_path / "p",
        {
            "a.py": "import os\nfrom x import y\n\n\ndef f():\n    z = 1\n    w = 2\n",
            "b.py": "x = 1\n",  # nothing to plant
            "bad.py": "def (:\n",  # does not parse: skipped
        },
    )
    found = bench.synthetic_findings(repo)
    assert [(f["rule"], f["path"], f["line"], f["message"]) for f in found] == [
        ("ruff/F401", "a.py", 1, "`os` imported but unused"),
        ("ruff/F841", "a.py", 6, "Local variable `z` is assigned to but never used"),
    ]


def test_a_missing_project_exits_2(tmp_path: Path) -> None:
    script = BENCH / "bench_ruff_parses.py"
    done = subprocess.run(
        [sys.executable, str(script), "--project", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "no directory" in done.stderr and not done.stdout
