"""The Reporter the engine calls: per-step Markdown as steps finish, run files at the end."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ai_workflow.config import ReportConfig
from ai_workflow.engine.artifacts import Workspace, write_atomic
from ai_workflow.engine.metrics import read_recent_history
from ai_workflow.engine.step import StepResult, StepSpec
from ai_workflow.report.codequality import CODEQUALITY_FILE, write_codequality
from ai_workflow.report.findings_json import FINDINGS_FILE, write_findings_json
from ai_workflow.report.html import REPORT_FILE, write_report_html
from ai_workflow.report.markdown import step_report_markdown, step_summary_markdown
from ai_workflow.report.sarif import SARIF_FILE, write_sarif


class FileReporter:
    """Writes `backlog/<run>/stepNN_<id>.md`, `summaries/<run>/stepNN_<id>_summary.md`, and at
    the end `backlog/<run>/findings.json`, `findings.sarif`, `findings.codequality.json`
    (GitLab) and `report.html`.

    A file that cannot be written (disk full, permissions) is recorded in `errors` instead of
    stopping the run; the caller shows them.
    """

    def __init__(
        self,
        workspace: Workspace,
        specs: Mapping[str, StepSpec],
        report: ReportConfig | None = None,
    ) -> None:
        self.workspace = workspace
        self.specs = dict(specs)
        self.report = report or ReportConfig()
        self.errors: list[str] = []
        self.written: list[Path] = []
        self._lock = threading.Lock()

    @property
    def findings_json(self) -> Path:
        return self.workspace.backlog_dir / FINDINGS_FILE

    @property
    def findings_sarif(self) -> Path:
        return self.workspace.backlog_dir / SARIF_FILE

    @property
    def report_html(self) -> Path:
        return self.workspace.backlog_dir / REPORT_FILE

    def step_finished(self, spec: StepSpec, result: StepResult) -> None:
        run_id = self.workspace.run_id
        self._write(self.workspace.step_report(spec), step_report_markdown(spec, result, run_id))
        self._write(self.workspace.step_summary(spec), step_summary_markdown(spec, result, run_id))

    def run_finished(self, summary: dict[str, Any], results: list[StepResult]) -> None:
        self._guard(
            self.findings_json, lambda: write_findings_json(self.findings_json, summary, results)
        )
        self._guard(self.findings_sarif, lambda: write_sarif(self.findings_sarif, summary, results))
        quality = self.workspace.backlog_dir / CODEQUALITY_FILE  # GitLab Code Quality
        self._guard(quality, lambda: write_codequality(quality, summary, results))
        self._guard(self.report_html, lambda: self._write_html(summary, results))

    def _write_html(self, summary: dict[str, Any], results: list[StepResult]) -> None:
        """report.html, with the history (this run's line included) for its trends. The run is
        over: a bug here is reported like a file that cannot be written, never a crash."""
        try:
            history = read_recent_history(self.workspace.target, self.report.trend_runs)
            write_report_html(self.report_html, summary, results, self.specs, history, self.report)
        except OSError:
            raise
        except Exception as exc:
            raise OSError(f"internal error: {exc!r}") from exc

    def _write(self, path: Path, text: str) -> None:
        self._guard(path, lambda: write_atomic(path, text))

    def _guard(self, path: Path, write: Any) -> None:
        try:
            write()
        except OSError as exc:
            with self._lock:
                self.errors.append(f"cannot write {path}: {exc.strerror or exc}")
            return
        with self._lock:
            self.written.append(path)
