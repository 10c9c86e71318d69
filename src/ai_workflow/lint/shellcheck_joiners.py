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

The same joiners decide SC2089/SC2090 ("quotes will be treated literally", at a variable whose
value holds quotes, and at its unquoted expansion): rear's `info_message="No 'btrfs subvolume
create' for '$subvolume_path' ..."`, then `LogPrint $info_message` and `echo "# $info_message"`,
is a message whose quotes are text to show. When every read of the variable in the file is
inside double quotes, or an unquoted argument of a joiner or of `echo`, the quotes are shown as
written (the words split, then joined with one space): info. One unquoted read as an argument of
any other command (zzfeed's `useragent='-u "Mozilla/5.0"'` given to the download command, which
then sends the quotes) keeps both warnings.

SC2027 ("the surrounding quotes actually unquote this") in an argument of a joiner is info for
the same reason as SC2145 (rear's `LogPrint "Archiving "$( basename "$file" )" to ..."`): the
words the unquoted part splits into are joined again with one space. The same word given to
any other command (`cp "dir/"$name"/x" dst`) keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, explain_as_info, shown_on_a_line
from ai_workflow.lint.shellcheck_severity import (
    POSITIONAL,
    argument_index,
    arguments_joined_from,
    continued_call,
    function_bodies,
)
from ai_workflow.textfiles import read_text

MIXED = "shellcheck/SC2145"
UNQUOTED_INSIDE = "shellcheck/SC2027"  # `"text "$(cmd)" text"`: the inner quotes unquote it
LITERAL_QUOTES = frozenset({"shellcheck/SC2089", "shellcheck/SC2090"})
RULES = frozenset({MIXED, UNQUOTED_INSIDE, *LITERAL_QUOTES})
ASSIGNED_AT_START = re.compile(
    r"^\s*(?:(?:local|export|declare|typeset|readonly)\s+)?([A-Za-z_]\w*)="
)
READ_AT = re.compile(r"\$\{?([A-Za-z_]\w*)")
ECHO_CALL = re.compile(r"(?:^|[;&|({`]|\$\(|\b(?:then|do|else))\s*echo\s")
# `name "$@"` as a whole simple command's arguments, at a command's start
FORWARD_CALL = re.compile(
    r'(?:^|[;&|({]|\b(?:then|do|else))\s*([A-Za-z_][\w:.-]*)\s+"\$(?:@|\{@\})"'
    r"(?=\s*(?:$|[;&|)#<>]))"
)
MAX_FORWARDS = 4  # how many levels of functions passing "$@" on are followed


def joined_again_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2145 at an argument a project function joins again, and SC2089/
    SC2090 on a variable whose every read shows its value as text, at info (see the module
    docstring). The scripts are read and their joiners found once, and only when there is such
    a warning."""
    if not any(_wanted(f) for f in findings):
        return list(findings)
    texts = {rel: read_text(target / rel, root=target).splitlines() for rel in scripts}
    joiners = project_joiners(texts)
    shown: dict[tuple[str, str], bool] = {}

    def note_of(finding: Finding) -> str | None:
        lines = texts.get(finding.path or "")
        line = finding.line if isinstance(finding.line, int) else 0
        if not _wanted(finding) or lines is None or not 0 < line <= len(lines):
            return None
        if finding.rule in (MIXED, UNQUOTED_INSIDE):
            return _mixed_note(finding, lines, joiners)
        name = _variable_of(finding, lines[line - 1])
        if name is None:
            return None
        key = (finding.path or "", name)
        if key not in shown:
            shown[key] = _only_shown(name, lines, joiners)
        if not shown[key]:
            return None
        return (
            f"every read of `{name}` in the file shows its value as text (inside double quotes, "
            "or as words a joining function or echo puts back together): its quotes are text "
            "as meant"
        )

    return explain_as_info(findings, note_of)


def _wanted(finding: Finding) -> bool:
    return shown_on_a_line(finding, RULES)


def _mixed_note(
    finding: Finding, lines: list[str], joiners: dict[str, tuple[int, str]]
) -> str | None:
    """Why the SC2145 (or SC2027) finding's argument is joined again, or None."""
    column = finding.extra.get("column")
    line = finding.line if isinstance(finding.line, int) else 0
    if not isinstance(column, int):
        return None
    text, at = continued_call(tuple(lines), line, lines[line - 1], column)
    joined = _joined_by(text, at, joiners)
    if joined is None:
        return None
    name, (first, where) = joined
    return (
        f"{name} ({where}) joins its arguments from the {_ordinal(first)} on "
        'with one space, as "$*" does: the split words make the same text'
    )


def _joined_by(
    text: str, column: int, joiners: dict[str, tuple[int, str]]
) -> tuple[str, tuple[int, str]] | None:
    """The joiner whose call in `text` takes the word at `column` (1-based, inside the word)
    among the arguments it joins, with its (first joined argument, file), or None."""
    for name, (first, where) in joiners.items():
        index = argument_index(text, name, column)
        if index is not None and index >= first:
            return name, (first, where)
    return None


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


def _variable_of(finding: Finding, text: str) -> str | None:
    """The variable of an SC2089 (assigned at the line's start) or SC2090 (expanded at the
    finding's column) finding."""
    if finding.rule == "shellcheck/SC2089":
        assigned = ASSIGNED_AT_START.match(text)
        return assigned.group(1) if assigned else None
    column = finding.extra.get("column")
    if not isinstance(column, int):
        return None
    read = READ_AT.match(text, column - 1)
    return read.group(1) if read else None


def _only_shown(name: str, lines: list[str], joiners: dict[str, tuple[int, str]]) -> bool:
    """Whether every read of `$name` (`${name}`) in the lines is inside double quotes or an
    unquoted argument of a joiner or of `echo` (at least one read)."""
    read = re.compile(rf"\$(?:{name}\b|\{{{name}\}})")
    reads = 0
    for raw in lines:
        if raw.lstrip().startswith("#"):
            continue
        for found in read.finditer(raw):
            reads += 1
            if _unescaped_quotes(raw, found.start()) % 2 == 1:
                continue
            # inside the word: `argument_index` counts its start
            if _joined_by(raw, found.start() + 2, joiners) is not None:
                continue
            if _echoed(raw, found.start()):
                continue
            return False
    return reads > 0


def _echoed(text: str, start: int) -> bool:
    """Whether the word at `start` is an argument of the `echo` command before it."""
    echoes = list(ECHO_CALL.finditer(text[:start]))
    return bool(echoes) and not re.search(r"[;&|]", text[echoes[-1].end() : start])


def _unescaped_quotes(text: str, end: int) -> int:
    """How many double quotes before `end` are not escaped nor inside single quotes."""
    count, single = 0, False
    for position in range(end):
        char = text[position]
        if char == "'" and count % 2 == 0:
            single = not single
        elif char == '"' and not single and (position == 0 or text[position - 1] != "\\"):
            count += 1
    return count
