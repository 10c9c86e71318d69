"""Step 3: Script Reference Validation. Commands the docs tell users to run exist; scripts are
documented, have a shebang and the executable bit.

Commands are read from the docs' shell code blocks and inline code (`./scripts/x.sh`,
`bash x.sh`, `python x.py`, `python -m pkg`, `make target`, `npm run x`, `yarn x`, console
scripts), and from what the project's build, CI and tooling files run (`automation`: Makefile,
package.json, GitHub/GitLab/CircleCI/Azure/Buildkite CI, Taskfile, justfile, tox, nox, local
pre-commit hooks, dev containers, VS Code tasks). Only documents' claims about this project are
read (`markdown_docs.classify_docs`): not changelogs, not examples of another program.
An inline path a sentence names as where something is installed ("installed in `./sbin` by
default") is a directory of the installed system, not a command; so is one it names as where
the program writes ("logged to `stdout` and to `./ncp-debug.log`"); one a sentence gives as an
example (makeself's README: "you must prefix your command with `./`. For example, `./program`
will be fine.") is a name the reader chooses: information when it is not in the repository.

Severity of a missing script: an error when a document or automation file tells users of this
project to run it and nothing could produce it. It is nothing when an earlier command of the
same session (CI job, document section) produced it (a `make` line counts with what its
targets' recipes write, read with its command line's variables: txt2regex's README runs
`./txt2regex` after `make install BINDIR=.`) or a Makefile target builds it; information
when an archive extracted before it may hold it, when `.gitignore` ignores it (build output),
when the tree is a `git archive` export and `.gitattributes` marks it `export-ignore` (in the
repository, left out of the release: `release_archive.export_ignored`; so for a missing Makefile),
when the tree's CI configuration runs it and the tree tracks no .gitignore (an export that left
out a script the repository's CI runs on every push: `_left_out_of_export`),
or when it is a bare name (`python hello.py`: maybe the reader's own file), when `./NAME` is
the binary `go build` makes from one of the project's Go `main` packages (named after the
package's directory: dgrijalva/jwt-go's cmd/jwt/README.md runs `./jwt -show -`), or `./NAME` in
a program's own manual (a document named after it, `duebuild-readme.md`) when the project has a
script of that name elsewhere (its usage lines run it where it is installed). The arguments of
the project's own program (`bats test/a.bats`) are the reader's files, not the project's.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow import shell_commands
from ai_workflow.automation import (
    MAKEFILE_NAMES,
    UNKNOWN_DIR,
    automation_blocks,
    is_automation_file,
)
from ai_workflow.changes.filecache import code_id, read_run_store, write_run_store
from ai_workflow.deps.imports import STDLIB_MODULES
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.lint.shell_library import sourced_names, sourced_patterns, written_source_names
from ai_workflow.make_outputs import Makefile, MakeOutputs
from ai_workflow.markdown_docs import (
    DocFile,
    has_prompts,
    is_placeholder_path,
    is_shell_block,
    project_docs,
    project_facts,
    read_doc,
)
from ai_workflow.nested import dig
from ai_workflow.project_files import project_files
from ai_workflow.release_archive import export_ignored
from ai_workflow.shell_commands import (
    Command,
    Session,
    Splits,
    join,
    remembered_splits,
    split_line,
    strip_prompt,
)
from ai_workflow.shell_commands import unwrap as _unwrap_wrappers
from ai_workflow.steps.documentation import (
    MANUAL_PAGE,
    MANUAL_START,
    PythonIndex,
    TopNames,
    stored_names,
)
from ai_workflow.techstack import detect_stack
from ai_workflow.textfiles import (
    has_shell_shebang,
    line_of,
    read_bytes,
    read_head,
    read_text,
    read_toml,
)

SPEC = StepSpec(
    id="script_references",
    number=3,
    name="Script Reference Validation",
    description=(
        "Commands the docs tell users to run exist; scripts are documented, have a shebang and "
        "the executable bit."
    ),
    depends_on=("pre_analysis",),
    # code: entry points and `python -m` modules resolve in the code; paths: any file a
    # command names (`python tools/gen.py`) must exist.
    categories=("docs", "scripts", "deps", "config", "code", "paths"),
    estimate_s=60.0,
    persona="DevOps documentation expert",
)

PROMPT_ONLY_LANGUAGES = frozenset({"console", "shell-session", "shellsession", "terminal"})
SCRIPT_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".ksh"})
SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools", "hack", "ci"})
SHELLS = frozenset({"bash", "sh", "zsh", "ksh", "dash"})
SOURCING = frozenset({"source", "."})
INTERPRETERS = frozenset({"node", "deno", "ruby", "perl", "php", "tsx", "ts-node", "bats"})
NODE_RESOLVED = (".js", ".cjs", ".mjs", ".json", "/index.js")  # what `node x` tries after `x`
SYMLINK_MODE = "120000"  # git's mode for a symbolic link
RUNNERS = {"uv": "run", "poetry": "run", "pipenv": "run", "pdm": "run", "hatch": "run"}
CONTRIB_DIR = "contrib"  # contributed extras, shipped as they are: nothing has to run them
ENV_DIRS = frozenset({".venv", "venv", "env", "node_modules", ".tox", ".nox"})
NPM_BUILTINS = frozenset(
    {
        "install", "i", "ci", "add", "remove", "rm", "uninstall", "update", "up", "upgrade",
        "init", "create", "publish", "pack", "link", "unlink", "audit", "outdated", "list",
        "ls", "why", "exec", "dlx", "x", "config", "cache", "login", "logout", "version",
        "view", "info", "help", "bin", "root", "prune", "rebuild", "dedupe", "doctor",
        "global", "workspace", "workspaces", "set", "plugin", "npm", "node", "import", "store",
        "env", "setup", "licenses", "tag", "team", "whoami", "search", "fund", "explain",
        "deploy", "patch", "server", "fetch", "install-test", "it", "owner", "access",
        "completion", "edit", "explore", "help-search", "hook", "org", "ping", "prefix",
        "profile", "query", "repo", "restart", "shrinkwrap", "star", "stars", "stop",
        "token", "unpublish", "unstar", "self-update", "upgrade-interactive", "policies",
        "constraints", "dedup", "sdks", "stage", "pnpm", "bun",
    }
)  # fmt: skip
NPM_LIFECYCLE = frozenset({"test", "start", "stop", "restart", "t", "tst"})
EXPORTED = (
    "is not in this tree, a `git archive` export: the project's .gitattributes marks it "
    "export-ignore, so its release archives leave it out while its repository has it"
)
LEFT_OUT = (
    "is not in this tree, which tracks no .gitignore (an export, such as a release archive), "
    "while its CI configuration runs it: the repository CI checks out has it, the export left "
    "it out"
)
PYTHON_RE = re.compile(r"^(?:.*/)?(?:python(?:\d+(?:\.\d+)?)?|py|pypy3?)$")


@dataclass(frozen=True)
class Reference:
    kind: str  # file, module, make, npm, console
    value: str  # path, module, target, script name, command name
    command: Command
    direct: bool = False  # a file run as ./x (needs its executable bit)
    via: str = ""  # interpreter, make file, package manager
    extra: str = ""  # make: directory of the Makefile; npm: package.json dir


@dataclass
class Project:
    """What the commands are checked against."""

    target: Path
    files: set[str]
    python: PythonIndex
    project_name: str | None = None
    console_scripts: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    bins: dict[str, str] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)  # git index modes of tracked files
    programs: frozenset[str] = frozenset()  # the project's own commands
    names: frozenset[str] = frozenset()  # what a clone of this project is called
    make_targets: frozenset[str] = frozenset()  # files the root Makefile can build
    _go_binaries: dict[str, str] | None = None  # name -> its main package's dir, when asked
    _by_stem: dict[tuple[str, str], list[str]] | None = None  # (dir, stem) -> files, when asked
    producible: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (file, origin)
    ignored: set[str] = field(default_factory=set)  # missing paths .gitignore excludes
    exported: set[str] = field(default_factory=set)  # missing paths `git archive` leaves out
    left_out: set[str] = field(default_factory=set)  # missing paths the tree's CI runs (export)
    packages: frozenset[str] = frozenset()  # package.json's dependencies of every kind
    # the programs of each document line's commands: (path, line) -> heads
    line_programs: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def exists(self, path: str) -> bool:
        return path in self.files or (self.target / path).exists()

    def go_package(self, name: str) -> str | None:
        """The directory of the Go main package `go build` makes the binary `name` from ("" for
        the root), or None; the Go files are read the first time a missing path asks."""
        if self._go_binaries is None:
            self._go_binaries = go_binaries(self.target, self.files)
        return self._go_binaries.get(name)

    def same_stem(self, path: str) -> list[str]:
        """The project's other files in the directory of `path` with its stem (`defaults.txt`
        for `defaults.sh`), sorted; the index is made the first time it is asked."""
        if self._by_stem is None:
            self._by_stem = {}
            for rel in sorted(self.files):
                pure = PurePosixPath(rel)
                self._by_stem.setdefault((pure.parent.as_posix(), pure.stem), []).append(rel)
        pure = PurePosixPath(path)
        return [f for f in self._by_stem.get((pure.parent.as_posix(), pure.stem), []) if f != path]

    def is_clone(self, url: str) -> bool:
        """Whether `git clone URL` clones this project (its name is one of the project's)."""
        name = re.split(r"[/:]", url.rstrip("/"))[-1].removesuffix(".git").lower()
        return not self.names or name in self.names


SPLITS_SCHEMA = "ai-workflow/shell-splits@1"


def run(ctx: StepContext) -> StepOutcome:
    """The step; the shell lines it splits (`shell_commands.split_line`, most of its time on a
    project with long documentation) are kept in the step cache for the next run: the same line
    splits the same way, so only new lines are split again."""
    known = _known_splits(ctx)
    with remembered_splits(known) as used:
        outcome = _run(ctx)
    _keep_splits(ctx, used)
    if ctx.config.run.step_cache:
        new = sum(1 for text in used if text not in known)
        outcome.checked.append(f"shell lines: {new} of {len(used)} split, the others reused")
    return outcome


def _splits_header() -> dict[str, Any]:
    return {"schema": SPLITS_SCHEMA, "splitter": code_id(shell_commands)}


def _known_splits(ctx: StepContext) -> dict[str, Splits]:
    """The lines split in the last run with this splitter, {} when there are none (or
    `run.step_cache` is off, or the store is damaged: every line is then split)."""
    lines = read_run_store(ctx, "splits", _splits_header(), "lines")
    if not isinstance(lines, dict):
        return {}
    if not all(_is_splits(value) for value in lines.values()):
        ctx.log("stored shell splits damaged: every line is split again")
        return {}
    return lines


def _is_splits(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(command, list)
        and len(command) == 2
        and all(
            isinstance(part, list) and all(isinstance(w, str) for w in part) for part in command
        )
        for command in value
    )


def _keep_splits(ctx: StepContext, used: dict[str, Splits]) -> None:
    write_run_store(ctx, "splits", _splits_header(), "lines", used)


def _run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    files = project_files(ctx)
    names, read_names = stored_names(ctx)  # the top-level names of modules commands name
    project = _project(ctx, files, read_names)
    make = MakeOutputs(ctx.target, project.exists)
    commands = list(doc_commands(project_docs(ctx), project.is_clone, project.exists, make))
    automation, project.producible = _automation(
        ctx.target, files, project.is_clone, project.exists, make
    )
    for command in commands:
        if command.origin == "docs" and command.argv:
            heads = project.line_programs.setdefault((command.path, command.line), [])
            heads.append(command.argv[0])
    commands += automation
    refs = [ref for command in commands for ref in classify(command, project)]
    missing = [p for ref in refs for p in _missing_candidates(project, ref)]
    project.ignored = _ignored(ctx, missing)
    project.exported = export_ignored(ctx.target, missing)
    project.left_out = _left_out_of_export(project, refs)
    _check_entry_points(project, outcome)
    for ref in refs:
        _check_reference(project, ref, outcome)
    names.save()
    scripts = find_scripts(ctx.target, files, detect_stack(ctx).is_test)
    _check_scripts(project, scripts, refs, project_docs(ctx), files, outcome)
    by_origin: dict[str, int] = {}
    for command in commands:
        by_origin[command.origin] = by_origin.get(command.origin, 0) + 1
    outcome.data.update(
        {
            "commands": by_origin,
            "references": len(refs),
            "scripts": scripts,
            "console_scripts": sorted(project.console_scripts),
        }
    )
    outcome.checked.append(
        f"{len(refs)} script/command references from {len(commands)} command lines "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(by_origin.items())) or 'none'})"
    )
    outcome.checked.append(f"{len(scripts)} scripts: shebang, executable bit, documentation")
    outcome.checked += [names.describe(), *names.warnings]
    outcome.summary = f"{len(refs)} command references, {len(scripts)} scripts"
    return outcome


