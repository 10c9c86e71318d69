"""The files a project's own shellcheck runs check, when every run names them.

A project that runs shellcheck on explicit paths (liquidprompt's `shellcheck.sh`:
`shellcheck liquidprompt tools/* "$0"`, run by its CI; a CI step `shellcheck scripts/*.sh`)
chose what it holds to shellcheck's standard: its tests, contributed extras and helper scripts
outside those paths are written to other habits. The runs are read from the commands of its
build, CI and tooling files (`ai_workflow.automation`) and from its own shell scripts; the
files are their literal arguments and globs, `$0` (the script itself), and with
`--check-sourced` the files those source. Whenever one run's files cannot be known (a variable,
`find ... -exec`, `xargs`, a pre-commit hook or a CI action that picks files itself, a mention
that is not a command), the scope is unknown: every file is the project's concern.

The dialect its runs judge a `#!/bin/sh` script as (`shellcheck_dialect`): `-s dash` (or
`--shell=dash`, `--shell dash`, `-sdash`; a run without one takes the `shell=` of the root
`.shellcheckrc`), when every run names the same one: initramfs-tools' debian/salsa-ci.yml runs
`shellcheck -s dash ... $(find hooks scripts -type f) ...`, under which `local` and `echo -n`
are no SC3043/SC3037. Runs naming different dialects, or one naming none, or a mention that is
no readable command: no dialect (shellcheck's own, from each script's `#!` line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from ai_workflow.automation import ScriptBlock, automation_blocks, is_automation_file
from ai_workflow.shell_commands import UNKNOWN_DIR, join, split_line, unwrap
from ai_workflow.textfiles import read_text

NAMES_SHELLCHECK = re.compile(r"\bshellcheck\b", re.IGNORECASE)
VALUE_OPTIONS = frozenset(
    {"-e", "--exclude", "-i", "--include", "-s", "--shell", "-S", "--severity", "-f",
     "--format", "-o", "--enable", "-P", "--source-path", "-W", "--wiki-link-count", "-C",
     "--rcfile"}
)  # fmt: skip
CHECK_SOURCED = frozenset({"-a", "--check-sourced"})
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh"})
DIALECTS = frozenset({"sh", "bash", "dash", "ksh", "busybox"})  # what `shellcheck -s` accepts
RC_SHELL = re.compile(r"^\s*shell\s*=\s*(\w+)\s*$", re.M)
ROOT_RCS = (".shellcheckrc", "shellcheckrc")
VALUE_LETTERS = frozenset("eisSfoPWC")  # a short option that takes a value ends a flag cluster
_SOURCE_RE = re.compile(r"^\s*(?:\.|source)\s+(\S+)")
DIRECTIVE = re.compile(r"^\s*#\s*shellcheck\s+(?:disable|enable|source|shell)=", re.M)


LEVELS = ("style", "info", "warning", "error")
"""shellcheck's levels, lowest first: `--severity=LEVEL` reports that level and those above."""


@dataclass(frozen=True)
class Run:
    """One shellcheck command: its files (None: not knowable), the file that holds it, and the
    lowest level it reports (`-S`/`--severity`; None: every level)."""

    where: str
    paths: frozenset[str] | None
    check_sourced: bool = False
    severity: str | None = None
    shell: str | None = None  # `-s X`: the dialect it judges every file as
    norc: bool = False  # `--norc` / `--rcfile`: the project's .shellcheckrc not read


@dataclass(frozen=True)
class Scope:
    """The files the project's shellcheck runs check (`paths`), named by `where`."""

    paths: frozenset[str]
    where: str


def shellcheck_scope(target: Path, files: Sequence[str], scripts: Sequence[str]) -> Scope | None:
    """What the project's own shellcheck runs check; None when that is unknown (see above)."""
    runs, unaccounted = _project_runs(target, files, scripts)
    if unaccounted or not runs or any(run.paths is None for run in runs):
        return None
    where = ", ".join(sorted({run.where for run in runs}))
    return Scope(_checked_paths(target, files, runs) | _with_directive(target, scripts), where)


def shellcheck_floor(
    target: Path, files: Sequence[str], scripts: Sequence[str]
) -> tuple[str, str] | None:
    """The lowest shellcheck level the project's own runs report, and where they are, when
    every run sets one (`shellcheck --severity=error` in cloud-utils' tox.ini): below it the
    maintainers chose not to look. None when a run reports every level or one is unknown."""
    runs, unaccounted = _project_runs(target, files, scripts)
    if unaccounted or not runs or any(run.severity not in LEVELS for run in runs):
        return None
    lowest = min((str(run.severity) for run in runs), key=LEVELS.index)
    return lowest, ", ".join(sorted({run.where for run in runs}))


