"""The paths a project's own Python linter runs on, read from the commands that run it.

A project that names flake8 (or ruff, pyflakes, pycodestyle) in its tooling asks for that
linter's rules, but only where it runs it: requests-toolbelt 1.0.0's tox.ini runs
`flake8 {posargs} requests_toolbelt` in each of its three lint environments, so its tests/ were
never linted (its `r = self.session.request(...)` in a test, an unused call result ruff reports,
is not something that project has chosen to act on). `linted_paths` gives those paths when every
mention of the linter is understood and every command that runs it names its paths; any other
mention (a command with no path, or `.`, a pre-commit hook, a CI step, a Makefile line it cannot
read as such a command, a [flake8] configuration) means the whole project (None).

Understood, besides such commands: a requirements file (a dependency, not a run), tox.ini's
`deps`, `envlist` and its environment names (`py37-flake8`, `[testenv:py37-flake8]`), and a
token where the name is only part of another (`flake8-docstrings`).
"""

from __future__ import annotations

import configparser
import re
import shlex
from collections.abc import Iterable
from pathlib import PurePosixPath

LINTERS = frozenset({"ruff", "flake8", "pyflakes", "pycodestyle"})
# a linter's name as a word of its own (not `py37-flake8`, `flake8-docstrings`, `flake8.cfg`)
_MENTION = re.compile(r"(?<![\w.-])(?:ruff|flake8|pyflakes|pycodestyle)(?![\w.-])", re.I)
_REQUIREMENTS = re.compile(
    r"(?:^|/)(?:[^/]*requirements[^/]*\.(?:txt|in)|requirements/[^/]+\.txt)$"
)
# a command's words before the linter that still make it a run of it (`python -m flake8`)
_LAUNCHERS = frozenset({"python", "python3", "-m", "{envpython}", "uv", "run", "poetry", "pipx"})
# tox.ini keys whose values name the linter as a dependency or an environment, not a run
_TOX_NEUTRAL = frozenset({"deps", "envlist", "env_list", "depends", "extras", "labels"})
# ruff's commands that lint nothing
_RUFF_OTHER = frozenset({"format", "clean", "rule", "config", "version", "server", "analyze"})
_TOX_COMMANDS = frozenset({"commands", "commands_pre", "commands_post"})


def linted_paths(target_text: dict[str, str]) -> tuple[str, ...] | None:
    """The paths (relative, without `./`) that every run of the project's Python linter is
    limited to; None when some mention of it is not such a run, or none is."""
    paths: list[str] = []
    for rel in sorted(target_text):
        text = target_text[rel]
        if not _MENTION.search(text) or _REQUIREMENTS.search(rel):
            continue
        found = _tox_paths(text) if PurePosixPath(rel).name == "tox.ini" else _line_paths(text)
        if found is None:
            return None
        paths += found
    return tuple(dict.fromkeys(paths)) or None


def within(path: str, paths: Iterable[str]) -> bool:
    """Whether the project file `path` is one of `paths` or under one of them."""
    return any(path == p or path.startswith(f"{p}/") for p in paths)


def _tox_paths(text: str) -> list[str] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    paths: list[str] = []
    for section in parser.sections():
        if section.lower() in LINTERS:  # the linter's own configuration: it decides
            return None
        for key, value in parser.items(section):
            if key in _TOX_NEUTRAL or not _MENTION.search(value):
                continue
            found = _line_paths(value) if key in _TOX_COMMANDS else None
            if found is None:
                return None
            paths += found
    return paths


def _line_paths(text: str) -> list[str] | None:
    """The paths of every line of `text` that names the linter, each line a command running
    it on named paths; None when one is not."""
    paths: list[str] = []
    for line in text.splitlines():
        if not _MENTION.search(line):
            continue
        found = _command_paths(line)
        if found is None:
            continue  # `ruff format src`: no lint run
        if not found:
            return None
        paths += found
    return paths


def _command_paths(line: str) -> list[str] | None:
    """The paths a command line runs the linter on (`flake8 {posargs} pkg`, `python -m flake8
    pkg tests`, `ruff check src`); [] when it is no such command or names none (or `.`); None
    when it runs ruff for something else than linting (`ruff format src`) and names no other
    linter."""
    try:
        words = shlex.split(line.strip().removeprefix("-").strip().removeprefix("run:"))
    except ValueError:
        return []
    at = next((i for i, w in enumerate(words) if w.lower() in LINTERS), None)
    if at is None or any(w.lower() not in _LAUNCHERS for w in words[:at]):
        return []
    args = words[at + 1 :]
    if words[at].lower() == "ruff" and args[:1] == ["check"]:
        args = args[1:]
    elif words[at].lower() == "ruff" and args[:1] and args[0] in _RUFF_OTHER:
        return None if not _MENTION.search(" ".join(args)) else []
    paths = []
    for arg in args:
        if arg.startswith("-"):
            if "=" not in arg and arg not in ("--", "-q", "-v", "--quiet", "--verbose"):
                return []  # an option that may take the next word: the paths are unsure
            continue
        if arg == "{posargs}":  # the default run names the rest
            continue
        # tox's `{toxinidir}/tests` is tests; another substitution (`{posargs:src tests}`,
        # whose default names the paths, `{env:X}`) is not read
        arg = arg.removeprefix("{toxinidir}/")
        if any(c in arg for c in "{}$*?[;|&><`"):
            return []
        path = PurePosixPath(arg).as_posix().removeprefix("./").rstrip("/")
        if path in ("", "."):
            return []
        paths.append(path)
    return paths
