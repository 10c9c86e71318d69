"""shellcheck's SC2091/SC2092 on a statement that runs a command's error messages as a command.

`$(aws configure set aws_access_key_id $KEY 2>&1)` alone on its line (aws-code-deploy 1.0.11's
bin/aws-code-deploy.sh, three times): the substitution captures what the command prints, its
error messages too (`2>&1`), and the shell then runs that text as a command. When the command
fails, its message is not shown: its first word is run (`An: command not found`), and the script
goes on to say "Successfully configured". The command meant to run alone, with its messages on
the terminal, is `aws configure set ...` without `$( )`. So SC2091 (or SC2092 on backticks) on
such a statement is shown as breakage (`findings.shown_as_breakage`), where the project does not
ask for shellcheck too. A substitution whose last command keeps its stderr out of the output
(`$(cmd)`, `$(cmd >/dev/null 2>&1)`, `$(cmd 2>/dev/null)`), or one used as a condition (`if
$(grep -q x f 2>&1); then`, where only the status is read), keeps the level it had.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, shown_as_breakage
from ai_workflow.lint.cited_lines import graded_by_line

EXECUTED_OUTPUT = frozenset({"shellcheck/SC2091", "shellcheck/SC2092"})
# a whole statement: `$(body)` or `` `body` `` alone on the line, a `;` or a comment after it
STATEMENT = re.compile(r"^\s*(?:\$\((?P<sub>.*)\)|`(?P<tick>[^`]*)`)\s*;?\s*(?:#.*)?$")
# a redirection of the last command: `2>&1`, `>/dev/null`, `2> f`, `&>f`, `>&f`, `1>>f`
REDIRECTION = re.compile(r"(?P<fd>\d*|&)>>?(?P<dup>&)?\s*(?P<to>[^\s;&|<>]+)")
WHY = (
    "the substitution captures the command's error messages too (2>&1) and the shell runs "
    "them as a command: a failure shows as 'command not found' and the script goes on"
)


def executed_errors_shown(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with SC2091/SC2092 on a statement whose substitution runs its command's
    stderr (see the module docstring) shown as breakage; the order is kept."""
    return graded_by_line(
        findings,
        target,
        EXECUTED_OUTPUT,
        lambda line: WHY if runs_its_errors(line) else None,
        shown_as_breakage,
    )


def runs_its_errors(line: str) -> bool:
    """Whether `line` is one substitution run as a command whose last command's stderr goes into
    the captured output (`2>&1` while stdout is still captured, as redirections apply in order)."""
    statement = STATEMENT.match(line)
    if statement is None:
        return False
    body = statement.group("sub") if statement.group("sub") is not None else statement.group("tick")
    if "$(" in body or "`" in body:
        return False  # a nested substitution: its parentheses are not read here
    last = _unquoted(body).rsplit("|", 1)[-1]
    stdout, stderr = "captured", "terminal"
    for redirection in REDIRECTION.finditer(last):
        fd, to = redirection.group("fd"), redirection.group("to")
        target = stdout if redirection.group("dup") and to == "1" else to
        if fd in ("", "1"):
            stdout = stderr if redirection.group("dup") and to == "2" else target
        elif fd == "2":
            stderr = target
        elif fd == "&":
            stdout = stderr = to
    return stderr == "captured"


def _unquoted(text: str) -> str:
    """`text` with its quoted strings emptied, so that a `|` or `>` inside them is no operator."""
    return re.sub(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"", "''", text)
