"""`ai-workflow config schema|show`: the configuration's JSON Schema, and the effective values.

`config show` takes the `run` options after `--` (`ai-workflow config show -- --jobs 2`) to show
what a run with them would use.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ai_workflow.app import RUN_FLAGS, resolve_target
from ai_workflow.cli import add_target, build_parser
from ai_workflow.config_origins import Setting, effective_settings
from ai_workflow.config_schema import schema_text
from ai_workflow.errors import UsageError

NAME = "config"
HELP = "print the configuration's JSON Schema, or the effective configuration and its sources"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    sub.add_parser(
        "schema",
        help="print the JSON Schema of .workflow-config.yaml",
        description="Print the JSON Schema of the configuration, generated from its models "
        "(the same as the config.schema.json shipped in the package).",
    )
    show = sub.add_parser(
        "show",
        help="print every effective value and where it came from",
        description="Print the effective configuration of a target, each value with its "
        "source: default, the file and line, an environment variable, or the command line "
        "(run options given after --).",
    )
    add_target(show)
    show.add_argument("--json", action="store_true", help="print a JSON list")
    show.add_argument(
        "--set-only",
        action="store_true",
        help="only values a file, the environment or the command line sets",
    )
    show.add_argument(
        "run_options", nargs="*", metavar="-- RUN OPTIONS", help="`run` options, after --"
    )


def run(args: argparse.Namespace) -> int:
    if args.config_command == "schema":
        print(schema_text(), end="")
        return 0
    target = resolve_target(args.target)
    config_file = Path(args.config).expanduser() if args.config else None
    overrides = _command_line(args.run_options)
    if args.workdir:  # as `run --workdir` would set it
        overrides.setdefault("run", {})["workdir"] = args.workdir
    settings, source = effective_settings(
        target,
        config_file=config_file,
        overrides=overrides,
        project_file=not args.no_project_config,
    )
    if args.set_only:
        settings = [s for s in settings if not s.is_default]
    if args.json:
        print(json.dumps([s.to_dict() for s in settings], indent=2))
    else:
        print(_render(target, source, settings), end="")
    return 0


def _command_line(options: list[str]) -> dict[str, Any]:
    """The configuration overrides `ai-workflow run OPTIONS` would apply."""
    if not options:
        return {}
    parser, _ = build_parser()
    try:
        parsed = parser.parse_args(["run", *options])
    except UsageError as exc:
        raise UsageError(f"run options after --: {exc}") from None
    overrides: dict[str, Any] = {}
    run = {f: getattr(parsed, f) for f in RUN_FLAGS if getattr(parsed, f, None) is not None}
    if getattr(parsed, "workdir", None):
        run["workdir"] = parsed.workdir
    if run:
        overrides["run"] = run
    if getattr(parsed, "base", None):
        overrides["smart_execution"] = {"base": parsed.base}
    return overrides


def _render(target: Path, source: str | None, settings: list[Setting]) -> str:
    lines = [
        f"# effective configuration of {target}",
        f"# project file: {source or 'none (defaults, environment and command line only)'}",
    ]
    width = min(max((len(s.key) + len(_value(s.value)) for s in settings), default=0) + 3, 70)
    for setting in settings:
        text = f"{setting.key} = {_value(setting.value)}"
        lines.append(f"{text:<{width}}  # {setting.source}")
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
