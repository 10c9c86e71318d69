"""`ai-workflow changes`: what changed since which base, and what smart execution would skip."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ai_workflow.app import load_project
from ai_workflow.changes import SmartPlan, build_skip_policy
from ai_workflow.changes.detect import display_path
from ai_workflow.cli import add_target
from ai_workflow.engine.metrics import read_history

NAME = "changes"
HELP = "show the changed files by category, the impact and every step's skip decision"
SHOWN_PER_CATEGORY = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target(parser)
    parser.add_argument("--base", metavar="REF", help="git base to compare with")
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")


def run(args: argparse.Namespace) -> int:
    target, config, registry = load_project(args)
    if args.base:
        smart = config.smart_execution.model_copy(update={"base": args.base})
        config = config.model_copy(update={"smart_execution": smart})
    plan = build_skip_policy(target, config, registry.specs, read_history(target))
    if args.json:
        print(json.dumps(plan.to_dict(limit=None), indent=2))
    else:
        render(plan, Console(highlight=False, soft_wrap=True))
    return 0


def render(plan: SmartPlan, console: Console) -> None:
    console.print(escape(plan.describe()))
    for warning in plan.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    for note in plan.changes.notes:
        console.print(f"note: {escape(note)}")
    for category, paths in (plan.files or {}).items():
        console.print(f"[bold]{category}[/bold] ({len(paths)})")
        for path in paths[:SHOWN_PER_CATEGORY]:
            console.print(f"  {escape(_printable(path))}")
        if len(paths) > SHOWN_PER_CATEGORY:
            console.print(f"  ... and {len(paths) - SHOWN_PER_CATEGORY} more")
    table = Table(title="Smart execution decisions", title_justify="left")
    for column in ("step", "decision", "reason"):
        table.add_column(column)
    for decision in plan.to_dict(limit=0)["decisions"].values():
        style = "green" if decision["decision"] == "run" else "dim"
        table.add_row(
            escape(decision["step"]),
            f"[{style}]{decision['decision']}[/{style}]",
            escape(decision["reason"]),
        )
    console.print(table)


def _printable(path: str) -> str:
    """One line per path: names with control characters are shown quoted, escapes visible."""
    text = display_path(path)
    return repr(text) if any(ord(c) < 32 for c in text) else text
