"""report.html: the data the page is drawn from, its size, that it loads nothing, and where
its source links point."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.config import ReportConfig, load_config
from ai_workflow.engine.step import StepResult, StepSpec, StepStatus
from ai_workflow.errors import ConfigError
from ai_workflow.findings import Finding, Severity
from ai_workflow.report.html import (
    compact_findings,
    render_html,
    report_data,
    trends,
    write_report_html,
)
from ai_workflow.report.source_links import source_links, web_base
from tests.helpers import git, make_repo
from tests.report.factories import finding, result, spec, summary

SIZE_LIMIT = 2_000_000


def stamp(seconds: float) -> str:
    whole = int(seconds)
    return f"2026-01-01T00:00:{whole:02d}.{round((seconds - whole) * 1000):03d}Z"


def timed(number: int, sid: str, start: float, end: float, **kw: Any) -> StepResult:
    return result(
        number,
        sid,
        started_at=stamp(start),
        ended_at=stamp(end),
        duration_s=round(end - start, 3),
        **kw,
    )


def specs() -> dict[str, StepSpec]:
    items = [
        spec(0, "pre_analysis"),
        StepSpec(id="documentation", number=1, name="Docs", depends_on=("pre_analysis",)),
        StepSpec(id="test_execution", number=7, name="Tests", depends_on=("pre_analysis",)),
        StepSpec(id="code_quality", number=9, name="Lint", depends_on=("pre_analysis",)),
        StepSpec(
            id="context_analysis",
            number=10,
            name="Context",
            depends_on=("documentation", "test_execution", "code_quality"),
        ),
    ]
    return {s.id: s for s in items}


def parallel_run() -> list[StepResult]:
    """pre_analysis, then docs and tests side by side (lint waits for a worker), reused lint."""
    return [
        timed(0, "pre_analysis", 0.0, 1.0),
        timed(1, "documentation", 1.0, 2.0, findings=[finding("docs/x", path="README.md")]),
        timed(7, "test_execution", 1.1, 9.0),
        result(9, "code_quality", StepStatus.REUSED, reason="inputs unchanged since run 1"),
        timed(10, "context_analysis", 9.5, 10.0),
    ]


def test_steps_carry_their_timeline_lanes_waiting_time_and_the_critical_path() -> None:
    data = report_data(summary("/tmp/p", "passed"), parallel_run(), specs(), [], ReportConfig())
    steps = {s["id"]: s for s in data["steps"]}
    assert [s["id"] for s in data["steps"]] == [
        "pre_analysis",
        "documentation",
        "test_execution",
        "code_quality",
        "context_analysis",
    ]
    assert steps["test_execution"]["start"] == 1.1 and steps["test_execution"]["end"] == 9.0
    assert steps["test_execution"]["wait"] == pytest.approx(0.1)
    assert steps["context_analysis"]["wait"] == pytest.approx(0.5)  # after the last dependency
    assert steps["code_quality"]["start"] is None  # reused: no bar, its reason instead
    assert steps["code_quality"]["reason"] == "inputs unchanged since run 1"
    assert data["critical"] == ["pre_analysis", "test_execution", "context_analysis"]
    lanes = data["lanes"]
    assert lanes["documentation"] != lanes["test_execution"]  # they overlapped
    assert lanes["context_analysis"] == lanes["pre_analysis"] == 0
    assert "code_quality" not in lanes
    assert data["edges"] == [
        ["pre_analysis", "documentation"],
        ["pre_analysis", "test_execution"],
        ["pre_analysis", "code_quality"],
        ["documentation", "context_analysis"],
        ["test_execution", "context_analysis"],
        ["code_quality", "context_analysis"],
    ]


def test_findings_are_interned_and_keep_triage_comment_and_baseline_when_present() -> None:
    plain = finding("docs/x", "warning", "plain", "a.md", 3, step="documentation")
    reviewed = Finding(
        "ai/doc-gap",
        Severity.INFO,
        "reviewed",
        "a.md",
        None,
        "documentation",
        "ai",
        {"triage": "true positive", "ai_comment": "fix the example", "details": "x" * 5000},
    )
    data = compact_findings([plain, reviewed])
    assert data["rules"] == ["docs/x", "ai/doc-gap"] and data["paths"] == ["a.md"]
    first, second = data["rows"]
    # baselined: -1 where findings carry no baseline flag, 0 (new) where they all carry one
    assert first[:7] == [1, 0, 0, 0, 3, "plain", 0] and first[7] in (-1, 0) and first[8] == 0
    assert second[:7] == [2, 1, 0, 0, 0, "reviewed", 1]
    notes = second[8]
    assert notes["triage"] == "true positive" and notes["comment"] == "fix the example"
    details = notes["extra"]["details"]  # cut in the page, whole in findings.json
    assert details.endswith(" …") and len(details) < 2100
    baselined = Finding("docs/x", Severity.WARNING, "old", extra={"baselined": True})
    assert compact_findings([baselined])["rows"][0][7] == 1


def test_trends_take_the_last_runs_with_their_figures() -> None:
    runs = [
        {
            "run_id": f"r{i}",
            "status": "passed",
            "duration_s": 10.0 + i,
            "counts": {"findings": {"error": i, "warning": 1, "info": 2}},
            "tests": {"passed": 5 + i, "failed": 0},
            "ai": {"cache_hits": 1, "cache_misses": 3},
            "steps": [
                {"id": "test_execution", "status": "passed", "duration_s": 8.0},
                {"id": "code_quality", "status": "reused", "duration_s": 0.0},
            ],
        }
        for i in range(40)
    ]
    runs.append({"run_id": "dry", "status": "dry_run", "steps": []})
    points = trends(runs, 30)
    assert len(points) == 30 and points[0]["run_id"] == "r10" and points[-1]["run_id"] == "r39"
    last = points[-1]
    assert last["findings"] == {"error": 39, "warning": 1, "info": 2}
    assert last["tests"]["passed"] == 44 and last["hit_rate"] == 0.25
    assert last["steps"] == {"test_execution": 8.0}  # a reused step took no time of its own


def test_the_page_inlines_everything_and_loads_nothing(tmp_path: Path) -> None:
    hostile = finding("x/y", message="</script><script>alert(1)</script> <!-- & \u2028")
    results = [timed(0, "pre_analysis", 0.0, 1.0, findings=[hostile])]
    page = render_html(
        report_data(
            summary(str(tmp_path)),
            results,
            {"pre_analysis": spec(0, "pre_analysis")},
            [],
            ReportConfig(),
        )
    )
    assert "default-src 'none'" in page  # the browser refuses any request the page might make
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(?!data:)", page)
    assert "http://" not in page.split("<script")[0]
    assert page.count("</script>") == 3  # data, vendored libraries, app: nothing else closes one
    payload = page.split('<script id="report-data" type="application/json">')[1]
    payload = payload.split("</script>")[0]
    assert json.loads(payload)["findings"]["rows"][0][5] == hostile.message
    assert "Copyright 2010-2026 Mike Bostock" in page and "Chris Pettitt" in page  # licences


def test_five_thousand_findings_stay_under_two_megabytes(tmp_path: Path) -> None:
    """A large project's run: 5,000 findings over 40 rules and 800 files, real-looking messages
    and extras (test failure details are the longest)."""
    findings = [
        Finding(
            f"rule{n % 40:02d}/some-check-name",
            Severity(("error", "warning", "info")[n % 3]),
            f"function handle_request_{n} in module package/sub_{n % 800}/views.py has a "
            f"problem described in about one hundred characters of text, number {n}",
            f"src/package/sub_{n % 800}/views.py",
            n % 500 + 1,
            "code_quality",
            extra={"tool": "ruff", "code": f"E{n % 999}", "details": "Traceback ... " * 40},
        )
        for n in range(5000)
    ]
    results = [timed(9, "code_quality", 0.0, 30.0, findings=findings)]
    path = tmp_path / "report.html"
    write_report_html(
        path,
        summary(str(tmp_path)),
        results,
        {"code_quality": spec(9, "code_quality")},
        [],
        ReportConfig(),
    )
    size = path.stat().st_size
    print(f"report.html with 5,000 findings: {size:,} bytes")  # the README's figure (pytest -s)
    assert size < SIZE_LIMIT, f"{size} bytes"


# ----------------------------------------------------------------------------- source links


@pytest.mark.parametrize(
    ("remote", "base"),
    [
        ("git@github.com:pallets/flask.git", "https://github.com/pallets/flask"),
        ("https://user:secret-token@github.com/o/r.git", "https://github.com/o/r"),
        (
            "ssh://git@gitlab.example.org:2222/group/sub/r.git",
            "https://gitlab.example.org/group/sub/r",
        ),
        ("/srv/git/r.git", None),
        ("file:///srv/git/r.git", None),
    ],
)
def test_web_base_from_a_remote_url_drops_credentials(remote: str, base: str | None) -> None:
    assert web_base(remote) == base


def test_links_follow_the_remote_and_the_target_folder_inside_the_repository(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", {"pkg/sub/a.py": "x = 1\n"})
    commit = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "remote", "add", "origin", "git@gitlab.com:team/proj.git")
    links = source_links(repo / "pkg", None, commit, "main")
    assert links.template == f"https://gitlab.com/team/proj/-/blob/{commit}/pkg/{{path}}#L{{line}}"
    git(repo, "remote", "set-url", "origin", "https://git.example.org/team/proj.git")
    assert source_links(repo, None, commit, "main").template is None  # unknown forge: files
    custom = source_links(repo, "https://code.example.org/{branch}/{path}?l={line}", commit, "dev")
    assert custom.template == "https://code.example.org/dev/{path}?l={line}"
    assert source_links(tmp_path, None, None, None).template is None  # not a repository


def test_a_bad_source_url_template_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / ".workflow-config.yaml").write_text(
        "report:\n  source_url: 'https://x/{file}#L{line}'\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, environ={})
    assert "line 2" in str(err.value) and "unknown placeholder {file}" in str(err.value)
