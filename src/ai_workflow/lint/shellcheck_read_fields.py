"""shellcheck's SC2086 on a field read from a file the script was given, passed on unquoted.

SC2086 (an unquoted expansion is split and globbed) is shellcheck's info level, and mostly
harmless where the value is the project's own (an options variable, a number, its own path, a
line of its own data file). A field a `while read` loop reads from a file the script is given
(the loop fed by `cat "$1" |`, `done < "$config"` with `config=$1`...) is not: it is the user's
data (a password, a name, a path), and unquoted it splits on blanks and a `*` or `?` in it
expands against the files of the current directory. password-store 1.7.4's
contrib/importers/pwsafe2pass.sh reads an export with `export=$1` and `cat "$export" | while
read uuid group name login passwd notes`, then runs `echo $passwd | cut ...` and `echo -e $entry
| pass insert ...`: an imported password holding `*` is stored as the list of the directory's
files. So SC2086 on such a field, or on a string assembled from one after the loop starts
(`entry="${entry}pass: $passwd\\n"`), is a warning shown as breakage where the project does not
ask for shellcheck (`findings.shown_as_breakage`). A variable assigned a command's output made
from a field (dvd-slideshow's `kb_duration=$(echo $thisline | awk -F: ...)`, a sub-field the
script parses: a number, a keyword) does not hold the field's text and keeps the info.

What stays shellcheck's info: the same field in a message printed to the terminal (a line that
is only `echo`/`printf` with no pipe nor file redirection: `echo Adding entry for $name:`, where
the glob changes what is shown, not the data), `set -- $line` (splitting on purpose), a field
of a loop over the project's own data, a command's output or standard input (`ps | while read
pid`), an answer `read` outside a `while` condition, and every variable no such loop assigns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, shown_as_breakage
from ai_workflow.textfiles import read_text

UNQUOTED = "shellcheck/SC2086"
NAME = r"[A-Za-z_]\w*"
# `while read a b`, `while IFS=: read -r a b`, `| while read -d '' f`: the words after `read`
WHILE_READ = re.compile(
    r"\bwhile\s+(?:!\s+)?(?:" + NAME + r"=(?:'[^']*'|\"[^\"]*\"|\S*)\s+)*read\b([^;&|<>\n]*)"
)
# options of `read` that take a value (`-d delim`, `-p prompt`...); `-a array` names a variable
VALUE_OPTIONS = frozenset("dnNptui")
# `name=value`, `local name=value`, `name+=value`: the value runs to the end of the line
ASSIGNMENT = re.compile(
    r"(?:^|[\s;&|({])(?:(?:local|declare|typeset|export|readonly)\s+(?:-\w+\s+)*)?("
    + NAME
    + r")\+?=(.*)$",
    re.M,
)
# `$1`, `${2}`, `$@`, `"$*"`: the script's (or function's) arguments
POSITIONAL = re.compile(r"\$(?:[1-9@*]|\{[1-9@*]\})")
# a command piped into the loop that prints the files it is given: `cat "$f"`, `grep -v x "$f"`
FILE_READER = re.compile(
    r"(?:^|[\s;&|(])(?:z|bz|xz)?(?:cat|tac|sort|uniq|head|tail|e?grep|cut)\s([^|;&]*)\s*$"
)
# an innermost `$(...)`/`$((...))` or a backquoted command
SUBSTITUTION = re.compile(r"\$\([^()]*\)|`[^`]*`|\$\(\([^()]*\)\)")
# `name () {`, `name()`, `function name {`: what follows the name and its parentheses
FUNCTION_HEADER = re.compile(r"^\s*(?:function\s+[\w:.-]+(?:\s*\(\s*\))?|[\w:.-]+\s*\(\s*\))")
# the input of a loop: `read x < file` on the `while` line, or `done < file`
REDIRECTED = re.compile(r"\s*<\s*([^\s;&|]+)")
LOOP_START = re.compile(r"(?:^|[\s;&|])(?:while|until|for)\s")
DONE = re.compile(r"(?:^|[\s;&|])done\b")
DONE_INPUT = re.compile(r"(?:^|[\s;&|])done\s*<\s*([^\s;&|]+)")
# the expansion at SC2086's column: `$name`, `${name}`, `${name:0:4}`, `${name#x}`...
EXPANSION = re.compile(r"\$(?:(" + NAME + r")|\{(" + NAME + r")(?:[}:#%/^,@\[]))")
# a message: the line is one `echo`/`printf` whose output no pipe nor file redirection takes
MESSAGE = re.compile(r"^\s*(?:echo|printf)\b")
PASSED_ON = re.compile(r"\||(?<![0-9&])>(?!&)|[0-9]>(?!&2)(?!\s*/dev/null)")
SPLIT_ON_PURPOSE = re.compile(r"^\s*set\s+--?\s")
WHY = (
    "${name} holds a field read from input (a `while read` loop), unquoted: a blank in the "
    "data splits it and a `*` or `?` expands against the files of the current directory"
)


def read_fields_shown(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with SC2086 on a read field passed on (see the module docstring) as a
    warning shown as breakage; the order is kept."""
    texts: dict[str, list[str]] = {}
    fields: dict[str, dict[str, int]] = {}
    shown = []
    for finding in findings:
        path = finding.path
        if finding.rule != UNQUOTED or finding.severity is not Severity.INFO or not path:
            shown.append(finding)
            continue
        if path not in texts:
            text = read_text(target / path, root=target)
            texts[path] = text.splitlines()
            fields[path] = read_fields(text)
        name = _passed_on(texts[path], finding) if fields[path] else None
        start = fields[path].get(name or "")
        if start is not None and isinstance(finding.line, int) and finding.line > start:
            shown.append(shown_as_breakage(finding, WHY.format(name=name)))
        else:
            shown.append(finding)
    return shown


