"""SC2068 ("double quote array expansions") on the keys of an indexed array: info.

`for k in ${!targets[@]}` lists the keys of `targets`. When the array is indexed, they are
integers (0, 1, 2...): nothing to split nor glob, so quoting changes nothing (strike's test.sh,
`local suite targets=()`, filled with `targets+=( "$suite" )`, then `for k in ${!targets[@]}`).
An array is indexed unless it is declared associative (`declare -A`, `local -A`, `typeset
-gA`...); so the file of the finding must make the array itself (`name=(...)`, `local name=()`,
`declare -a name`), and no script of the project may declare that name with `-A` (a global
`declare -Ag tags` in one file is the same array a function of another file empties with
`tags=()`). The keys of an associative array may hold any text (`m["$key"]=x`, a key with a
blank) and keep the warning, as does an array the file never makes (its kind is not known).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, explain_as_info, shown_on_a_line
from ai_workflow.textfiles import read_text

RULE = "shellcheck/SC2068"
NOTE = "`{name}` is an indexed array: its keys are integers, nothing to split"
# `${!name[@]}` / `${!name[*]}` at the finding's column
ARRAY_KEYS = re.compile(r"\$\{!([A-Za-z_]\w*)\[[@*]\]\}")
# a declaration builtin with its flags and the names it declares (`declare -Ag a b=()`)
DECLARATION = re.compile(
    r"(?:^|[\s;&|({])(?:local|declare|typeset)((?:\s+-\w+)+)((?:\s+[A-Za-z_]\w*(?:=\S*)?)+)",
    re.M,
)
DECLARED_NAME = re.compile(r"(?:^|\s)([A-Za-z_]\w*)")
# a whole array assigned: `name=(`, `name+=(`, after `local`/`declare`... and other names
ARRAY_ASSIGNMENT = re.compile(
    r"(?:^|[;&|({]|\b(?:then|do|else))\s*"
    r"(?:(?:local|declare|typeset|readonly|export)(?:\s+-\w+)*(?:\s+[A-Za-z_]\w*(?:=\S*)?)*\s+)?"
    r"([A-Za-z_]\w*)\+?=\(",
    re.M,
)


def declared_with(text: str, flag: str) -> frozenset[str]:
    """The names a script declares with `flag` among a declaration's options (`A`: `declare
    -A m`, `local -gA m`; `a`: `declare -a list`)."""
    names: set[str] = set()
    for flags, declared in DECLARATION.findall(text):
        if flag in flags:
            names.update(DECLARED_NAME.findall(declared))
    return frozenset(names)


def _made_indexed(text: str) -> frozenset[str]:
    """The arrays the script makes itself (`name=(`, `declare -a name`), not declared `-A`."""
    made = {match.group(1) for match in ARRAY_ASSIGNMENT.finditer(text)} | declared_with(text, "a")
    return frozenset(made - declared_with(text, "A"))


def _wanted(finding: Finding) -> bool:
    return shown_on_a_line(finding, (RULE,))


def indexed_keys_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2068 on the keys of an indexed array at info (see the module
    docstring). The project's scripts are read only when such a finding is shown."""
    if not any(_wanted(f) for f in findings):
        return list(findings)
    associative: frozenset[str] | None = None

    def note_of(finding: Finding) -> str | None:
        nonlocal associative
        if not _wanted(finding):
            return None
        text = read_text(target / (finding.path or ""), root=target)
        lines = text.splitlines()
        line = finding.line if isinstance(finding.line, int) else 0
        column = finding.extra.get("column")
        if not 0 < line <= len(lines) or not isinstance(column, int) or column < 1:
            return None
        keys = ARRAY_KEYS.match(lines[line - 1], column - 1)
        if keys is None or keys.group(1) not in _made_indexed(text):
            return None
        if associative is None:
            associative = frozenset().union(
                *(declared_with(read_text(target / s, root=target), "A") for s in scripts)
            )
        return None if keys.group(1) in associative else NOTE.format(name=keys.group(1))

    return explain_as_info(findings, note_of)
