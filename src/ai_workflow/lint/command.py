"""`tech_stack.lint_command`: the project's own lint command, run through the shell in the target.

A non-zero exit or a timeout is an error (`lint/command-failed`). A command (or the tool it
calls) that is not installed or not executable here is no lint failure: exit 126 or 127, or a
make/just recipe that stopped with one, is a skipped check with an info finding naming the
missing program (`lint/command-unavailable`).
"""

from __future__ import annotations

import re
from pathlib import Path

from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.report import LintReport, tool_timeout
from ai_workflow.quoting import relative_to_target
from ai_workflow.testcmd.reports import strip_ansi

LINT_OUTPUT_TAIL_LINES = 15


def run_lint_command(ctx: StepContext, files: list[str]) -> LintReport:
    """The project's own `tech_stack.lint_command`, through the shell, in the target."""
    command = ctx.config.tech_stack.lint_command
    if not command or not command.strip():
        return LintReport("lint_command")
    result = ctx.run_command(command, shell=True, timeout=tool_timeout(ctx))
    if not result.timed_out and result.returncode == 0:
        return LintReport("lint_command", checked=f"lint command `{command}`: exit 0")
    missing = None if result.timed_out else command_unavailable(result)
    if missing is not None:
        return _lint_command_unavailable(command, result, missing)
    status = (
        f"timed out after {tool_timeout(ctx):g}s"
        if result.timed_out
        else f"failed with exit status {result.returncode}"
    )
    tail = _output_tail(result, ctx.target)
    message = f"lint command `{command}` {status}" + (f":\n{tail}" if tail else " (no output)")
    finding = Finding(
        "lint/command-failed",
        Severity.ERROR,
        message,
        extra={"command": command, "exit_status": result.returncode},
    )
    return LintReport(
        "lint_command", findings=[finding], checked=f"lint command `{command}`: {status}"
    )


CANNOT_EXECUTE = (126, 127)
"""The shell's exit statuses for a command it could not execute (126) or find (127)."""
RECIPE_STATUS = re.compile(
    r"^\S*make(?:\[\d+\])?: \*\*\* \[[^\]\n]*\] Error (?P<make>\d+)"
    r"|^error: Recipe `[^`\n]+` failed on line \d+ with exit code (?P<just>\d+)",
    re.MULTILINE,
)
"""make's and just's line for a recipe command that failed, with its exit status."""
MISSING_PROGRAM = re.compile(
    r"^(?:\S+: )?(?:line \d+: |\d+: )?(?P<program>[^\s:][^:\n]*): "
    r"(?P<why>command not found|not found|Permission denied|No such file or directory)\s*$",
    re.MULTILINE,
)
"""A shell's (or make's) message for a program it could not find or execute."""


def command_unavailable(result: CommandResult) -> str | None:
    """Why the command could not run at all, None when it ran (whatever it found): exit 126 or
    127, or every failed make/just recipe line of the output saying 126 or 127."""
    output = strip_ansi(result.stdout + "\n" + result.stderr)
    if result.returncode not in CANNOT_EXECUTE:
        statuses = [int(m["make"] or m["just"]) for m in RECIPE_STATUS.finditer(output)]
        if not statuses or any(status not in CANNOT_EXECUTE for status in statuses):
            return None
    found: dict[str, str] = {}
    for match in MISSING_PROGRAM.finditer(output):
        why = "is not executable" if match["why"] == "Permission denied" else "was not found"
        found.setdefault(match["program"].strip(), why)
    if found:
        return "; ".join(f"`{program}` {why}" for program, why in list(found.items())[:3])
    return f"a program it calls was not found or is not executable (exit {result.returncode})"


def _lint_command_unavailable(command: str, result: CommandResult, missing: str) -> LintReport:
    reason = f"lint command `{command}`: not run here: {missing}"
    finding = Finding(
        "lint/command-unavailable",
        Severity.INFO,
        f"lint command `{command}` could not run: {missing}; install what it needs to run "
        "it here, or change tech_stack.lint_command",
        extra={"command": command, "exit_status": result.returncode},
    )
    return LintReport("lint_command", findings=[finding], skipped=reason)


def _output_tail(result: CommandResult, target: Path) -> str:
    """The last lines of a command's output (stdout, then stderr)."""
    output = relative_to_target(result.stdout + "\n" + result.stderr, target)
    lines = output.strip("\n").splitlines()
    return "\n".join(line.rstrip() for line in lines[-LINT_OUTPUT_TAIL_LINES:])
