"""What a project's own lint scripts run ESLint on, so the check lints what the project lints.

A package.json script such as `"lint": "eslint index.js \"lib/*.js\" \"tests/**/*.js\""` names
the files the maintainers hold to their rules; `examples/` and generated code outside it are
not. Each `eslint` command of the scripts becomes one invocation (its file arguments and the
options that choose files or rules), with what would write anything dropped: `--fix`,
`--cache`, an output file or a format of its own (ours is JSON). Without such a script, ESLint
runs on the whole project, its ignore files deciding.
"""

from __future__ import annotations

import json
from pathlib import Path

from ai_workflow.shell_commands import split_line, unwrap
from ai_workflow.textfiles import read_text

WHOLE_PROJECT = (".",)
# options that take a value, and whether we keep them
_VALUED = {
    "--ext": True, "-c": True, "--config": True, "--ignore-path": True, "--ignore-pattern": True,
    "--parser": True, "--parser-options": True, "--plugin": True, "--rule": True, "--env": True,
    "--global": True, "--resolve-plugins-relative-to": True, "--rulesdir": True,
    "--max-warnings": False, "-f": False, "--format": False, "-o": False, "--output-file": False,
    "--cache-location": False, "--cache-strategy": False, "--fix-type": False,
}  # fmt: skip
_DROPPED_FLAGS = frozenset({"--fix", "--fix-dry-run", "--cache", "--quiet", "--color"})


def eslint_invocations(target: Path) -> list[tuple[str, ...]]:
    """The argument lists (after `eslint`) of the project's lint scripts; the whole project
    when no script runs ESLint on named files."""
    found: list[tuple[str, ...]] = []
    for script in _scripts(target):
        for command in split_line(script):
            argv = unwrap(command.argv)
            if argv and Path(argv[0]).name == "eslint":
                args = _kept_arguments(argv[1:])
                if any(not a.startswith("-") for a in args) and args not in found:
                    found.append(args)
    return found or [WHOLE_PROJECT]


def _scripts(target: Path) -> list[str]:
    try:
        package = json.loads(read_text(target / "package.json", root=target) or "null")
    except ValueError:
        return []
    scripts = package.get("scripts") if isinstance(package, dict) else None
    if not isinstance(scripts, dict):
        return []
    return [value for value in scripts.values() if isinstance(value, str)]


def _kept_arguments(args: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        name = arg.split("=", 1)[0]
        if name in _VALUED:
            takes_next = "=" not in arg
            if _VALUED[name]:
                kept += [arg, args[index + 1]] if takes_next and index + 1 < len(args) else [arg]
            index += 2 if takes_next else 1
            continue
        if arg not in _DROPPED_FLAGS and not arg.startswith("--no-color"):
            kept.append(arg)
        index += 1
    return tuple(kept)
