"""shellcheck's parse failures that the script's own shell does not share, made info.

When shellcheck's parser gives up on a script it reports where it stopped (SC1072, "...
Fix any mentioned problems and try again"), the construct it was in (SC1073, "Couldn't parse
this ...") and, on the way, what it lost its place in (SC1046/SC1047 an `if` without its `fi`,
SC1056 a `{` without its `}`, SC1058/SC1061/SC1062 a loop without `do`/`done`, SC1070/SC1088/
SC1089 "Parsing stopped here"), all at error level: the script does not parse. shellcheck's
parser is its own and stricter than the shells in places: fasd 1.0.1's
`[ -${typ:-e} "$file" ]` (a test whose unary operator comes from a parameter) stops it, while
sh, dash, bash and zsh all read the script.

So the script's own shell is asked: the interpreter its shebang names (or a
`# shellcheck shell=` directive, or a `.bash`/`.ksh`/`.dash` suffix), run as `SHELL -n FILE`
(read the file, execute nothing; no startup files: `BASH_ENV`/`ENV` empty, zsh with `-f`).
When it reads the file without a word on stderr (`bash -n` reports a bad `[[ ]]` on stderr
and still exits 0), the failure is shellcheck's: those findings become info, with a note naming
the check. One place the shell never parses: a single-bracket test (`[ ... ]`) is a command
whose words the shell reads only when it runs, so `sh -n` says nothing of `[ "$a" "$b" ]` (no
operator: a real bug, `[` fails at run time). A failure inside such a test is shellcheck's only
when an operator there comes from a parameter (`-$op`, `-${typ:-e}`, quoted or not:
bash-argsparse's `[ -"${option_type:0:1}" "$value" ]`), or when a test of three words has a
parameter for its binary operator (duply's `[ $gpg $CMPMODE $cmp ]`, CMPMODE set to -eq, -le
or -ge), which no parser can read and the shell expands before `[` runs; any other failed test
(`[ "$a" "$b" ]`, `[ "$a" foo "$b" ]`) keeps its errors. Nor does the shell parse
arithmetic before it runs the line: boot-info-script's `$(( {grub_modules_end_offset} - ...
))`, a `$` left out, passes `bash -n` and fails with "operand expected" when it runs, so a
failure inside `$((..))`, `((..))` or a `for ((..))` condition keeps its errors. Only a failed
parse (an SC1072 in the file) is judged: the other SC1xxx errors shellcheck's parser reports
beside it (SC1020 `y]` without its space, SC1035 a missing space) are mistakes a shell accepts
and stay errors. A shell that is not installed, that rejects the file, complains or does not
finish keeps the errors. A file that names no shell (no shebang, no directive: a library that
bash, ksh or zsh sources, virtualenvwrapper.sh) is asked of bash, the shell shellcheck assumes
of it and checked it as.

The same question settles SC1010 ("Use semicolon or linefeed before 'fi'") on a keyword that a
declaration builtin receives as a name (funcoeszz's `local valor ang teta fi oper`, an angle
called fi): the shell recognises `fi` only where a command starts, so when it reads the script
(a script that names no shell is asked of bash, the shell shellcheck assumes) the finding is
info. A real missing `;` (`if true; then echo hi fi`) leaves the `if` open: the shell rejects
the script and the warning stays. So is a keyword that a plain command receives as an
argument on a line that opens no compound command, followed by another word or the last word
of an `echo` or `printf` (FAI's `echo done`, `btrfs fi show`); `for i in a; do echo hi done`
opens the loop on its own line and keeps the warning.

A failed parse after an unindented `exit` is never read either: a shell reads and runs a
script one command at a time, so once a top-level `exit` runs, the text after it is never
parsed (cdist's hacking/ prototype keeps an unfinished, empty `for ... do done` below its
`exit 0`). When the script's shell (bash if it names none) reads the text up to that `exit`
without error, the `exit` is a command of the top level (not inside an open `if`, function or
here-document), and every error after it is info. An error before the `exit`, or an `exit`
inside a block, keeps the errors.

And SC1069 ("You need a space before the [") beside a failed parse, on an array element
assignment whose name is a reserved word: dvd-slideshow's dvd-menu sets `select[$i]=...`, an
array called select. shellcheck's parser takes `select` for the loop keyword and stops; the
shell recognises a reserved word only as a whole word, so `select[$i]=x` is an assignment.
When the shell reads the script, the finding is info. `for[ -f x ]` (no `=` after the
subscript: a command named `for[`, not found at run time) keeps its error, as does any file
the shell rejects.

And SC1035 ("You are missing a required space after the !") on a `!` written against the `(`
of a subshell: boot-info-script's `( !( ( [ "$Ki" = L ] && [ "$Kj" = E ] ) || ... ) && ...)`.
bash, dash and sh read `!(` as the negation of the subshell when extended globbing is off
(the default of a script: its startup files are not read), so in a script run by one of them
(or naming no shell: bash is assumed) that never mentions `extglob` and that its shell reads,
the finding is info. With `shopt -s extglob` `!(...)` is a pattern, and ksh and zsh read it
as one always: those keep the error.

And a function whose name holds a `!` (strike's `script.write!() {`, `!project.file() {`):
bash accepts such a name outside POSIX mode, while shellcheck's parser takes the `{` for a
literal (SC1083) and reports the function's closing `}` as where parsing stopped (SC1089). In
a script its shell reads (bash when it names none), SC1083 on the `{` of such a definition and
SC1089 after one in the same file are info. A parse that stopped in a file without such a
definition keeps its error, as does a file the shell rejects; and a call `!name` (SC1035, a `!`
missing its space) keeps its error whatever is defined: strike calls a `!project.file` that no
file of it defines.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ai_workflow.engine.process import CommandResult
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.cited_lines import CitedLines
from ai_workflow.lint.shellcheck_severity import keyword_argument, keyword_declared
from ai_workflow.textfiles import read_head, read_text, shebang_program

PARSE_ABORT = "shellcheck/SC1072"  # the parser stopped: the file did not parse
PARSE_CONTEXT = "shellcheck/SC1073"  # "Couldn't parse this <construct>"
KEYWORD_AS_WORD = "shellcheck/SC1010"  # a keyword where shellcheck wants a `;` before it
SPACE_BEFORE_BRACKET = "shellcheck/SC1069"  # "You need a space before the ["
DEFAULT_SHELL = "bash"  # what shellcheck assumes of a script that names no shell
TEST_EXPRESSION = "Couldn't parse this test expression"
# where shellcheck stopped inside arithmetic, which `SHELL -n` does not parse (bash reads
# `$(( {n} - 1 ))` and fails only when it runs the line: "operand expected")
ARITHMETIC_CONTEXTS = (
    "Couldn't parse this $((..)) expression",
    "Couldn't parse this ((..)) command",
    "Couldn't parse this arithmetic for condition",
)
SINGLE_BRACKET = re.compile(r"\[(?!\[)")
# `-$op`, `-${typ:-e}`, and quoted: `-"${type:0:1}"`, `"-$op"`
OPERATOR_FROM_PARAMETER = re.compile(r"(?<!\S)!?\"?-\"?\$[{\w]")
# `[ $a $op $b ]`: three words (after an optional `!`), the middle one a whole parameter
BINARY_OPERATOR_PARAMETER = re.compile(
    r"\[\s+(?:!\s+)?[^\s\]]+\s+(\"?)\$(?:\w+|\{\w+\})\1\s+[^\s\]]+\s+\]"
)
LOST_CODES = (1046, 1047, 1056, 1058, 1061, 1062, 1070, 1072, 1073, 1088, 1089)
LOST_PLACE = frozenset(f"shellcheck/SC{code}" for code in LOST_CODES)
SHELLS = ("sh", "dash", "bash", "ksh", "mksh", "zsh")
SUFFIX_SHELLS = {".bash": "bash", ".ksh": "ksh", ".dash": "dash"}
DIRECTIVE = re.compile(rb"^\s*#\s*shellcheck\s+(?:\S+\s+)*?shell=(\w+)", re.M)
NOTE = "`{}` reads the script without error: shellcheck's parser stopped where the shell does not"
WORD_NOTE = "`{}` reads the script without error: the keyword is a name a declaration receives"
ARGUMENT_NOTE = "`{}` reads the script without error: the keyword is an argument of a command"
ELEMENT_NOTE = (
    "`{0}` reads the script without error: `{1}[...]=` assigns an element of an array named {1} "
    "(a reserved word only as a whole word)"
)
EXIT_NOTE = (
    "`{0} -n` reads the script up to its top-level `exit` on line {1}: the shell stops there "
    "and never reads what follows"
)
# `exit`, `exit 0`, `exit $rc` alone on an unindented line (a comment after it allowed)
TOP_LEVEL_EXIT = re.compile(r"^exit(?:\s+[\w$\"'{}?-]+)?\s*;?\s*(?:#.*)?$")
NEGATION_SPACE = "shellcheck/SC1035"  # a missing space: after `!`, inside `[ ]`...
NEGATION_MESSAGE = "You are missing a required space after the !"
NEGATION_NOTE = (
    "`{}` reads the script without error: `!(` negates the subshell while extended globbing is off"
)
NEGATION_SHELLS = frozenset({"bash", "sh", "dash"})  # `!(` is a pattern in ksh and zsh
EXTGLOB = re.compile(rb"\bextglob\b")
RESERVED_WORDS = frozenset(
    {"if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until"}
    | {"do", "done", "in", "function", "time", "coproc"}
)
# `name[subscript]=` or `+=` at the `[` shellcheck points to, after a reserved word that starts
# a command (the line's start, or after `;`, `&`, `|`, `(`, `{` or a space)
RESERVED_BEFORE = re.compile(r"(?:^|[\s;&|({])(?P<name>[a-z]+)$")
SUBSCRIPT_ASSIGNED = re.compile(r"\[[^\]\n]*\]\+?=")
QUIET_ENV = {"BASH_ENV": "", "ENV": ""}
BANG_NOTE = (
    "`{}` reads the script without error: bash accepts a `!` in a function's name, which "
    "shellcheck's parser does not"
)
LITERAL_BRACE = "shellcheck/SC1083"  # "This { is literal"
PARSING_STOPPED = "shellcheck/SC1089"  # "Parsing stopped here"
BANG_NAME = r"[\w.:?-]*![\w.:?!-]*"
# `name!() {`, `!name() {`, `function name!() {` (the `{` on the line or not)
BANG_DEFINITION = re.compile(
    rf"^\s*(?:function\s+)?(?P<name>{BANG_NAME})\s*\(\s*\)\s*\{{?\s*(?:#.*)?$"
)

Runner = Callable[[Sequence[str]], CommandResult]


def installed_shells() -> dict[str, str]:
    """The shells this check may ask, by name, with the program each name runs here (a part
    of what the results depend on: a cache key holds it)."""
    found = {}
    for name in SHELLS:
        path = shutil.which(name)
        if path is not None:
            found[name] = path
    return found


def script_shell(target: Path, rel: str) -> str | None:
    """The shell that runs `rel`: its shebang's, its `# shellcheck shell=` directive's or
    its suffix's; None when nothing says (a `.sh` file without a shebang: any shell)."""
    head = read_head(target / rel, 4096, root=target) or b""
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    program = shebang_program(first)
    if program in SHELLS:
        return program
    directive = DIRECTIVE.search(head)
    if directive is not None and directive.group(1).decode() in SHELLS:
        return directive.group(1).decode()
    if program is None:
        return SUFFIX_SHELLS.get(Path(rel).suffix)
    return None


