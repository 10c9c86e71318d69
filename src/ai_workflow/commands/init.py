"""`ai-workflow init [--ci github|gitlab] [--pre-commit]`: set a project up for ai-workflow.

Writes a commented `.workflow-config.yaml` from the detected stack and, when asked, the CI files
and the pre-commit hooks (`ai_workflow.scaffold`). An existing file stops it before anything is
written (exit 2) unless `--force`.
"""

from __future__ import annotations

import argparse
import sys

from ai_workflow.app import resolve_target
from ai_workflow.ci import templates
from ai_workflow.config import Config
from ai_workflow.scaffold import plan_init, write_plan
from ai_workflow.techstack import detect_stack_for

NAME = "init"
HELP = "write a commented .workflow-config.yaml (and CI or pre-commit files) into a project"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target", "-t", default=".", metavar="PATH", help="project directory (default: .)"
    )
    parser.add_argument(
        "--ci", choices=("github", "gitlab"), help="also write the CI workflow or job"
    )
    parser.add_argument(
        "--pre-commit", action="store_true", help="also add the hooks to .pre-commit-config.yaml"
    )
    parser.add_argument(
        "--action",
        default=templates.ACTION,
        metavar="OWNER/REPO@REF",
        help="the GitHub Action to use (the repository holding ai-workflow's action.yml)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")


def run(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    stack = detect_stack_for(target, Config())  # what detection alone finds
    plan = plan_init(
        target,
        stack,
        ci=args.ci,
        pre_commit=args.pre_commit,
        force=args.force,
        action=args.action,
    )
    for line in write_plan(target, plan):
        print(f"ai-workflow: {line}", file=sys.stderr)
    for note in plan.notes:
        print(f"ai-workflow: note: {note}", file=sys.stderr)
    return 0
