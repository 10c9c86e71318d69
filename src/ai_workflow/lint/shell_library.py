"""Functions a shell library offers to callers outside its file: SC2120/SC2119 made info.

shellcheck reports SC2120 ("foo references arguments, but none are ever passed") when no call
in the file gives arguments to a function that reads `$1` or `$@`, and SC2119 at the calls
without them. In a script that calls its own functions, that is a likely bug: the function
meant the script's arguments. A library's functions are called by whoever sources it (the
user's shell, another script, a test), which shellcheck does not see. So the finding is info
when the project shows such callers:

- the file is meant to be sourced: it has no shebang and a script of the project sources or
  loads it (`source lib/x.sh`, `. "$dir/x.sh"`, bats' `load x`), or every command at its top
  level defines a function or a variable (run, it would do nothing);
- the project shows the function called with arguments: a command line that starts with its
  name followed by an argument, in its documentation, its tests or another file that does not
  define a function of that name (`$ zzajuda --lista` in a clitest file, `zzajuda --lista` in a
  man page), or a usage comment in the file itself (`# Uso: zzajuda [--lista|--uso]`).

An executable script whose functions only it calls keeps the warning.

SC2283 (`word = value` or `word =value`, "remove spaces around = to assign") where a shell
file of the project defines a function `word` is info too: the line calls it
(`directive_calls_as_info`).

SC2154 ("x is referenced but not assigned") in a file without a shebang that a project script
sources is info when that script assigns the variable: the fragment runs in the sourcing
script's shell and reads its variables (makeself's makeself-header.sh, sourced by makeself.sh
after `CRCsum="$crcsum"`). A variable no sourcing script assigns (the header's `$copy`, where
makeself.sh only has `COPY`) keeps the warning, and so does a script with a shebang.

The same when a project script sources a whole directory of components in a loop (`for
_COMPONENT in /lib/live/boot/????-*; do . ${_COMPONENT}; done`): the files of one directory
whose names the loop's glob matches run in one shell, so SC2154 in one of them is info when
another of them (or the looping script) assigns the variable without declaring it `local`
there (live-boot's 9990-overlay.sh reads `${mountpoint}`, which 0001-init-vars.sh assigns),
shebang or not. A variable only a `local` declaration of a sibling's function assigns
(live-boot's `extension`, local to do_httpmount, read by copy_live_to) keeps the warning, and
so does a file the glob does not match, and one an assignment in a comment names only
(funcoeszz's `# Ex.: local cache=$(zztool cache php)`: zztop.sh's `echo "$cache"` prints
nothing; `without_comments`). A glob whose name part is only wildcards and an
extension (`*`, `*.sh`) counts only in a directory of the name the glob's path gives
(`"$dir"/lib/*.sh` matches lib/*.sh, not tests/*.sh).

SC2154 in a script that runs `eval` on the output of a project script (adr-tools' subcommands
start `eval "$($(dirname $0)/adr-config)"`, and adr-config prints `adr_bin_dir="..."` and
`adr_template_dir="..."`) is info when that script prints an assignment of the variable (an
`echo`/`printf` line, or a line of a here-document it `cat`s, that reads `name=...`): the eval
assigns it, which shellcheck cannot see. A variable the printed assignments do not name (a
misspelling), and one after the `eval` of a command that is not the project's (`eval
"$(keychain --eval agent)"`: what it prints cannot be read here), keep the warning.

`sourced_names` (also step 3's: a library needs no shebang) reads a file as sourced by name
(`source lib/x.sh`, `. "$dir/x.sh"`) or through a variable whose assignment in the same script
ends in its name (`HEADER=`dirname "$0"`/header.sh`, then `. "$HEADER"`). The evidence is
other files: it is computed on every run from the project's files, never stored with one
file's results.

SC2145 ("argument mixes string and array", a quoted `"... $@"`) inside a function is info when
every call of that function in the project's shell scripts passes at most one argument
(backup-manager's `debug() { ... log "DEBUG: $@"; }`, called from the driver and eight
libraries, always with one quoted message): `$@` is then one word, and `"DEBUG: $@"` the one
string `"DEBUG: $*"` would give. A function that first shifts N arguments away may be called
with N + 1 (abcde's `log() { BLURB="$1"; shift; case $BLURB in error) echo "[ERROR] $@" ...`,
called 68 times with a level and one message). One call with more arguments, or one whose
arguments cannot be counted (an unbalanced quote), keeps the warning; so does a function no
script calls, and a `shift` inside an `if` or a loop counts for nothing. A call that passes
on the arguments of the function around it (overlayroot-chroot's `fail() { [ $# -eq 0 ] ||
error "$@"; exit 1; }`, where error() is `printf "ERROR: $@\\n"`) counts as the calls of that
function do.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explain_as_info
from ai_workflow.textfiles import read_bytes

UNPASSED = "shellcheck/SC2120"  # "foo references arguments, but none are ever passed"
UNPASSED_CALL = "shellcheck/SC2119"  # "Use foo "$@" if function's $1 should mean script's $1"
RULES = (UNPASSED, UNPASSED_CALL)
MIXED = "shellcheck/SC2145"  # "Argument mixes string and array. Use * or separate argument."
FORWARDED = re.compile(r'^\s*"\$(?:@|\{@\})"\s*(?:$|[;&|)#<>])')  # `f "$@"`: on as given
MAX_FORWARDS = 4  # how many functions passing "$@" on to the next are followed
SHIFT = re.compile(r"^(\s*)shift(?:\s+([1-9]))?\s*(?:;\s*)?(?:#.*)?$")
# where a command starts: a line's start, after a list operator, a keyword or `$(`
COMMAND_START = r"(?:^|[;&|({`]|\$\(|\b(?:then|do|else|if|while|until|!)\s)\s*"
UNASSIGNED = "shellcheck/SC2154"  # "x is referenced but not assigned"
UNASSIGNED_NAME = re.compile(r"^([A-Za-z_]\w*) is referenced but not assigned")
SOURCE_COMMAND = re.compile(
    r"""(?:^|[;&|{(]|\bthen|\bdo)\s*(?:builtin\s+)?(?:source|\.)\s+"""
    r"""((?:"[^"\n]*"|'[^'\n]*'|[^\s"';&|)])+)""",
    re.M,
)
# `eval "$(cmd ...)"`, `eval $(cmd)`, eval `cmd`: the rest of the line after the opening
EVAL_OUTPUT = re.compile(r"""(?:^|[;&|{(]|\bthen|\bdo)\s*eval\s+["']?(?:\$\(|`)\s*(.*)$""", re.M)
PRINT_LINE = re.compile(r"^\s*(?:echo|printf)\b(.*)$", re.M)
HEREDOC_CAT = re.compile(r"""^\s*cat\s*<<-?\s*(["']?)(\w+)\1[^\n]*\n(.*?)^\s*\2\s*$""", re.M | re.S)
PRINTED_ASSIGNMENT = re.compile(
    r"""(?:^|[\s;"'])(?:(?:export|readonly|local|declare|typeset)\s+(?:-\w+\s+)*)?"""
    r"([A-Za-z_]\w*)="
)
FOR_LOOP = r"(?:^|[;&|({{]|\bdo|\bthen)\s*for\s+{name}\s+in\s+([^;\n]*?)\s*(?:;|\n|\bdo\b)"
GLOB_CHARS = re.compile(r"[*?\[]")
VARIABLE_WORD = re.compile(r"""^["']?\$\{?([A-Za-z_]\w*)\}?["']?$""")
ASSIGNMENT_OF = r"^\s*(?:(?:export|local|readonly|declare|typeset)\s+(?:-\w+\s+)*)?{name}=(.*)$"
PATH_NAME = re.compile(r"""(?:^|/)([\w+-][\w.+-]*)["'`]?\s*(?:[;&]\s*)?(?:#.*)?$""")
# `$( command -v boilerplate.sh )`, `$(which x.sh)`, `` `type -p x.sh` ``: a file found on PATH
PATH_LOOKUP = re.compile(
    r"""^["']?(?:\$\(|`)\s*(?:command\s+-v|which|type\s+-p)\s+["']?([\w+-][\w.+-]*)["']?\s*(?:\)|`)"""
)
ASSIGNS = r"(?:^|[\s;&|({{])(?:(?:export|local|readonly|declare|typeset)\s+(?:-\w+\s+)*)?{name}\+?="
NAME_IN = {
    UNPASSED: re.compile(r"^([^\s$`'\"();|&]+) references arguments"),
    UNPASSED_CALL: re.compile(r"^Use ([^\s$`'\"();|&]+) \""),
}
MAX_EVIDENCE_BYTES = 1_000_000  # a larger file is data, not documentation
BINARY_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".ico", ".pdf", ".gz", ".zip", ".tar", ".xz", ".bz2",
     ".so", ".o", ".a", ".pyc", ".class", ".jar", ".woff", ".woff2", ".ttf", ".mo"}
)  # fmt: skip
PROSE_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc", ".org"})
# how a line in a file may start before the command: a comment mark, a label (`Uso:`, `Ex.:`,
# `Usage:`), a prompt (`$ `, `% `, `> `) or bats' `run`
LEAD = r"^\s*(?:#+\s*)?(?:[A-Za-z][\w.]*:\s+)?(?P<prompt>(?:[$%>]|run(?:\s+-\S+)*)\s+)?"
# an argument by its shape: an option, an optional or placeholder part, a quoted word, a
# parameter, a path, a number; a plain word only after a prompt or outside prose (`zzajuda -
# shows help` is a definition list, `cleanup is run at exit` a sentence)
SHAPED_ARGUMENT = r"(?:--?\w|\[[^\s\]]|<\w|[\"'$~0-9]|\.{0,2}/\S)"
PLAIN_ARGUMENT = r"[A-Za-z_]\w*(?!\s*[=(])"
FUNCTION_HEADER = re.compile(
    r"^\s*(?:function\s+([^\s(){}]+)\s*(?:\(\s*\))?|([^\s(){}=$`'\"]+)\s*\(\s*\))\s*(?:\{.*)?$"
)
TOP_LEVEL_DECLARATION = re.compile(
    r"^(?:[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=|(?:export|readonly|declare|typeset|local|unset|"
    r"source|\.|set|shopt|alias|complete|:)(?:\s|$)|[{}]\s*(?:#.*)?$)"
)
BODY_END = re.compile(r"^\}\s*(?:[;&|]|#.*)?\s*$")
Reader = Callable[[str], str]  # a project file's text by its path ("" when unreadable)