def read_field_names(text: str) -> frozenset[str]:
    """The variables a `while read` loop of `text` fed a file the script was given assigns, and
    those assigned from them on the lines after the loop's `while`."""
    return frozenset(read_fields(text))


def read_fields(text: str) -> dict[str, int]:
    """`read_field_names`, each with the 0-based line from which it holds such a field."""
    lines = text.splitlines()
    assignments = [
        (number, match.group(1), match.group(2))
        for number, line in enumerate(lines)
        for match in ASSIGNMENT.finditer(line)
    ]
    in_functions = function_lines(lines)
    given = _given_names(assignments, in_functions)
    names: dict[str, int] = {}  # each name, with the first line it holds a field from
    for number, line in enumerate(lines):
        for match in WHILE_READ.finditer(line):
            script_level = number not in in_functions
            if _is_given(_loop_input(lines, number, match), given, script_level):
                for name in _read_names(match.group(1)):
                    names.setdefault(name, number)
    grown = bool(names)
    while grown:
        grown = False
        for number, name, value in assignments:
            if name not in names and any(
                start <= number and _mentions(_outside_commands(value), field)
                for field, start in names.items()
            ):
                names[name] = number
                grown = True
    return names


def _given_names(assignments: list[tuple[int, str, str]], in_functions: set[int]) -> set[str]:
    """The variables holding one of the script's arguments (`export=$1` outside any function:
    a function's `$1` is what the project's own caller passes), or a value made from one."""
    given: set[str] = set()
    grown = True
    while grown:
        grown = False
        for number, name, value in assignments:
            if name not in given and _is_given(value, given, number not in in_functions):
                given.add(name)
                grown = True
    return given


def _is_given(words: str | None, given: set[str], script_level: bool) -> bool:
    if not words:
        return False
    if script_level and POSITIONAL.search(words) is not None:
        return True
    return any(_mentions(words, n) for n in given)


def function_lines(lines: list[str]) -> set[int]:
    """The 0-based lines inside the body of a function (`name () {`, `function name {`, the
    `{` alone on the next line), by counting braces from the header's."""
    inside: set[int] = set()
    depth = 0
    opening = False  # a header seen, its `{` not yet
    for number, line in enumerate(lines):
        code = line.split("#", 1)[0] if line.lstrip().startswith("#") else line
        if depth == 0 and not opening:
            header = FUNCTION_HEADER.match(code)
            if header is None:
                continue
            opening = True
            code = code[header.end() :]
        if depth > 0:
            inside.add(number)
        if opening and "{" in code:
            opening = False
            inside.add(number)
        depth = max(0, depth + code.count("{") - code.count("}"))
    return inside


def _loop_input(lines: list[str], number: int, match: re.Match[str]) -> str | None:
    """What feeds the `while read` loop starting at `match` on line `number`: the files a
    command that reads files pipes into it (`cat "$export" | while read ...`; another command,
    `get_names $1 | while read`, feeds its own output), a redirection of `read` itself, or the
    redirection after its `done` (`done < "$file"`)."""
    line = lines[number]
    before = line[: match.start()]
    if "|" in before:
        piped = FILE_READER.search(before.rsplit("|", 1)[0])
        return piped.group(1) if piped is not None and "<<" not in piped.group(1) else None
    own = REDIRECTED.match(line, match.end())
    if own is not None:
        return own.group(1)
    depth = 0
    for text in lines[number:]:
        code = text.split("#", 1)[0]
        depth += len(LOOP_START.findall(code)) - len(DONE.findall(code))
        if depth <= 0:
            done = DONE_INPUT.search(code)
            return done.group(1) if done is not None else None
    return None


def _read_names(words: str) -> set[str]:
    """The variables `read` assigns, from the words after it (`REPLY` when it names none)."""
    tokens = words.split()
    names: set[str] = set()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token in ("do", "#") or token.startswith("#"):
            break
        if token.startswith("-") and len(token) > 1:
            flag = token[1:].lstrip("ers")  # flags without a value first, as in `-rd`
            if flag[:1] in VALUE_OPTIONS and len(flag) == 1:
                index += 1  # its value is the next word
            elif flag[:1] == "a" and len(flag) == 1 and index < len(tokens):
                names.add(tokens[index])
                index += 1
            continue
        if re.fullmatch(NAME, token):
            names.add(token)
    return names or {"REPLY"}


def _outside_commands(value: str) -> str:
    """`value` without its command substitutions and arithmetic (`$(...)`, backquotes,
    `$((...))`): what they give is a command's output (a sub-field `awk` or `cut` picked, a
    number), not the field's text."""
    previous = None
    while previous != value:
        previous = value
        value = SUBSTITUTION.sub("", value)
    return value


def _mentions(value: str, name: str) -> bool:
    return re.search(r"\$(?:" + name + r"\b|\{" + name + r"\b)", value) is not None


def _passed_on(lines: list[str], finding: Finding) -> str | None:
    """The variable expanded at the finding's column (1-based, as shellcheck's json1 gives it),
    unless its line only prints a message or splits on purpose (`set -- $line`)."""
    column = finding.extra.get("column")
    if not isinstance(finding.line, int) or not isinstance(column, int) or column < 1:
        return None
    if not 0 < finding.line <= len(lines):
        return None
    line = lines[finding.line - 1]
    if SPLIT_ON_PURPOSE.match(line) or (MESSAGE.match(line) and not PASSED_ON.search(line)):
        return None
    match = EXPANSION.match(line, column - 1)
    return None if match is None else match.group(1) or match.group(2)
