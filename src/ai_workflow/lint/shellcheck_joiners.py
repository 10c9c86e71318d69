"""SC2145 at a call of a function another file of the project defines, which joins its
arguments: info.

shellcheck reports SC2145 ("argument mixes string and array") at `log "found: ${names[@]}"`:
the array splits the string into several arguments. When the function called joins its
arguments again with one space (`"$*"`), the split changes nothing: it prints the text `"$*"`
would give. `shellcheck_severity` sees that when the function is in the same file; a project
that keeps its logging functions in a library that every script runs with (rear's
lib/_input-output-functions.sh defines `Log () { ... message="$*" ...}`, and its stage scripts
call `Log "Running '${PRE_BACKUP_SCRIPT[@]}'"`) defines them in another file, which this reads.

A function counts as a joiner when every definition of its name among the project's shell
scripts is one (`shellcheck_severity.arguments_joined_from`, from the same argument on), or
passes its arguments on whole (`Log "$@"`, alone as the arguments) only to joiners of their
first argument (rear's `LogPrint () { Log "$@"; Print "$@"; }`). A name defined differently in
two files, a function that reads `$2` or passes `"$@"` to anything else, and a call of a
function the project does not define keep the warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explain_as_info
from ai_workflow.lint.shellcheck_severity import (
    POSITIONAL,
    argument_index,
    arguments_joined_from,
    continued_call,
    function_bodies,
)
from ai_workflow.textfiles import read_text

MIXED = "shellcheck/SC2145"
# `name "$@"` as a whole simple command's arguments, at a command's start
FORWARD_CALL = re.compile(
    r'(?:^|[;&|({]|\b(?:then|do|else))\s*([A-Za-z_][\w:.-]*)\s+"\$(?:@|\{@\})"'
    r"(?=\s*(?:$|[;&|)#<>]))"
)
MAX_FORWARDS = 4  # how many levels of functions passing "$@" on are followed


def joined_elsewhere_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2145 at an argument of a call of a project function that joins its
    arguments from that one on at info (see the module docstring)."""
    wanted = [
        f
        for f in findings
        if f.rule == MIXED and f.severity is not Severity.INFO and isinstance(f.line, int)
    ]
    if not wanted:
        return list(findings)
    texts = {rel: read_text(target / rel, root=target).splitlines() for rel in scripts}
    joiners = project_joiners(texts)
    if not joiners:
        return list(findings)

    def note_of(finding: Finding) -> str | None:
        if finding not in wanted or finding.path not in texts:
            return None
        column = finding.extra.get("column")
        lines = texts[finding.path]
        line = finding.line if isinstance(finding.line, int) else 0
        if not isinstance(column, int) or not 0 < line <= len(lines):
            return None
        text, at = continued_call(tuple(lines), line, lines[line - 1], column)
        for name, (first, where) in joiners.items():
            index = argument_index(text, name, at)
            if index is not None and index >= first:
                return (
                    f"{name} ({where}) joins its arguments from the {_ordinal(first)} on "
                    'with one space, as "$*" does: the split words make the same text'
                )
        return None

    return explain_as_info(findings, note_of)


def project_joiners(texts: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Each function name whose every definition in the project's scripts joins its arguments
    from the same one on, itself or by passing them on to joiners: (that argument, the file of
    its first definition)."""
    definitions: dict[str, list[tuple[str, list[str]]]] = {}
    for rel, lines in texts.items():
        for name, first, last in function_bodies(lines):
            definitions.setdefault(name, []).append((rel, lines[first - 1 : last]))
    joiners: dict[str, tuple[int, str]] = {}
    for _ in range(1 + MAX_FORWARDS):
        found: dict[str, tuple[int, str]] = {}
        for name, bodies in definitions.items():
            joined = {
                arguments_joined_from(body) or (1 if _forwards_only_to(body, joiners) else None)
                for _, body in bodies
            }
            if len(joined) == 1 and (start := joined.pop()) is not None:
                found[name] = (start, bodies[0][0])
        if found == joiners:
            break
        joiners = found
    return joiners


def _forwards_only_to(body: list[str], joiners: dict[str, tuple[int, str]]) -> bool:
    """Whether the body reads its arguments only as `"$@"` passed whole to joiners of their
    first argument, at least once (`$0` and `$#` read no argument)."""
    forwarded = False
    for raw in body:
        line = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        calls = list(FORWARD_CALL.finditer(line))
        reads = [
            read
            for read in POSITIONAL.finditer(line)
            if (read.group(1) or read.group(2) or "") != "0"
        ]
        for read in reads:
            call = next((c for c in calls if c.start() <= read.start() < c.end()), None)
            if call is None or joiners.get(call.group(1), (0, ""))[0] != 1:
                return False
            forwarded = True
    return forwarded


def _ordinal(number: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(number, f"{number}th")
