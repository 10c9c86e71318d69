"""`ai-workflow migrate-config [--write]`: the original Bash tool's `.workflow-config.yaml` in
this tool's format (`ai_workflow.original_config`), printed, or written next to it as
`.workflow-config.yaml.new` (never over an existing file: the original file stays as it is)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import yaml

from ai_workflow.app import resolve_target
from ai_workflow.config import Config, read_project_file
from ai_workflow.errors import UsageError
from ai_workflow.original_config import is_original_format, render, translate

NAME = "migrate-config"
HELP = "print (or --write) the original Bash tool's .workflow-config.yaml in this tool's format"
NEW_SUFFIX = ".new"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target", "-t", default=".", metavar="PATH", help="project directory (default: .)"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="the file to migrate (default: the project's own)"
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"write it to <file>{NEW_SUFFIX} (never over an existing file) instead of printing",
    )


def run(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    explicit = Path(args.config).expanduser() if args.config else None
    found = read_project_file(target, explicit)
    if found is None:
        raise UsageError(f"no .workflow-config.yaml in {target}: nothing to migrate")
    label, data, is_yaml = found
    if not is_yaml or not is_original_format(data, Config):
        print(f"{label} is already in ai-workflow's format: nothing to migrate")
        return 0
    text = render(label, translate(data))
    Config.model_validate(yaml.safe_load(text) or {})  # what we write is valid, always
    if not args.write:
        print(text, end="")
        return 0
    destination = Path(label + NEW_SUFFIX)
    try:
        # raw read: creates a new file (O_EXCL), never reads
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise UsageError(f"{destination} exists already: remove it first") from None
    except OSError as exc:
        raise UsageError(f"cannot write {destination}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(
        f"wrote {destination}: review it, then replace {Path(label).name} with it once the "
        "original tool no longer reads that file"
    )
    return 0
