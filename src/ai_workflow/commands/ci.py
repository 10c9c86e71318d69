"""`ai-workflow ci github|pre-commit`: run the workflow the way a CI job or a git hook needs.

`ci github` is what the repository's GitHub Action (`action.yml`) runs: the workflow, then the
job summary, annotations for new findings and the step outputs (`ai_workflow.ci.github`).
`ci pre-commit` is the entry of the hooks in `.pre-commit-hooks.yaml` (`ai_workflow.ci.precommit`).
Both exit with the run's exit code (the quick hook: 1 for findings in the committed files).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import uuid
from pathlib import Path

from ai_workflow.app import load_project, resolve_target
from ai_workflow.ci import github, precommit
from ai_workflow.ci.findings import RunFindings, run_findings
from ai_workflow.ci.runner import Outcome, run_workflow_json, without_own_virtualenv
from ai_workflow.cli import add_target, positive_int
from ai_workflow.errors import UsageError
from ai_workflow.findings import Severity
from ai_workflow.report.codequality import CODEQUALITY_FILE
from ai_workflow.report.findings_json import FINDINGS_FILE
from ai_workflow.report.sarif import SARIF_FILE

NAME = "ci"
HELP = "run the workflow for a CI system or a git hook (GitHub Actions, pre-commit)"
TRUE = ("true", "yes", "on", "1")
FALSE = ("false", "no", "off", "0", "")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="ci_command", metavar="SYSTEM", required=True)
    gh = sub.add_parser(
        "github",
        help="run, then write the job summary, annotations and outputs (the GitHub Action)",
        description="Run the workflow in a GitHub Actions job: job summary, annotations for "
        "new findings, step outputs (sarif, findings, codequality, status, exit-code).",
    )
    add_target(gh)
    gh.add_argument("--steps", default="", metavar="LIST", help="only these steps")
    gh.add_argument("--fail-on", default="", metavar="LEVEL", help="passed on to `run --fail-on`")
    gh.add_argument(
        "--smart-execution",
        type=_boolean,
        default=False,
        metavar="BOOL",
        help="true: skip steps whose inputs the change did not touch (default false)",
    )
    gh.add_argument(
        "--extra-args", default="", metavar="ARGS", help="more `run` options, shell-quoted"
    )
    gh.add_argument(
        "--max-annotations",
        type=positive_int,
        default=github.MAX_ANNOTATIONS,
        metavar="N",
        help=f"annotations per severity (default {github.MAX_ANNOTATIONS}, what GitHub shows)",
    )
    hook = sub.add_parser(
        "pre-commit",
        help="the pre-commit hooks: quick steps on the committed files, or --full",
        description="Quick (default): fast steps, no AI, smart execution against HEAD; fails "
        "on findings in FILES. --full: every step and the run's exit code.",
    )
    add_target(hook)
    hook.add_argument("files", nargs="*", metavar="FILE", help="files being committed")
    hook.add_argument("--full", action="store_true", help="every step, AI as configured")
    hook.add_argument("--ai", action="store_true", help="quick hook: AI review as configured")
    hook.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="quick hook: the least severe finding that blocks the commit (default error)",
    )


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got '{text}'")


def run(args: argparse.Namespace) -> int:
    if args.ci_command == "github":
        return _github(args)
    return _pre_commit(args)


# --------------------------------------------------------------------------- GitHub


def _project_args(args: argparse.Namespace) -> list[str]:
    """The `run` options that choose the configuration and the work directory, as given."""
    out = ["--config", args.config] if args.config else []
    if args.no_project_config:
        out.append("--no-project-config")
    if args.workdir:
        out += ["--workdir", args.workdir]
    return out


def _github_run_args(args: argparse.Namespace) -> list[str]:
    run_args = ["--target", args.target, "--auto", *_project_args(args)]
    if args.steps.strip():
        run_args += ["--steps", args.steps.strip()]
    if args.smart_execution:
        run_args.append("--smart-execution")
    if args.fail_on.strip():
        run_args += ["--fail-on", args.fail_on.strip()]
    try:
        run_args += shlex.split(args.extra_args)
    except ValueError as exc:
        raise UsageError(f"--extra-args: {exc}") from None
    return run_args


def _github(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    run_args = _github_run_args(args)
    token = uuid.uuid4().hex  # the run prints project output: no workflow command from it
    print(f"::stop-commands::{token}", flush=True)
    try:
        outcome = run_workflow_json(run_args)
    finally:
        print(f"::{token}::", flush=True)
    findings = run_findings(outcome.summary) if outcome.summary else None
    if findings is not None:
        workspace = os.environ.get("GITHUB_WORKSPACE")
        prefix = github.path_prefix(target, Path(workspace) if workspace else None)
        for line in github.annotation_commands(findings, prefix, args.max_annotations):
            print(line)
    report_dir = outcome.report_dir
    summary_text = github.job_summary(
        outcome.summary, findings, exit_code=outcome.exit_code, report_dir=report_dir
    )
    _append_env_file("GITHUB_STEP_SUMMARY", summary_text)
    _append_env_file("GITHUB_OUTPUT", github.output_lines(_outputs(outcome, findings)))
    return outcome.exit_code


def _outputs(outcome: Outcome, findings: RunFindings | None) -> dict[str, str]:
    report_dir = outcome.report_dir
    summary = outcome.summary or {}
    outputs = {
        "exit-code": str(outcome.exit_code),
        "status": str(summary.get("status") or "error"),
        "run-id": str(summary.get("run_id") or ""),
        "report-dir": str(report_dir or ""),
    }
    for name, file in (
        ("findings", FINDINGS_FILE),
        ("sarif", SARIF_FILE),
        ("codequality", CODEQUALITY_FILE),
    ):
        path = report_dir / file if report_dir else None
        outputs[name] = str(path) if path is not None and path.is_file() else ""
    if findings is not None:
        outputs["new-errors"] = str(findings.count(Severity.ERROR))
        outputs["new-warnings"] = str(findings.count(Severity.WARNING))
    return outputs


def _append_env_file(variable: str, text: str) -> None:
    """Append to the file GitHub names in `variable`; nothing outside GitHub Actions."""
    path = os.environ.get(variable)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:  # raw read: GitHub's own file (write)
            handle.write(text)
    except OSError as exc:
        print(f"ai-workflow: warning: cannot write ${variable} ({path}): {exc}", file=sys.stderr)


# --------------------------------------------------------------------------- pre-commit


def _pre_commit(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    common = _project_args(args)
    env = without_own_virtualenv(os.environ)
    if args.full:
        return run_workflow_json(["--target", str(target), "--auto", *common], env).exit_code
    _, _, registry = load_project(args)
    steps = [s for s in precommit.QUICK_STEPS if s in registry.steps]
    run_args = precommit.quick_run_args(target, args.files, steps) + common
    outcome = run_workflow_json(run_args, env if args.ai else {**env, **precommit.NO_AI})
    if outcome.summary is None:
        return outcome.exit_code
    if outcome.summary.get("status") == "interrupted":
        return 130
    verdict = precommit.verdict(run_findings(outcome.summary), args.files, Severity(args.fail_on))
    for finding in verdict.blocking:
        print(precommit.describe(finding))
    if verdict.elsewhere:
        print(
            f"ai-workflow: {verdict.elsewhere} more error(s) or warning(s) in files this commit "
            "does not touch (`ai-workflow run` lists them)"
        )
    return 1 if verdict.blocking else 0
