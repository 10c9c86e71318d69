"""`ai-workflow tech-stack`: print what tech-stack detection found in a target, and why (for the
test command: which one was chosen, from where, and what was considered and left)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from ai_workflow.app import load_target_config
from ai_workflow.cli import add_target
from ai_workflow.report.console import print_records
from ai_workflow.techstack import TechStack, detect_stack_for

NAME = "tech-stack"
HELP = "show the detected tech stack (languages, test command, tools) and why"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print the detection as JSON")


def run(args: argparse.Namespace) -> int:
    target, config = load_target_config(args)
    stack = detect_stack_for(target, config)
    if args.json:
        print(json.dumps({"target": str(target), **stack.to_dict()}, indent=2))
    else:
        console = Console(highlight=False)
        title = f"Tech stack of {target}"
        print_records(console, ("", "detected", "why"), rows(stack), title=title)
    return 0


def rows(stack: TechStack) -> list[tuple[str, str, str]]:
    """Each detected value with the evidence behind it: (what, value, why)."""
    table: list[tuple[str, str, str]] = []
    languages = ", ".join(f"{name} {score:.2f}" for name, score in stack.languages.items())
    why_lang = "; ".join(
        f"{name}: {', '.join(stack.evidence.get(name, []))}" for name in stack.languages
    )
    table.append(("languages", languages or "-", why_lang))

    def evidence(key: str) -> str:
        return "; ".join(stack.evidence.get(key, []))

    rows = (  # (label, value, why it was detected: shown with a value, and for the linters)
        ("primary language", stack.primary_language, evidence("primary_language")),
        ("test framework", stack.test_framework, evidence("test_framework")),
        ("test command", stack.test_command, evidence("test_command")),
        ("not chosen", evidence("test_candidates"), "declared test commands left to conventions"),
        ("tests found", evidence("tests_found"), "no runner for them: set tech_stack.test_command"),
        ("python", stack.python, evidence("python_interpreter")),
        ("package manager", stack.package_manager, evidence("package_manager")),
        ("build system", stack.build_system, "the build backend named in the manifest"),
        ("manifests", _join(stack.manifests), FOUND_FILES),
        ("lockfiles", _join(stack.lockfiles), FOUND_FILES),
        (LINTERS, _join(stack.linters), LINTERS_WHY),  # code quality lints either way
        (
            "lint command",
            stack.lint_command,
            "tech_stack.lint_command in the configuration (run by code quality)",
        ),
        ("source dirs", _join(stack.source_dirs), evidence("source_dirs")),
        ("test dirs", _join(stack.test_dirs), evidence("test_dirs")),
        ("named test files", _join(stack.named_test_files), "the test command names them"),
        ("docs dirs", _join(stack.docs_dirs), evidence("docs_dirs")),
    )
    for label, value, why in rows:
        if label in OPTIONAL_ROWS and not value:
            continue
        table.append((label, value or "-", why if value or label == LINTERS else ""))
    return table


FOUND_FILES = "files present in the target"
# shown only when there is something to say
OPTIONAL_ROWS = ("not chosen", "tests found", "named test files")
LINTERS = "configured linters"
LINTERS_WHY = (
    "their configuration files; code quality runs ruff and shellcheck (bundled) either way, "
    "eslint when configured and installed"
)


def _join(items: list[str]) -> str:
    return ", ".join(items)
