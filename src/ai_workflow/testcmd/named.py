"""The files a project's test command names: `mocha tests.js`, `node test.js`, `tape test/*.js`,
`pytest tests.py`.

A project may keep its tests in a file no naming convention finds (`ms` runs `mocha tests.js`);
its test command says they are tests. The command is read as `commands.resolve` reads it
(through `npm test`/`npm run X`, Makefile, justfile and Taskfile recipes, `sh -c`, coverage and
environment wrappers), and every path a test runner is given is resolved to the project's files:
globs expanded as a shell would (`*` within one directory, `**` across them), a name without
extension as the runner resolves it (mocha adds `.js`; node and tape `require` it: `test` →
`test.js` or `test/index.js`; jest's and vitest's are patterns, taken only when exact). A
directory names no file: what is in it is found by the test-directory conventions. An
interpreter (`node`, `python`) names its script only when that script's path says it tests
(`node run-tests.js`, not `node build.js && mocha`), as `commands` does for test scripts.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from ai_workflow.testcmd.commands import (
    MAX_DEPTH,
    ROOT_DIRECTORIES,
    SHELLS,
    TEST_SCRIPT,
    VALUE_OPTIONS,
    WRAPPERS,
    normalise_path,
    recipe_of,
    simple_commands,
    strip_prefixes,
)
from ai_workflow.testcmd.declared import ProjectSources

# Runners whose positional arguments are test files: the framework whose options they share, and
# how a path is resolved: "exact" (jest and vitest take patterns, pytest and bats paths),
# "extension" (mocha adds `.js`), "require" (tape requires each path: `test` → `test/index.js`).
RUNNERS: dict[str, tuple[str, str]] = {
    "mocha": ("mocha", "extension"), "_mocha": ("mocha", "extension"),
    "electron-mocha": ("mocha", "extension"), "tape": ("mocha", "require"),
    "tap": ("mocha", "extension"), "ava": ("mocha", "extension"),
    "jasmine": ("mocha", "extension"), "qunit": ("mocha", "extension"),
    "nodeunit": ("mocha", "extension"), "lab": ("mocha", "extension"),
    "jest": ("jest", "exact"), "vitest": ("vitest", "exact"), "pytest": ("pytest", "exact"),
    "py.test": ("pytest", "exact"), "bats": ("bats", "exact"),
}  # fmt: skip
NODE_INTERPRETERS = frozenset({"node", "nodejs", "ts-node", "tsx", "babel-node"})
PYTHON = re.compile(r"python[\d.]*")
INTERPRETER_VALUE_OPTIONS = frozenset(
    {"-r", "--require", "--import", "--loader", "--experimental-loader", "--env-file",
     "--test-reporter", "--test-reporter-destination", "--test-name-pattern", "-W", "-X"}
)  # fmt: skip
INLINE_CODE = frozenset({"-e", "--eval", "-p", "--print", "-c"})
NODE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")
NPM_CLIENTS = frozenset({"npm", "yarn", "pnpm", "bun"})
RECIPE_TOOLS = frozenset({"make", "gmake", "just", "task"})


def named_test_files(scripts: Iterable[str], sources: ProjectSources) -> list[str]:
    """The project's files that the test runners in `scripts` (shell text) are given."""
    found: dict[str, None] = {}
    for script in scripts:
        for path in _in_script(script, sources, 0):
            found.setdefault(path, None)
    return list(found)


def _in_script(script: str, sources: ProjectSources, depth: int) -> list[str]:
    if depth > MAX_DEPTH:
        return []
    out: list[str] = []
    for words, negated in simple_commands(script):
        if words[0] in ("cd", "pushd") and normalise_path(words[-1]) not in ROOT_DIRECTORIES:
            break  # what follows runs in another directory: its paths are not ours
        if not negated:
            out += _in_command(words, sources, depth) or []
    return out


