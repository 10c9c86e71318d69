"""`ai-workflow explain STEP`: would the step be reused, and which fingerprint part changed."""

from __future__ import annotations

import argparse
import json

from ai_workflow.app import load_project
from ai_workflow.changes import explain_step
from ai_workflow.cli import add_target

NAME = "explain"
HELP = "show which fingerprint component of a step changed since its last stored result"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("step", metavar="STEP", help="step number, id or name")
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print the explanation as JSON")


def run(args: argparse.Namespace) -> int:
    target, config, registry = load_project(args)
    step_id = registry.resolve(args.step)
    explanation = explain_step(target, config, registry.specs, step_id)
    if args.json:
        print(json.dumps(explanation.to_dict(), indent=2))
    else:
        print(explanation.render(), end="")
    return 0