# --------------------------------------------------------------------------- project facts


def _project(ctx: StepContext, files: list[str], read_names: TopNames | None = None) -> Project:
    project = Project(ctx.target, set(files), PythonIndex.build(ctx.target, files, read_names))
    pyproject = read_toml(ctx.target / "pyproject.toml")
    text = read_text(ctx.target / "pyproject.toml")
    name = dig(pyproject, "project", "name")
    project.project_name = name if isinstance(name, str) else None
    for table in (
        ("project", "scripts"),
        ("project", "gui-scripts"),
        ("tool", "poetry", "scripts"),
    ):
        scripts = dig(pyproject, *table)
        if isinstance(scripts, dict):
            for script, spec in scripts.items():
                if isinstance(spec, str):
                    line = line_of(text, rf"^\s*[\"']?{re.escape(script)}[\"']?\s*=")
                    project.console_scripts[script] = (spec, line)
    package = _read_json(ctx.target / "package.json")
    bins = package.get("bin")
    if isinstance(bins, str) and isinstance(package.get("name"), str):
        bins = {str(package["name"]).split("/")[-1]: bins}
    if isinstance(bins, dict):
        project.bins = {str(k): str(v) for k, v in bins.items()}
    project.packages = frozenset(
        str(name)
        for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
        if isinstance(package.get(key), dict)
        for name in package[key]
    )
    project.modes = _index_modes(ctx)
    facts = project_facts(ctx)
    project.programs = facts.programs | set(project.console_scripts) | set(project.bins)
    names = {*project.programs, *facts.names, ctx.target.name, *_remote_names(ctx)}
    project.names = frozenset(n.lower() for n in names)
    makefile = next((n for n in MAKEFILE_NAMES if n in project.files), None)
    if makefile:
        project.make_targets = frozenset(makefile_targets(ctx.target / makefile)[0])
    return project


GO_PACKAGE = re.compile(r"^package\s+(\w+)", re.MULTILINE)
GO_IGNORED = re.compile(r"^//\s*(?:go:build\s+ignore\b|\+build\s+ignore\b)", re.MULTILINE)
GO_MODULE = re.compile(r"^module\s+(\S+)", re.MULTILINE)


def go_binaries(target: Path, files: Iterable[str]) -> dict[str, str]:
    """The binaries `go build` makes from the project's Go `main` packages: name -> the
    package's directory ("" for the root). A directory is a main package when every Go file
    of it that builds (not a test, not `//go:build ignore`) says `package main`; its binary is
    named after the directory (the root's after its go.mod module path, without a `/vN`
    major-version suffix; a root without go.mod has no name of its own). `go build` (or
    `go build ./cmd/x` from anywhere) writes it in the current directory, so a document's
    `./x` runs what the reader built. Vendored code and testdata are not the project's."""
    packages: dict[str, set[str]] = {}
    for rel in sorted(files):
        path = PurePosixPath(rel)
        if path.suffix != ".go" or rel.endswith("_test.go"):
            continue
        if {"vendor", "testdata"} & set(path.parts) or any(
            p.startswith((".", "_")) for p in path.parts
        ):
            continue
        text = read_text(target / rel, root=target)
        found = GO_PACKAGE.search(text)
        if found is None or GO_IGNORED.search(text[: found.start()]):
            continue
        directory = str(path.parent)
        packages.setdefault("" if directory == "." else directory, set()).add(found.group(1))
    binaries: dict[str, str] = {}
    for directory, names in sorted(packages.items()):
        if names != {"main"}:
            continue
        if directory:
            binaries.setdefault(PurePosixPath(directory).name, directory)
            continue
        module = GO_MODULE.search(read_text(target / "go.mod", root=target))
        parts = re.sub(r"/v\d+$", "", module.group(1)).split("/") if module else []
        if parts and parts[-1]:
            binaries.setdefault(parts[-1], "")
    return binaries


def _remote_names(ctx: StepContext) -> list[str]:
    result = ctx.run_command(["git", "remote", "get-url", "origin"], timeout=30)
    url = result.stdout.strip() if result.ok else ""
    name = re.split(r"[/:]", url.rstrip("/"))[-1] if url else ""
    return [re.sub(r"\.(?:git|bundle)$", "", name)] if name else []


def _ignored(ctx: StepContext, paths: list[str]) -> set[str]:
    """Which of `paths` `.gitignore` excludes: build output, not part of the repository."""
    unique = sorted({p for p in paths if p and p != UNKNOWN_DIR})[:500]
    if not unique:
        return set()
    result = ctx.run_command(["git", "check-ignore", "--no-index", *unique], timeout=60)
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def _index_modes(ctx: StepContext) -> dict[str, str]:
    result = ctx.run_command(["git", "ls-files", "-s", "-z"], timeout=60)
    if not result.ok:
        return {}
    modes = {}
    for entry in result.stdout.split("\0"):
        meta, _, path = entry.partition("\t")
        if path:
            modes[path] = meta.split(" ")[0]
    return modes


def _read_json(path: Path) -> dict[str, Any]:
    raw = read_bytes(path)  # None for a FIFO, a link out of the target, ...
    try:
        data = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------------------- commands


