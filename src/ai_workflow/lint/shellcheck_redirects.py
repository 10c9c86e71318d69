"""shellcheck's SC2238 ("redirecting to/from command name instead of file") on a word the
script itself uses as a file.

shellcheck warns on `cmd > grep` because a redirection to the name of a command is usually a
pipe that lost its `|`. But a script may make a data file whose name happens to be a command's:
cdist's `__unpack/test/make-test-files.sh` runs `echo test.gz > test`, then `gzip test`, then
`tar cf test.tar test`. A word that the script also passes as an operand of another command
(any word after the command's name that no redirection operator takes) is a file it works on:
the redirection writes or reads that file as meant. A word used nowhere else, or only as a
command (`ls > sort`, then `sort -u list`), keeps the warning.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from typing import Any

COMMAND_SEPARATORS = re.compile(r"&&|\|\||[;|&()]")
REDIRECTION_WORD = re.compile(r"^\d*(?:[<>]+|&>>?|>&|<&)(?P<rest>.*)$")


def redirects_to_own_file(lines: Sequence[str], item: dict[str, Any]) -> bool:
    """Whether the word an SC2238 finding points at (`line`, `column` to `endColumn`) is an
    operand of a command somewhere in the script (`lines`)."""
    line, column, end = item.get("line"), item.get("column"), item.get("endColumn")
    if not isinstance(line, int) or not isinstance(column, int) or not isinstance(end, int):
        return False
    if not 0 < line <= len(lines):
        return False
    word = lines[line - 1][column - 1 : end - 1].strip("'\"")
    if not word or not re.fullmatch(r"[\w.+-]+", word):
        return False
    return any(word in _operands(text) for text in lines if not text.lstrip().startswith("#"))


def _operands(text: str) -> set[str]:
    """The words of a line's commands after each command's name, less redirection targets."""
    operands: set[str] = set()
    for command in COMMAND_SEPARATORS.split(text):
        try:
            words = shlex.split(command, comments=True)
        except ValueError:
            continue
        operands |= _arguments(words)
    return operands


def _arguments(words: list[str]) -> set[str]:
    """The arguments of one command's words (assignments before its name skipped)."""
    arguments: set[str] = set()
    named = False
    redirected = False
    for word in words:
        target = REDIRECTION_WORD.match(word)
        if target is not None:
            redirected = not target.group("rest")
            continue
        if redirected:
            redirected = False
        elif not named:
            named = "=" not in word.split("/", 1)[0]  # `LC_ALL=C sort`: an assignment first
        else:
            arguments.add(word)
    return arguments
