"""shellcheck's SC2046 ("quote this to prevent word splitting") on a substitution whose output
is one word by its command.

- A substitution whose command prints one word by construction: `stat -c FORMAT` (also `-fc`,
  `--format=`, `--printf=`) whose format has no blank and only numeric or blank-free directives
  (`stat -fc%d:%D "$dir"`, a device number pair; not `%n`, a file name, nor `%y`, a date with
  blanks), `blkid -s TYPE -o value` (a file system type, a UUID; not a LABEL), `date +FORMAT`
  of numeric directives, `id -u`/`-g`/`-un`/`-gn`, `uname -s`/`-r`/`-m`..., `nproc`, `whoami`,
  `tput cols`/`lines`/`colors`; or a call of a function of the project's
  scripts whose whole body is one such command (live-boot's
  `get_fstype () { blkid -s TYPE -o value $1 2>/dev/null; }`, used as `mount -t
  $(get_fstype "${dev}")` in a sibling component too): there is nothing to split, and an
  empty output fails the same quoted or not: info.

Any other command (`basename $path`, a path with blanks; `cat file`; a function of several
commands or defined twice; `getconf`, whose `-a` lists everything and some of whose values,
`GNU_LIBC_VERSION`, hold a blank) keeps the warning, as the argument of `echo` too: echo joins
the split words again, but the words are globbed first (`row() { printf 'a * b\\n'; }; echo
$(row)` prints the current directory's file names).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explained_as_info
from ai_workflow.textfiles import read_text

UNQUOTED_SUBSTITUTION = "shellcheck/SC2046"
FUNCTION_DEFINITION = re.compile(
    r"^\s*(?:function\s+)?(?P<name>[A-Za-z_][\w-]*)\s*(?:\(\s*\))?\s*(?:\{(?P<rest>.*))?$"
)
REDIRECTION = re.compile(r"\s+\d*>>?\s*(?:&\d|/dev/null)")
STAT_DIRECTIVES = frozenset("adDfghiostTuXYZWbB")  # numbers, modes, ids: no blank
DATE_DIRECTIVES = frozenset("sYmdHMSjyFTNzuwVGgCI%")  # numeric fields, no padding blank
BLKID_TAGS = frozenset({"TYPE", "UUID", "PARTUUID", "PTTYPE", "PTUUID", "SEC_TYPE", "USAGE"})
ID_FLAGS = frozenset({"-u", "-g", "-un", "-gn", "-nu", "-ng", "-ru", "-rg"})
UNAME_FLAGS = frozenset({"-s", "-n", "-r", "-m", "-p", "-i", "-o"})
TPUT_WORDS = frozenset({"cols", "lines", "colors"})
WORD_NOTE = "{command} prints one word: there is nothing to split"


def one_word_substitutions_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2046 on a one-word command's output at info (see the module
    docstring)."""
    wanted = [
        f
        for f in findings
        if f.rule == UNQUOTED_SUBSTITUTION
        and f.severity is not Severity.INFO
        and f.path
        and isinstance(f.line, int)
    ]
    if not wanted:
        return list(findings)
    texts: dict[str, list[str]] = {}
    functions: dict[str, str] | None = None
    graded = []
    for finding in findings:
        if finding not in wanted:
            graded.append(finding)
            continue
        path = finding.path or ""
        if path not in texts:
            texts[path] = read_text(target / path, root=target).splitlines()
        note = None
        place = _substitution_at(texts[path], finding)
        if place is not None:
            if functions is None:
                functions = one_command_functions(target, scripts)
            command = one_word_command(place[1], functions)
            note = WORD_NOTE.format(command=command) if command else None
        graded.append(explained_as_info(finding, note) if note else finding)
    return graded


def _substitution_at(lines: list[str], finding: Finding) -> tuple[str, str] | None:
    """The text before the substitution the finding's column points at, and its body."""
    column = finding.extra.get("column") if finding.extra else None
    if not isinstance(finding.line, int) or not 0 < finding.line <= len(lines):
        return None
    if not isinstance(column, int) or column < 1:
        return None
    line = lines[finding.line - 1]
    start = column - 1
    if line.startswith("$(", start) and not line.startswith("$((", start):
        body = substitution_body(line, start + 2)
    elif line.startswith("`", start):
        end = line.find("`", start + 1)
        body = line[start + 1 : end] if end > start else None
    else:
        return None
    return None if body is None else (line[:start], body)