def doc_commands(
    docs: dict[str, DocFile],
    is_clone: Callable[[str], bool] = lambda url: False,
    exists: Callable[[str], bool] = lambda path: False,
    make_outputs: Callable[[list[str], str], Iterable[str]] = lambda args, cwd: (),
) -> Iterator[Command]:
    """Command lines in the shell code blocks and inline code that claim something about this
    project. The blocks of one section run in order: what one made (a clone, a download)
    stays made for the later ones, and a block that ends in `cd` moves the reader there for
    the blocks after it (express: `express /tmp/foo && cd /tmp/foo`, then `npm install`, then
    `npm start`). A `cd` followed by work in its own block holds for that block only (git-ftp's
    tests/README.md: `cd vsftpd-3.0.3 && make`, then `make` for tests/ in a later block)."""
    for path in sorted(docs):
        doc = docs[path]
        section, session, start = -1, Session(is_clone, exists, make_outputs), ""
        for block in doc.claim_blocks():
            if not is_shell_block(block):
                continue
            if block.section_line != section:
                section, start = block.section_line, ""
                session = Session(is_clone, exists, make_outputs)
            prompt_only = block.language in PROMPT_ONLY_LANGUAGES or has_prompts(block)
            lines = block.numbered_lines()
            yield from session.run(lines, path, "docs", prompt_only=prompt_only, cwd=start)
            start = session.cwd if session.ends_in_cd else start
        for code in doc.claim_inline():
            if code.location:
                continue  # `./sbin` where things are installed, `./x.log` where written: not run
            for command in Session(is_clone, exists, make_outputs).line(
                code.text, path, code.line, "docs", inline=True
            ):
                yield replace(command, example=code.example)


def _line_commands(
    text: str, path: str, line: int, cwd: str, origin: str, inline: bool = False
) -> Iterator[Command]:
    """Split one shell line into simple commands (`a && b | c; d`)."""
    for simple in split_line(text.strip()):
        yield Command(tuple(simple.argv), path, line, cwd, origin, inline)


def automation_commands(
    target: Path, files: list[str], is_clone: Callable[[str], bool] = lambda url: False
) -> list[Command]:
    """Commands the build, CI and tooling files run; one session per job, task or hook."""
    return _automation(target, files, is_clone)[0]


def _automation(
    target: Path,
    files: list[str],
    is_clone: Callable[[str], bool],
    exists: Callable[[str], bool] = lambda path: False,
    make_outputs: Callable[[list[str], str], Iterable[str]] = lambda args, cwd: (),
) -> tuple[list[Command], dict[str, tuple[str, str]]]:
    """The commands, and the paths they produce (`go build -o bin/tool` in a Makefile recipe)
    with the file and origin of the command that makes each: what a document, or another
    file than a CI job (jobs do not share files), may run after building."""
    commands: list[Command] = []
    sessions: dict[tuple[str, str, str], Session] = {}
    for block in automation_blocks(target, files):
        key = (block.path, block.origin, block.session)
        session = sessions.setdefault(key, Session(is_clone, exists, make_outputs))
        session.produce(block.produces)
        commands += session.run(
            block.lines, block.path, block.origin, keep_cwd=block.keep_cwd, cwd=block.cwd
        )
    producible: dict[str, tuple[str, str]] = {}
    for (path, origin, _), session in sessions.items():
        for made in session.made:
            producible.setdefault(made, (path, origin))
    return commands, producible


# --------------------------------------------------------------------------- classification


def classify(command: Command, project: Project) -> list[Reference]:
    """The scripts, modules, targets and npm scripts one command refers to."""
    argv = _unwrap(list(command.argv))
    if not argv or command.cwd == UNKNOWN_DIR:
        return []
    if len(argv) > 1 and argv[1] in ASSIGNMENT_OPERATORS:
        return []  # `make = 'make'`: a key of a listed configuration (INI, TOML), set
    head = argv[0]
    if head in project.programs and "/" not in head:
        return [Reference("console", head, command)]  # its arguments are the reader's files
    if head in SHELLS or head in SOURCING or head in INTERPRETERS:
        return _interpreted(head, argv[1:], command)
    if PYTHON_RE.match(head):
        return _python(argv[1:], command)
    if head == "make":
        return _make(argv[1:], command)
    if head in ("npm", "yarn", "pnpm", "bun"):
        return _npm(head, argv[1:], command)
    if head in project.console_scripts or head in project.bins:
        return [Reference("console", head, command)]
    if _is_path_command(head, command.inline):
        return [Reference("file", _clean_path(head), command, direct=True)]
    return []


# a word then one of these is an assignment to a key named like a program (nodeenv's README
# lists ~/.nodeenvrc's `[nodeenv]` options, among them `make = 'make'`; a Makefile's
# `MAKE := make`), not that program run with `=` as its first argument
ASSIGNMENT_OPERATORS = frozenset({"=", ":=", "+=", "?=", "::="})


def _unwrap(argv: list[str]) -> list[str]:
    """Drop `VAR=x`, `sudo -E`, `env`, `uv run` and the like in front of the real command."""
    argv = _unwrap_wrappers(argv)
    while argv and argv[0] in RUNNERS and len(argv) > 1 and argv[1] == RUNNERS[argv[0]]:
        argv = _unwrap_wrappers(argv[2:])
    if argv and _in_env_dir(argv[0]):
        name = PurePosixPath(argv[0]).name
        argv = [name, *argv[1:]] if PYTHON_RE.match(name) else []
    return argv


_FILEISH_RE = re.compile(r"^[\w.@+-]+(?:/[\w.@+-]+)*/?$")


# a package.json script's name: a literal word, `:` included (`test:unit`, `unit:report`, the
# usual grouping); no variable, glob or placeholder
NPM_SCRIPT_NAME = re.compile(r"^[\w.@+-][\w.@+:/-]*$")


def _plausible_path(value: str) -> bool:
    """A literal relative path (no variables, globs, placeholders such as `path/to/x`,
    absolute paths or Go package patterns such as `./...`)."""
    return (
        bool(_FILEISH_RE.match(value))
        and "..." not in value.split("/")
        and not _in_env_dir(value)
        and not is_placeholder_path(value)
    )


def _in_env_dir(value: str) -> bool:
    return _clean_path(value).split("/")[0] in ENV_DIRS


def _is_path_command(head: str, inline: bool) -> bool:
    """`./x`, `../x` anywhere; `scripts/x.sh`-like heads in code blocks only."""
    if not _plausible_path(head) or head.endswith("/") or "/" not in head:
        return False
    if head.startswith(("./", "../")):
        return True
    pure = PurePosixPath(head)
    return not inline and (pure.parts[0] in SCRIPT_DIRS or pure.suffix in SCRIPT_SUFFIXES)


def _clean_path(value: str) -> str:
    return value[2:] if value.startswith("./") else value


EVAL_OPTIONS = frozenset({"-c", "-s", "-e", "-p", "--eval", "--print", "-"})
VALUE_OPTIONS = frozenset({"-r", "--require", "--import", "--loader", "-o", "-O", "-I"})