def library_functions_as_info(
    findings: Sequence[Finding], target: Path, files: Sequence[str], scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2120/SC2119 on a function the project shows is called from outside
    its file at info (see the module docstring)."""
    wanted = {
        (f.path, name)
        for f in findings
        if f.rule in RULES
        and f.severity is not Severity.INFO
        and f.path is not None
        and (name := _function_name(f)) is not None
    }
    if not wanted:
        return list(findings)
    texts: dict[str, str] = {}

    def text(rel: str) -> str:  # the scripts' texts, kept: each may be asked for every file
        if rel not in texts:
            texts[rel] = _read(target, rel)
        return texts[rel]

    notes: dict[tuple[str, str], str] = {}
    loaders = [*scripts, *(f for f in files if f.endswith(".bats"))]  # bats' `load`
    sourced = {rel: _meant_to_be_sourced(rel, text, loaders) for rel, _ in wanted}
    for rel, name in wanted:
        if sourced[rel] is not None:
            notes[(rel, name)] = f"{name} is a library function: {sourced[rel]}"
    others = {pair for pair in wanted if pair not in notes}
    for (rel, name), where in _called_with_arguments(others, target, files).items():
        notes[(rel, name)] = f"{name} is called with arguments in {where}"

    def note_of(finding: Finding) -> str | None:
        if finding.rule not in RULES or finding.severity is Severity.INFO:
            return None
        return notes.get((finding.path or "", _function_name(finding) or ""))

    return explain_as_info(findings, note_of)


def sourced_names(text: str) -> set[str]:
    """File names a script loads with `source x` or `. x` (often via a variable, `source
    "$ROOT/lib/common.bash"`, or a quoted directory before the name, kworkflow's `. "$dir"/mk.sh`).
    A word that is one variable (`. "$HEADER"`) names the files its assignments in the same
    text end in (makeself's `HEADER=`dirname "$0"`/makeself-header.sh`), or the file they look
    up on PATH (strike's bin/bake: `boilerplate=$( command -v boilerplate.sh ) \\` and then
    `&& . "$boilerplate"`); `HEADER="$2"` none."""
    names = set()
    for match in SOURCE_COMMAND.finditer(text):
        word = match.group(1)
        variable = VARIABLE_WORD.match(word)
        if variable is None:
            names.add(re.sub(r"[\"']", "", word).rstrip("/").rsplit("/", 1)[-1])
            continue
        assigned = re.compile(ASSIGNMENT_OF.format(name=variable.group(1)), re.M)
        for value in assigned.findall(text):
            value = value.strip().removesuffix("\\").strip()  # a line continued after it
            named = PATH_LOOKUP.match(value) or PATH_NAME.search(value)
            if named is not None:
                names.add(named.group(1))
    return names


# a quoted string that opens with a source command, `"source \$DIR/completion.sh"`: a line
# the script writes into a shell's startup file or prints for the user to add there
WRITTEN_SOURCE = re.compile(r"""(?:^|[\s=(])(["'])\s*(?:source|\.)\s+([^\s"';&|)]+)""", re.M)
FILE_NAME = re.compile(r"[\w+-][\w.+-]*")


def written_source_names(text: str) -> set[str]:
    """File names in a source command a script writes or prints rather than runs (npm-completion
    2.0.6's setup appends `"source \\$PATH_TO_NPM_COMPLETION/npm-completion.sh"` to ~/.bashrc or
    ~/.zshrc): the shell that reads that line sources the file, a library. The name is the
    word's last path part (`$DIR` alone names none)."""
    names = set()
    for match in WRITTEN_SOURCE.finditer(text):
        name = match.group(2).rstrip("/").rsplit("/", 1)[-1]
        if FILE_NAME.fullmatch(name):
            names.add(name)
    return names


_COMPUTED_PART = re.compile(r"\$\{[^}\n]*\}|\$\([^)\n]*\)|\$(?:[A-Za-z_]\w*|[@*#?0-9])|[*?]")
_PART_HOLE = "\x00"


def sourced_patterns(text: str) -> list[re.Pattern[str]]:
    """Files a script sources under a computed name, as patterns of the project's paths:
    spaceship-prompt 4.22.5's lib/core.zsh loads each prompt section with `builtin source
    "$SPACESHIP_ROOT/sections/$section.zsh"`, so sections/char.zsh is a sourced library. The
    computed part must be in the file name, after at least one literal directory (`. "$ROOT/$lib"`
    names no folder); what comes before that directory (`$ROOT`, `..`) is the root, wherever it
    points, so the pattern matches the end of a path."""
    patterns = []
    for match in SOURCE_COMMAND.finditer(text):
        word = _COMPUTED_PART.sub(_PART_HOLE, re.sub(r"[\"']", "", match.group(1)))
        *folders, name = word.split("/")
        if _PART_HOLE not in name:
            continue  # a plain name: `sourced_names`
        literal: list[str] = []
        for folder in folders:
            literal = (
                [] if _PART_HOLE in folder or folder in ("", ".", "..") else [*literal, folder]
            )
        if not literal:
            continue  # the trailing literal folders, after the root's variable, `.` or `..`
        pieces = "[^/]*".join(re.escape(piece) for piece in name.split(_PART_HOLE))
        patterns.append(re.compile("(?:.*/)?" + "/".join(map(re.escape, literal)) + "/" + pieces))
    return patterns


def sourcer_assigned_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2154 on a variable that a script sourcing the file assigns at info
    (see the module docstring)."""
    wanted = {f.path for f in findings if _unassigned_name(f) is not None and f.path}
    if not wanted:
        return list(findings)
    texts = {rel: _read(target, rel) for rel in scripts}
    for rel in wanted:
        texts.setdefault(rel, _read(target, rel))
    names = {rel: sourced_names(text) for rel, text in texts.items()}
    sourcers = {
        rel: [
            other
            for other in scripts
            if other != rel and rel.rsplit("/", 1)[-1] in names.get(other, set())
        ]
        for rel in wanted
        if not texts[rel].startswith("#!")
    }

    groups = _loop_sourced_groups(texts, scripts)
    code = {rel: without_comments(text) for rel, text in texts.items()}

    def note_of(finding: Finding) -> str | None:
        name = _unassigned_name(finding)
        if name is None or finding.path is None:
            return None
        assigns = re.compile(ASSIGNS.format(name=re.escape(name)), re.M)
        for other in sourcers.get(finding.path, []):
            if assigns.search(code[other]):
                return f"{name} is assigned by {other}, which sources {finding.path}"
        for looper, pattern, members in groups:
            if finding.path not in members:
                continue
            for other in (looper, *members):
                if other != finding.path and _assigns_globally(code[other], name, assigns):
                    return (
                        f"{name} is assigned by {other}; {looper} sources it with "
                        f"{finding.path} in one loop over {pattern}"
                    )
        for printer in evaluated.get(finding.path, []):
            if name in printed_assignments(texts[printer]):
                return (
                    f"{name} is assigned by the `eval` of {printer}'s output, which prints "
                    f"{name}=..."
                )
        return None

    evaluated = {rel: _evaluated_scripts(texts[rel], scripts) for rel in wanted}
    return explain_as_info(findings, note_of)


def _evaluated_scripts(text: str, scripts: Sequence[str]) -> list[str]:
    """The project scripts whose output `text` runs through `eval` (`eval "$(dir/cmd)"`), by
    the command's file name (a name with a parameter in it names none)."""
    names = set()
    for match in EVAL_OUTPUT.finditer(text):
        base = _command_word(match.group(1)).rstrip("/").rsplit("/", 1)[-1]
        if base and "$" not in base:
            names.add(base)
    return [rel for rel in scripts if rel.rsplit("/", 1)[-1] in names]


def _command_word(rest: str) -> str:
    """The first word of a command line, quotes dropped, a `$(...)` in it kept whole
    (`$(dirname $0)/adr-config)"` gives `$(dirname $0)/adr-config`)."""
    depth = 0
    word = []
    for char in rest:
        if char in "\"'":
            continue
        if depth == 0 and (char.isspace() or char in ")`;&|"):
            break
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        word.append(char)
    return "".join(word)


def printed_assignments(text: str) -> set[str]:
    """The variables a script prints assignments of, for a caller to `eval`: `echo
    'name="'"$value"'"'`, `printf 'export name=%s\\n'`, or a `name=...` line of a
    here-document it `cat`s."""
    names = set()
    for match in PRINT_LINE.finditer(text):
        names.update(PRINTED_ASSIGNMENT.findall(match.group(1)))
    for match in HEREDOC_CAT.finditer(text):
        for line in match.group(3).splitlines():
            names.update(PRINTED_ASSIGNMENT.findall(line.strip()))
    return names


def _loop_sourced_groups(
    texts: dict[str, str], scripts: Sequence[str]
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(looping script, glob, the scripts of one directory it matches) for each `for v in
    <glob>; do . "$v"; done` of a project script (see the module docstring)."""
    groups = []
    for looper in scripts:
        text = texts.get(looper, "")
        for match in SOURCE_COMMAND.finditer(text):
            variable = VARIABLE_WORD.match(match.group(1))
            if variable is None:
                continue
            loop = re.compile(FOR_LOOP.format(name=re.escape(variable.group(1))), re.M)
            for words in loop.findall(text):
                for word in words.split():
                    glob = word.strip("\"'")
                    if GLOB_CHARS.search(glob):
                        groups += _glob_groups(looper, glob, scripts)
    return groups


def _glob_groups(
    looper: str, glob: str, scripts: Sequence[str]
) -> list[tuple[str, str, tuple[str, ...]]]:
    parent, _, pattern = glob.rstrip("/").rpartition("/")
    literal = re.sub(r"\.\w+$", "", GLOB_CHARS.sub("", pattern).replace("]", ""))
    wanted_dir = parent.rsplit("/", 1)[-1].strip("\"'")
    by_directory: dict[str, list[str]] = {}
    for rel in scripts:
        directory, _, base = rel.rpartition("/")
        if rel == looper or not fnmatch.fnmatchcase(base, pattern):
            continue
        if not literal and directory.rsplit("/", 1)[-1] != wanted_dir:
            continue  # `*`, `*.sh`: only in the directory the glob names
        by_directory.setdefault(directory, []).append(rel)
    return [(looper, glob, tuple(members)) for members in by_directory.values() if len(members) > 1]


def without_comments(text: str) -> str:
    """`text` with its shell comments blanked (lines kept): a whole-line comment, and a `#`
    after a blank outside quotes to the end of its line. An assignment shown in a comment
    (funcoeszz's `# Ex.: local cache=$(zztool cache php)`) assigns nothing."""
    return "\n".join(_code_of(line) for line in text.split("\n"))


def _code_of(line: str) -> str:
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t;"):
            return line[:index]
    return line


def _assigns_globally(text: str, name: str, assigns: re.Pattern[str]) -> bool:
    """Whether `text` assigns `name` and never declares it `local` (a function's own)."""
    if not assigns.search(text):
        return False
    local = re.compile(
        rf"^\s*local\s+(?:-\w+\s+)*(?:[^#\n;]*\s)?{re.escape(name)}(?:[=\s;]|$)", re.M
    )
    return local.search(text) is None


def _unassigned_name(finding: Finding) -> str | None:
    if finding.rule != UNASSIGNED or finding.severity is Severity.INFO:
        return None
    match = UNASSIGNED_NAME.match(finding.message)
    return None if match is None else match.group(1)


def _read(target: Path, rel: str) -> str:
    data = read_bytes(target / rel, limit=MAX_EVIDENCE_BYTES, root=target)
    return "" if data is None else data.decode("utf-8", errors="replace")


def _function_name(finding: Finding) -> str | None:
    pattern = NAME_IN.get(finding.rule)
    match = pattern.match(finding.message) if pattern is not None else None
    return None if match is None else match.group(1)


def _meant_to_be_sourced(rel: str, text: Reader, scripts: Sequence[str]) -> str | None:
    """Why `rel` is a file to source (a note), or None."""
    own = text(rel)
    if functions_only(own):
        return "its file only defines functions and variables"
    if own.startswith("#!"):
        return None
    loader = _sourced_by(rel, text, scripts)
    return None if loader is None else f"its file has no shebang and {loader} sources it"


def functions_only(text: str) -> bool:
    """Whether every command at the file's top level defines a function or a variable (or
    sources another file, sets an option): executed, it would do nothing, it is for `source`.
    A function body is what follows its header up to a `}` that starts a line; a file that
    defines no function is no library of functions."""
    in_body = defines = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if in_body:
            in_body = BODY_END.match(line) is None
            continue
        header = FUNCTION_HEADER.match(line)
        if header is not None:
            defines = True
            in_body = not ("{" in line and line.rstrip().endswith("}"))  # `f() { x; }`
            continue
        if line[0].isspace() or TOP_LEVEL_DECLARATION.match(line) is None:
            return False
    return defines


def _sourced_by(rel: str, text: Reader, scripts: Sequence[str]) -> str | None:
    """The first project script (or bats file) that sources or loads `rel` by its name
    (`source lib/x.sh`, `. "$here/x.sh"`, bats' `load x` for x.bash), or None."""
    name = rel.rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    spelled = re.escape(name) if not dot else rf"{re.escape(stem)}(?:\.{re.escape(suffix)})?"
    loads = re.compile(
        rf"(?:^|[;&|{{(]|\b(?:then|do|else))\s*(?:source|\.|load)\s+[\"']?"
        rf"(?:[^;&|\n]*/)?{spelled}[\"']?(?:\s|;|&|\||\)|$)",
        re.M,
    )
    for other in scripts:
        if other != rel and loads.search(text(other)):
            return other
    return None


def _called_with_arguments(
    pairs: set[tuple[str, str]], target: Path, files: Sequence[str]
) -> dict[tuple[str, str], str]:
    """For each (file, function) pair, `path:line` of a command line that calls the function
    with an argument: in the file's own comments, or in any other project file that defines no
    function of that name (each file read once). Pairs without one are left out."""
    found: dict[tuple[str, str], str] = {}
    if not pairs:
        return found
    patterns = {name: _call_patterns(name) for _, name in pairs}
    for other in dict.fromkeys([*(rel for rel, _ in sorted(pairs)), *files]):
        if Path(other).suffix.lower() in BINARY_SUFFIXES:
            continue
        todo = [(rel, name) for rel, name in pairs if (rel, name) not in found]
        if not todo:
            break
        content = _read(target, other)
        prose = Path(other).suffix.lower() in PROSE_SUFFIXES
        for rel, name in todo:
            if name not in content:
                continue
            shaped, plain, defines = patterns[name]
            if other != rel and defines.search(content):
                continue  # its own function of that name
            for number, line in enumerate(content.splitlines(), 1):
                if name not in line or (other == rel and not line.lstrip().startswith("#")):
                    continue  # the file's own calls are shellcheck's to judge
                call = shaped.match(line) or (None if prose else plain.match(line))
                if call is None and prose:
                    call = plain.match(line)
                    call = call if call is not None and call["prompt"] else None
                if call is not None:
                    found[(rel, name)] = f"{other}:{number}"
                    break
    return found


def definition_of(name: str) -> re.Pattern[str]:
    """A line that defines the shell function `name` (`function name`, `name()`)."""
    spelled = re.escape(name)
    return re.compile(rf"^\s*(?:function\s+{spelled}\b|{spelled}\s*\(\s*\))", re.M)


def _call_patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A call of `name` with an argument by its shape, with a plain word, and its definition."""
    spelled = re.escape(name)
    return (
        re.compile(rf"{LEAD}{spelled}[ \t]+{SHAPED_ARGUMENT}"),
        re.compile(rf"{LEAD}{spelled}[ \t]+{PLAIN_ARGUMENT}"),
        definition_of(name),
    )


def one_argument_joins_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2145 inside a function every call of which in the project's shell
    scripts passes at most one argument at info (see the module docstring)."""
    wanted: dict[tuple[str, int], tuple[str, int]] = {}
    for finding in findings:
        if finding.rule != MIXED or finding.severity is Severity.INFO or not finding.path:
            continue
        if isinstance(finding.line, int):
            enclosing = _enclosing_function(_read(target, finding.path), finding.line)
            if enclosing is not None:
                wanted[(finding.path, finding.line)] = enclosing
    if not wanted:
        return list(findings)
    texts = {rel: _read(target, rel) for rel in scripts}
    notes = {}
    for name, shifts in set(wanted.values()):
        calls = _one_argument_calls(name, texts, 1 + shifts)
        if calls and shifts:
            notes[(name, shifts)] = (
                f"every call of {name} in the project passes at most {1 + shifts} arguments "
                f"({calls}) and {name} shifts {shifts} away before it: "
                '"$@" is one word there, as "$*" would be'
            )
        elif calls:
            notes[(name, shifts)] = (
                f"every call of {name} in the project passes at most one argument ({calls}): "
                '"$@" is one word there, as "$*" would be'
            )

    def note_of(finding: Finding) -> str | None:
        if finding.rule != MIXED or finding.severity is Severity.INFO:
            return None
        line = finding.line if isinstance(finding.line, int) else 0
        enclosing = wanted.get((finding.path or "", line))
        return None if enclosing is None else notes.get(enclosing)

    return explain_as_info(findings, note_of)


def enclosing_function(lines: list[str], line: int) -> tuple[str, list[str]] | None:
    """The name of the function whose body holds the 1-based `line` (its header above, and no
    `}` line at the header's indentation between them), with the body's lines before `line`;
    None outside a function."""
    for number in range(min(line, len(lines)) - 1, -1, -1):
        header = FUNCTION_HEADER.match(lines[number])
        if header is None:
            continue
        indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
        closing = re.compile(rf"^{re.escape(indent)}\}}")
        body = lines[number + 1 : line - 1]
        if any(closing.match(between) for between in body):
            return None
        return header.group(1) or header.group(2), body
    return None


def _enclosing_function(text: str, line: int) -> tuple[str, int] | None:
    """The name of the function whose body holds the 1-based `line` (`enclosing_function`),
    and how many arguments it shifts away before that line: plain `shift` or `shift N`
    commands alone on a line at the body's first indentation (not inside an `if` or a loop), as
    log() does with its level before `echo "[WARNING] $@"`."""
    found = enclosing_function(text.splitlines(), line)
    return None if found is None else (found[0], _shifts(found[1]))


def _shifts(body: list[str]) -> int:
    """The arguments the plain `shift` commands of a function body's first level take away
    (the level of its first command; a `shift` nested deeper may not run)."""
    commands = [text for text in body if text.strip() and text.strip() not in ("{", "}")]
    if not commands:
        return 0
    level = commands[0][: len(commands[0]) - len(commands[0].lstrip())]
    taken = 0
    for text in commands:
        found = SHIFT.match(text)
        if found is not None and found.group(1) == level:
            taken += int(found.group(2) or 1)
    return taken


def _one_argument_calls(
    name: str, texts: dict[str, str], most: int = 1, seen: frozenset[str] = frozenset()
) -> str | None:
    """How many calls of `name` the scripts make, and where the first is, when there is one
    and each passes at most `most` arguments; None otherwise (or when a script defines its
    own). A call that passes on the arguments of the function around it (`"$@"` alone, as
    overlayroot-chroot's `fail() { [ $# -eq 0 ] || error "$@"; exit 1; }`) passes what that
    function's own calls pass, less what it shifts away: those calls must pass at most `most`
    plus its shifts."""
    spelled = re.escape(name)
    call = re.compile(rf"{COMMAND_START}{spelled}(?=[\s;&|)`]|$)(?P<rest>.*)$", re.M)
    defines = definition_of(name)
    count, first = 0, ""
    for rel, text in texts.items():
        for number, line in enumerate(text.splitlines(), 1):
            if name not in line or defines.match(line) or line.lstrip().startswith("#"):
                continue
            for match in call.finditer(line):
                arguments = _argument_count(match.group("rest"))
                if arguments is None and FORWARDED.match(match.group("rest")):
                    if not _forwards_few(text, number, texts, most, seen | {name}):
                        return None
                elif arguments is None or arguments > most:
                    return None
                count += 1
                first = first or f"{rel}:{number}"
    return f"{count} calls, the first in {first}" if count else None


def _forwards_few(
    text: str, line: int, texts: dict[str, str], most: int, seen: frozenset[str]
) -> bool:
    """Whether the `"$@"` of the call at `line` of `text` is at most `most` words: the call is
    in a function every call of which passes at most `most` plus what it shifts away before
    (a function the chain already went through, or one that no script calls, is not)."""
    enclosing = _enclosing_function(text, line)
    if enclosing is None or enclosing[0] in seen or len(seen) > MAX_FORWARDS:
        return False
    header = next(
        number
        for number in range(line, 0, -1)
        if FUNCTION_HEADER.match(text.splitlines()[number - 1])
    )
    if header != line and text.splitlines()[header - 1].rstrip().endswith("}"):
        return False  # a one-line function above the call, not around it
    name, shifts = enclosing
    return _one_argument_calls(name, texts, most + shifts, seen) is not None


def _argument_count(rest: str) -> int | None:
    """The number of words before the command ends (`;`, `&`, `|`, `)`, a redirection or a
    comment) in what follows a command's name. None when it cannot be told: a quote left open,
    an unquoted expansion or glob (`$x`, `$(cmd)`, `*`), or a quoted `"$@"`/`"${a[@]}"`, which
    expand to any number of words."""
    count, in_word, quote, index = 0, False, "", 0
    while index < len(rest):
        char = rest[index]
        if quote == "'":
            quote = "" if char == "'" else quote
        elif quote == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                quote = ""
            elif char == "$" and re.match(r"\$(?:@|\{[^}]*\[@\]\})", rest[index:]):
                return None
        elif char in " \t":
            in_word = False
        elif char in ";&|)<>" or (char == "#" and not in_word):
            break
        elif char in "$`*?[":
            return None
        else:
            if char == "\\":
                index += 1
            elif char in "'\"":
                quote = char
            count += 0 if in_word else 1
            in_word = True
        index += 1
    return None if quote else count


SPACED_ASSIGNMENT = "shellcheck/SC2283"  # "Remove spaces around = to assign (or use [ ] ...)"
_DIRECTIVE = re.compile(r"^\s*(?P<name>[A-Za-z_][\w-]*)\s+=")
DEFINITION_SUFFIXES = ("", ".sh", ".bash", ".in", ".inc", ".subr", ".functions")


def directive_calls_as_info(
    findings: Sequence[Finding], target: Path, files: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2283 on `word = value` made info where a shell file of the project
    defines a function `word`: the line calls it with `=` and the value as arguments, on
    purpose. backupninja's handlers/sh.in defines `function when() { true; }` before it sources
    an action file, so that the action's schedule directive `when = saturdays at 05:30` (which
    backupninja itself reads with getconf) runs as a no-op there. The same for an argument that
    starts with `=` (`word =value`): bash-argsparse's `argsparse_use_option =option1 "..."`
    calls the function argsparse.sh defines, with an optstring whose `=` marks the short
    option. With no such function, the line is a broken assignment and the warning stays."""
    if not any(f.rule == SPACED_ASSIGNMENT for f in findings):
        return list(findings)
    texts: dict[str, list[str]] = {}
    definers: dict[str, str | None] = {}
    sources = [
        rel
        for rel in files
        if rel.rsplit("/", 1)[-1].partition(".")[1] == "" or rel.endswith(DEFINITION_SUFFIXES[1:])
    ]

    def lines(rel: str) -> list[str]:
        if rel not in texts:
            texts[rel] = _read(target, rel).splitlines()
        return texts[rel]

    def definer(name: str) -> str | None:
        if name not in definers:
            defined = definition_of(name)
            definers[name] = next(
                (rel for rel in sources if any(defined.match(t) for t in lines(rel))), None
            )
        return definers[name]

    def note_of(finding: Finding) -> str | None:
        if finding.rule != SPACED_ASSIGNMENT or finding.severity is Severity.INFO:
            return None
        if finding.path is None or finding.line is None:
            return None
        own = lines(finding.path)
        text = own[finding.line - 1] if 0 < finding.line <= len(own) else ""
        match = _DIRECTIVE.match(text)
        where = definer(match.group("name")) if match else None
        if match is None or where is None:
            return None
        return f"a call of the function `{match.group('name')}` that {where} defines"

    return explain_as_info(findings, note_of)
