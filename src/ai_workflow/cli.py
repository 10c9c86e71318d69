"""Command-line parsing only: every command's work lives in `ai_workflow.app` or `commands/`.

Exit codes: 0 success, 1 a step failed, 2 usage or configuration error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType

from ai_workflow import __version__
from ai_workflow.errors import UsageError

COMMAND_MODULES: tuple[str, ...] = (
    *("tech_stack", "cache", "changes", "explain", "rules", "baseline", "report"),
    "migrate_config",
    *("init", "config", "ci", "completion"),  # CI, init, configuration
    "ai",  # ai check
)
"""Extra subcommands: module names under `ai_workflow.commands`."""

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse with our error format (and exit code 2, as argparse already uses)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def step_list(text: str) -> list[str]:
    items = [part.strip() for part in text.split(",") if part.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list of steps")
    signed = next((item for item in items if re.fullmatch(r"[-+]\d+", item)), None)
    if signed is not None:  # "-1" must not become step 1 once separators are ignored
        raise argparse.ArgumentTypeError(f"step numbers have no sign: '{signed}'")
    return items


def target_path(text: str) -> str:
    if not text.strip():  # Path("") is the current directory: never check it by accident
        raise argparse.ArgumentTypeError("expected a directory, got an empty path")
    return text


def add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        "-t",
        default=".",
        type=target_path,
        metavar="PATH",
        help="project directory (default: .)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file to use instead of "
        "the project's .workflow-config.yaml / pyproject.toml",
    )
    parser.add_argument(
        "--no-project-config",
        action="store_true",
        help="ignore the project's .workflow-config.yaml / [tool.ai-workflow] (defaults, "
        "environment and command line only)",
    )
    parser.add_argument(
        "--workdir",
        metavar="DIR",
        help="where ai-workflow keeps its files (default: .ai_workflow/ in the target, or "
        ".ai-workflow/ when git tracks .ai_workflow/; also AI_WORKFLOW_WORKDIR, run.workdir)",
    )


def _add_run(sub: argparse._SubParsersAction[_Parser]) -> None:
    run = sub.add_parser(
        "run",
        epilog="exit codes: 0 nothing to fail on, 1 a step failed or a new finding reached "
        "--fail-on, 2 usage or configuration error, 130 interrupted",
        help="run the workflow",
        description="Run the workflow steps over a target project.",
    )
    add_target(run)
    run.add_argument(
        "--steps",
        type=step_list,
        metavar="LIST",
        help="only these steps: comma-separated numbers, ids or names",
    )
    run.add_argument(
        "--smart-execution",
        action="store_true",
        default=None,
        help="skip steps whose inputs did not change",
    )
    run.add_argument("--base", metavar="REF", help="git base for change detection")
    run.add_argument(
        "--all-tests",
        dest="test_selection",
        action="store_const",
        const="all",
        default=None,
        help="with --smart-execution, run every test (not only those the changes can affect)",
    )
    run.add_argument(
        "--force-steps",
        type=step_list,
        metavar="LIST",
        help="run these steps even if smart execution would skip them",
    )
    run.add_argument(
        "--no-skip",
        action="store_true",
        default=None,
        help="smart execution reports but skips nothing",
    )
    run.add_argument(
        "--parallel", action="store_true", default=None, help="run independent steps concurrently"
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        metavar="N",
        help="steps at once with --parallel (default: the number of CPUs, at most 4)",
    )
    run.add_argument(
        "--show-graph",
        action="store_true",
        help="show the dependency graph, phases and critical path first",
    )
    run.add_argument(
        "--no-ai-cache",
        dest="ai_cache",
        action="store_false",
        default=None,
        help="do not read or write the AI response cache",
    )
    run.add_argument(
        "--no-step-cache",
        dest="step_cache",
        action="store_false",
        default=None,
        help="do not reuse results of steps whose inputs are unchanged",
    )
    run.add_argument(
        "--auto", action="store_true", default=None, help="never ask for confirmation (CI)"
    )
    run.add_argument("--dry-run", action="store_true", help="show the plan, run nothing")
    run.add_argument(
        "--verbose", "-v", action="store_true", default=None, help="more detail on the console"
    )
    resume = run.add_mutually_exclusive_group()
    resume.add_argument(
        "--resume",
        dest="resume",
        action="store_true",
        default=None,
        help="resume the last interrupted or failed run (default with --auto)",
    )
    resume.add_argument(
        "--no-resume",
        dest="resume",
        action="store_false",
        help="start afresh even if the last run did not complete",
    )
    run.add_argument(
        "--fail-fast",
        action="store_true",
        default=None,
        help="stop everything at the first failed step",
    )
    run.add_argument(
        "--commit",
        action="store_true",
        default=None,
        help="step 11 commits what you staged, with the proposed message",
    )
    run.add_argument(
        "--push", action="store_true", default=None, help="step 11 pushes after committing"
    )
    run.add_argument(
        "--apply-proposals",
        action="store_true",
        default=None,
        help="step 6 applies AI-proposed tests to the project",
    )
    run.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default=None,
        help="exit 1 on a failed step or a new error finding (error, the default), also on a "
        "new warning (warning), or never",
    )
    run.add_argument(
        "--new-only",
        action="store_true",
        default=None,
        help="report only findings on lines changed since the base (--base, else smart "
        "execution's)",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help="print the run summary as JSON on stdout (human output to stderr)",
    )


def _add_graph(sub: argparse._SubParsersAction[_Parser]) -> None:
    graph = sub.add_parser("graph", help="print the dependency graph")
    add_target(graph)
    graph.add_argument(
        "--format",
        choices=("mermaid", "dot", "json", "text"),
        default="text",
        help="text: phases, critical path and estimates (default); mermaid or dot: the graph "
        "with the critical path highlighted; json: everything, for tools",
    )
    graph.add_argument(
        "--steps",
        type=step_list,
        metavar="LIST",
        help="only these steps: comma-separated numbers, ids or names (edges to other steps "
        "are left out)",
    )
    graph.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        metavar="N",
        help="workers for the parallel estimate (default: run.jobs)",
    )


def _add_steps(sub: argparse._SubParsersAction[_Parser]) -> None:
    steps = sub.add_parser("steps", help="list the registered steps")
    add_target(steps)
    steps.add_argument("--json", action="store_true", help="print the steps as JSON")


def _add_metrics(sub: argparse._SubParsersAction[_Parser]) -> None:
    metrics = sub.add_parser("metrics", help="show the run history")
    add_target(metrics)
    metrics.add_argument(
        "--last",
        type=positive_int,
        default=10,
        metavar="N",
        help="how many recent runs to list (default 10)",
    )
    metrics.add_argument("--json", action="store_true", help="print the report as JSON")


def build_parser() -> tuple[_Parser, dict[str, ModuleType]]:
    parser = _Parser(
        prog="ai-workflow",
        description="An AI-assisted tests & docs quality workflow for any git project.",
    )
    parser.add_argument("--version", action="version", version=f"ai-workflow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_run(sub)
    _add_graph(sub)
    _add_steps(sub)
    _add_metrics(sub)
    extra: dict[str, ModuleType] = {}
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"ai_workflow.commands.{name}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        extra[module.NAME] = module
    return parser, extra


def _show_warning(
    message: Warning | str, category: type[Warning], *args: object, **kw: object
) -> None:
    print(f"ai-workflow: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    previous = warnings.showwarning
    warnings.showwarning = _show_warning  # warnings (corrupt history line...) read as messages
    try:
        return _main(argv)
    finally:
        warnings.showwarning = previous


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--version"]:  # answer before importing any subcommand
        print(f"ai-workflow {__version__}")
        return 0
    if (
        args_list
        and args_list[0].startswith("-")
        and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "run")  # `ai-workflow --parallel` means `ai-workflow run --parallel`
    try:
        parser, extra = build_parser()
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        if args.command in extra:
            return int(extra[args.command].run(args))
        from ai_workflow import app

        return app.dispatch(args)
    except UsageError as exc:
        print(f"ai-workflow: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ai-workflow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away: nothing more to say
        # raw read: the null device, for writing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