def _interpreted(head: str, args: list[str], command: Command) -> list[Reference]:
    """`bash x.sh`, `source env.sh`, `node x.js`: the script file they run."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        if args[index] in EVAL_OPTIONS:
            return []
        index += 2 if args[index] in VALUE_OPTIONS else 1
    if index >= len(args) or not _plausible_path(args[index]):
        return []
    script = args[index]
    if head in INTERPRETERS and "/" not in script and "." not in script:
        return []  # `deno task x`, `node inspect`
    return [Reference("file", _clean_path(script), command, via=head)]


def _python(args: list[str], command: Command) -> list[Reference]:
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "-m" and index + 1 < len(args):
            return [Reference("module", args[index + 1], command, via="python -m")]
        if arg.startswith("-m") and len(arg) > 2:
            return [Reference("module", arg[2:], command, via="python -m")]
        if arg in ("-c",):
            return []
        if arg in ("-X", "-W"):
            index += 2
            continue
        if arg.startswith("-"):
            index += 1
            continue
        if arg.endswith(".py") and _plausible_path(arg):
            return [Reference("file", _clean_path(arg), command, via="python")]
        return []
    return []


def _make(args: list[str], command: Command) -> list[Reference]:
    directory, makefile, targets = "", "", []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ("-C", "--directory") and index + 1 < len(args):
            directory, index = args[index + 1], index + 2
            continue
        if arg in ("-f", "--file", "--makefile") and index + 1 < len(args):
            makefile, index = args[index + 1], index + 2
            continue
        if arg in ("-j", "-l", "-o", "-W", "-I") and index + 1 < len(args):
            index += 2  # option with a separate value
            continue
        if not arg.startswith("-") and "=" not in arg and _plausible_path(arg):
            targets.append(arg)
        index += 1
    if not _plausible_path(directory or ".") or not _plausible_path(makefile or "Makefile"):
        return []
    base = _join(command.cwd, directory)
    if not targets and command.inline:
        return []  # "run `make`" in prose: too vague to check
    targets = targets or [""]  # "" = the default goal
    return [Reference("make", t, command, via=makefile, extra=base) for t in targets]


PACKAGE_SELECTORS = frozenset(
    {"-w", "--workspace", "--prefix", "-C", "--dir", "--cwd", "--filter", "-F", "-r", "--recursive"}
)


def _npm(manager: str, args: list[str], command: Command) -> list[Reference]:
    """`npm run x`, `npm test`, `yarn x`, `pnpm x`, `bun run x`: the package.json script."""
    if any(a.split("=")[0] in PACKAGE_SELECTORS for a in args):
        return []  # runs in another package of a workspace
    words = [a for a in args if not a.startswith("-")]
    if not words or (manager == "bun" and words[0] != "run"):
        return []  # `yarn` alone installs; `bun test`/`bun x.ts` are bun's own
    verb = words[0]
    if verb in ("run", "run-script", "rum", "urn"):
        if len(words) < 2:
            return []
        script = words[1]
    elif verb in NPM_LIFECYCLE:
        script = {"t": "test", "tst": "test"}.get(verb, verb)
    elif manager == "npm" or verb in NPM_BUILTINS:
        return []
    else:
        script = verb  # `yarn build`, `pnpm lint`, `bun dev`
    if not NPM_SCRIPT_NAME.match(script) or is_placeholder_path(script):
        return []
    return [Reference("npm", script, command, via=manager, extra=command.cwd)]


def _join(cwd: str, path: str) -> str:
    return join(cwd, path)


# --------------------------------------------------------------------------- checks


def _check_reference(project: Project, ref: Reference, outcome: StepOutcome) -> None:
    problem = _problem(project, ref)
    if problem is None:
        return
    rule, message, severity = problem
    command = " ".join(ref.command.argv)
    outcome.add(rule, severity, f"{message} (in `{command}`)", ref.command.path, ref.command.line)


def _problem(project: Project, ref: Reference) -> tuple[str, str, str] | None:
    if ref.kind == "file" and _in_env_dir(ref.value):
        return None
    if ref.kind == "file":
        return _file_problem(project, ref)
    if ref.kind == "module":
        return _module_problem(project, ref)
    if ref.kind == "make":
        return _make_problem(project, ref)
    if ref.kind == "npm":
        return _npm_problem(project, ref)
    return None


def _resolve_file(project: Project, ref: Reference) -> str | None:
    candidates = [_join(ref.command.cwd, ref.value)]
    if ref.command.origin == "docs":
        candidates.append(_join(str(PurePosixPath(ref.command.path).parent), ref.value))
    if ref.via == "node" and not PurePosixPath(ref.value).suffix:
        # `node lib/cli` runs lib/cli.js (or .cjs, .mjs, .json, lib/cli/index.js), as require does
        candidates += [c + tail for c in candidates if c for tail in NODE_RESOLVED]
    return next((c for c in candidates if c and project.exists(c)), None)


def _leaves_repository(project: Project, ref: Reference) -> bool:
    """Whether the path leaves the repository from where its command runs (funcoeszz's
    release/README.md: "update the site, in `../funcoeszz.github.io`", read from the root: a
    checkout beside this one on the maintainer's machine, which the repository cannot show)
    and a document's own directory gives no reading inside the project: `../scripts/x.sh` in
    docs/ names the project's scripts/ directory, `../build.sh` in docs/ a script at its root;
    both stay checked."""
    if join(ref.command.cwd, ref.value) != UNKNOWN_DIR:
        return False
    if ref.command.origin != "docs":
        return True
    beside = join(str(PurePosixPath(ref.command.path).parent), ref.value)
    if beside == UNKNOWN_DIR:
        return True
    if "/" in beside:
        return not project.exists(beside.split("/", 1)[0])
    return PurePosixPath(beside).suffix not in SCRIPT_SUFFIXES


def _left_out_of_export(project: Project, refs: list[Reference]) -> set[str]:
    """The missing paths a job of the tree's CI configuration runs, when the tree tracks no
    .gitignore. CI checks out the repository and runs its jobs on every push: a script a job
    runs is in the repository, or every pipeline fails. A tree without it, and without the
    .gitignore every repository keeps (a `git archive` export marks it export-ignore, a source
    distribution leaves it out), is an export that left the script out: wherever else the
    tree names that script (its install guide), the repository has it. A tree that tracks a
    .gitignore is the repository: there a script its CI runs and lacks is missing."""
    if any(f == ".gitignore" or f.endswith("/.gitignore") for f in project.files):
        return set()
    return {
        path
        for ref in refs
        if ref.command.origin == "CI"
        for path in _missing_candidates(project, ref)
    }


def _missing_candidates(project: Project, ref: Reference) -> list[str]:
    """The repository paths a file reference may mean, when none of them exists (for `make`
    without a Makefile, the Makefiles it may read)."""
    if ref.kind == "make":
        return [] if _makefiles(project, ref) else _makefile_candidates(ref)
    if ref.kind != "file" or _resolve_file(project, ref) is not None:
        return []
    return [_join(ref.command.cwd, ref.value)]


def _file_problem(project: Project, ref: Reference) -> tuple[str, str, str] | None:
    found = _resolve_file(project, ref)
    if found is None:
        path = _join(ref.command.cwd, ref.value)
        if ref.command.produced(path) or path in project.make_targets:
            return None  # made by an earlier command of its job, or by a make target
        source = ref.command.maybe_from(path, project.exists)
        if source is not None:
            message = f"{ref.value} is not in the repository; `{source}` may have extracted it"
            return "scripts/missing-script", message, "info"
        builder, builder_origin = project.producible.get(path, ("", ""))
        if builder and (ref.command.origin != "CI" or builder_origin != "CI"):
            message = f"{ref.value} is not in the repository; {builder} builds it"
            return "scripts/missing-script", message, "info"
        if path in project.ignored:
            message = f"{ref.value} is not in the repository: .gitignore excludes it (build output)"
            return "scripts/missing-script", message, "info"
        if path in project.exported:
            return "scripts/missing-script", f"{ref.value} {EXPORTED}", "info"
        if path in project.left_out:
            return "scripts/missing-script", f"{ref.value} {LEFT_OUT}", "info"
        package = project.go_package(ref.value) if ref.direct and "/" not in ref.value else None
        if package is not None:
            where = f"the Go main package {package}/" if package else "the root's Go main package"
            message = f"{ref.value} is not in the repository; `go build` makes it from {where}"
            return "scripts/missing-script", message, "info"
    if found is None and _leaves_repository(project, ref):
        message = (
            f"{ref.value} is outside the repository (a directory beside the checkout, such as "
            "another repository's): not checked"
        )
        return "scripts/missing-script", message, "info"
    if found is None and "/" not in ref.value and not ref.direct:
        if any(f.rsplit("/", 1)[-1] == ref.value for f in project.files):
            return None  # `node split.js` run from the directory that holds it
        message = f"{ref.value} is not a file of the project (fine if the reader creates it)"
        return "scripts/missing-script", message, "info"
    home = _described_program(project, ref) if found is None else None
    if home is not None:
        message = (
            f"{ref.value} is not beside this document, which is the manual of the project's "
            f"{home}: its examples run it where it is installed"
        )
        return "scripts/missing-script", message, "info"
    if found is None and ref.command.example:
        message = (
            f"{ref.value} is not a file of the project; the sentence gives it as an example "
            '("For example, `./program`"), a name the reader chooses'
        )
        return "scripts/missing-script", message, "info"
    reporter = _foreign_reporter(project, ref) if found is None else None
    if reporter is not None:
        message = (
            f"{ref.value} is not a file of the project: the document pipes it into `{reporter}`, "
            "a program this project neither declares nor ships, so the line shows the reader's "
            "own setup (fine if the reader creates it)"
        )
        return "scripts/missing-script", message, "info"
    if found is None and _foreign_configure(project, ref):
        message = (
            f"{ref.value} is not in the project, and nothing of it makes one (no configure.ac "
            "or configure.in, no build file writes it): the document describes configuring "
            "another package's source, as a tool that builds other software does"
        )
        return "scripts/missing-script", message, "info"
    if found is None and _ignored_configure(project, ref):
        message = (
            f"{ref.value} is not in the tree: Autoconf makes it from the configure.ac (or "
            "configure.in) beside it, and the project's ignore file leaves the generated "
            "`configure` out on purpose (run `autoreconf -i` first in a checkout)"
        )
        return "scripts/missing-script", message, "info"
    if found is None and _called_generated(project, ref):
        message = (
            f"{ref.value} is not a file of the project: the document calls "
            f"`{PurePosixPath(ref.value).name}` generated, a file the documented program writes "
            "(into what it builds) for its reader to run"
        )
        return "scripts/missing-script", message, "info"
    linked = _bin_link(project, ref) if found is None else None
    if linked is not None:
        message = (
            f"{ref.value} is not in the tree, but package.json's `bin` maps "
            f"`{PurePosixPath(ref.value).name}` to {linked}, which is: the command is the "
            "package's own program, which a checkout keeps at the root as a link to it and "
            "`npm pack` leaves out (npm packs no symbolic link); run "
            f"`{linked}` here"
        )
        return "scripts/missing-script", message, "info"
    lookup = _looked_up_elsewhere(project, ref) if found is None else None
    if lookup is not None:
        message = (
            f"{ref.value} is not a file of the project: its code looks for one in a directory "
            f"it is given (`{lookup}`), so the document names a file of the projects it works on"
        )
        return "scripts/missing-script", message, "info"
    if found is None:
        what = "script" if ref.direct or ref.via else "file"
        return "scripts/missing-script", f"{what} {ref.value} does not exist", "error"
    if ref.direct and not _is_executable(project, found) and (project.target / found).is_file():
        return (
            "scripts/not-executable",
            f"{found} is run directly but has no executable bit (chmod +x, or git update-index "
            "--chmod=+x)",
            "error",
        )
    return None


MANUAL_WORDS = frozenset(
    {"readme", "usage", "help", "manual", "man", "doc", "docs", "md", "markdown", "rst", "txt"}
)
"""What a program's own document adds to the program's name (duebuild-readme.md, x.1.md)."""


AUTOCONF_INPUTS = ("configure.ac", "configure.in")


def _foreign_configure(project: Project, ref: Reference) -> bool:
    """Whether a missing `./configure` a document runs cannot be the project's own: the
    project holds no `configure` and no Autoconf input (configure.ac, configure.in) in any
    directory, so none of its build steps can write one (those that do are `producible`).
    ruby-build's README lists what it does to install a Ruby ("Downloads an official tarball
    of Ruby source code; Extracts the archive...; Executes `./configure --prefix=...` in the
    source code"): the configure of the downloaded Ruby, which bin/ruby-build runs there. A
    project with a configure.ac whose configure is not committed, and any other missing
    script, keep their finding."""
    if ref.command.origin != "docs" or PurePosixPath(ref.value).name != "configure":
        return False
    names = {"configure", *AUTOCONF_INPUTS}
    return not any(PurePosixPath(f).name in names for f in project.files)


IGNORE_FILES = (".gitignore", ".npmignore")
IGNORED_CONFIGURE = frozenset({"configure", "/configure"})


def _ignored_configure(project: Project, ref: Reference) -> bool:
    """Whether a missing `./configure` a document runs is the project's generated one, left
    out of the tree on purpose: an Autoconf input (configure.ac, configure.in) sits where the
    `configure` would, and an ignore file at the root (.gitignore, .npmignore) lists
    `configure` alone on a line. strike 0.1.73's INSTALL.md says "Installation is performed
    using `./configure`, `make` and `make install`"; its npm package ships configure.ac and
    Makefile.am, and its .npmignore lists `configure`. A configure.ac whose `configure` no
    ignore file lists (a tree that may have lost it) keeps the finding."""
    if ref.command.origin != "docs" or PurePosixPath(ref.value).name != "configure":
        return False
    parent = PurePosixPath(ref.value.removeprefix("./")).parent.as_posix()
    prefix = "" if parent == "." else f"{parent}/"
    if not any(f"{prefix}{name}" in project.files for name in AUTOCONF_INPUTS):
        return False
    for name in IGNORE_FILES:
        text = (
            read_text(project.target / name, root=project.target) if name in project.files else ""
        )
        if any(line.strip() in IGNORED_CONFIGURE for line in (text or "").splitlines()):
            return True
    return False


GENERATED_MARKUP = r"[*_`\"'\u201c\u201d]*"


def _called_generated(project: Project, ref: Reference) -> bool:
    """Whether the document that runs a missing `./NAME` calls NAME generated ("The generated
    *install.sh* script", "`install.sh` is generated"): a file the documented program writes.
    strike 0.1.73's task-deploy(7) lists the bundle it builds ("`install.sh`: The generated
    deployment script"), then says "the deployment may still be performed using
    `./install.sh`" and "The generated *install.sh* script attempts to rollback". A document
    that runs `./NAME` without calling it generated keeps the finding."""
    if ref.command.origin != "docs" or not ref.direct:
        return False
    name = PurePosixPath(ref.value).name
    if not name or name in (".", ".."):
        return False
    text = read_text(project.target / ref.command.path, root=project.target) or ""
    word = re.escape(name)
    before = rf"\bgenerated\s+{GENERATED_MARKUP}{word}(?![\w.-])"
    after = (
        rf"(?<![\w.-]){word}{GENERATED_MARKUP}\s+(?:script\s+|file\s+)?"
        r"(?:is|are|was|will\s+be|gets)\s+generated\b"
    )
    return re.search(f"{before}|{after}", text, re.IGNORECASE) is not None


def _bin_link(project: Project, ref: Reference) -> str | None:
    """The file package.json's `bin` maps a missing root `./NAME` to, when it exists elsewhere
    (None otherwise): the documented command is the package's own program run from a
    checkout, whose root keeps a link `NAME` to it, and `npm pack` packs no symbolic link.
    strike 0.1.73's README and package.json's `"test": "./bake test"` run `./bake`; its
    package.json maps `"bake": "./bin/bake"`, and the npm package holds bin/bake only. A
    missing `./NAME` no `bin` names, or whose `bin` file is missing too, keeps its finding."""
    if not ref.direct:
        return None
    path = _join(ref.command.cwd, ref.value)
    target = project.bins.get(path)
    if target is None:
        return None
    cleaned = _clean_path(target)
    if not cleaned or cleaned == path or not project.exists(cleaned):
        return None
    return cleaned


CODE_SUFFIXES = frozenset({"", ".sh", ".bash", ".zsh", ".ksh", ".fish", ".py", ".js", ".pl", ".rb"})
"""Suffixes of the files searched for a program's own lookups of a file (`_looked_up_elsewhere`)."""


def _looked_up_elsewhere(project: Project, ref: Reference) -> str | None:
    """The line of the project's code that treats `./NAME`, missing here, as a file of some
    other directory: it tests for one under a directory held in a variable (`[[ -x
    "$project_root_dir/NAME" ]]`, `[ -f "${dir}/NAME" ]`) or registers shell completion for
    `./NAME` in whatever directory the user stands. gradle-completion's README says completion
    "using `./gradlew` may not work": gradlew is the wrapper of the user's Gradle build, which
    gradle-completion.bash looks for (`-x "$project_root_dir/gradlew"`) and completes for
    (`complete -F _gradle ./gradlew`). Only a bare `./NAME` in a document: a path with a
    directory, or a name the code never tests for, keeps its finding. None otherwise."""
    if not ref.direct or "/" in ref.value or ref.command.origin != "docs":
        return None
    name = re.escape(ref.value)
    end = r"(?![\w./-])"
    patterns = (
        re.compile(rf"(?:\[\[?|\btest)\s+-[efrsx]\s+\"?\$\{{?\w+\}}?/{name}{end}\"?"),
        re.compile(rf"^\s*complete\s[^\n]*\s\./{name}{end}", re.MULTILINE),
    )
    for rel in sorted(project.files):
        if PurePosixPath(rel).suffix.lower() not in CODE_SUFFIXES or rel == ref.command.path:
            continue
        path = project.target / rel
        try:
            if not path.is_file() or path.stat().st_size > 1_000_000:
                continue
        except OSError:
            continue
        text = read_text(path, root=project.target)
        for pattern in patterns:
            match = pattern.search(text)
            if match is not None:
                return match.group(0).strip()
    return None


def _described_program(project: Project, ref: Reference) -> str | None:
    """The project's file that `./NAME` in a document runs, when the document is that
    program's own manual: named after it (due's templates/debian-package/duebuild-readme.md,
    whose examples `./duebuild --cbuild` are duebuild's own --help text, while duebuild is
    templates/debian-package/filesystem/usr/local/bin/duebuild, the container's
    /usr/local/bin) and the project has a script of that name with a shebang. Its usage lines
    run the program where it is installed, not from the document's directory. None otherwise:
    any other document's `./NAME` is a path from where its reader stands."""
    if not ref.direct or "/" in ref.value or ref.command.origin != "docs":
        return None
    words = [w for w in re.split(r"[-_.\s]+", PurePosixPath(ref.command.path).name.lower()) if w]
    name = ref.value.lower()
    if name not in words or not all(w == name or w in MANUAL_WORDS or w.isdigit() for w in words):
        return None
    here = f"{PurePosixPath(ref.command.path).parent}/".removeprefix("./")
    named = (f for f in project.files if f.rsplit("/", 1)[-1] == ref.value)
    homes = sorted(named, key=lambda f: (not f.startswith(here), f))  # the document's own first
    return next((f for f in homes if _shebang(project.target / f) is not None), None)


def _foreign_reporter(project: Project, ref: Reference) -> str | None:
    """The program a document's line pipes the command into when that program is none of the
    project's: not its own command or file, not a dependency of any kind in package.json, not
    installed in node_modules/.bin nor on PATH. tape's readme lists TAP reporters, then "try
    `node test/index.js | tap-spec`": test/index.js is the reader's test file, and tap-spec a
    reporter the reader installs; the project runs neither. None otherwise."""
    if ref.command.origin != "docs":
        return None
    lines = read_text(project.target / ref.command.path, root=project.target).splitlines()
    if not 0 < ref.command.line <= len(lines):
        return None
    text = lines[ref.command.line - 1]
    for program in project.line_programs.get((ref.command.path, ref.command.line), []):
        name = PurePosixPath(program).name
        if program == ref.command.argv[0] or not re.fullmatch(r"[\w.@+-]+", name):
            continue
        if not re.search(rf"\|\s*{re.escape(program)}(?![\w./-])", text):
            continue  # not what the output is piped into
        if _project_program(project, program):
            continue
        return program
    return None


def _project_program(project: Project, program: str) -> bool:
    """The program is the project's (its command, a file of it, a dependency of any kind, one
    installed in node_modules/.bin) or this machine's (on PATH)."""
    name = PurePosixPath(program).name
    return (
        name in project.programs
        or name in project.packages
        or project.exists(program)
        or (project.target / "node_modules" / ".bin" / name).exists()
        or shutil.which(name) is not None
    )


def _namespace_module(project: Project, module: str) -> bool:
    """The module is a file of the project under directories without `__init__.py`: a PEP 420
    namespace package, which `python -m` imports as well (virtualenvwrapper/ has no
    `__init__.py` so that plugins can add modules to it; virtualenvwrapper/hook_loader.py is
    what `python -m virtualenvwrapper.hook_loader` runs). The index of modules follows
    `__init__.py` files only."""
    path = "/".join(module.split("."))
    candidates = (f"{path}.py", f"{path}/__init__.py")
    return any(project.exists(f"{base}{c}") for base in ("", "src/") for c in candidates)


def _module_problem(project: Project, ref: Reference) -> tuple[str, str, str] | None:
    module = ref.value
    top = module.split(".")[0]
    own_names = set(project.python.top_level())
    if project.project_name:
        own_names.add(re.sub(r"[-.]+", "_", project.project_name).lower())
    if top not in own_names or top in STDLIB_MODULES:
        return None  # a third-party or standard-library module
    if module in project.python.modules:
        return None
    missing = project.python.unresolved(module)
    if missing is None or _namespace_module(project, module):
        return None
    return (
        "scripts/missing-module",
        f"Python module {module} does not exist in the project",
        "error",
    )


def _make_problem(project: Project, ref: Reference) -> tuple[str, str, str] | None:
    directories = _run_directories(ref)
    found = _makefiles(project, ref)
    if not found and any(_generates_makefile(project, d) for d in directories):
        return None  # ./configure, cmake or meson writes it: nothing to check before a build
    exported = [path for path in _makefile_candidates(ref) if path in project.exported]
    if not found and _makefile_below(project, ref):
        return None  # the doc's `cd` is relative to a directory it ran in before (test/)
    if not found and exported:
        return "scripts/missing-makefile", f"{exported[0]} {EXPORTED}", "info"
    if not found:
        where = f" in {ref.extra}/" if ref.extra else ""
        return (
            "scripts/missing-makefile",
            f"`make` is documented but there is no Makefile{where}",
            "error",
        )
    if not ref.value:
        return None
    dynamic = False
    for makefile in found:
        targets, computed = makefile_targets(project.target / makefile)
        if ref.value in targets or _pattern_match(ref.value, targets):
            return None
        dynamic = dynamic or computed
    severity = "warning" if dynamic else "error"
    return (
        "scripts/missing-make-target",
        f"{found[0]} has no target '{ref.value}'",
        severity,
    )


def _makefiles(project: Project, ref: Reference) -> list[str]:
    """The Makefiles a `make` command reads that exist (one per directory it may run in)."""
    directories = _run_directories(ref)
    return [m for d in directories if (m := _find_makefile(project, d, ref.via)) is not None]


def _makefile_below(project: Project, ref: Reference) -> bool:
    """Whether a document's `cd DIR` names a directory that is not at the root but whose
    Makefile is deeper in the tree (`DIR` under another directory): the reader runs it from
    where the document's earlier steps left them (dracut's docs/HACKING.md: `cd test`, then in
    a later block `cd TEST-01-BASIC` and `make`, for test/TEST-01-BASIC/Makefile). A directory
    that exists where the `cd` names it, or nowhere, is judged as it stands."""
    directory = ref.extra
    if ref.command.origin != "docs" or not directory or project.exists(directory):
        return False
    names = [ref.via] if ref.via else list(MAKEFILE_NAMES)
    suffixes = tuple(f"/{directory}/{name}" for name in names)
    return any(path.endswith(suffixes) for path in project.files)


def _makefile_candidates(ref: Reference) -> list[str]:
    """Every Makefile path a `make` command may read (`-f` names one)."""
    names = [ref.via] if ref.via else list(MAKEFILE_NAMES)
    return [_join(d, name) for d in _run_directories(ref) for name in names]


def _run_directories(ref: Reference) -> list[str]:
    """Where a command may run: its directory, and for a document that does not say (no `cd`
    before it), also the document's own directory, as for files (`docs/README.md`: "run
    `make html`" means docs/Makefile)."""
    directories = [ref.extra]
    parent = str(PurePosixPath(ref.command.path).parent)
    if ref.command.origin == "docs" and not ref.command.cwd and parent != ".":
        directories.append(_join(parent, ref.extra))
    return directories


MAKEFILE_GENERATORS = (
    "configure", "configure.ac", "configure.in", "Makefile.am", "Makefile.in", "CMakeLists.txt",
    "meson.build", "Makefile.PL", "GNUmakefile.in",
)  # fmt: skip


def _generates_makefile(project: Project, directory: str) -> bool:
    """An autotools, CMake, Meson or Perl project: its Makefile is generated by a build step."""
    return any(project.exists(_join(directory, name)) for name in MAKEFILE_GENERATORS)


def _find_makefile(project: Project, directory: str, explicit: str) -> str | None:
    names = [explicit] if explicit else list(MAKEFILE_NAMES)
    for name in names:
        path = _join(directory, name)
        if project.exists(path):
            return path
    return None


_TARGET_RE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)")


def makefile_targets(path: Path, _seen: set[Path] | None = None) -> tuple[set[str], bool]:
    """Targets a Makefile defines (following `include`), and whether some are computed."""
    seen = _seen or set()
    if path in seen:
        return set(), False
    seen.add(path)
    targets: set[str] = set()
    dynamic = False
    for line in read_text(path).splitlines():
        if line.startswith("\t"):
            continue
        include = re.match(r"^-?include\s+(.+)$", line)
        if include:
            for name in include.group(1).split():
                more, more_dynamic = makefile_targets(path.parent / name, seen)
                targets |= more
                dynamic = dynamic or more_dynamic or "$" in name
            continue
        match = _TARGET_RE.match(line)
        if match:
            for name in match.group(1).split():
                dynamic = dynamic or "$" in name
                targets.add(name)
    return targets, dynamic


def _pattern_match(name: str, targets: set[str]) -> bool:
    for target in targets:
        if "%" in target:
            prefix, _, suffix = target.partition("%")
            if name.startswith(prefix) and name.endswith(suffix):
                return True
    return False


def _npm_problem(project: Project, ref: Reference) -> tuple[str, str, str] | None:
    package_path = next(
        (p for d in _run_directories(ref) if project.exists(p := _join(d, "package.json"))),
        _join(ref.extra, "package.json"),
    )
    if not project.exists(package_path):
        return (
            "scripts/missing-npm-script",
            f"`{ref.via}` is documented but there is no {package_path}",
            "error",
        )
    scripts = dig(_read_json(project.target / package_path), "scripts")
    scripts = scripts if isinstance(scripts, dict) else {}
    if ref.value in scripts:
        return None
    directory = package_path.rpartition("/")[0]
    if ref.value == "start" and project.exists(_join(directory, "server.js")):
        return None  # npm's default start script
    if ref.via in ("yarn", "pnpm", "bun") and _is_bin(project, directory, ref.value):
        return None  # `yarn eslint` runs a dependency's binary
    example = _example_script_line(project, ref, directory)
    if example is not None:
        return (
            "scripts/missing-npm-script",
            f"{package_path} has no script '{ref.value}'; the document's example package.json "
            f"(line {example}) defines it: a script of the reader's project, not this one's",
            "info",
        )
    return (
        "scripts/missing-npm-script",
        f"{package_path} has no script '{ref.value}'",
        "error",
    )


_EXAMPLE_SCRIPTS = re.compile(r"""["']scripts["']\s*:\s*\{(?P<body>[^{}]*)\}""")
_EXAMPLE_NAME = re.compile(r"""^[ \t+-]*["']name["']\s*:\s*["']([^"']+)["']""", re.MULTILINE)


def _example_script_line(project: Project, ref: Reference, directory: str) -> int | None:
    """The line of a code block in the citing document that shows another package.json (one
    whose `"name"` is not this package's) with a `"scripts"` object defining the script: the
    document teaches the reader to write that script in their own project (tmex's README
    shows a user's package.json whose `"start"` runs tmex, then says "`npm run start`
    composes ..."). A block that shows this package's own package.json, or none, gives None."""
    if ref.command.origin != "docs":
        return None
    doc = read_doc(project.target, ref.command.path)
    if doc is None:
        return None
    own = _read_json(project.target / _join(directory, "package.json")).get("name")
    key = re.compile(rf"""^[ \t+-]*["']{re.escape(ref.value)}["']\s*:""", re.MULTILINE)
    for block in doc.code_blocks:
        name = _EXAMPLE_NAME.search(block.content)
        if name is None or name.group(1) == own:
            continue
        for scripts in _EXAMPLE_SCRIPTS.finditer(block.content):
            found = key.search(scripts.group("body"))
            if found is not None:
                offset = scripts.start("body") + found.start()
                return block.line + block.content.count("\n", 0, offset)
    return None


def _is_bin(project: Project, directory: str, name: str) -> bool:
    package = _read_json(project.target / _join(directory, "package.json"))
    for key in ("dependencies", "devDependencies"):
        deps = package.get(key)
        if isinstance(deps, dict) and name in deps:
            return True
    return (project.target / _join(directory, f"node_modules/.bin/{name}")).exists()


def _check_entry_points(project: Project, outcome: StepOutcome) -> None:
    """Console scripts in pyproject.toml and package.json `bin` point at code that exists."""
    for script, (spec, line) in sorted(project.console_scripts.items()):
        module, _, attr = spec.partition(":")
        module = module.strip()
        dotted = f"{module}.{attr.strip().split('.')[0]}" if attr.strip() else module
        top = module.split(".")[0]
        if top not in project.python.top_level() and _somewhere(project, top):
            continue  # a layout the index does not follow (package-dir, namespace package)
        if top not in project.python.top_level():
            outcome.add(
                "scripts/broken-entry-point",
                "error",
                f"console script '{script}' points at {spec}, but module {module} is not in the "
                "project",
                "pyproject.toml",
                line,
            )
        elif project.python.unresolved(dotted) is not None:
            outcome.add(
                "scripts/broken-entry-point",
                "error",
                f"console script '{script}' points at {spec}, which does not exist",
                "pyproject.toml",
                line,
            )
    package_text = read_text(project.target / "package.json")
    for name, path in sorted(project.bins.items()):
        if not project.exists(_clean_path(path)):
            line = line_of(package_text, rf'"{re.escape(path)}"') or 1
            outcome.add(
                "scripts/missing-script",
                "error",
                f"package.json bin '{name}' points at {path}, which does not exist",
                "package.json",
                line,
            )


def _somewhere(project: Project, top: str) -> bool:
    return any(f.endswith((f"/{top}/__init__.py", f"/{top}.py")) for f in project.files)


# --------------------------------------------------------------------------- scripts


def find_scripts(target: Path, files: Iterable[str], is_test: Callable[[str], bool]) -> list[str]:
    """Shell scripts anywhere, and files with a shebang in script directories or at the top;
    not tests (`TechStack.is_test`: `bats checks.sh` names a bats file, no shell script)."""
    found = []
    for path in files:
        pure = PurePosixPath(path)
        if is_test(path) or pure.suffix == ".bats":
            continue
        if pure.suffix in SCRIPT_SUFFIXES:
            found.append(path)
            continue
        in_script_dir = len(pure.parts) > 1 and pure.parts[0] in SCRIPT_DIRS
        top_level_bare = len(pure.parts) == 1 and not pure.suffix
        if (in_script_dir or top_level_bare) and _shebang(target / path):
            found.append(path)
    return sorted(found)


def _shebang(path: Path) -> str | None:
    first = (read_head(path, 200) or b"").split(b"\n", 1)[0]
    return first.decode("utf-8", "replace").strip() if first.startswith(b"#!") else None


def _is_executable(project: Project, path: str, _hops: int = 0) -> bool:
    mode = project.modes.get(path)
    if mode == SYMLINK_MODE and _hops < 8:
        link = project.target / path
        try:
            resolved = link.resolve().relative_to(project.target.resolve()).as_posix()
        except (OSError, ValueError):  # a loop, or a link out of the repository
            return os.access(link, os.X_OK)
        return _is_executable(project, resolved, _hops + 1)  # what the link runs
    if mode is not None:
        return mode == "100755"
    try:
        return bool(os.stat(project.target / path).st_mode & stat.S_IXUSR)
    except OSError:
        return False


PLAIN_DOC_STEMS = frozenset({"readme", "install", "faq", "usage", "manual", "hacking"})
"""Plain-text documents by name (no suffix, or `.txt`): `README`, `INSTALL`, `FAQ` …, what a
project without Markdown or reStructuredText documents itself with (dphys-swapfile 20100506's
README, FAQ and INSTALL)."""


def _plain_documents(target: Path, files: Iterable[str]) -> Iterator[str]:
    """The text of the project's documents that are neither Markdown nor reStructuredText:
    plain-text READMEs, INSTALL and FAQ files (`PLAIN_DOC_STEMS`) and roff manual pages
    (`tool.8` starting `.TH`), which `project_docs` does not parse but a person reads."""
    for rel in files:
        pure = PurePosixPath(rel)
        stem, suffix = pure.stem.lower(), pure.suffix.lower()
        if stem in PLAIN_DOC_STEMS and suffix in ("", ".txt"):
            yield read_text(target / rel, root=target)
        elif MANUAL_PAGE.search(pure.name):
            text = read_text(target / rel, root=target)
            if MANUAL_START.search(text[:4000]):
                yield text


def _check_scripts(
    project: Project,
    scripts: list[str],
    refs: list[Reference],
    docs: dict[str, DocFile],
    files: list[str],
    outcome: StepOutcome,
) -> None:
    doc_text = "\n".join(
        [*(doc.text() for doc in docs.values()), *_plain_documents(project.target, files)]
    )
    automation = _automation_texts(project.target, files, set(scripts))
    usage = _usage(project, refs)
    sourced = _sourced_names(automation.values())
    computed = [pattern for text in automation.values() for pattern in sourced_patterns(text)]
    patterns = {path: path_patterns(text) for path, text in automation.items()}
    built = _built_names(project.target, files, set(scripts))
    for script in scripts:
        name = PurePosixPath(script).name
        loaded = name in sourced or any(pattern.fullmatch(script) for pattern in computed)
        how = usage.get(script, set()) | ({"source"} if loaded else set())
        _check_script_file(project, script, how, outcome)
        mention = _mention(name)
        if script in doc_text or mention.search(doc_text) or loaded:
            continue  # documented, or a library that other scripts load
        if any(_mention(made).search(doc_text) for made in built.get(script, ())):
            continue  # documented under the name the build makes of it (git-dpm.sh -> git-dpm)
        if any(mention.search(text) for path, text in automation.items() if path != script) or any(
            p.fullmatch(script) for path, found in patterns.items() if path != script for p in found
        ):
            outcome.add(
                "scripts/undocumented",
                "info",
                f"{script} is used by the build, CI, tooling or another script but no document "
                "mentions it",
                script,
            )
        else:
            contributed = CONTRIB_DIR in PurePosixPath(script).parts[:-1]
            outcome.add(
                "scripts/unreferenced",
                # info: on twelve labelled projects no unreferenced script was a real problem
                # (maintainer helpers, examples, git hooks); `rules.severity` raises it
                "info",
                f"{script} is not mentioned by any document, build, CI or tooling file (Makefile, "
                "package.json, CI workflow, task runner, pre-commit, dev container): "
                + (
                    "a contributed extra (contrib/), kept as it is by convention"
                    if contributed
                    else "document it or remove it"
                ),
                script,
            )


def _mention(name: str) -> re.Pattern[str]:
    """`name` as a word of a document (not inside a longer name or path)."""
    return re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-])")


