"""SC2294 at `eval "${NAME[@]}"` on a variable the project gives shell code, never a list of
arguments: info.

shellcheck warns that `eval "${cmd[@]}"` joins the array's elements with blanks and parses the
result again, so an element meant as one argument (`cmd=(grep -e "a b" file)`) is split: the
array's benefit is lost. A project may instead document a variable as a command line its users
write (rear's default.conf: `EXTERNAL_BACKUP="tar -c -l -z / | ssh vms 'cat >...'"`, "The
EXTERNAL_* commands will be run inside eval like this: eval "${EXTERNAL_BACKUP[@]}"", and its
PRE_BACKUP_SCRIPT, PRE_RECOVERY_SCRIPT... the same way); then joining and parsing again is
the interface, and `eval "${NAME[*]}"` would do the same.

The variable counts as code when the project's shell scripts and `*.conf` files assign it at
least once, outside comments, and no assignment is an array literal with an element that is
one argument holding a blank and no shell operator (`(grep -e "a b" file)`: the shape eval
breaks). Plain strings (`NAME="cmd | other"`, an empty `NAME=`), and arrays of plain words or of
code fragments (rear's example `POST_RECOVERY_SCRIPT=( 'if snapper ... ; then ... fi' )`) are
code. A variable the project never assigns, an array of arguments with a blank (`cmd=(ls "my
dir")`), an assignment shlex cannot read, and `eval "$@"` keep the warning.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, explain_as_info, shown_on_a_line
from ai_workflow.textfiles import read_text

RULE = "shellcheck/SC2294"
EVAL_ARRAY = re.compile(r'"\$\{(?P<name>[A-Za-z_]\w*)\[@\]\}"')
SHELL_OPERATORS = re.compile(r"[;&|<>]")
CONFIG_SUFFIX = ".conf"
NOTE = (
    "the project assigns `{name}` only shell code ({where}), never a list of arguments with "
    "a blank: eval joining its elements and parsing them again is how it is meant to run, as "
    '`eval "${{{name}[*]}}"` would'
)


def eval_of_code_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str], files: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2294 at `eval "${NAME[@]}"` on a variable the project assigns only
    code at info (see the module docstring). Files are read only when there is such a
    warning."""
    wanted = [f for f in findings if _wanted(f)]
    if not wanted:
        return list(findings)
    sources = [*scripts, *(f for f in files if f.endswith(CONFIG_SUFFIX) and f not in scripts)]
    texts: dict[str, list[str]] | None = None
    verdicts: dict[str, str | None] = {}

    def note_of(finding: Finding) -> str | None:
        nonlocal texts
        if not _wanted(finding):
            return None
        name = _evaluated_array(target, finding)
        if name is None:
            return None
        if texts is None:
            texts = {rel: read_text(target / rel, root=target).splitlines() for rel in sources}
        if name not in verdicts:
            verdicts[name] = _code_only(name, texts)
        where = verdicts[name]
        return None if where is None else NOTE.format(name=name, where=where)

    return explain_as_info(findings, note_of)


def _wanted(finding: Finding) -> bool:
    return shown_on_a_line(finding, (RULE,)) and isinstance(finding.extra.get("column"), int)


def _evaluated_array(target: Path, finding: Finding) -> str | None:
    """The NAME of the `"${NAME[@]}"` word whose expansion is at the finding's column, or
    None."""
    lines = read_text(target / (finding.path or ""), root=target).splitlines()
    line = finding.line if isinstance(finding.line, int) else 0
    column = finding.extra.get("column")
    if not 0 < line <= len(lines) or not isinstance(column, int):
        return None
    # shellcheck points at the `$` inside the quotes
    word = EVAL_ARRAY.match(lines[line - 1], max(column - 2, 0))
    return None if word is None else word.group("name")


def _code_only(name: str, texts: dict[str, list[str]]) -> str | None:
    """Where the project assigns `name` (the first file), when every assignment is code or
    plain words (see the module docstring); None otherwise."""
    assigned = re.compile(
        rf"(?:^|[\s;&|(])(?:(?:local|declare|typeset|export|readonly)\s+(?:-\w+\s+)*)?"
        rf"{re.escape(name)}(?:\[[^\]]*\])?\+?=(?P<value>.*)$"
    )
    first = None
    for rel, lines in texts.items():
        for number, raw in enumerate(lines):
            if raw.lstrip().startswith("#"):
                continue
            found = assigned.search(raw)
            if found is None:
                continue
            value = found.group("value")
            if value.startswith("(") and not _code_elements(_array_text(lines, number, value)):
                return None
            first = first or rel
    return first


def _array_text(lines: list[str], number: int, value: str) -> str | None:
    """The text inside `( ... )` of an array literal starting in `value` on line `number`
    (0-based), across lines up to the closing parenthesis; None when it does not close."""
    text = value[1:]
    for more in lines[number + 1 : number + 50]:
        if _closed(text):
            break
        text += "\n" + more
    return text[: _closed(text) - 1] if _closed(text) else None


def _closed(text: str) -> int:
    """The index just past the `)` that closes an array literal whose text starts after its
    `(` (quotes respected), 0 when none does."""
    quote = ""
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ")":
            return index + 1
    return 0


def _code_elements(text: str | None) -> bool:
    """Whether every element of an array literal's text is a plain word or holds a shell
    operator (code); False when it cannot be read."""
    if text is None:
        return False
    try:
        elements = shlex.split(text, comments=True)
    except ValueError:
        return False
    return all(" " not in e or SHELL_OPERATORS.search(e) for e in elements)
