"""`ai-workflow rules`: the rule catalog (id, step, default severity, enabled, description, fix).

Plain text wrapped to the terminal (80 columns in a pipe); rule ids are never cut.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap

from ai_workflow.errors import UsageError
from ai_workflow.rules.catalog import Rule, load_catalog
from ai_workflow.rules.policy import rule_matches

NAME = "rules"
HELP = "list the rules findings are reported under, with what they mean and how to fix them"
PIPE_WIDTH = 80
INDENT = "    "


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "patterns",
        nargs="*",
        metavar="ID",
        help="only rules matching these ids or prefixes (docs/, ruff/E5)",
    )
    parser.add_argument("--json", action="store_true", help="print the rules as JSON")


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    for pattern in args.patterns:
        problem = catalog.check_pattern(pattern)
        if problem is not None:
            raise UsageError(problem)
    rules = [r for r in catalog if not args.patterns or _selected(r, args.patterns)]
    if args.json:
        print(json.dumps([r.to_dict() for r in rules], indent=2))
        return 0
    width = shutil.get_terminal_size((PIPE_WIDTH, 24)).columns if sys.stdout.isatty() else 0
    sys.stdout.write(render(rules, width or PIPE_WIDTH))
    return 0


def _selected(rule: Rule, patterns: list[str]) -> bool:
    if rule.family:  # `ruff/E5` shows the ruff family
        return any(p.startswith(rule.id) or rule.id.startswith(p) for p in patterns)
    return rule_matches(rule.id, patterns)


def render(rules: list[Rule], width: int = PIPE_WIDTH) -> str:
    """Each rule as a block: `id  step, severity[, off by default]`, then the description and
    the fix, wrapped to `width` (an id longer than the width is printed whole)."""
    width = max(width, 40)
    blocks = [_legend(width)]
    blocks += [_block(rule, width) for rule in rules]
    return "\n\n".join(blocks) + "\n"


def _legend(width: int) -> str:
    text = (
        "Rules: id, the step that reports it, its default severity. 'off' rules report "
        "nothing unless rules.select names them; an id ending in '/' is a tool family (any of "
        "the tool's own codes). Configure with rules.select/ignore/severity/per_path_ignores."
    )
    return textwrap.fill(text, width)


def _block(rule: Rule, width: int) -> str:
    facts = f"{rule.step}, {rule.severity.value}" + ("" if rule.enabled else ", off")
    facts += ", tool family" if rule.family else ""
    head = f"{rule.id}  {facts}"
    lines = [head] if len(head) <= width else [rule.id, INDENT + facts]
    wrap = textwrap.TextWrapper(width, initial_indent=INDENT, subsequent_indent=INDENT)
    lines += wrap.wrap(rule.description)
    lines += wrap.wrap("Fix: " + rule.fix)
    if rule.docs:
        lines.append(INDENT + "Docs: " + rule.docs)  # a URL is never broken
    return "\n".join(lines)
