"""shellcheck's SC2199 ("arrays implicitly concatenate in [[ ]]") on a comparison of the joined
arguments with a string of several words.

`[[ "${ip_ifindex} ${TEST_BUSCTL_DNS}" == "${@}" ]]` (openvpn-systemd-resolved's fake busctl,
which checks the whole argument list it was called with): the other side is one quoted string
holding a blank between its parts, the expected argument list written out with spaces, so the
arguments joined by spaces are exactly what is compared, the concatenation SC2199 warns about
is the comparison meant, and `$*` would only spell it out: info. SC2199 is for a comparison with
one word (`[[ "$@" != "-a" ]]`, true for `prog -v -a`: one argument meant, all of them joined),
and one with an unquoted side (a pattern, `[[ $@ == *-v* ]]`) or with a string of no blank keeps
the warning. So does a search with `=~` (kworkflow's `[[ "$@" =~ "-f" ]]`): bash matches a quoted
literal as a substring of the joined arguments, true for `t.sh my-file` and `t.sh --fast`, the
very bug SC2199 is for (one argument meant, all of them joined).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding
from ai_workflow.lint.cited_lines import lines_as_info

JOINED_ARRAY = "shellcheck/SC2199"
DOUBLE_BRACKETS = re.compile(r"\[\[\s(.*?)\s\]\]")
COMPARISON = re.compile(r"\s(?:==|=|!=)\s")
ARRAY = re.compile(r"\$(?:@|\{@\}|\{[A-Za-z_]\w*\[@\]\})")
# one double-quoted word (no quote nor backslash inside), or one single-quoted word
DOUBLE_QUOTED = re.compile(r'^"[^"\\`]*"$')
SINGLE_QUOTED = re.compile(r"^'[^']*'$")
EXPANSION = re.compile(r"\$(?:\{[^}]*\}|\w+|[@*#?$!-])")
NOTE = (
    "compared with a string of several words written out with spaces: the arguments joined by "
    'spaces are the comparison meant, as "$*" would spell it'
)


def joined_comparisons_as_info(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with SC2199 on a line every `[[ ]]` with an array of which compares the
    quoted joined array with a quoted string of several words at info (see the module
    docstring)."""
    return lines_as_info(findings, target, JOINED_ARRAY, _joined_note)


def _joined_note(line: str) -> str | None:
    tests = [m.group(1) for m in DOUBLE_BRACKETS.finditer(line) if ARRAY.search(m.group(1))]
    return NOTE if tests and all(compares_with_words(test) for test in tests) else None


def compares_with_words(test: str) -> bool:
    """Whether the inside of a `[[ ]]` is one comparison (`==`, `=`, `!=`) of a double-quoted
    word holding an array expansion with a quoted word that holds none and has a blank in its
    own text, outside its expansions (`"${a} ${b}"`, `'-s -a'`)."""
    parts = COMPARISON.split(test.strip())
    if len(parts) != 2 or re.search(r"&&|\|\||\s-[ao]\s", test):
        return False
    left, right = (part.strip() for part in parts)
    for array, other in ((left, right), (right, left)):
        if DOUBLE_QUOTED.match(array) and ARRAY.search(array) and not ARRAY.search(other):
            if DOUBLE_QUOTED.match(other):
                return re.search(r"\s", EXPANSION.sub("", other[1:-1])) is not None
            if SINGLE_QUOTED.match(other):
                return re.search(r"\s", other[1:-1]) is not None
    return False
