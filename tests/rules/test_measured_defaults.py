"""Rules of ours never real on the labelled projects (bench/rule_precision.py) are info by
default: the finding is still made, and `rules.severity` shows it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_workflow.cli import main
from ai_workflow.rules.catalog import load_catalog
from tests.helpers import make_repo

MEASURED_INFO = (
    "deps/unpinned",
    "docs/unknown-symbol",
    "structure/documented-path-missing",
    "tests/untested-module",
)
FAST = (
    "workflow:\n  disable: [script_references, test_review, test_generation, test_execution, "
    "context_analysis, git_finalization, markdown_lint, code_quality, documentation, "
    "consistency]\n"
)
FILES = {
    "README.md": "# Demo\n\nScripts live in `scripts/`.\n",
    "requirements.txt": "flask\n",
    "demo/__init__.py": '"""Demo."""\n',
}


def _found(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    main(["run", "--target", str(root), "--auto", "--json"])
    summary = json.loads(capsys.readouterr().out)
    wanted = ("deps/unpinned", "structure/documented-path-missing")
    return {
        f["rule"]: f["severity"]
        for step in summary["steps"]
        for f in step["findings"]
        if f["rule"] in wanted
    }


def test_the_catalog_says_info_and_why() -> None:
    catalog = load_catalog()
    for rule in MEASURED_INFO:
        entry = catalog.rules[rule]
        assert entry.severity.value == "info", rule
        assert "bench/rule_precision.py" in entry.description, rule


def test_found_at_info_and_raised_by_rules_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet = make_repo(tmp_path / "quiet", {**FILES, ".workflow-config.yaml": FAST})
    assert _found(quiet, capsys) == {
        "deps/unpinned": "info",
        "structure/documented-path-missing": "info",
    }
    raised = FAST + (
        "rules:\n  severity:\n    deps/unpinned: warning\n"
        "    structure/documented-path-missing: warning\n"
    )
    loud = make_repo(tmp_path / "loud", {**FILES, ".workflow-config.yaml": raised})
    assert _found(loud, capsys) == {
        "deps/unpinned": "warning",
        "structure/documented-path-missing": "warning",
    }
