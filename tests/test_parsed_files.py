"""One read and one parse per file for all of ruff's post-processors (ai_workflow.parsed_files)."""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.ruff_scope import RuffScopes
from ai_workflow.lint.ruff_style import StyleScope
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.steps.code_quality import explained_ruff_findings
from tests.helpers import make_repo

PROBE = "try:\n    import readline\nexcept ImportError:\n    readline = None\n"
SHIM = "import warnings\nimport os\n\nwarnings.warn('gone', DeprecationWarning)\n"
TEST = "import os\n\n\ndef test_x():\n    result = make()\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names `ast.parse` was called with, as it is called."""
    called: list[str] = []
    real = ast.parse

    def counted(source: Any, filename: Any = "<unknown>", *args: Any, **kwargs: Any) -> Any:
        called.append(str(filename))
        return real(source, filename, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counted)
    return called


def _warning(code: str, message: str, path: str, line: int) -> Finding:
    return Finding(f"ruff/{code}", Severity.WARNING, message, path, line)


def test_every_post_processor_shares_one_parse_per_file(tmp_path: Path, parses: list[str]) -> None:
    repo = make_repo(
        tmp_path / "p",
        {
            "pkg/__init__.py": "",
            "pkg/probe.py": PROBE,
            "pkg/shim.py": SHIM,
            "tests/test_a.py": TEST,
        },
    )
    findings = [
        _warning("F401", "`readline` imported but unused", "pkg/probe.py", 2),
        _warning("F401", "`os` imported but unused", "pkg/shim.py", 2),
        _warning("F401", "`os` imported but unused", "tests/test_a.py", 1),
        _warning(
            "F841", "Local variable `result` is assigned to but never used", "tests/test_a.py", 5
        ),
    ]
    python = ["pkg/__init__.py", "pkg/probe.py", "pkg/shim.py", "tests/test_a.py"]
    kept, lowered = explained_ruff_findings(findings, python, RuffScopes(repo), StyleScope(None))
    # each non-empty file once, though re-exports read them all, then probes, shims and tests
    assert sorted(parses) == ["pkg/probe.py", "pkg/shim.py", "tests/test_a.py"]
    assert [f.severity for f in kept] == [
        Severity.INFO,
        Severity.INFO,
        Severity.WARNING,
        Severity.INFO,
    ]
    assert "availability probe" in kept[0].message
    assert "deprecation" in kept[1].message
    assert lowered == 1  # the unused call result in a test; the unused import there stays


def test_unreadable_empty_and_broken_files_have_no_tree(tmp_path: Path, parses: list[str]) -> None:
    repo = make_repo(tmp_path / "p", {"ok.py": "x = 1\n", "empty.py": "", "bad.py": "def (:\n"})
    os.symlink("/etc/hostname", repo / "outside.py")
    files = ParsedFiles(repo)
    assert files.tree("ok.py") is not None and files.tree("ok.py") is files.tree("ok.py")
    assert files.lines("ok.py") == ["x = 1"]
    assert [files.tree(rel) for rel in ("empty.py", "bad.py", "outside.py", "gone.py")] == [
        None
    ] * 4
    assert files.text("outside.py") == ""  # a link out of the project is not read
    files.tree("bad.py")
    assert parses == ["ok.py", "bad.py"]  # a failed parse is not retried


def test_syntax_nodes_walk_the_tree_once(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p", {"m.py": "import a\ntry:\n    import b\nexcept E:\n    pass\n"}
    )
    syntax = ParsedFiles(repo).syntax("m.py")
    assert syntax is not None
    assert [n.names[0].name for n in syntax.nodes(ast.Import)] == ["a", "b"]
    assert syntax.nodes(ast.Import) is syntax.nodes(ast.Import)
    assert len(syntax.nodes(ast.Try)) == 1
    assert len(syntax.walked) == len(list(ast.walk(syntax.tree)))
