"""findings.sarif: valid SARIF 2.1.0 (checked against the official schema) with rules, levels
and locations relative to the target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_workflow import __version__
from ai_workflow.engine.step import StepStatus
from ai_workflow.findings import Finding, Severity
from ai_workflow.report.sarif import (
    BASE_ID,
    artifact_uri,
    rule_description,
    sarif_log,
    write_sarif,
)
from tests.report.factories import finding, result, summary


def validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_schema_file_is_the_official_sarif_2_1_0_schema(sarif_schema: dict[str, Any]) -> None:
    assert sarif_schema["$id"].endswith("/sarif-schema-2.1.0.json")
    assert (
        sarif_schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    )
    assert sarif_schema["properties"]["version"]["enum"] == ["2.1.0"]
    jsonschema.Draft7Validator.check_schema(sarif_schema)
    # the schema really rejects a broken log, so a pass below means something
    errors = list(validator(sarif_schema).iter_errors({"version": "2.1.0", "runs": [{}]}))
    assert any("tool" in e.message for e in errors)


def test_log_is_valid_and_carries_rules_levels_and_locations(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    results = [
        result(
            9,
            "code_quality",
            StepStatus.FAILED,
            [
                finding("ruff/F401", "error", "`os` imported but unused", "src/pkg/a.py", 3),
                finding("ruff/F401", "warning", "`sys` imported but unused", "src/pkg/b.py", 1),
                finding("quality/long-file", "info", "800 lines", "src/my file.py"),
            ],
        ),
        result(
            7, "test_execution", StepStatus.FAILED, [finding("tests/failed", "error", "1 failed")]
        ),
        result(5, "test_review", StepStatus.SKIPPED, reason="docs-only change"),
    ]
    path = tmp_path / "findings.sarif"
    log = write_sarif(path, summary(str(tmp_path)), results)
    assert json.loads(path.read_text()) == log
    validator(sarif_schema).validate(log)

    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ai-workflow" and driver["version"] == "0.1.0"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {"ruff/F401", "quality/long-file", "tests/failed"}
    assert rules["ruff/F401"]["defaultConfiguration"]["level"] == "error"  # most severe seen
    assert rules["quality/long-file"]["defaultConfiguration"]["level"] == "note"
    assert rules["ruff/F401"]["shortDescription"]["text"] == "Ruff: F401"

    by_message = {r["message"]["text"]: r for r in run["results"]}
    assert len(run["results"]) == 4
    a = by_message["`os` imported but unused"]
    assert a["ruleId"] == "ruff/F401" and a["level"] == "error"
    assert driver["rules"][a["ruleIndex"]]["id"] == "ruff/F401"
    loc = a["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "src/pkg/a.py", "uriBaseId": BASE_ID}
    assert loc["region"] == {"startLine": 3}
    assert by_message["`sys` imported but unused"]["level"] == "warning"
    spaced = by_message["800 lines"]["locations"][0]["physicalLocation"]
    assert spaced["artifactLocation"]["uri"] == "src/my%20file.py"
    assert "region" not in spaced  # no line: file-level result
    assert "locations" not in by_message["1 failed"]  # no path: allowed without location
    assert by_message["1 failed"]["properties"]["step"] == "test_execution"
    base = run["originalUriBaseIds"][BASE_ID]["uri"]
    assert base.startswith("file://") and base.endswith("/")
    assert run["invocations"][0]["executionSuccessful"] is True


def test_empty_run_is_valid(tmp_path: Path, sarif_schema: dict[str, Any]) -> None:
    log = sarif_log(summary(str(tmp_path), status="passed"), [result(0, "pre_analysis")])
    validator(sarif_schema).validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_interrupted_run_is_not_execution_successful(tmp_path: Path) -> None:
    log = sarif_log(summary(str(tmp_path), status="interrupted"), [])
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_version_defaults_to_package_version(tmp_path: Path) -> None:
    data = summary(str(tmp_path))
    del data["version"]
    assert sarif_log(data, [])["runs"][0]["tool"]["driver"]["version"] == __version__


def test_rule_description_and_uri_helpers() -> None:
    assert rule_description("docs/missing-docstring") == "Docs: missing docstring"
    assert rule_description("links/broken_link") == "Links: broken link"
    assert rule_description("plain-rule") == "plain rule"
    assert artifact_uri("docs/a b#c.md") == "docs/a%20b%23c.md"
    assert artifact_uri("dir\\file.py") == "dir/file.py"


def test_fingerprint_is_stable_when_only_the_line_moves(tmp_path: Path) -> None:
    first = sarif_log(
        summary(str(tmp_path)), [result(1, "d", findings=[finding("x/y", path="a", line=3)])]
    )
    moved = sarif_log(
        summary(str(tmp_path)), [result(1, "d", findings=[finding("x/y", path="a", line=9)])]
    )
    prints = [log["runs"][0]["results"][0]["partialFingerprints"] for log in (first, moved)]
    assert prints[0] == prints[1]


findings_strategy = st.builds(
    Finding,
    rule=st.from_regex(r"[a-z]{1,8}/[A-Za-z0-9-]{1,12}", fullmatch=True),
    severity=st.sampled_from(list(Severity)),
    message=st.text(min_size=0, max_size=40),
    path=st.none()
    | st.from_regex(r"[A-Za-z0-9 _.#%-]{1,10}(/[A-Za-z0-9 _.#%-]{1,10}){0,2}", fullmatch=True),
    line=st.none() | st.integers(min_value=-2, max_value=10_000),
    step=st.sampled_from(["", "documentation", "code_quality"]),
    source=st.sampled_from(["check", "ai"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(findings_strategy, max_size=25))
def test_any_findings_give_a_valid_log_with_one_result_each(
    sarif_schema: dict[str, Any], findings: list[Finding]
) -> None:
    log = sarif_log(summary("/tmp/project"), [result(2, "consistency", findings=findings)])
    validator(sarif_schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(findings)
    assert {r["id"] for r in rules} == {f.rule for f in findings}
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]


def test_steps_that_broke_without_findings_become_tool_notifications(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    results = [
        result(4, "directory_structure", StepStatus.FAILED, reason="internal error: boom"),
        result(7, "test_execution", StepStatus.FAILED, [finding("tests/failed", "error", "x")]),
        result(9, "code_quality", StepStatus.INTERRUPTED, reason="run interrupted"),
        result(5, "test_review", StepStatus.NOT_RUN, reason="dependency failed"),
    ]
    log = sarif_log(summary(str(tmp_path)), results)
    validator(sarif_schema).validate(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["directory_structure", "code_quality"]
    assert notes[0]["message"]["text"] == "step directory_structure failed: internal error: boom"
    assert notes[0]["level"] == "error"


def test_rules_carry_the_catalog_description_fix_and_docs(tmp_path: Path) -> None:
    url = "https://docs.astral.sh/ruff/rules/unused-import"
    ruff = Finding("ruff/F401", Severity.WARNING, "m", "a.py", 1, extra={"url": url})
    log = sarif_log(
        summary(str(tmp_path)),
        [result(9, "code_quality", findings=[ruff, finding("links/broken-anchor", "error")])],
    )
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    anchor = rules["links/broken-anchor"]
    assert anchor["shortDescription"]["text"].startswith("A link's #fragment names no heading")
    assert anchor["help"]["text"].startswith("Use the heading's current anchor")
    assert "helpUri" not in anchor
    assert rules["ruff/F401"]["helpUri"] == url  # the linter's own page for the code
    assert rules["ruff/F401"]["shortDescription"]["text"] == "Ruff: F401"


def test_baseline_state_only_when_the_run_had_a_baseline(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    known = Finding("x/y", Severity.ERROR, "old", fingerprint="f" * 32, baselined=True)
    fresh = Finding("x/y", Severity.ERROR, "new", fingerprint="e" * 32)
    results = [result(1, "d", findings=[known, fresh])]
    plain = sarif_log(summary(str(tmp_path)), results)
    assert all("baselineState" not in r for r in plain["runs"][0]["results"])
    with_baseline = {**summary(str(tmp_path)), "rules": {"baseline": {"entries": 1}}}
    log = sarif_log(with_baseline, results)
    validator(sarif_schema).validate(log)
    states = {r["message"]["text"]: r["baselineState"] for r in log["runs"][0]["results"]}
    assert states == {"old": "unchanged", "new": "new"}
    prints = log["runs"][0]["results"][0]["partialFingerprints"]
    assert prints["aiWorkflowBaseline/v1"] in ("f" * 32, "e" * 32)