BUILD_MAKEFILE = re.compile(r"(?:^|/)(?:GNUmakefile|[Mm]akefile(?:\.am|\.in)?|[^/]+\.mk)$")
_SRCDIR = re.compile(r"^\$[({](?:abs_top_|abs_|top_)?srcdir[)}]/")


def _built_names(target: Path, files: Iterable[str], scripts: set[str]) -> dict[str, set[str]]:
    """For each script that a make rule turns into a file of the script's own name without its
    suffix, that name: git-dpm 0.10.0's Makefile.am has `git-dpm: git-dpm.sh Makefile` (sed
    writes the version in) and installs `bin_SCRIPTS = git-dpm`, the command its README and
    manual page document. Makefile, GNUmakefile, Makefile.am, Makefile.in and *.mk are read;
    a prerequisite is relative to its Makefile's directory (`$(srcdir)/` dropped). A rule of
    any other target (`all: x.sh`, `install: tool.sh`) names no command the docs use."""
    built: dict[str, set[str]] = {}
    for rel in files:
        if not BUILD_MAKEFILE.search(rel):
            continue
        base = PurePosixPath(rel).parent
        makefile = Makefile.parse(read_text(target / rel, root=target))
        for made, rules in makefile.rules.items():
            made_name = PurePosixPath(made).name
            if "$" in made or "%" in made or not made_name:
                continue
            for rule in rules:
                for prerequisite in rule.prerequisites:
                    path = posixpath.normpath((base / _SRCDIR.sub("", prerequisite)).as_posix())
                    if path in scripts and made_name in _stems(PurePosixPath(path).name):
                        built.setdefault(path, set()).add(made_name)
    return built


