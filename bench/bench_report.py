"""report.html of a large run: 5,000 findings over 40 rules and 800 files (goal: under 2 MB)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import machine

from ai_workflow.config import ReportConfig
from ai_workflow.engine.step import StepResult, StepSpec, StepStatus
from ai_workflow.findings import Finding, Severity
from ai_workflow.report.html import write_report_html

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def large_run(count: int) -> list[StepResult]:
    """Findings shaped like a linter's on a big project, each with a tool code and some output."""
    findings = [
        Finding(
            f"rule{n % 40:02d}/some-check-name",
            SEVERITIES[n % 3],
            f"function handle_request_{n} in module package/sub_{n % 800}/views.py has a "
            f"problem described in about one hundred characters of text, number {n}",
            f"src/package/sub_{n % 800}/views.py",
            n % 500 + 1,
            "code_quality",
            extra={"tool": "ruff", "code": f"E{n % 999}", "details": "Traceback ... " * 40},
        )
        for n in range(count)
    ]
    return [
        StepResult(
            "code_quality",
            9,
            "Code Quality",
            StepStatus.FAILED,
            started_at="2026-01-01T00:00:00.000Z",
            ended_at="2026-01-01T00:00:30.000Z",
            duration_s=30.0,
            findings=findings,
        )
    ]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    results = large_run(count)
    specs = {"code_quality": StepSpec("code_quality", 9, "Code Quality")}
    summary = {"run_id": "workflow_20260101_000000", "target": "/project", "status": "failed"}
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        for _ in range(repeats):
            start = time.perf_counter()
            write_report_html(path, summary, results, specs, [], ReportConfig())
            seconds.append(time.perf_counter() - start)
        size = path.stat().st_size
    print(
        f"bench_report: report.html with {count:,} findings is {size / 1e6:.2f} MB "
        f"({size:,} bytes; goal < 2 MB), written in {statistics.median(seconds) * 1000:.0f} ms "
        f"(median of {repeats}) [{machine()}]"
    )


if __name__ == "__main__":
    main()
