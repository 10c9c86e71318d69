"""shellcheck's SC2068/SC2048 (an unquoted `$@`/`$*`) in a function that every call in the
project passes literal words only.

bilibop's library pvfilter.sh: `_pvfilter_list_other_devices() { ...; for TAG in $@ ; do`, whose
one call, in a `case` branch of the same file, is `_pvfilter_list_other_devices "BILIBOP"
"INSIDEV" ;;`: quoted or not, the words hold no blank, glob character or expansion, so the
unquoted `$@` splits and globs nothing and quoting it changes nothing: info. The calls are
looked for in every shell script of the project, as `case` branches, after `;`, `&&`, `then`...
(what shellcheck's own per-script check of `ai_workflow.lint.shellcheck_severity` does for a
call alone on its line). The function must be one the project alone calls: one of a script
with a `#!` line (no other program sources it), or a library function whose name starts with
`_`, private by convention; a public function of a library may be called by other programs
with any argument, and keeps the warning. So does a function with one call that passes a
quoted word with a blank, a glob or an expansion (`f "$dir"`, `f "a b"`), one named anywhere
else than in a call (`trap f 0`, `x=f`), and one never called. And every such function keeps
it when a script of the project runs a command whose name is built at run time, since a call
by a constructed name cannot be seen: an `eval`, or a command word holding an expansion
(`"cmd_$sub" "$@"`, `$handler "$x"`, `"$@"`), unless that word is one variable every
assignment of which in the project is a literal word (bilibop's `${DEBUG} && echo ...`, after
`[ "${DEBUG}" = "true" ] || DEBUG="false"`; `HELPER="physical_volumes_filter"; ${HELPER}`): its
values are all written out, and a function among them is a mention that is no call, which
keeps the warning anyway. A path (`"$dir/tool"`) names a file, not a function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explained_as_info
from ai_workflow.lint.shell_library import definition_of, enclosing_function
from ai_workflow.textfiles import read_text

UNQUOTED_ALL = frozenset({"shellcheck/SC2068", "shellcheck/SC2048"})
POSITIONAL_ALL = re.compile(r"\$(?:[@*]|\{[@*]\})")
CALL_START = r"(?:^|[;&|({)]|\b(?:then|do|else|if|while|until|!)\s)\s*"
# a literal word: unquoted or quoted, no blank, glob, quote or expansion inside
LITERAL = r"""(?:"[\w.,:+=/%@-]+"|'[\w.,:+=/%@-]+'|[\w.,:+=/%@-]+)"""
QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")
# a `case` pattern opening a line (`${DISK}*)`, `start|stop)`), no command
CASE_PATTERN = re.compile(r"^\s*\(?[^()\s;]+(?:\s*\|\s*[^()\s;]+)*\)(?!\))")
KEYWORDS = frozenset({"then", "do", "else", "elif", "if", "while", "until", "!", "time"})
ASSIGNED = re.compile(r"^(?P<name>[A-Za-z_]\w*)(?:\[[^]]*\])?\+?=")
ONE_VARIABLE = re.compile(r"^\$(?P<name>[A-Za-z_]\w*)$")
ASSIGNMENT = re.compile(
    rf"(?:{CALL_START}|\b(?:local|export|readonly|declare|typeset)(?:\s+-\w+)*\s+)"
    r"(?P<name>[A-Za-z_]\w*)=(?P<value>[^\s;&|<>()]*)"
)
LITERAL_ARGUMENTS = re.compile(rf"^(?:\s+{LITERAL})*\s*(?:;;?|&&|\|\|?|\)|#.*)?\s*(?:;;)?\s*$")


def literal_calls_as_info(
    findings: Sequence[Finding], target: Path, scripts: Sequence[str]
) -> list[Finding]:
    """The findings, with SC2068/SC2048 on `$@`/`$*` in a function called only with literal
    words at info (see the module docstring)."""
    texts: dict[str, str] = {}

    def text(rel: str) -> str:
        if rel not in texts:
            texts[rel] = read_text(target / rel, root=target)
        return texts[rel]

    constructed: list[str | None] = []  # where a command is named at run time, once known

    graded = []
    for finding in findings:
        note = None
        if (
            finding.rule in UNQUOTED_ALL
            and finding.severity is not Severity.INFO
            and finding.path
            and isinstance(finding.line, int)
        ):
            own = text(finding.path)
            lines = own.splitlines()
            line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
            found = enclosing_function(lines, finding.line) if POSITIONAL_ALL.search(line) else None
            name = None if found is None else found[0]
            if name is not None and (own.startswith("#!") or name.startswith("_")):
                every = {rel: text(rel) for rel in scripts}
                if not constructed:
                    constructed.append(constructed_call(every))
                calls = None if constructed[0] else literal_calls(name, every)
                if calls:
                    note = (
                        f"every call of {name} in the project passes literal words only "
                        f"({calls}): nothing to split or glob"
                    )
        graded.append(explained_as_info(finding, note) if note else finding)
    return graded


def literal_calls(name: str, texts: dict[str, str]) -> str | None:
    """How many calls of `name` the scripts make and where the first is, when every mention of
    the name outside its definition is a call with literal words only; None otherwise."""
    spelled = re.escape(name)
    mention = re.compile(rf"(?<![\w.:$-]){spelled}(?![\w.:-])")
    call = re.compile(rf"{CALL_START}{spelled}(?P<rest>(?:\s.*)?)$")
    defines = definition_of(name)
    count, first = 0, ""
    for rel, text in texts.items():
        for number, line in enumerate(text.splitlines(), 1):
            if name not in line or line.lstrip().startswith("#"):
                continue
            mentions = len(mention.findall(QUOTED.sub('""', line)))  # not in a message
            if defines.match(line):
                mentions -= 1
            if mentions <= 0:
                continue
            calls = [m for m in call.finditer(line) if LITERAL_ARGUMENTS.match(m.group("rest"))]
            if len(calls) != mentions or mentions > 1:
                return None
            count += 1
            first = first or f"{rel}:{number}"
    if not count:
        return None
    return f"{count} call{'s' if count > 1 else ''}, the first at {first}"


def constructed_call(texts: dict[str, str]) -> str | None:
    """Where the first command whose name is built at run time is (`eval`, a command word with
    an expansion that is not one variable assigned literal words only, see the module
    docstring), as `path:line`; None when every command of the scripts is named as written."""
    literal = _literal_variables(texts)
    for rel, text in texts.items():
        continued = False
        for number, raw in enumerate(text.splitlines(), 1):
            line = CASE_PATTERN.sub("", _unquoted(raw.replace("\\$", "$")))
            after, continued = continued, raw.rstrip().endswith("\\")
            if line.lstrip().startswith("#"):
                continue
            if after:  # a continued command: its first word is an argument
                line = re.sub(r"^[^;&|(){}`]*", "", line)
            for segment in re.split(r"[;&|(){}`]", line):
                words = segment.split()
                while words and words[0] in KEYWORDS:
                    words = words[1:]
                word = words[0] if words else ""
                if word == "eval":
                    return f"{rel}:{number}"
                if "$" not in word or "/" in word or ASSIGNED.match(word):
                    continue
                variable = ONE_VARIABLE.match(word)
                if variable is None or variable["name"] not in literal:
                    return f"{rel}:{number}"
    return None


def _literal_variables(texts: dict[str, str]) -> set[str]:
    """The variables every assignment of which in the scripts is a literal word (at least one;
    none read, nor a `for` loop's)."""
    values: dict[str, bool] = {}
    for text in texts.values():
        for raw in text.splitlines():
            line = QUOTED.sub(lambda m: m.group(0) if "$" not in m.group(0) else "$", raw)
            for match in ASSIGNMENT.finditer(line):
                value = match.group("value")
                plain = re.fullmatch(LITERAL, value) is not None or value in ('""', "''")
                values[match["name"]] = values.get(match["name"], True) and plain
            for loop in re.finditer(r"\b(?:for|read(?:\s+-\w+)*)\s+([\w\s]+)", line):
                for name in loop.group(1).split():
                    values[name] = False
    return {name for name, plain in values.items() if plain}


def _unquoted(line: str) -> str:
    """The line with each quoted string replaced by one word that keeps whether it holds an
    expansion and a `/` (`"cmd_$sub"` → `Q$`), so that no `;` or `|` inside counts, a quoted
    lone variable unquoted (`"${X}"` → `$X`) and other `${...}` as `$_`."""
    line = re.sub(r"\$\(\([^()]*\)\)", "$_", line)  # arithmetic
    line = re.sub(r'"\$\{?([A-Za-z_]\w*)\}?"', r"$\1", line)
    line = re.sub(r"\$\{([A-Za-z_]\w*)\}", r"$\1", line)
    line = re.sub(r"\$\{[^}]*\}", "$_", line)
    return QUOTED.sub(
        lambda m: (
            "Q"
            + ("$" if "$" in m.group(0) and m.group(0)[0] == '"' else "")
            + ("/" if "/" in m.group(0) else "")
        ),
        line,
    )
