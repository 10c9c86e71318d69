"""SC2115 ("use "${var:?}" to ensure this never expands to /") on a variable that cannot be empty
where it is read: info.

shellcheck warns at `rm -rf "$dir/$name"` because an empty `$dir` makes the path `/...`. A
script can make sure it is not empty in three ways this reads, all in the script's own text
(and, for the third, the project's scripts):

- every assignment of the variable in the file gives it literal text besides slashes
  (rear's `local save_original_file_dir="$VAR_DIR/saved_original_files/"`), or strips one
  slash from such a value (`save_original_file_dir="${save_original_file_dir#/}"`), and the
  file neither reads it in (`read`), loops over it (`for`) nor unsets it;
- an earlier line of the file leaves when it is empty (`test "$move_away_dir" || continue`,
  `[ -n "$dir" ] || exit 1`, `[ -z "$dir" ] && return`), and no line between assigns it,
  starts the function the line is in, or ends another function (whose guard is its own);
- the file never assigns it, and a script of the project makes it readonly with such a value
  (rear's usr/sbin/rear: `readonly TARGET_FS_ROOT="/mnt/local"`, before it sources its stage
  scripts): nothing can change it.

A variable assigned from a command or another variable alone (`dir=$(find_dir)`, `dir=$1`),
one tested after the line, and one the project only reads keep the warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, explain_as_info, shown_on_a_line
from ai_workflow.textfiles import read_text

RULE = "shellcheck/SC2115"
READ_AT = re.compile(r'"?\$\{?(?P<name>[A-Za-z_]\w*)')
EXPANSION = re.compile(r"\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_]\w*|[0-9@*#?$!-])")
LEAVE = r"(?:continue|return|exit|break)\b"
NOTE_ASSIGNED = "every assignment of `{name}` in the file gives it literal text: it is never empty"
NOTE_GUARDED = "line {line} leaves when `{name}` is empty, and nothing assigns it since"
NOTE_READONLY = (
    "`{name}` is readonly with a literal value ({where}) and this file never assigns it: it is "
    "never empty"
)


def nonempty_paths_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2115 on a variable that cannot be empty at info (see the module
    docstring). The project's scripts are read only for such a warning the file alone does
    not settle."""
    if not any(_wanted(f) for f in findings):
        return list(findings)
    readonly: dict[str, str] | None = None

    def note_of(finding: Finding) -> str | None:
        nonlocal readonly
        if not _wanted(finding):
            return None
        lines = read_text(target / (finding.path or ""), root=target).splitlines()
        line = finding.line if isinstance(finding.line, int) else 0
        column = finding.extra.get("column")
        if not 0 < line <= len(lines) or not isinstance(column, int):
            return None
        read = READ_AT.match(lines[line - 1], column - 1)
        if read is None:
            return None
        name = read.group("name")
        code = [_code(text) for text in lines]
        assignments = _assignments(name, code)
        literal = assignments and all(_literal_value(name, v) for _, v in assignments)
        if literal and not _set_otherwise(name, code):
            return NOTE_ASSIGNED.format(name=name)
        guard = _guard_before(name, code, line, assignments)
        if guard is not None:
            return NOTE_GUARDED.format(name=name, line=guard)
        if assignments or _set_otherwise(name, code):
            return None
        if readonly is None:
            readonly = _readonly_literals(target, scripts)
        where = readonly.get(name)
        return None if where is None else NOTE_READONLY.format(name=name, where=where)

    return explain_as_info(findings, note_of)


def _wanted(finding: Finding) -> bool:
    return shown_on_a_line(finding, (RULE,))


def _code(text: str) -> str:
    """The line without a comment (a `#` at its start or after a blank)."""
    if text.lstrip().startswith("#"):
        return ""
    return re.split(r"\s#", text, maxsplit=1)[0]


def _assignment(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?:^|[\s;&|(])(?:(?:local|declare|typeset|export|readonly)\s+(?:-\w+\s+)*)?"
        rf"{re.escape(name)}\+?=(?P<value>\S*)"
    )


def _assignments(name: str, code: list[str]) -> list[tuple[int, str]]:
    """(line number, value word) of each assignment of `name` in the lines."""
    pattern = _assignment(name)
    return [
        (number, found.group("value"))
        for number, text in enumerate(code, 1)
        for found in pattern.finditer(text)
    ]


def _literal_value(name: str, value: str) -> bool:
    """Whether an assigned value holds literal text other than slashes outside expansions, or
    strips one slash from the variable itself (`${name#/}`, `${name%/}`)."""
    bare = value.strip("\"'")
    if bare in (f"${{{name}#/}}", f"${{{name}%/}}"):
        return True
    if value.startswith("'"):
        return bool(bare.strip("/"))
    return bool(EXPANSION.sub("", bare).replace('"', "").strip("/"))


def _set_otherwise(name: str, code: list[str]) -> bool:
    """Whether the lines set `name` other than by `name=`: read, a for loop, unset, mapfile,
    getopts."""
    word = re.escape(name)
    other = re.compile(
        rf"\b(?:read\b[^;&|]*|for\s+|unset\s+(?:-v\s+)?|mapfile\b[^;&|]*|readarray\b[^;&|]*"
        rf"|getopts\s+\S+\s+){word}\b"
    )
    return any(other.search(text) for text in code)


def _guard_before(
    name: str, code: list[str], line: int, assignments: list[tuple[int, str]]
) -> int | None:
    """The last line before `line` that leaves when `name` is empty, if no assignment lies
    between it and `line`."""
    word = re.escape(name)
    expansion = rf'"?\$\{{?{word}\}}?"?'
    guard = re.compile(
        rf"(?:(?:\btest|\[\[?)\s+(?:-n\s+)?{expansion}\s*(?:\]\]?)?\s*\|\|\s*{LEAVE}"
        rf"|(?:\btest|\[\[?)\s+-z\s+{expansion}\s*(?:\]\]?)?\s*&&\s*{LEAVE})"
    )
    for number in range(line - 1, 0, -1):
        if FUNCTION_START.match(code[number - 1]) or code[number - 1].startswith("}"):
            return None  # the line's function starts, or another one ends: its guards are its own
        if guard.search(code[number - 1]):
            if any(number < at < line for at, _ in assignments):
                return None
            return number
    return None


# a function definition's first line (`name() {`, `function name {`): a guard above it does not
# run when the function is called, nor does one in another function's body (ended by a `}` at
# the start of a line)
FUNCTION_START = re.compile(r"^\s*(?:function\s+[\w.:-]+|[\w.:-]+\s*\(\s*\))")


def _readonly_literals(target: Path, scripts: Sequence[str]) -> dict[str, str]:
    """Each name a project script makes readonly with a literal value: its `file:line`."""
    readonly = re.compile(r"^\s*(?:readonly|declare\s+-r|typeset\s+-r)\s+([A-Za-z_]\w*)=(\S+)")
    found: dict[str, str] = {}
    for rel in scripts:
        for number, text in enumerate(read_text(target / rel, root=target).splitlines(), 1):
            match = readonly.match(_code(text))
            if match and _literal_value(match.group(1), match.group(2)):
                found.setdefault(match.group(1), f"{rel}:{number}")
    return found
