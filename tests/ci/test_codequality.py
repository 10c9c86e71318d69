"""findings.codequality.json: the GitLab Code Quality report written with every run, valid
against a schema written from GitLab's documentation of the format (tests/data/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.findings import Finding, Severity
from ai_workflow.report.codequality import CODEQUALITY_FILE, codequality_issues
from tests.helpers import git, make_repo
from tests.report.factories import finding

SCHEMA_PATH = Path(__file__).parent.parent / "data" / "gitlab-codequality-schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def validate(issues: object, schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema).validate(issues)


def test_the_schema_rejects_what_gitlab_rejects(schema: dict[str, Any]) -> None:
    good = {
        "description": "d",
        "check_name": "c",
        "fingerprint": "f",
        "severity": "minor",
        "location": {"path": "a.py", "lines": {"begin": 1}},
    }
    validate([good], schema)
    validator = jsonschema.Draft202012Validator(schema)
    for broken in (
        {k: v for k, v in good.items() if k != "check_name"},
        {**good, "severity": "warning"},
        {**good, "location": {"path": "./a.py", "lines": {"begin": 1}}},
        {**good, "location": {"path": "a.py"}},
    ):
        assert not validator.is_valid([broken]), broken
    assert not validator.is_valid(good)  # a single object, not an array


def test_severities_and_what_is_left_out(schema: dict[str, Any]) -> None:
    issues = codequality_issues(
        [
            finding("tests/failed", "error", "test_x failed", "tests/test_a.py", 12),
            finding("docs/missing-docstring", "warning", "f has no docstring", "src/a.py", 3),
            finding("quality/long-file", "info", "900 lines", "src/big.py"),
            finding("workflow/step-failed", "error", "the tool could not run"),
        ]
    )
    validate(issues, schema)
    assert [(i["check_name"], i["severity"]) for i in issues] == [
        ("tests/failed", "critical"),
        ("docs/missing-docstring", "minor"),
    ]
    assert issues[0]["location"] == {"path": "tests/test_a.py", "lines": {"begin": 12}}
    assert issues[0]["description"] == "test_x failed"


def test_paths_are_relative_to_the_repository(tmp_path: Path, schema: dict[str, Any]) -> None:
    target = tmp_path / "app"
    issues = codequality_issues(
        [
            finding("a/b", "warning", "m1", "./src/a.py"),
            finding("a/b", "warning", "m2", str(target / "src" / "b.py"), 4),
            finding("a/b", "warning", "m3", str(tmp_path / "elsewhere.py")),
            finding("a/b", "warning", "m4", "../outside.py"),
        ],
        target,
        prefix="services/app/",
    )
    validate(issues, schema)
    assert [i["location"]["path"] for i in issues] == [
        "services/app/src/a.py",
        "services/app/src/b.py",
    ]
    assert issues[0]["location"]["lines"]["begin"] == 1  # no line: the file's first


def test_fingerprints_are_unique_and_survive_a_line_move() -> None:
    before = codequality_issues(
        [
            finding("ruff/E501", "warning", "line too long", "a.py", 3),
            finding("ruff/E501", "warning", "line too long", "a.py", 9),
            finding("ruff/E501", "warning", "line too long", "b.py", 3),
        ]
    )
    after = codequality_issues(
        [
            finding("ruff/E501", "warning", "line too long", "a.py", 5),
            finding("ruff/E501", "warning", "line too long", "a.py", 11),
            finding("ruff/E501", "warning", "line too long", "b.py", 3),
        ]
    )
    fingerprints = [i["fingerprint"] for i in before]
    assert len(set(fingerprints)) == 3
    assert fingerprints == [i["fingerprint"] for i in after]


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
paths = st.one_of(
    st.none(),
    st.lists(st.from_regex(r"[A-Za-z0-9_. -]{1,8}", fullmatch=True), min_size=1, max_size=3).map(
        "/".join
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            Finding,
            rule=st.from_regex(r"[a-z]{1,6}/[a-z0-9-]{1,8}", fullmatch=True),
            severity=st.sampled_from(list(Severity)),
            message=texts,
            path=paths,
            line=st.one_of(st.none(), st.integers(-3, 10_000)),
        ),
        max_size=25,
    )
)
def test_any_findings_make_a_valid_report_with_unique_fingerprints(
    findings: list[Finding],
) -> None:
    issues = codequality_issues(findings)
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))).validate(
        issues
    )
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    shown = [f for f in findings if f.severity is not Severity.INFO]
    assert len(issues) <= len(shown)


def test_every_run_writes_the_report_next_to_findings_json(
    tmp_path: Path, schema: dict[str, Any]
) -> None:
    """A real run of code quality on a project in a subdirectory of its repository."""
    repo = make_repo(
        tmp_path / "mono",
        {
            "README.md": "# mono\n",
            "app/README.md": "# app\n",
            "app/pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\n',
            "app/src/app/__init__.py": "import os\n\n\ndef f():\n    return undefined_name\n",
            "app/.gitignore": ".ai_workflow/\n",
        },
    )
    target = repo / "app"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "ai_workflow", "run", "--target", str(target)),
            *("--steps", "code_quality", "--auto", "--json"),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    summary = json.loads(result.stdout)
    backlog = target / ".ai_workflow" / "backlog" / summary["run_id"]
    raw = (backlog / CODEQUALITY_FILE).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # GitLab's parser refuses a byte order mark
    issues = json.loads(raw)
    validate(issues, schema)
    assert (backlog / "findings.json").is_file()
    shown = [
        f for s in summary["steps"] for f in s["findings"] if f["severity"] in ("error", "warning")
    ]
    assert shown and len(issues) == len(shown)
    assert {i["location"]["path"] for i in issues} == {"app/src/app/__init__.py"}
    assert git(repo, "status", "--porcelain").strip() == ""  # nothing written outside .ai_workflow