def _stems(name: str) -> set[str]:
    """`name` without its last suffix, and without all of them: tool.sh.in -> tool.sh, tool."""
    stems = set()
    while "." in name.lstrip("."):
        name = name.rsplit(".", 1)[0]
        stems.add(name)
    return stems


def _usage(project: Project, refs: list[Reference]) -> dict[str, set[str]]:
    """For each referenced file: how it is run ("direct", "source", or an interpreter)."""
    usage: dict[str, set[str]] = {}
    for ref in refs:
        if ref.kind == "file":
            found = _resolve_file(project, ref)
            if found:
                how = "direct" if ref.direct else ("source" if ref.via in SOURCING else ref.via)
                usage.setdefault(found, set()).add(how)
    return usage


_SOURCED_ONLY_RE = re.compile(
    r"""^\s*if\s+!\s*\(\s*return\s+0\s*2>\s*/dev/null\s*\)"""
    r"""|^\s*\[\[?\s*"?\$\{?BASH_SOURCE(?:\[0\])?\}?"?\s*==?\s*"?\$\{?0\}?"?\s*\]\]?\s*&&\s*"""
    r"""(?:\{\s*)?(?:echo|printf)[^\n]*\bsourced?\b""",
    re.M,
)
"""A guard that makes a script refuse to run unless it is sourced (`if ! (return 0 2>/dev/null)`,
`[[ "${BASH_SOURCE[0]}" == "$0" ]] && echo "must be sourced"`): a shebang would never be read."""


