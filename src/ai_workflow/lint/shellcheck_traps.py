"""shellcheck's SC2173 ("SIGKILL/SIGSTOP can not be trapped") on an exit cleanup.

`trap "rm -f $tmp" 0 2 3 6 9 15` (bilibop's rules generator, byobu's mondrian with `EXIT HUP
INT ... KILL`): the list holds EXIT (`0`), so the handler is the script's cleanup, run on every
exit the shell sees, and KILL or STOP in it is an inert entry of a copied signal list. The
shells accept the list silently (`dash -c 'trap "echo bye" 0 2 3 6 9 15; echo after $?'` prints
`after 0` then `bye`), the other signals run the cleanup as meant, and removing the entry
changes no behaviour: info. A list without EXIT (`trap clean_exit SIGINT SIGTERM SIGKILL`,
backup-manager's "Catch signals for a nice exit.") is a handler written for those signals, one of
which it will never see: the author expects cleanup on `kill -9`, so it stays a warning.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding
from ai_workflow.lint.cited_lines import lines_as_info

UNTRAPPABLE = "shellcheck/SC2173"
TRAP = re.compile(r"(?:^|[;&|({]|\b(?:then|do|else))\s*trap\s+(?P<rest>.*)$")
EXIT_SIGNALS = frozenset({"0", "EXIT"})
NOTE = (
    "the trap also runs on EXIT: it is the script's exit cleanup, which every other listed "
    "signal runs as meant; the KILL/STOP entry changes nothing"
)


def exit_cleanup_traps_as_info(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with SC2173 on a `trap` whose signal list holds EXIT at info (see the
    module docstring)."""
    return lines_as_info(findings, target, UNTRAPPABLE, _exit_cleanup_note)


def _exit_cleanup_note(line: str) -> str | None:
    signals = trap_signals(line)
    return NOTE if signals is not None and EXIT_SIGNALS & set(signals) else None


def trap_signals(line: str) -> list[str] | None:
    """The signals of the `trap ACTION SIGNAL...` command on `line`, upper-cased without a
    `SIG` prefix (`0`, `EXIT`, `INT`); None when the line holds no such command or its words
    cannot be read (an unclosed quote: the command goes on on the next line)."""
    match = TRAP.search(line)
    if match is None:
        return None
    try:
        lexer = shlex.shlex(match.group("rest"), posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = []
        for word in lexer:
            if word and set(word) <= set(";&|"):
                break  # the end of the trap command
            words.append(word)
    except ValueError:
        return None
    if len(words) < 2:
        return None
    return [word.upper().removeprefix("SIG") for word in words[1:]]