def shell_command(shell: str, program: str, rel: str) -> list[str]:
    """`SHELL -n ./FILE`, reading no startup file."""
    no_rcs = ["-f"] if shell == "zsh" else []
    return [program, *no_rcs, "-n", f"./{rel}"]


def shell_reads(
    run: Runner, target: Path, rel: str, shells: dict[str, str], default: str | None = None
) -> str | None:
    """The command that read `rel` without error (`sh -n`), or None. `default` is the shell
    asked when the script names none (none is asked without it)."""
    shell = script_shell(target, rel) or default
    if shell is None or shell not in shells:
        return None
    result = run(shell_command(shell, shells[shell], rel))
    if result.timed_out or result.returncode != 0 or result.stderr.strip():
        return None
    return f"{shell} -n"


def _position(finding: Finding) -> tuple[int, int] | None:
    column = finding.extra.get("column")
    if finding.line is None or not isinstance(column, int):
        return None
    return finding.line, column


def _span(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The text from `start` to `end` (1-based line and column; json1 counts a tab as one)."""
    (first, first_col), (last, last_col) = start, end
    if not 1 <= first <= last <= len(lines):
        return ""
    if first == last:
        return lines[first - 1][first_col - 1 : last_col - 1]
    middle = lines[first : last - 1]
    return "\n".join([lines[first - 1][first_col - 1 :], *middle, lines[last - 1][: last_col - 1]])


def shell_can_judge(target: Path, rel: str, findings: Sequence[Finding]) -> bool:
    """False when shellcheck stopped inside arithmetic (`$((..))`, `((..))`, a `for ((..))`
    condition: the shell parses it only when it runs the line) or inside a single-bracket test
    (which no shell parses before running it) where no operator comes from a parameter."""
    context = next((f for f in findings if f.rule == PARSE_CONTEXT), None)
    if context is not None and context.message.startswith(ARITHMETIC_CONTEXTS):
        return False
    if context is None or not context.message.startswith(TEST_EXPRESSION):
        return True
    stop = next((f for f in findings if f.rule == PARSE_ABORT), None)
    start, end = _position(context), (_position(stop) if stop is not None else None)
    if start is None or end is None:
        return False
    lines = read_text(target / rel, root=target).splitlines()
    text = _span(lines, start, end)
    if SINGLE_BRACKET.match(text) is None:
        return True  # `[[ ]]`: the shell parses it
    if OPERATOR_FROM_PARAMETER.search(text) is not None:
        return True
    rest = lines[start[0] - 1][start[1] - 1 :] if start[0] <= len(lines) else ""
    return BINARY_OPERATOR_PARAMETER.match(rest) is not None


def shell_parsed_as_info(
    findings: Iterable[Finding], target: Path, run: Runner, shells: dict[str, str]
) -> list[Finding]:
    """The findings, with shellcheck's failed parse of a script its own shell reads made info
    (each such script asked once)."""
    findings = list(findings)
    aborted = sorted({f.path for f in findings if f.rule == PARSE_ABORT and f.path is not None})
    readers = {}
    for rel in aborted:
        own = [f for f in findings if f.path == rel]
        if shell_can_judge(target, rel, own):
            readers[rel] = shell_reads(run, target, rel, shells, DEFAULT_SHELL)
    exits: dict[str, tuple[str, int]] = {}  # the shell and the line of a top-level `exit`
    for rel in aborted:
        if readers.get(rel) is None:
            own = [f for f in findings if f.path == rel]
            stop = _exit_before_errors(run, target, rel, own, shells)
            if stop is not None:
                exits[rel] = stop
    declared = _declared_keywords(findings, target)
    arguments = _argument_keywords(findings, target)
    word_readers = {
        rel: shell_reads(run, target, rel, shells, DEFAULT_SHELL)
        for rel in sorted({f.path for f in [*declared, *arguments] if f.path is not None})
    }
    elements = _reserved_element_assignments(findings, target)
    negations = _negated_subshells(findings, target)
    negation_readers = {
        rel: shell_reads(run, target, rel, shells, DEFAULT_SHELL)
        for rel in sorted({f.path for f in negations if f.path is not None})
    }
    bangs = _bang_functions(findings, target)
    bang_readers = {
        rel: shell_reads(run, target, rel, shells, DEFAULT_SHELL)
        for rel in sorted({f.path for f in bangs if f.path is not None})
    }
    kept = []
    for finding in findings:
        stop = exits.get(finding.path or "")
        if stop is not None and finding.line is not None and finding.line > stop[1]:
            note = EXIT_NOTE.format(stop[0], stop[1])
            kept.append(
                dataclasses.replace(
                    finding, severity=Severity.INFO, message=f"{finding.message} ({note})"
                )
                if finding.severity is Severity.ERROR
                else finding
            )
            continue
        reader, note = readers.get(finding.path or ""), NOTE
        negated = any(finding is f for f in negations)
        banged = any(finding is f for f in bangs)
        if negated:
            reader, note = negation_readers.get(finding.path or ""), NEGATION_NOTE
        elif banged:
            reader, note = bang_readers.get(finding.path or ""), BANG_NOTE
        elif finding in declared:
            reader, note = word_readers.get(finding.path or ""), WORD_NOTE
        elif finding in arguments:
            reader, note = word_readers.get(finding.path or ""), ARGUMENT_NOTE
        name = elements.get(id(finding))
        if name is not None:
            note = ELEMENT_NOTE.replace("{1}", name)
        if reader is not None and (
            finding.rule in LOST_PLACE
            or finding in declared
            or finding in arguments
            or name is not None
            or negated
            or banged
        ):
            finding = dataclasses.replace(
                finding,
                severity=Severity.INFO,
                message=f"{finding.message} ({note.format(reader)})",
            )
        kept.append(finding)
    return kept


def _exit_before_errors(
    run: Runner, target: Path, rel: str, own: Sequence[Finding], shells: dict[str, str]
) -> tuple[str, int] | None:
    """The shell and line of an unindented `exit` before every parse error of `rel`, when that
    shell reads the script up to it without error (so the `exit` is a command of the top
    level, not inside an open `if`, function or here-document), else None."""
    errors = [f.line for f in own if f.severity is Severity.ERROR and f.line is not None]
    if not errors:
        return None
    shell = script_shell(target, rel) or DEFAULT_SHELL
    program = shells.get(shell)
    if program is None:
        return None
    lines = read_text(target / rel, root=target).splitlines()[: min(errors) - 1]
    for number in range(len(lines), 0, -1):
        if TOP_LEVEL_EXIT.match(lines[number - 1]):
            break
    else:
        return None
    prefix = "\n".join(lines[:number]) + "\n"
    no_rcs = ["-f"] if shell == "zsh" else []
    result = run([program, *no_rcs, "-n", "-c", prefix])
    if result.timed_out or result.returncode != 0 or result.stderr.strip():
        return None
    return shell, number


def _declared_keywords(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The SC1010 findings whose keyword a declaration builtin receives as a name (`local a fi
    b`), at the line and column shellcheck gives."""
    return _keywords_where(findings, target, keyword_declared)


def _argument_keywords(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The SC1010 findings whose keyword a plain command receives as an argument (`echo done`,
    `btrfs fi show`) on a line that opens no compound command, at shellcheck's line and column."""
    return _keywords_where(
        findings,
        target,
        lambda text, column: not keyword_declared(text, column) and keyword_argument(text, column),
    )


def _keywords_where(
    findings: Sequence[Finding], target: Path, holds: Callable[[str, int], bool]
) -> list[Finding]:
    """The SC1010 findings whose cited line and column `holds` is true of."""
    found = []
    cited = CitedLines(target)
    for finding in findings:
        position = _position(finding)
        if finding.rule != KEYWORD_AS_WORD or finding.path is None or position is None:
            continue
        text = cited.line(finding.path, position[0])
        if text is not None and holds(text, position[1]):
            found.append(finding)
    return found


def _negated_subshells(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The SC1035 findings at a `!` written against a subshell's `(` (`!( cmd )`) in a script
    that bash, dash or sh runs (or that names no shell) and that never mentions `extglob`."""
    found = []
    cited = CitedLines(target)
    plain: dict[str, bool] = {}
    for finding in findings:
        position = _position(finding)
        if (
            finding.rule != NEGATION_SPACE
            or not finding.message.startswith(NEGATION_MESSAGE)
            or finding.path is None
            or position is None
        ):
            continue
        text, column = cited.line(finding.path, position[0]), position[1]
        if text is None or text[max(column - 2, 0) : column] != "!(":
            continue
        if finding.path not in plain:
            shell = script_shell(target, finding.path) or DEFAULT_SHELL
            body = read_head(target / finding.path, 1 << 22, root=target) or b""
            plain[finding.path] = shell in NEGATION_SHELLS and EXTGLOB.search(body) is None
        if plain[finding.path]:
            found.append(finding)
    return found


def _reserved_element_assignments(findings: Sequence[Finding], target: Path) -> dict[int, str]:
    """The SC1069 findings (by id) at the `[` of an array element assignment whose name is a
    reserved word (`select[$i]=x`), with that name."""
    found = {}
    cited = CitedLines(target)
    for finding in findings:
        position = _position(finding)
        if finding.rule != SPACE_BEFORE_BRACKET or finding.path is None or position is None:
            continue
        text, column = cited.line(finding.path, position[0]), position[1]
        if text is None:
            continue
        before = RESERVED_BEFORE.search(text[: column - 1])
        if (
            before is not None
            and before.group("name") in RESERVED_WORDS
            and SUBSCRIPT_ASSIGNED.match(text, column - 1) is not None
        ):
            found[id(finding)] = before.group("name")
    return found


def _bang_functions(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings shellcheck's parser makes of function names that hold a `!`: SC1083 on the
    `{` of such a definition and SC1089 later in a file with one."""
    cited = CitedLines(target)
    found = []
    first_definition: dict[str, int] = {}
    for finding in findings:
        position = _position(finding)
        if finding.rule != LITERAL_BRACE or finding.path is None or position is None:
            continue
        text = cited.line(finding.path, position[0])
        if text is not None and BANG_DEFINITION.match(text) is not None:
            found.append(finding)
            line = first_definition.get(finding.path, position[0])
            first_definition[finding.path] = min(line, position[0])
    for finding in findings:
        position = _position(finding)
        if finding.path is None or position is None:
            continue
        if finding.rule == PARSING_STOPPED:
            start = first_definition.get(finding.path)
            if start is not None and position[0] > start:
                found.append(finding)
    return found
