"""`ai-workflow completion bash|zsh|fish`: print a shell completion script.

Load it for this shell with `source <(ai-workflow completion bash)` (zsh alike;
fish: `ai-workflow completion fish | source`). See `ai_workflow.shell_completion` for what it
completes and why the scripts are static.
"""

from __future__ import annotations

import argparse

from ai_workflow import __version__
from ai_workflow.shell_completion import SHELLS, commands

NAME = "completion"
HELP = "print a shell completion script (bash, zsh or fish)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=tuple(SHELLS), help="the shell to complete in")


def run(args: argparse.Namespace) -> int:
    from ai_workflow.cli import build_parser
    from ai_workflow.steps import builtin_steps

    parser, _ = build_parser()
    step_ids = [step.spec.id for step in builtin_steps()]
    print(SHELLS[args.shell](commands(parser), step_ids, __version__), end="")
    return 0