@dataclass(frozen=True)
class Dialect:
    """The dialect every one of the project's shellcheck runs names (`shell`), the files those
    runs check (`paths`; None: not knowable, every `#!/bin/sh` script of the project), and where
    the runs are."""

    shell: str
    paths: frozenset[str] | None
    where: str


def shellcheck_dialect(
    target: Path, files: Sequence[str], scripts: Sequence[str]
) -> Dialect | None:
    """The dialect the project's own shellcheck runs give its scripts, when every run names the
    same one and one run names it on its command line (with only the `.shellcheckrc`'s
    `shell=`, shellcheck reads that file itself); None otherwise (see the module docstring)."""
    runs, unaccounted = _project_runs(target, files, scripts)
    if unaccounted or not runs or not any(run.shell for run in runs):
        return None
    rc_shell = _rc_shell(target, files)
    shells = {run.shell or (None if run.norc else rc_shell) for run in runs}
    shell = next(iter(shells))
    if len(shells) != 1 or shell not in DIALECTS:
        return None
    where = ", ".join(sorted({run.where for run in runs}))
    if any(run.paths is None for run in runs):
        return Dialect(shell, None, where)
    return Dialect(shell, _checked_paths(target, files, runs), where)


def _checked_paths(target: Path, files: Sequence[str], runs: Sequence[Run]) -> frozenset[str]:
    """The files the runs name, with those they source when a run checks sourced files (-a)."""
    present = set(files)
    paths: set[str] = set()
    for run in runs:
        paths |= run.paths or set()
        if run.check_sourced:
            paths |= _sourced_closure(target, run.paths or frozenset(), present)
    return frozenset(paths)


def _rc_shell(target: Path, files: Sequence[str]) -> str | None:
    """The `shell=` of the project's root `.shellcheckrc` (a regular file of it only)."""
    for name in ROOT_RCS:
        if name in files:
            found = RC_SHELL.findall(read_text(target / name, root=target))
            return found[-1] if found else None
    return None


def _project_runs(
    target: Path, files: Sequence[str], scripts: Sequence[str]
) -> tuple[list[Run], bool]:
    """The project's own shellcheck runs, and whether some mention of shellcheck is no
    command that can be read (an action, a remote hook, a comment)."""
    present = set(files)
    runs: list[Run] = []
    unaccounted = False
    for rel in scripts:
        found, vague = _script_runs(target, rel, present)
        runs += found
        unaccounted = unaccounted or vague
    by_script = {run.where for run in runs}
    blocks = automation_blocks(target, sorted(files))
    for rel in sorted(f for f in files if is_automation_file(f)):
        if not NAMES_SHELLCHECK.search(read_text(target / rel, root=target)):
            continue
        own = [b for b in blocks if b.path == rel]
        found = [r for b in own for r in _block_runs(rel, b.cwd, b.lines, present)]
        runs += found
        if not found and not (_runs_scripts(own) & by_script):
            unaccounted = True  # an action, a remote hook, a comment: files it picks itself
    return runs, unaccounted


def _script_runs(target: Path, rel: str, present: set[str]) -> tuple[list[Run], bool]:
    """The shellcheck runs in one shell script, and whether it names shellcheck otherwise."""
    text = read_text(target / rel, root=target)
    runs: list[Run] = []
    vague = False
    for _, line in _logical_lines(text):
        stripped = line.strip()
        if not NAMES_SHELLCHECK.search(stripped) or stripped.startswith("#"):
            continue
        found = list(_line_runs(rel, "", line, present, self_path=rel))
        directory = str(PurePosixPath(rel).parent)
        if directory != "." and found:  # run from the root or from its own directory
            found += list(_line_runs(rel, directory, line, present, self_path=rel))
        runs += found
        vague = vague or not found
    return runs, vague


def _block_runs(
    rel: str, cwd: str, lines: Iterable[tuple[int, str]], present: set[str]
) -> Iterator[Run]:
    for _, line in lines:
        yield from _line_runs(rel, cwd, line, present)


def _line_runs(
    rel: str, cwd: str, line: str, present: set[str], self_path: str | None = None
) -> Iterator[Run]:
    for command in split_line(line):
        argv = unwrap(command.argv)
        if argv and PurePosixPath(argv[0]).name == "shellcheck":
            paths, sourced = _arguments(argv[1:], cwd, present, self_path)
            args = argv[1:]
            norc = any(arg in ("--norc", "--rcfile") or arg.startswith("--rcfile=") for arg in args)
            yield Run(rel, paths, sourced, _severity(args), _shell(args), norc)