def substitution_body(line: str, start: int) -> str | None:
    """The text of `$( ... )` from `start` (after its `$(`) to its closing parenthesis; None
    when it does not close on the line."""
    depth, quote = 1, ""
    for index in range(start, len(line)):
        char = line[index]
        if quote:
            if char == quote and (quote == "'" or line[index - 1] != "\\"):
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return line[start:index]
    return None


def one_command_functions(target: Path, scripts: Sequence[str]) -> dict[str, str]:
    """The functions of the project's scripts whose body is one command line, by name (a name
    defined twice, or a body of several commands, is left out)."""
    found: dict[str, str] = {}
    twice: set[str] = set()
    for rel in scripts:
        lines = read_text(target / rel, root=target).splitlines()
        for number, line in enumerate(lines):
            match = FUNCTION_DEFINITION.match(line)
            if match is None or match.group("name") in ("if", "then", "else", "do", "while"):
                continue
            if not re.search(r"\(\s*\)|^\s*function\s", line):
                continue  # `name {` alone is no definition
            body = _one_line_body(match.group("rest"), lines[number + 1 : number + 4])
            name = match.group("name")
            if name in found or name in twice:
                twice.add(name)
                found.pop(name, None)
            elif body is not None:
                found[name] = body
            else:
                twice.add(name)  # a function of several commands: never one word
    return found


def _one_line_body(rest: str | None, after: list[str]) -> str | None:
    """The one command of a function body: `{ cmd; }` on the definition line, or `{` (on that
    line or the next) then one command line then `}`; None for anything else."""
    if rest is None:
        if not after or after[0].strip() != "{":
            return None
        rest, after = "", after[1:]
    if rest.strip():
        inline = re.fullmatch(r"\s*(.*?);?\s*\}\s*", rest)
        return inline.group(1).strip() if inline else None
    if len(after) >= 2 and after[1].strip() == "}":
        command = after[0].strip()
        return command if command and not command.startswith("#") else None
    return None


def one_word_command(body: str, functions: dict[str, str]) -> str | None:
    """How the command of a substitution's `body` is named when it prints one word (see the
    module docstring), else None."""
    text = REDIRECTION.sub("", body).strip()
    if re.search(r"[|;&<>`]|\$\(", text):
        return None
    try:
        words = shlex.split(text)
    except ValueError:
        return None
    if not words:
        return None
    name, args = words[0], words[1:]
    if name in functions and not re.search(r"[|;&`]|\$\(", functions[name]):
        inner = one_word_command(functions[name], {})
        return f"{name} (`{functions[name]}`)" if inner else None
    return name if _prints_one_word(name, args) else None


def _prints_one_word(name: str, args: list[str]) -> bool:
    if name == "stat":
        return _stat_format(args) is True
    if name == "blkid":
        tags = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-s"]
        value = any(args[i : i + 2] == ["-o", "value"] for i in range(len(args)))
        return value and len(tags) == 1 and tags[0] in BLKID_TAGS
    if name == "date":
        formats = [a[1:] for a in args if a.startswith("+")]
        return len(formats) == 1 and _directives_within(formats[0], DATE_DIRECTIVES)
    if name == "id":
        return len(args) == 1 and args[0] in ID_FLAGS
    if name == "uname":
        return len(args) == 1 and args[0] in UNAME_FLAGS
    if name in ("nproc", "whoami"):
        return not args
    if name == "tput":
        return len(args) == 1 and args[0] in TPUT_WORDS
    return False


def _stat_format(args: list[str]) -> bool | None:
    """Whether stat's format (`-c F`, `-cF`, `-fcF`, `--format=F`, `--printf=F`) prints one
    word; None when no format is given."""
    for index, arg in enumerate(args):
        value = None
        if arg.startswith(("--format=", "--printf=")):
            value = arg.split("=", 1)[1]
        elif re.fullmatch(r"-[a-zA-Z]*c", arg) and index + 1 < len(args):
            value = args[index + 1]
        elif re.fullmatch(r"-[a-zA-Z]*c.+", arg):
            value = arg[arg.index("c") + 1 :]
        if value is not None:
            return _directives_within(value, STAT_DIRECTIVES)
    return None


def _directives_within(fmt: str, allowed: frozenset[str]) -> bool:
    """Whether `fmt` has no blank nor backslash and only `%x` directives of `allowed`."""
    if not fmt or re.search(r"[\s\\]", fmt):
        return False
    return all(d in allowed for d in re.findall(r"%(.)", fmt))
