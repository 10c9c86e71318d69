"""The variables a project's tox configuration sets for the test run we stand in for.

tox runs a Python project's tests with the `setenv` (tox 4: `set_env`) of its `[testenv]`
section: javaproperties 0.8.2's tox.ini sets `TZ=EST5EDT,M3.2.0,M11.1.0` because its tests
expect US Eastern local time ("Mon Nov 07 15:29:40 EST 2016"). Run by pytest alone in another
zone, 51 of its 1208 tests fail although the project is right. When the tests we run with
pytest or unittest are the ones that section's `commands` run, we run them with the same
variables: literal values, `{toxinidir}` (the project) and `{env:NAME:default}` resolved; a
value with any other substitution, and a variable the run sets itself (PATH, VIRTUAL_ENV ...),
is left out. A `[testenv]` whose commands run another program sets nothing for our run. Its
`deps` name the test requirements tox installs (`tox_deps`), which count as declared.
"""

from __future__ import annotations

import configparser
import contextlib
import functools
import os
import re
import shlex
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from ai_workflow.textfiles import read_text

TOX_FILES = (("tox.ini", "testenv"), ("setup.cfg", "testenv"))
"""Where tox reads its base environment: tox.ini, else setup.cfg beside a `[tox:tox]`."""
RUNNERS = {"pytest": re.compile(r"\b(?:py\.?test)\b"), "unittest": re.compile(r"\bunittest\b")}
"""The command word that shows a `[testenv]` runs the framework we run."""
OWN_VARIABLES = frozenset(
    {"PATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
)
"""Variables our run sets or needs as they are: the project's value would break the run."""
ENV_REFERENCE = re.compile(r"\{env:(?P<name>[A-Za-z_]\w*)(?::(?P<default>[^{}]*))?\}")
ASSIGNMENT = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.*?)\s*$")


def tox_setenv(target: Path, framework: str | None) -> dict[str, str]:
    """The variables the project's `[testenv]` sets when its commands run `framework`
    (pytest or unittest); empty when there is no such section."""
    runner = RUNNERS.get(framework or "")
    if runner is None:
        return {}
    section = _testenv(target)
    if section is None or not runner.search(section.get("commands", "")):
        return {}
    text = section.get("setenv", section.get("set_env", ""))
    found = {}
    for line in text.splitlines():
        match = ASSIGNMENT.match(line)
        if match is None or match["name"] in OWN_VARIABLES:
            continue
        value = _resolved(match["value"], target)
        if value is not None:
            found[match["name"]] = value
    return found


FACTORS = re.compile(r"^[\w.,!-]+:\s+|^[\w.,!-]+:(?=[A-Za-z0-9])(?!//)")
"""The factor condition before a `deps` line's requirement: `py38: mock`, `!pypy:mock`."""


def tox_deps(target: Path) -> set[str]:
    """The names (as written) of the distributions the base `[testenv]` installs with `deps`:
    honcho 2.0.0's tests import `mock`, which only its tox.ini declares (`deps = coverage, mock,
    pytest`). Options (`-r file`, `-c file`), paths, URLs and lines with substitutions are left
    out."""
    section = _testenv(target)
    if section is None:
        return set()
    found = set()
    for line in section.get("deps", "").replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith(("-", ".", "/")) or "{" in line or "://" in line:
            continue
        with contextlib.suppress(InvalidRequirement):
            found.add(Requirement(FACTORS.sub("", line, count=1)).name)
    return found


POSARGS = re.compile(r"\{posargs(?::(?P<default>[^{}]*))?\}")


def tox_commands(target: Path) -> list[list[str]]:
    """The words of each command the base `[testenv]` runs, as tox runs them with no extra
    arguments: `{posargs}` gone (its default kept), `{toxinidir}` the project, `{envpython}` its
    environment's python; a command with any other substitution, or that tox may let fail
    (`- cmd`), is left out."""
    section = _testenv(target)
    if section is None:
        return []
    found = []
    for line in section.get("commands", "").replace("\\\n", " ").splitlines():
        line = POSARGS.sub(lambda m: m["default"] or "", line.strip())
        line = line.replace("{toxinidir}/", "").replace("{toxinidir}", ".")
        line = line.replace("{envpython}", "python")
        if not line or line.startswith(("#", "-")) or "{" in line:
            continue
        try:
            found.append(shlex.split(line))
        except ValueError:
            continue
    return found


def _testenv(target: Path) -> configparser.SectionProxy | None:
    """The base `[testenv]` section of tox.ini, or of a setup.cfg that configures tox."""
    for name, section in TOX_FILES:
        parser = tox_config(target / name, target)
        if parser is None or (name == "setup.cfg" and not parser.has_section("tox:tox")):
            continue
        if parser.has_section(section):
            return parser[section]
    return None


def tox_config(path: Path, target: Path) -> configparser.ConfigParser | None:
    """The file parsed as tox parses it (no interpolation, duplicates allowed); None when it
    is no regular file or does not parse. Parsed once while the file stays as it is: the test
    plan, the declared runners and the script suites all read it in one run. Read only."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return _parsed(str(path), str(target), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _parsed(path: str, target: str, mtime_ns: int, size: int) -> configparser.ConfigParser | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(read_text(Path(path), root=target))
    except configparser.Error:
        return None
    return parser


def _resolved(value: str, target: Path) -> str | None:
    """`value` with tox's `{toxinidir}` and `{env:...}` substituted (None: another one, or
    tox 4's `file|` env file, which we do not read)."""
    if value.startswith("file|"):
        return None
    value = value.replace("{toxinidir}", str(target))
    value = ENV_REFERENCE.sub(lambda m: os.environ.get(m["name"], m["default"] or ""), value)
    return None if "{" in value else value
