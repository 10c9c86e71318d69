"""Reports of a run: per-step Markdown, findings.json, SARIF 2.1.0, and the console's top
findings (the live console itself is `console.py`)."""

from ai_workflow.report.files import FileReporter
from ai_workflow.report.findings_json import findings_document, run_findings, write_findings_json
from ai_workflow.report.sarif import sarif_log, write_sarif
from ai_workflow.report.top_findings import findings_from_summary, render_top_findings, select_top

__all__ = [
    "FileReporter",
    "findings_document",
    "findings_from_summary",
    "render_top_findings",
    "run_findings",
    "sarif_log",
    "select_top",
    "write_findings_json",
    "write_sarif",
]