def _shell(args: list[str]) -> str | None:
    """The dialect of `-s X`, `-sX`, `--shell X` or `--shell=X` (the last one wins)."""
    found = None
    for index, arg in enumerate(args):
        if arg in ("-s", "--shell") and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--shell="):
            found = arg.split("=", 1)[1]
        elif arg.startswith("-") and not arg.startswith("--"):
            cluster = _flag_cluster(arg)
            if cluster.endswith("s") and len(cluster) + 1 < len(arg):
                found = arg[len(cluster) + 1 :]
            elif cluster.endswith("s") and index + 1 < len(args):
                found = args[index + 1]  # `-as dash`
    return found


def _flag_cluster(arg: str) -> str:
    """The letters of a short option cluster up to its first option that takes a value
    (`-as` -> `as`, `-sdash` -> `s`, `-Swarning` -> `S`)."""
    letters = ""
    for letter in arg[1:]:
        letters += letter
        if letter in VALUE_LETTERS:
            break
    return letters


def _severity(args: list[str]) -> str | None:
    """The level of `-S LEVEL`, `-SLEVEL`, `--severity LEVEL` or `--severity=LEVEL`."""
    for index, arg in enumerate(args):
        if arg in ("-S", "--severity") and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--severity="):
            return arg.split("=", 1)[1]
        if arg.startswith("-S") and not arg.startswith("--") and len(arg) > 2:
            return arg[2:]
    return None


def _arguments(
    args: list[str], cwd: str, present: set[str], self_path: str | None
) -> tuple[frozenset[str] | None, bool]:
    """The files of one shellcheck command line (None: not knowable), and --check-sourced."""
    paths: set[str] = set()
    named = 0
    sourced = False
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg in VALUE_OPTIONS:
            index += 1
            continue
        if arg.startswith("-"):
            sourced = sourced or arg in CHECK_SOURCED or _short_flags(arg, "a")
            if not arg.startswith("--") and _flag_cluster(arg) == arg[1:]:
                index += arg[-1] in VALUE_LETTERS  # `-as dash`: the value is the next word
            continue
        named += 1
        if arg == "$0" and self_path is not None:
            paths.add(self_path)
            continue
        if any(mark in arg for mark in ("$", "`", "{")) or cwd == UNKNOWN_DIR:
            return None, sourced
        pattern = join(cwd, arg)
        if pattern == UNKNOWN_DIR:
            return None, sourced
        paths |= _glob(pattern, present) if any(c in arg for c in "*?[") else {pattern}
    return (frozenset(paths) if named else None), sourced


def _short_flags(arg: str, flag: str) -> bool:
    """Whether a short option cluster holds `flag` (not in the value of `-Swarning`)."""
    return not arg.startswith("--") and flag in _flag_cluster(arg)


def _glob(pattern: str, present: set[str]) -> set[str]:
    """The files a shell glob matches (`*` stays within one directory; `**` spans any)."""
    parts = pattern.split("/")
    return {f for f in present if _match(parts, f.split("/"))}


def _match(pattern: list[str], path: list[str]) -> bool:
    if not pattern:
        return not path
    if pattern[0] == "**":
        return any(_match(pattern[1:], path[i:]) for i in range(len(path) + 1))
    return bool(path) and fnmatchcase(path[0], pattern[0]) and _match(pattern[1:], path[1:])


def _runs_scripts(blocks: Iterable[ScriptBlock]) -> set[str]:
    """The project scripts the commands of these blocks run (`./x.sh`, `bash x.sh`)."""
    ran: set[str] = set()
    for block in blocks:
        for _, line in block.lines:
            for command in split_line(line):
                argv = unwrap(command.argv)
                names = argv[:1] + (argv[1:2] if argv and argv[0] in SHELLS else [])
                ran |= {join(block.cwd, name) for name in names}
    return ran


def _sourced_closure(root: Path, start: Iterable[str], present: set[str]) -> set[str]:
    """The project files that `start` sources (`. ./x`, `source x`), directly or not."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        rel = todo.pop()
        for _, line in _logical_lines(read_text(root / rel, root=root)):
            match = _SOURCE_RE.match(line)
            if match is None:
                continue
            for base in ("", str(PurePosixPath(rel).parent)):
                name = join("" if base == "." else base, match.group(1).strip("\"'"))
                if name in present and name not in seen:
                    seen.add(name)
                    todo.append(name)
    return seen


def _with_directive(root: Path, scripts: Sequence[str]) -> set[str]:
    """Scripts with a `# shellcheck disable=...` (or `source=`, `shell=`) directive: someone ran
    shellcheck on them."""
    return {rel for rel in scripts if DIRECTIVE.search(read_text(root / rel, root=root))}


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with their backslash continuations joined, each with its first line's number."""
    start, parts = 0, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        yield start, " ".join(parts)
        parts = []
    if parts:
        yield start, " ".join(parts)
