"""`ai-workflow tech-stack`: print what tech-stack detection found in a target, and why."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ai_workflow.app import resolve_target
from ai_workflow.cli import add_target
from ai_workflow.config import load_config
from ai_workflow.techstack import TechStack, detect_stack_for

NAME = "tech-stack"
HELP = "show the detected tech stack (languages, test command, tools) and why"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print the detection as JSON")


def run(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    config_file = Path(args.config) if getattr(args, "config", None) else None
    config = load_config(target, config_file=config_file)
    stack = detect_stack_for(target, config)
    if args.json:
        print(json.dumps({"target": str(target), **stack.to_dict()}, indent=2))
    else:
        Console(highlight=False).print(render(stack, target))
    return 0


def render(stack: TechStack, target: Path) -> Table:
    """A two-column table: each detected value with the evidence behind it."""
    table = Table(title=f"Tech stack of {target}", show_lines=False, title_justify="left")
    table.add_column("", style="bold", no_wrap=True)
    table.add_column("detected")
    table.add_column("why", style="dim")
    languages = ", ".join(f"{name} {score:.2f}" for name, score in stack.languages.items())
    why_lang = "; ".join(
        f"{name}: {', '.join(stack.evidence.get(name, []))}" for name in stack.languages
    )
    table.add_row("languages", Text(languages or "-"), Text(why_lang))
    rows = (
        ("primary language", stack.primary_language, "primary_language"),
        ("test framework", stack.test_framework, "test_framework"),
        ("test command", stack.test_command, "test_command"),
        ("python", stack.python, "python_interpreter"),
        ("package manager", stack.package_manager, "package_manager"),
        ("build system", stack.build_system, FOUND_IN_MANIFEST),
        ("manifests", _join(stack.manifests), FOUND_FILES),
        ("lockfiles", _join(stack.lockfiles), FOUND_FILES),
        ("configured linters", _join(stack.linters), LINTERS),
        ("lint command", stack.lint_command, LINT_COMMAND),
        ("source dirs", _join(stack.source_dirs), "source_dirs"),
        ("test dirs", _join(stack.test_dirs), "test_dirs"),
        ("docs dirs", _join(stack.docs_dirs), "docs_dirs"),
    )
    for label, value, key in rows:
        why = STATIC_WHY.get(key) or "; ".join(stack.evidence.get(key, []))
        table.add_row(label, Text(value or "-"), Text(why if value or key == LINTERS else ""))
    return table


FOUND_IN_MANIFEST = "@manifest"
FOUND_FILES = "@files"
LINTERS = "@linters"
LINT_COMMAND = "@lint_command"
STATIC_WHY = {
    FOUND_IN_MANIFEST: "the build backend named in the manifest",
    FOUND_FILES: "files present in the target",
    LINTERS: "their configuration files; code quality runs ruff and shellcheck (bundled) "
    "either way, eslint when configured and installed",
    LINT_COMMAND: "tech_stack.lint_command in the configuration (run by code quality)",
}


def _join(items: list[str]) -> str:
    return ", ".join(items)