COMPLETION_RE = re.compile(r"^[ \t]*(?:complete[ \t]+-[A-Za-z]|compdef[ \t]+[\w-])", re.M)
"""A command that registers shell completion (bash's `complete -F _gog gog`, zsh's `compdef`):
it only does its work in the interactive shell that sources the file (gog 0.0.12's
bin/gog.bash, which gog-install adds to ~/.bash_profile as `source '$bin/gog.bash'`); run as a
program, the completion would die with its process, so no shebang is ever read."""


def _refuses_to_run(project: Project, script: str) -> bool:
    """Whether the script says it must be sourced, or is a completion script (COMPLETION_RE)."""
    text = read_text(project.target / script)
    return _SOURCED_ONLY_RE.search(text) is not None or COMPLETION_RE.search(text) is not None


def _check_script_file(
    project: Project, script: str, usage: set[str], outcome: StepOutcome
) -> None:
    if usage and usage <= SOURCING | {"source"}:
        return  # a library that is only ever sourced needs neither
    if "direct" not in usage and _refuses_to_run(project, script):
        return  # it must be sourced (it says so, or it registers completion): no shebang is read
    shebang = _shebang(project.target / script)
    executable = _is_executable(project, script)
    only_interpreted = bool(usage) and "direct" not in usage
    replayed = None if shebang or "direct" in usage else _session_transcript(project, script)
    if shebang is None and not only_interpreted:
        outcome.add(
            "scripts/missing-shebang",
            "warning" if (executable or "direct" in usage) and not replayed else "info",
            f"{script} has no shebang line (e.g. #!/usr/bin/env bash)"
            + (
                f": each of its lines is a command typed at the prompt of {replayed} beside it, "
                "a terminal session it replays (a shebang would show as one more typed command)"
                if replayed
                else ""
            ),
            script,
            1,
        )
    if not executable and shebang is not None and not only_interpreted and "direct" not in usage:
        outcome.add(
            "scripts/not-executable",
            # info: nothing in the project runs it directly (that case is the error above);
            # on the labelled projects 0 of 18 such scripts were worth fixing (fragments a
            # build concatenates, scripts a Makefile runs with `bash file` or `"${SHELL}" file`)
            "info",
            f"{script} has a shebang but no executable bit (nothing in the project runs it "
            "directly)",
            script,
            1,
        )


