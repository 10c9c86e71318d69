"""shellcheck warnings on a line that is a shell idiom meaning what it says.

Each check reads the finding's line (and column: 1-based, a tab counting one, as shellcheck's
json1 gives it) and lowers a warning to info with why in its message, only where the idiom is
there word for word; the same code elsewhere keeps its level:

- SC2188 ("this redirection doesn't have a command") on a line that is one output redirection
  to a file and nothing else (`> "$ZZAJUDA"`, funcoeszz): the POSIX way to empty (or create) a
  file, what `: > file` spells longer; so is that line with its status tested after it (`>
  "${opath}/.lockfile" || Error "Could not create ..."`: rear's lock and marker files, five
  times). A bare `>> file`, `< file`, `2> file` or `> /dev/null` does nothing and keeps the
  warning (a command lost to a line break?), with `|| ...` after it too.
- SC1083 ("this { is literal") on the braces of an unquoted `%{name}` (funcoeszz's
  `curl -w %{url_effective}`): a format directive of the command, the braces are its text as
  meant, no brace expansion was wanted. A brace of no `%{name}` (`cp src/{a,b "$1"`) keeps it.
- SC1007 ("remove space after =") on `NAME= OTHER=value cmd`, where the word after the space is
  itself an assignment (funcoeszz's `ZZOFF= ZZDIR=../zz ../funcoeszz`, liquidprompt's
  `typeset used= perc=`): a list of assignments whose first is empty on purpose; `NAME=value`
  joined would make no sense of the next one; so is the last of two empty ones (rear's
  `LC_ALL= LANG= ip -o link show`, the locale emptied for one command). `NAME= value` (a value
  that lost its `=`?) keeps it.
- SC2046 (an unquoted `$(...)`) on `$(dirname $0)` (or `"$0"`, `${BASH_SOURCE[0]}`) as the
  directory `cd`, `pushd`, `.` or `source` takes (`cd $(dirname "$0")/..`: 18 labelled
  findings in funcoeszz, liquidprompt and bash-completion, all noise): the script's own
  directory, which splits only when the checkout itself sits under a path with a blank. The
  directory of a path the script was given (`cd $(dirname "$file")`) and the script's own
  directory under a command that writes or deletes (`rm -rf $(dirname $0)/build`) keep it.
- SC2048/SC2068 on an unquoted `$*` or `$@` that `echo` prints into a pipe (funcoeszz's
  `padrao=$(echo $* | sed "$ZZSEDURL")`, abcde's `X=$(echo $@ | cut -d' ' -f2)`): echo joins
  its arguments with one space and the next command reads them as one line of text to filter;
  quoted, the line differs by a run of blanks inside one argument made one, and by an argument
  holding `*`, `?` or `[...]`, which unquoted is a glob and becomes the names of the files it
  matches in the current directory (`zz 'a*'` filters `abc.txt` when such a file is there):
  info, with a note that says so, since what the arguments may hold is the caller's to know
  (quote them if they may be patterns). An `echo $@` whose line
  is shown (creack/pty's `echo2() { echo $@ >&2; }`, whose callers indent with leading blanks)
  and `$*` as the arguments of another command (`mkdir -p $*`) keep it.
- SC2327/SC2328 (a redirection takes the output away from a `$(...)`) where the substitution
  runs nothing but an `echo` or `printf` of literal text (`"$(echo foo >/dev/null)"`,
  `"$({ echo foo; } >/dev/null)"`: liquidprompt's tests/test_shell.sh asserting that the
  output is gone): no program's output is lost, the redirection itself is what the line looks
  at. A substitution that runs a program (`"$(mycmd foo >/dev/null)"`, always empty: a test
  that checks nothing) keeps it. So does an assignment whose whole value is the substitution
  (`x="`$tool --version > /dev/null 2>&1`"`, the autogen.sh many autotools projects copy,
  sg3_utils' among them) when the next command reads `$?` and the variable is read nowhere in
  the file: the command runs for its exit status, the empty value is never used. The same
  assignment whose variable is read later (`echo "$x"`), or with no `$?` after it, keeps it.
- SC2043 ("this loop will only ever run once") on `for dummy in "once" ; do` whose body, up
  to the `done` indented as the `for`, leaves it with `break` or `continue` (the same in one
  pass) and never reads the variable (rear's stage scripts, nine times): a block meant to run
  once, left early. A one-word loop without either (a list that lost its other items?), or
  whose body reads the variable, keeps it.
- SC3036/SC3037 (echo flags undefined in POSIX sh) and SC2028 (echo may not expand escapes)
  inside `NAME=$(echo ...)` (or `local NAME=...`) whose echo or printf prints only literal
  words, where the file reads `$NAME` nowhere (fwanalog's `local tab=$(echo -en "\t\t")`,
  never used): what the shell's echo prints goes nowhere, so how it treats the flags changes
  nothing. The same substitution whose variable is read (`printf "$tab"`) keeps it.
- SC2140 ("word is of the form "A"B"C"") where B is one punctuation character that the word
  repeats between all its quoted parts, alone or after sed's command letter (rear's `sed -i
  s#"meta-data=${source}\\(\\s\\)"#"meta-data=${target}\\1"# file`): the unquoted `#` are sed's
  delimiters, literal characters nothing splits, so the word is the script meant (shellcheck
  itself lets `/`, `:` and `=` pass there). One such character alone between two quoted parts
  (`echo "<a href="#">"`, quotes meant in the output) keeps the warning.
- SC2063 ("grep uses regex, but this looks like a glob") on a pattern that is a lone `*`
  (`'*'`, `"*"`, `\\*`; rear's `echo "$KEY" | grep -q '*' && continue`, which skips the
  comment lines of TSM's dsm.sys): a regular expression's leading `*` is a literal asterisk,
  so grep finds exactly that, and as a glob a lone `*` would match every line, a filter nobody
  writes. A pattern with more (`grep '*.txt'`, a file glob) keeps the warning.
- SC2229 ("this does not read 'x'") on a `read` whose expansion is not the name it reads
  into: an unquoted expansion followed by a plain name (rear's `read $read_options_and_arguments
  input_string`: the options it built, `-r -t $timeout`, then the variable), or a quoted
  variable named for a name (`read -a "$input_words_array_name"`: the caller's array, read into
  by name on purpose). `read "$var"` and `read -r $var` with nothing after it (the `$` a slip
  for `read var`?) keep the warning.
- SC2218 ("this function is only defined later") on a call of a shell builtin (`cd`, `echo`,
  `read`...) that the file overrides with a function further down (virtualenvwrapper's tests:
  `test_dir=$(cd $(dirname $0) && pwd)` at the top, then `cd () { fail "Should not be using
  override cd function"; }`): the call runs the builtin, as meant, and the override is for what
  follows. A call of a name that is no builtin before its definition (command not found when
  the line runs) keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explain_as_info
from ai_workflow.textfiles import read_text

# a line that is only `> file` (or `>| file`), the file one word that is not /dev/null, or
# that and a test of its status (`> "$dir/.lock" || fail ...`)
TRUNCATION = re.compile(
    r"""^\s*>\|?\s*(?P<file>"[^"]+"|'[^']+'|[^\s;&|<>()'"]+)\s*"""
    r"""(?P<tested>(?:\|\||&&)\s*[^\s#].*)?(?:\#.*)?$"""
)
TRUNCATION_NOTE = (
    "a line that is only `> file` empties (or creates) the file, the POSIX idiom `: > file` "
    "spells longer: no command was lost"
)
TESTED_TRUNCATION_NOTE = (
    "`> file || ...` empties (or creates) the file and tests whether that worked, the POSIX "
    "idiom `: > file` spells longer: no command was lost"
)

FORMAT_OPEN = re.compile(r"\{[\w.:-]+\}")  # from a `{` right after a `%`
FORMAT_CLOSE = re.compile(r"%\{[\w.:-]+\}$")  # up to the `}`
FORMAT_NOTE = (
    "`%{name}` is a format directive the command reads (curl -w %{url_effective}): the braces "
    "reach it as written, no brace expansion was meant"
)

EMPTY_ASSIGNMENT = re.compile(r"(?:^|[\s;&|(])[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=$")  # `NAME=`
NEXT_ASSIGNMENT = re.compile(r"\s+[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=")  # ` OTHER=`
# `A= B=` before the column: the empty assignment after another empty one
EMPTY_RUN = re.compile(r"(?:^|[\s;&|(])[A-Za-z_]\w*=\s+[A-Za-z_]\w*=$")
EMPTY_RUN_NOTE = (
    "the assignment before it is empty too (`LC_ALL= LANG= cmd`): empty values meant for the "
    "command, no value lost its `=`"
)
ASSIGNMENTS_NOTE = (
    "the next word is itself an assignment: a list of assignments whose first is empty on "
    "purpose (`A= B=x cmd`), no value lost its `=`"
)

OWN_DIRECTORY = re.compile(
    r"""\$\(\s*dirname\s+(?:--\s+)?"""
    r"""("?)\$(?:0|\{0\}|BASH_SOURCE|\{BASH_SOURCE(?:\[0\])?\})\1\s*\)"""
)
CHANGES_DIRECTORY = re.compile(r"(?:^|[;&|({]|\b(?:then|do|else))\s*(?:cd|pushd|\.|source)\s+$")
OWN_DIRECTORY_NOTE = (
    "the script's own directory, for {}: it splits only where the checkout itself sits under a "
    "path with a blank"
)

ECHO_BEFORE = re.compile(
    r"(?:^|[;&|({)]|\b(?:then|do|else))\s*(?:builtin\s+)?echo(?:\s+-[neE]+)?"
    r"""(?:\s+[^\s;&|<>()'"`$\\]+)*\s+$"""
)
ALL_ARGUMENTS = re.compile(r"\$(?:[@*]|\{[@*]\})")
INTO_PIPE = re.compile(r"""(?:\s+[^\s;&|<>()'"`$\\]+)*\s*\|(?!\|)""")
ECHO_PIPE_NOTE = (
    "echo joins its arguments with one space into a line the pipe filters: quoted, the line "
    "differs by a run of blanks inside one argument, and by an argument with `*`, `?` or `[`, "
    "which unquoted globs into the current directory's file names (quote it if the arguments "
    "may be patterns)"
)

LITERAL_WORD = r"""(?:'[^']*'|"[^"$`\\]*"|[^\s$`'"\\;&|<>(){}]+)"""
LITERAL_ECHO = re.compile(
    rf"^\s*(?:\{{\s*)?(?:echo|printf)(?:\s+{LITERAL_WORD})*\s*(?:;\s*\}})?"
    r"(?:\s*\d*>\|?\s*/dev/null|\s*\d*>&\s*\d)+\s*$"
)
LITERAL_ECHO_NOTE = (
    "the substitution runs only an echo of literal text: no program's output is lost, the "
    "redirection itself is what the line looks at"
)

Check = Callable[[str, int], str | None]


def _truncation(line: str, column: int) -> str | None:
    match = TRUNCATION.match(line)
    if match is None or match.group("file").strip("'\"") == "/dev/null":
        return None
    return TESTED_TRUNCATION_NOTE if match.group("tested") else TRUNCATION_NOTE


def _format_brace(line: str, column: int) -> str | None:
    if not 0 < column <= len(line):
        return None
    brace = line[column - 1]
    if (
        brace == "{"
        and line[column - 2 : column - 1] == "%"
        and FORMAT_OPEN.match(line, column - 1)
    ):
        return FORMAT_NOTE
    if brace == "}" and FORMAT_CLOSE.search(line[:column]):
        return FORMAT_NOTE
    return None


def _empty_in_assignments(line: str, column: int) -> str | None:
    """`NAME=` before the column (the space shellcheck points at), an assignment after it."""
    if not 0 < column <= len(line) or EMPTY_ASSIGNMENT.search(line[: column - 1]) is None:
        return None
    if NEXT_ASSIGNMENT.match(line, column - 1):
        return ASSIGNMENTS_NOTE
    return EMPTY_RUN_NOTE if EMPTY_RUN.search(line[: column - 1]) else None


def _own_directory(line: str, column: int) -> str | None:
    """`$(dirname $0)` at the column, the argument of a command that goes there or reads it."""
    if not 0 < column <= len(line) or not OWN_DIRECTORY.match(line, column - 1):
        return None
    command = CHANGES_DIRECTORY.search(line[: column - 1])
    return None if command is None else OWN_DIRECTORY_NOTE.format(command.group(0).split()[-1])


def _echoed_into_pipe(line: str, column: int) -> str | None:
    """`$*`/`$@` at the column, an argument of an `echo` whose output goes into a pipe."""
    if not 0 < column <= len(line):
        return None
    expansion = ALL_ARGUMENTS.match(line, column - 1)
    if expansion is None or ECHO_BEFORE.search(line[: column - 1]) is None:
        return None
    return ECHO_PIPE_NOTE if INTO_PIPE.match(line, expansion.end()) else None


def _literal_echo_away(line: str, column: int) -> str | None:
    """The `$(...)` around the column runs only an echo/printf of literal text, sent away."""
    body = _substitution_body(line, column)
    return LITERAL_ECHO_NOTE if body is not None and LITERAL_ECHO.match(body) else None


def _substitution_body(line: str, column: int) -> str | None:
    """The text inside the innermost `$(...)` of `line` that holds the column (1-based), quotes
    skipped; None when the column is in none."""
    opened: list[int] = []
    quote, index = "", 0
    while index < len(line):
        char = line[index]
        if quote == "'":
            quote = "" if char == "'" else quote
        elif char == "\\":
            index += 1
        elif char == "'" and not quote:
            quote = "'"
        elif char == "$" and line[index + 1 : index + 3] == "((":
            return None  # arithmetic: not read here
        elif char == "$" and line[index + 1 : index + 2] == "(":
            opened.append(index)
            index += 1
        elif char == "(" and opened:
            opened.append(-1)  # a subshell or group inside: its `)` closes no substitution
        elif char == ")" and opened:
            start = opened.pop()
            if start >= 0 and start < column <= index + 1:
                return line[start + 2 : index]
        index += 1
    return None


STATUS_ASSIGNMENT = re.compile(
    r"""^\s*(?:(?:local|declare|typeset)\s+)?(?P<name>[A-Za-z_]\w*)="""
    r"""(?P<q>"?)(?:`[^`]*`|\$\((?!\()[^()]*\))(?P=q)\s*(?:;\s*)?(?:\#.*)?$"""
)
STATUS_NOTE = (
    "the assignment runs the command for its exit status, which the next command reads as `$?`; "
    "`{}` is read nowhere in the file, so no output the script uses is sent away"
)


def _status_only(text: Sequence[str], index: int, column: int = 0) -> str | None:
    """Line `index` assigns a whole substitution to a variable the file never reads, and the next
    command (the next line that is not blank nor a comment) reads `$?`."""
    match = STATUS_ASSIGNMENT.match(text[index])
    if match is None:
        return None
    following = (line.strip() for line in text[index + 1 :])
    after = next((line for line in following if line and not line.startswith("#")), "")
    if "$?" not in after:
        return None
    name = match.group("name")
    return None if _reads(name, text) else STATUS_NOTE.format(name)


def _reads(name: str, lines: Sequence[str]) -> bool:
    """Whether any of the lines expands the variable (`$name`, `${name}`, `${#name}`...)."""
    read = re.compile(rf"\$(?:{name}\b|\{{[#!]?{name}\b)")
    return any(read.search(line) for line in lines)


# `for dummy in "once" ; do`: one literal word, the loop's `do` on the line or the next
ONCE_LOOP = re.compile(
    r"""^(?P<indent>\s*)for\s+(?P<name>[A-Za-z_]\w*)\s+in\s+(?P<q>["']?)[\w.-]+(?P=q)"""
    r"""\s*(?:;\s*do)?\s*(?:\#.*)?$"""
)
LEAVE = re.compile(r"(?:^|[;&|{]|\b(?:then|do|else))\s*(?:break|continue)\b")
ONCE_NOTE = (
    "a loop over one literal word whose body leaves it with `break` or `continue` is a block "
    "meant to run once, left early (the `for dummy in once; do ... break ...; done` idiom)"
)


def _once_loop(text: Sequence[str], index: int, column: int = 0) -> str | None:
    """Line `index` starts a `for` over one literal word, and the loop's body (up to the `done`
    indented as the `for`) leaves it (`break`, or `continue`, the same in a one-pass loop) and
    never reads the loop variable."""
    match = ONCE_LOOP.match(text[index])
    if match is None:
        return None
    done = re.compile(rf"^{re.escape(match.group('indent'))}done\b")
    end = next((n for n in range(index + 1, len(text)) if done.match(text[n])), None)
    if end is None:
        return None
    body = [line.split(" #", 1)[0] for line in text[index + 1 : end]]
    if _reads(match.group("name"), body) or not any(LEAVE.search(line) for line in body):
        return None
    return ONCE_NOTE


PRINTED_WORD = r"""(?:'[^']*'|"(?:[^"$`\\]|\\.)*"|[^\s$`'"\\;&|<>(){}]+)"""
UNREAD_ECHO = re.compile(
    r"""^\s*(?:(?:local|declare|typeset|readonly)\s+)?(?P<name>[A-Za-z_]\w*)="""
    rf"""(?P<q>"?)\$\((?P<body>\s*(?:echo|printf)(?:\s+{PRINTED_WORD})*\s*)\)(?P=q)"""
    r"""\s*(?:;\s*)?(?:\#.*)?$"""
)
UNREAD_ECHO_RULES = frozenset({"shellcheck/SC3036", "shellcheck/SC3037", "shellcheck/SC2028"})
UNREAD_ECHO_NOTE = (
    "the echo only prints literal text into `{}`, which the file reads nowhere: what the shell's "
    "echo makes of it changes nothing the script does (the assignment is dead code)"
)


def _unread_echo(text: Sequence[str], index: int, column: int) -> str | None:
    """Line `index` assigns a `$(...)` that runs only an echo/printf of literal words to a
    variable the file never reads, and the column lies in that substitution."""
    match = UNREAD_ECHO.match(text[index])
    if match is None or not match.start("body") < column <= match.end("body"):
        return None
    name = match.group("name")
    return None if _reads(name, text) else UNREAD_ECHO_NOTE.format(name)


DELIMITER_NOTE = (
    "the unquoted `{}` between the quoted parts delimit them (as sed's `s#a#b#` does): literal "
    "characters nothing splits or globs, so the word is what the quotes around it would make"
)
GLOB_OR_SPECIAL = frozenset("*?[]\\$`'\" \t")


def _repeated_delimiter(line: str, column: int) -> str | None:
    """The column is a punctuation character that the word around it repeats, unquoted,
    between all its quoted parts (after one leading `s` or `y`, sed's command)."""
    if not 0 < column <= len(line):
        return None
    start, unquoted = _word_at(line, column - 1)
    if start < 0:
        return None
    if len(unquoted) > 2 and unquoted[0] in "sy" and not unquoted[1].isalnum():
        unquoted = unquoted[1:]
    delimiter = line[column - 1]
    if (
        len(unquoted) < 2
        or set(unquoted) != {delimiter}
        or delimiter.isalnum()
        or delimiter in GLOB_OR_SPECIAL
    ):
        return None
    return DELIMITER_NOTE.format(delimiter)


def _word_at(line: str, index: int) -> tuple[int, str]:
    """The start of the shell word holding `index` and its unquoted characters, (-1, "") when
    the index lies between words or in quotes the line does not close."""
    start, unquoted, quote, escaped = -1, "", "", False
    for position, char in enumerate(line):
        if start < 0 and not char.isspace():
            start, unquoted = position, ""
        if escaped:
            escaped = False
        elif quote:
            quote = "" if char == quote else quote
        elif char == "\\":
            escaped = True
        elif char in "'\"":
            quote = char
        elif char.isspace() or char in ";&|<>()":
            if start <= index < position:
                return start, unquoted
            start = -1
            continue
        else:
            unquoted += char
    if quote or not 0 <= start <= index:
        return -1, ""
    return start, unquoted


LONE_STAR = re.compile(r"""(?:'\*'|"\*"|\\\*)(?=\s|$|[;&|)])""")
LONE_STAR_NOTE = (
    "a lone `*` as grep's pattern is a literal asterisk (a leading `*` matches itself), what "
    "the line looks for: as a glob it would match every line"
)


def _lone_star(line: str, column: int) -> str | None:
    """The pattern at the column is a lone `*`, quoted or escaped."""
    if not 0 < column <= len(line) or LONE_STAR.match(line, column - 1) is None:
        return None
    return LONE_STAR_NOTE


READ_OPTIONS = re.compile(r"\$\{?[A-Za-z_]\w*\}?(?P<rest>(?:\s+[^\s;&|<>]+)*)")
PLAIN_NAME = re.compile(r"[A-Za-z_]\w*")
NAME_HOLDER = re.compile(r'"\$\{?[A-Za-z_]\w*name\}?"', re.IGNORECASE)
READ_OPTIONS_NOTE = (
    "the unquoted expansion gives read its options, and the name after it is the variable read into"
)
NAME_HOLDER_NOTE = (
    "the variable holds the name of the variable to read into (its name says so): reading "
    "into the name it holds is meant"
)


def _read_target(line: str, column: int) -> str | None:
    """The expansion at the column gives read its options (a plain name follows it), or is
    a quoted variable named for a name."""
    if not 0 < column <= len(line):
        return None
    if NAME_HOLDER.match(line, column - 1):
        return NAME_HOLDER_NOTE
    options = READ_OPTIONS.match(line, column - 1)
    if options is None:
        return None
    words = options.group("rest").split()
    return READ_OPTIONS_NOTE if any(PLAIN_NAME.fullmatch(w) for w in words) else None


CHECKS: dict[str, Check] = {
    "shellcheck/SC2327": _literal_echo_away,
    "shellcheck/SC2328": _literal_echo_away,
    "shellcheck/SC2048": _echoed_into_pipe,
    "shellcheck/SC2068": _echoed_into_pipe,
    "shellcheck/SC2046": _own_directory,
    "shellcheck/SC1007": _empty_in_assignments,
    "shellcheck/SC1083": _format_brace,
    "shellcheck/SC2188": _truncation,
    "shellcheck/SC2140": _repeated_delimiter,
    "shellcheck/SC2063": _lone_star,
    "shellcheck/SC2229": _read_target,
}
TextCheck = Callable[[Sequence[str], int, int], str | None]
SHELL_BUILTINS = frozenset(
    {
        "alias", "bg", "cd", "command", "dirs", "echo", "eval", "exec", "exit", "export",
        "false", "fg", "getopts", "hash", "jobs", "kill", "popd", "printf", "pushd", "pwd",
        "read", "return", "set", "shift", "test", "times", "trap", "true", "type", "ulimit",
        "umask", "unalias", "unset", "wait",
    }
)  # fmt: skip
CALLED_NAME = re.compile(r"[\w-]+")
BUILTIN_NOTE = (
    "`{}` is a shell builtin: called before the function that overrides it is defined, the "
    "builtin runs, and the override applies to what follows"
)


def _builtin_before_override(text: Sequence[str], index: int, column: int) -> str | None:
    """SC2218 on a call of a shell builtin the file redefines further down."""
    if column < 1:
        return None
    name = CALLED_NAME.match(text[index], column - 1)
    if name is None or name.group(0) not in SHELL_BUILTINS:
        return None
    return BUILTIN_NOTE.format(name.group(0))


TEXT_CHECKS: dict[str, TextCheck] = {
    "shellcheck/SC2327": _status_only,
    "shellcheck/SC2328": _status_only,
    "shellcheck/SC2043": _once_loop,
    "shellcheck/SC2218": _builtin_before_override,
    **{rule: _unread_echo for rule in UNREAD_ECHO_RULES},
}


def idioms_as_info(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with a warning on one of the idioms of the module docstring at info."""
    lines: dict[str, list[str]] = {}

    def note_of(finding: Finding) -> str | None:
        check, text_check = CHECKS.get(finding.rule), TEXT_CHECKS.get(finding.rule)
        if check is None and text_check is None:
            return None
        if finding.severity is not Severity.WARNING or not finding.path:
            return None
        if finding.path not in lines:
            lines[finding.path] = read_text(target / finding.path, root=target).splitlines()
        text = lines[finding.path]
        line, column = finding.line, finding.extra.get("column")
        if not isinstance(line, int) or not 0 < line <= len(text):
            return None
        note = check(text[line - 1], column if isinstance(column, int) else 0) if check else None
        if note is None and text_check is not None:
            note = text_check(text, line - 1, column if isinstance(column, int) else 0)
        return note

    return explain_as_info(findings, note_of)