def _in_command(words: Sequence[str], sources: ProjectSources, depth: int) -> list[str] | None:
    """The files one simple command gives a test runner; None when it starts nothing we read."""
    words, _ = strip_prefixes(words)
    if not words:
        return None
    name = PurePosixPath(words[0]).name
    if name in SHELLS and len(words) > 2 and words[1] == "-c":
        return _in_script(words[2], sources, depth + 1)
    if name in RUNNERS:
        framework, mode = RUNNERS[name]
        return _runner_files(framework, list(words[1:]), sources, mode)
    if name in NODE_INTERPRETERS:
        return _interpreter_files(list(words[1:]), sources, node=True)
    if PYTHON.fullmatch(name):
        if words[1:3] == ["-m", "pytest"]:
            return _runner_files("pytest", list(words[3:]), sources, "exact")
        return _interpreter_files(list(words[1:]), sources, node=False)
    if name in NPM_CLIENTS or name in RECIPE_TOOLS:
        inner = _entry_text(name, list(words[1:]), sources)
        return None if inner is None else _in_script(inner, sources, depth + 1)
    if name in WRAPPERS:
        return _wrapped(words, sources, depth)
    return None


def _wrapped(words: Sequence[str], sources: ProjectSources, depth: int) -> list[str] | None:
    """What a wrapper (`nyc`, `c8`, `cross-env X=1`, `npx`) runs: the first command we read."""
    for start in range(1, len(words)):
        if words[start].startswith("-"):
            continue
        inner = _in_command(words[start:], sources, depth)
        if inner is not None:
            return inner
    return None


def _entry_text(tool: str, args: list[str], sources: ProjectSources) -> str | None:
    """The script or recipe `npm test`, `npm run X`, `yarn X`, `make X` runs."""
    rest = [a for a in args if not a.startswith("-")]
    if not rest:
        return None
    if tool in NPM_CLIENTS:
        if rest[0] in ("test", "t", "tst") and tool != "bun":
            return sources.npm_script("test")
        if rest[0] in ("run", "run-script") and len(rest) > 1:
            return sources.npm_script(rest[1])
        return sources.npm_script(rest[0]) if tool in ("yarn", "pnpm") else None
    return recipe_of(sources, "make" if tool == "gmake" else tool, rest[0])


def _runner_files(framework: str, rest: list[str], sources: ProjectSources, mode: str) -> list[str]:
    value_options = VALUE_OPTIONS.get(framework, frozenset()) | INTERPRETER_VALUE_OPTIONS
    out: list[str] = []
    skip = False
    for word in rest:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in value_options
        else:
            out += resolve_files(word.split("::", 1)[0], sources, mode)
    return out


def _interpreter_files(rest: list[str], sources: ProjectSources, node: bool) -> list[str]:
    """The script an interpreter runs, when its name says it tests; `node --test` is a runner."""
    if node and "--test" in rest:
        return _runner_files("node-test", [w for w in rest if w != "--test"], sources, "exact")
    skip = False
    for word in rest:
        if skip:
            skip = False
        elif word in INLINE_CODE or (not node and word == "-m"):
            return []
        elif word.startswith("-"):
            skip = word in INTERPRETER_VALUE_OPTIONS
        else:
            files = resolve_files(word, sources, "require" if node else "exact")
            return [f for f in files if TEST_SCRIPT.search(f)]
    return []


def resolve_files(word: str, sources: ProjectSources, mode: str = "exact") -> list[str]:
    """The project files a command-line path names: a glob's matches, the file, or (`mode`)
    the file with a `.js` extension added, or what node's `require` loads for it (`lib` →
    `lib/index.js`); [] for a directory otherwise, or a path the project lacks."""
    path = normalise_path(word)
    if any(c in path for c in "*?["):
        return [f for f in sources.files if glob_match(path, f)]
    if path in sources.file_set:
        return [path]
    candidates = [path + s for s in NODE_SUFFIXES] if mode in ("extension", "require") else []
    if mode == "require":
        candidates += [f"{path}/index{s}" for s in NODE_SUFFIXES]
    return next(([c] for c in candidates if c in sources.file_set), [])


def glob_match(pattern: str, path: str) -> bool:
    """Shell-style match of a whole path: `*` stays within a directory, `**` spans any."""
    return _match(pattern.split("/"), path.split("/"))


def _match(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_match(rest, parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _match(rest, parts[1:])