def _session_transcript(project: Project, script: str) -> str | None:
    """The file beside `script` with its stem (`defaults.txt` for `defaults.sh`) that holds each
    of the script's lines, in order, as a command typed at a prompt, or None. coloredlogs
    15.0.1's docs/examples/*.sh are sessions its screenshot script feeds to `bash -` line by
    line, writing `$ <line>` and the output into the .txt the documentation includes: input
    to replay, not a program to run."""
    lines = [line.strip() for line in read_text(project.target / script).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    for other in project.same_stem(script):
        # the commands of its prompt lines (`$ make`, `user@host:~$ make`: `strip_prompt`)
        prompted = map(strip_prompt, read_text(project.target / other).splitlines())
        typed = [command.strip() for command in prompted if command]
        if _in_order(lines, typed):
            return other
    return None


def _in_order(wanted: list[str], typed: list[str]) -> bool:
    """Whether `wanted` occur in `typed` in that order (other commands between them allowed)."""
    remaining = iter(typed)
    return all(any(command == line for command in remaining) for line in wanted)


def _sourced_names(texts: Iterable[str]) -> set[str]:
    """File names that some script loads with `source x` or `. x` (`sourced_names`), or writes
    such a line for a shell's startup file (`written_source_names`): libraries, which need no
    shebang or executable bit."""
    return {name for text in texts for name in sourced_names(text) | written_source_names(text)}


_EXPANSION_OPEN_RE = re.compile(r"\$[({]")
_SIMPLE_EXPANSION_RE = re.compile(r"\$(?:\w+|[@<*^?%])")
_PATTERN_TOKEN_RE = re.compile(r"[\w.@+\-*\x00]*/[\w.@+\-*/\x00]*")
_HOLE = "\x00"


def path_patterns(text: str) -> list[re.Pattern[str]]:
    """Paths a build or tooling file names with a variable or glob part, as patterns:
    `src/platform/$(shell uname | tr A-Z a-z).sh` and `scripts/*.sh` name every file they can
    expand to. A pattern needs a literal directory (`$(BINDIR)/x` names no file here)."""
    holed = _SIMPLE_EXPANSION_RE.sub(_HOLE, _fill_expansions(text)).replace("*", _HOLE)
    patterns = []
    for token in _PATTERN_TOKEN_RE.findall(holed):
        token = token.removeprefix("./")
        folder = token.rpartition("/")[0]
        if _HOLE not in token or not folder or _HOLE in folder.split("/")[0]:
            continue
        literal = [re.escape(part) for part in token.split(_HOLE)]
        patterns.append(re.compile("[^/]*".join(literal)))
    return patterns


def _fill_expansions(text: str) -> str:
    """Every `$(...)`/`${...}` (nested ones too) replaced by one hole character."""
    out: list[str] = []
    position = 0
    for match in _EXPANSION_OPEN_RE.finditer(text):
        if match.start() < position:
            continue  # inside an expansion already filled
        depth, index = 0, match.start() + 1
        while index < len(text):
            if text[index] in "({":
                depth += 1
            elif text[index] in ")}":
                depth -= 1
                if depth == 0:
                    break
            elif text[index] == "\n":
                break
            index += 1
        out += [text[position : match.start()], _HOLE]
        position = index + 1
    out.append(text[position:])
    return "".join(out)


LOADED_SHELL_SUFFIXES = frozenset({".zsh-theme"})
"""Shell code that a shell framework sources, by its suffix: oh-my-zsh and prezto load a theme
`name.zsh-theme` (powerlevel9k 0.6.7's `powerlevel9k.zsh-theme`, which sources
`functions/vcs.zsh` and the other function libraries)."""
SHELL_MODELINE = re.compile(
    r"^#.*\b(?:vim?|ex):.*\b(?:ft|filetype|syntax)=(?:zsh|sh|bash|ksh)\b"
    r"|^#.*-\*-.*\bmode:\s*(?:sh|shell-script|zsh|bash)\b.*-\*-"
)
"""A first line that tells the editor the file is shell code (`# vim:ft=zsh ts=2 sw=2`,
`# -*- mode: sh -*-`): a file without a suffix or shebang that a shell sources (a zsh prompt
or autoloaded function file, `prompt_powerlevel9k_setup`)."""


def _loaded_shell_code(target: Path, rel: str) -> bool:
    """Shell code with no shell suffix or shebang that a shell sources: a `.zsh-theme`, or a
    file without a suffix whose first line is a shell modeline (`SHELL_MODELINE`)."""
    suffix = PurePosixPath(rel).suffix
    if suffix in LOADED_SHELL_SUFFIXES:
        return True
    if suffix:
        return False
    first = (read_head(target / rel, 200) or b"").split(b"\n", 1)[0]
    return SHELL_MODELINE.match(first.decode("utf-8", "replace")) is not None


def _automation_texts(target: Path, files: list[str], scripts: set[str]) -> dict[str, str]:
    """Build, CI and script files (also suffix-less executables with a shell shebang, such as
    `libexec/tool-run`, and shell code a shell sources, `_loaded_shell_code`), whose mention of
    a script means it is in use."""
    chosen = [
        f
        for f in files
        if is_automation_file(f)
        or f in scripts
        or PurePosixPath(f).suffix in {*SCRIPT_SUFFIXES, ".bats"}  # test helpers too
        or (not PurePosixPath(f).suffix and has_shell_shebang(target / f))
        or _loaded_shell_code(target, f)
    ]
    return {f: read_text(target / f) for f in chosen}
