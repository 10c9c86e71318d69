"""shellcheck's SC2086 on the word being completed: an unquoted `$cur` in a completion function.

SC2086 (an unquoted expansion is split and globbed) is shellcheck's info level, and mostly
harmless where the value is the project's own (an options variable, a number, its own path).
The word being completed is not: it is what the user typed at the prompt, taken from
`${COMP_WORDS[COMP_CWORD]}` (`cur="${COMP_WORDS[COMP_CWORD]}"`, or `cur` as bash-completion's
`_init_completion`, `_comp_initialize` and `_get_comp_words_by_ref ... cur` set it), in a file
that fills COMPREPLY. Unquoted as an argument, a typed `my\\ file` (Bash keeps the backslash in
the word) splits into two words and a glob character expands against the files of the current
directory (urfave/cli's bash_autocomplete: `compgen -W "${opts}" -- ${cur}` and
`$( ${COMP_WORDS[@]:0:$COMP_CWORD} ${cur} --generate-bash-completion )`, where `--h?` completes
to a file named `--hx`). So SC2086 on that variable is a warning, and shown as breakage where
the project does not ask for shellcheck (`findings.shown_as_breakage`). The same file's other
unquoted variables (`$PROG`, its own `${BASH_SOURCE}`), a `$cur` in a file that fills no
COMPREPLY, and a variable assigned another word (`$prev`, the previous, finished word; `$opts`)
keep shellcheck's info.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, shown_as_breakage
from ai_workflow.textfiles import read_text

UNQUOTED = "shellcheck/SC2086"
FILLS_COMPREPLY = re.compile(r"\bCOMPREPLY(?:\[[^\]]*\])?\+?=")
# `${COMP_WORDS[COMP_CWORD]}`, `${COMP_WORDS[$COMP_CWORD]}`, `${COMP_WORDS[${COMP_CWORD}]}`
COMP_WORD = r"\$\{COMP_WORDS\[\s*\$?\{?COMP_CWORD\}?\s*\]\}"
# `cur="${COMP_WORDS[COMP_CWORD]}"`, `local cur=${COMP_WORDS[COMP_CWORD]}`: the whole value
ASSIGNED_WORD = re.compile(
    r"(?:^|[\s;&|({])(?:(?:local|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)="
    + r"(?:\""
    + COMP_WORD
    + r"\"|"
    + COMP_WORD
    + r")(?=$|[\s;&|)])",
    re.M,
)
# bash-completion's helpers that set `cur` to the word being completed
HELPER_CUR = re.compile(
    r"(?:^|[\s;&|({])(?:_init_completion|_comp_initialize)\b"
    r"|(?:^|[\s;&|({])_get_comp_words_by_ref\b[^\n;&|]*\scur\b",
    re.M,
)
# the expansion at SC2086's column: `$cur`, `${cur}`, `${cur#-}`, or the array element itself
EXPANSION = re.compile(r"\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)(?:[}#%/]|:[-=?]))")
WHY = (
    "the word being completed (${name}, what the user typed) unquoted: a typed `my\\ file` "
    "splits in two and a glob character expands against the current directory"
)


def completion_words_shown(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with SC2086 on the word being completed (see the module docstring) as a
    warning shown as breakage; the order is kept."""
    texts: dict[str, str] = {}
    names: dict[str, frozenset[str]] = {}
    shown = []
    for finding in findings:
        path = finding.path
        if finding.rule != UNQUOTED or finding.severity is not Severity.INFO or not path:
            shown.append(finding)
            continue
        if path not in texts:
            texts[path] = read_text(target / path, root=target)
            names[path] = completion_word_names(texts[path])
        words = names[path]
        name = _expanded_name(texts[path], finding) if words else None
        if name is not None and (name in words or name == "COMP_WORDS"):
            shown.append(shown_as_breakage(finding, WHY.format(name=name)))
        else:
            shown.append(finding)
    return shown


def completion_word_names(text: str) -> frozenset[str]:
    """The variables a completion file (it fills COMPREPLY) holds the word being completed in;
    empty for any other file."""
    if not FILLS_COMPREPLY.search(text):
        return frozenset()
    names = {match.group(1) for match in ASSIGNED_WORD.finditer(text)}
    if HELPER_CUR.search(text):
        names.add("cur")
    return frozenset(names)


def _expanded_name(text: str, finding: Finding) -> str | None:
    """The variable the expansion at the finding's column (1-based, a tab counting one, as
    shellcheck's json1 gives it) names; `COMP_WORDS` for `${COMP_WORDS[COMP_CWORD]}` itself."""
    column = finding.extra.get("column")
    if not isinstance(finding.line, int) or not isinstance(column, int) or column < 1:
        return None
    lines = text.splitlines()
    if not 0 < finding.line <= len(lines):
        return None
    line = lines[finding.line - 1]
    if re.match(COMP_WORD, line[column - 1 :]):
        return "COMP_WORDS"
    match = EXPANSION.match(line, column - 1)
    if match is None or (match.group(1) or match.group(2)) == "COMP_WORDS":
        return None  # `$COMP_WORDS` is its first element, the command's name
    return match.group(1) or match.group(2)
