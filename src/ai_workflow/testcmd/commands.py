"""Read the shell a project's entry points are written in, and recognise the test runners it starts.

A CI step, a package.json script or a Makefile recipe is shell. `simple_commands` splits it into
simple commands (at `&&`, `||`, `;`, `|`, newlines) and drops what only prepares one (`VAR=value`,
`time`, `env`, `if`/`then`), marking negated ones (`! cmd`: expected to fail). `resolve` then
recognises the test runner each command starts (bats, pytest, go test, ...), looking through
coverage and environment wrappers (`nyc`, `kcov`, `uv run`, `bundle exec`, `bash -c "..."`) and
following `npm test`/`npm run X`, `make X`, `just X` and `task X` into the script or recipe they
run, and `docker-compose run SERVICE` into the service's command in the project's Compose file.
What is only an entry point (a recipe with no runner it can read, a test script, tox) is kept
as such: it can be run, not looked into.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Protocol

MAX_DEPTH = 5  # scripts calling scripts; also stops cycles
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
OPERATOR_CHARS = frozenset("();<>|&")
SHELL_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "{", "}"})
PLAIN_PREFIXES = frozenset({"exec", "command", "builtin", "nohup", "sudo"})
OPTION_PREFIXES = frozenset({"time", "env", "xvfb-run", "unbuffer", "stdbuf", "nice"})
ENV_VALUE_OPTIONS = frozenset({"-u", "--unset", "-C", "--chdir"})
# Commands that run another command given somewhere in their arguments.
WRAPPERS = frozenset(
    {"nyc", "c8", "kcov", "coverage", "npx", "pnpx", "bunx", "cross-env", "dotenv", "uv",
     "poetry", "pipenv", "pdm", "hatch", "rye", "timeout", "script"}
)  # fmt: skip
# How CI scripts name the checkout's root (a `cd` there keeps the root's paths).
ROOT_DIRECTORIES = frozenset(
    {".", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}", "$CI_PROJECT_DIR", "${CI_PROJECT_DIR}"}
)
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
JS_RUNNERS = ("vitest", "jest", "mocha")
TEST_TARGET = re.compile(r"test|(?:^|[-_:.])(?:check|specs?)(?:$|[-_:.])", re.IGNORECASE)
NOT_TESTS = re.compile(r"lint|type|format|fmt|style|shellcheck|spell", re.IGNORECASE)
TEST_SCRIPT = re.compile(r"test", re.IGNORECASE)
GO_PACKAGE = re.compile(r"^(?:\.{1,2}(?:/.*)?|.*\.\.\.)$")

# Options whose value is the next word (so the value is not taken for a path), per runner.
VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "bats": frozenset(
        {"-f", "--filter", "-F", "--formatter", "-j", "--jobs", "-o", "--output",
         "--report-formatter", "--filter-status", "--filter-tags", "--gather-test-outputs-in",
         "--code-quote-style", "--line-reference-format", "--setup-suite-file", "--abort"}
    ),
    "pytest": frozenset(
        {"-k", "-m", "-c", "-p", "-o", "-n", "-W", "--rootdir", "--confcutdir", "--basetemp",
         "--cov", "--cov-report", "--junitxml", "--junit-xml", "--maxfail", "--durations",
         "--tb", "--log-level", "--dist", "--ignore", "--deselect", "--import-mode"}
    ),
    "mocha": frozenset(
        {"-r", "--require", "-R", "--reporter", "-O", "--reporter-option", "-u", "--ui",
         "-t", "--timeout", "-g", "--grep", "--file", "--config", "--package", "-s", "--slow",
         "--extension", "--ignore", "--exclude"}
    ),
    "jest": frozenset({"-c", "--config", "--testNamePattern", "-t", "--reporters", "--shard"}),
    "vitest": frozenset({"-c", "--config", "--root", "--dir", "--reporter", "--project"}),
    "node-test": frozenset({"--test-reporter", "--test-reporter-destination", "-r", "--require",
                            "--import", "--test-name-pattern", "--test-concurrency"}),
    "rspec": frozenset({"-f", "--format", "-o", "--out", "-r", "--require", "-t", "--tag",
                        "-e", "--example", "--seed", "-I", "--default-path"}),
}  # fmt: skip
KEPT_FLAGS: dict[str, frozenset[str]] = {
    "bats": frozenset({"-r", "--recursive"}),
    "mocha": frozenset({"--recursive", "--exit"}),
    "go-test": frozenset({"-race", "-short", "-tags"}),
    "cargo-test": frozenset(
        {"--workspace", "--all", "--all-features", "--no-default-features", "--features",
         "-p", "--package", "--lib", "--tests", "--doc"}
    ),
    "ctest": frozenset({"--test-dir", "--preset", "-C", "--build-config", "-L", "-E"}),
}  # fmt: skip
# Options that change which tests load and how, kept with their value when a runner is read from
# a recipe ai-workflow runs itself (a Makefile's `mocha --require should`: the tests call
# should's `Object.prototype` getter, and every one of them fails without it).
KEPT_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "mocha": frozenset(
        {"-r", "--require", "-u", "--ui", "--file", "--extension", "--config", "--package",
         "-t", "--timeout"}
    ),
}  # fmt: skip
KEPT_WITH_VALUE = frozenset(
    {"-tags", "--features", "-p", "--package", "--test-dir", "--preset", "-C", "--build-config",
     "-L", "-E"}
)  # fmt: skip


class Project(Protocol):
    """What resolving a command needs to know about the project."""

    def exists(self, path: str) -> bool:
        """Whether `path` (relative, normalised) is a file or directory of the project."""
        ...

    def matches(self, pattern: str) -> bool:
        """Whether a glob names any of the project's files."""
        ...

    def npm_script(self, name: str) -> str | None: ...

    def make_recipe(self, target: str) -> str | None: ...

    def just_recipe(self, name: str) -> str | None: ...

    def task_recipe(self, name: str) -> str | None: ...

    def compose_command(self, service: str) -> str | None:
        """The `command` of a service of the project's Compose file, as shell text."""
        ...


@dataclass(frozen=True)
class Invocation:
    """A test runner (or an entry point that runs tests) a project's command starts."""

    framework: str  # bats, pytest, go-test, ...; make, just, task, script, tox, nox, npm-script
    program: tuple[str, ...]  # how to start it as written: ("bin/bats",), ("make", "test")
    args: tuple[str, ...]  # what it tests: paths, packages, the options kept
    command: str  # the simple command, as written
    via: tuple[str, ...] = ()  # scripts and recipes followed to reach it, outermost first
    npm_script: str | None = None  # the package.json script whose text starts it
    direct: bool = True  # False: an entry point ai-workflow runs but cannot look into

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        """What two invocations must share to run the same tests."""
        return self.framework, self.args

    def describe(self) -> str:
        chain = " → ".join((*self.via, self.command)) if self.via else self.command
        return f"`{chain}`"


# --------------------------------------------------------------------------- splitting


def simple_commands(script: str) -> Iterator[tuple[list[str], bool]]:
    """The simple commands of a shell script, each with whether it is negated (`! cmd`)."""
    text = GITHUB_EXPRESSION.sub("", script).replace("\\\n", " ")
    for line in text.splitlines():
        for words in _segments(line):
            stripped, negated = strip_prefixes(words)
            if stripped:
                yield stripped, negated


def _segments(line: str) -> Iterator[list[str]]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: not a line we can read
        return
    words: list[str] = []
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            if not set(token) <= OPERATOR_CHARS:
                continue
        if token and set(token) <= OPERATOR_CHARS:
            if "<" in token or ">" in token:  # a redirection: drop it and its target
                if words and words[-1].isdigit():
                    words.pop()
                skip_next = not token.endswith("&") or token in (">&", "<&")
                continue
            if words:
                yield words
            words = []
            continue
        words.append(token)
    if words:
        yield words


def strip_prefixes(words: Sequence[str]) -> tuple[list[str], bool]:
    """`words` without what only prepares the command; and whether it was negated."""
    rest = list(words)
    negated = False
    while rest:
        head = rest[0]
        name = PurePosixPath(head).name
        if head == "!":
            negated = True
        elif head in SHELL_KEYWORDS or name in PLAIN_PREFIXES or ASSIGNMENT.match(head):
            pass
        elif name in OPTION_PREFIXES:
            while len(rest) > 1 and (rest[1].startswith("-") or ASSIGNMENT.match(rest[1])):
                option = rest.pop(1)
                if name == "env" and option in ENV_VALUE_OPTIONS and len(rest) > 1:
                    rest.pop(1)
        else:
            break
        rest.pop(0)
    return rest, negated


# --------------------------------------------------------------------------- resolving


def resolve(
    script: str, project: Project, via: tuple[str, ...] = (), depth: int = 0
) -> list[Invocation]:
    """The test runners and test entry points `script` starts (negated commands left out)."""
    found: list[Invocation] = []
    if depth > MAX_DEPTH:
        return found
    for words, negated in simple_commands(script):
        if words[0] in ("cd", "pushd") and normalise_path(words[-1]) not in ROOT_DIRECTORIES:
            break  # what follows runs in another directory: its paths are not ours
        if not negated:
            found.extend(recognise(words, project, via, depth))
    return found


def recognise(
    words: Sequence[str], project: Project, via: tuple[str, ...] = (), depth: int = 0
) -> list[Invocation]:
    """What one simple command starts: a runner, an entry point, or nothing we know."""
    words, negated = strip_prefixes(words)
    if not words or negated:
        return []
    command = shlex.join(words)
    name = PurePosixPath(words[0]).name
    if name in SHELLS and len(words) > 2 and words[1] == "-c":
        return resolve(words[2], project, via, depth + 1)
    if name == "bundle" and words[1:2] == ["exec"]:
        inner = recognise(words[2:], project, via, depth)
        return [replace(i, program=("bundle", "exec", *i.program)) for i in inner]
    if name in WRAPPERS:
        return _wrapped(words, project, via, depth)
    if name in COMPOSE or (name in ("docker", "podman") and words[1:2] == ["compose"]):
        return _compose_run(list(words), project, via, depth)
    runner = _runner(name, list(words), project, command, via)
    if runner is not None:
        return [runner] if runner.framework else []
    return _entry_point(name, list(words), project, command, via, depth)


def _wrapped(
    words: Sequence[str], project: Project, via: tuple[str, ...], depth: int
) -> list[Invocation]:
    """The command a wrapper (`nyc`, `uv run`, `kcov out`) runs: the first one we recognise."""
    for start in range(1, len(words)):
        if words[start].startswith("-"):
            continue
        inner = recognise(words[start:], project, via, depth)
        if inner:
            return inner
    return []


COMPOSE = frozenset({"docker-compose", "podman-compose"})
COMPOSE_VALUE_OPTIONS = frozenset(
    {"-e", "--env", "-l", "--label", "-p", "--publish", "--name", "-u", "--user", "-v",
     "--volume", "--project-name", "--profile", "--env-file", "--ansi", "--progress",
     "--parallel", "--pull", "--cap-add", "--cap-drop"}
)  # fmt: skip
# Options that move the command away from the checkout (another compose file, working
# directory or program): what it runs is then not read here.
COMPOSE_ELSEWHERE = frozenset(
    {"-f", "--file", "-w", "--workdir", "--entrypoint", "--project-directory"}
)


def _compose_run(
    words: list[str], project: Project, via: tuple[str, ...], depth: int
) -> list[Invocation]:
    """`docker-compose run SERVICE [COMMAND]` (or `docker compose run`): the command given, else
    the service's own `command` in the project's Compose file, which runs the checkout's copy
    in its image (checksec's CI runs `docker-compose run checksec-ubuntu`, whose command is
    `bash -c "./tests/test-checksec.sh"`). Only what names the project's own files is kept."""
    start = 2 if PurePosixPath(words[0]).name in ("docker", "podman") else 1
    rest = words[start:]
    index = _compose_positional(rest)
    if index is None or rest[index] != "run":
        return []
    words = rest[index + 1 :]
    service = _compose_positional(words)
    if service is None:
        return []
    entry = (*via, shlex.join(["docker-compose", "run", words[service]]))
    if words[service + 1 :]:
        return recognise(words[service + 1 :], project, entry, depth + 1)
    command = project.compose_command(words[service])
    return resolve(command, project, entry, depth + 1) if command else []


def _compose_positional(words: list[str]) -> int | None:
    """The index of the first word that is not an option or an option's value; None when there
    is none, or when an option points Compose at files other than the project's own."""
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
        elif word.split("=", 1)[0] in COMPOSE_ELSEWHERE:
            return None
        elif word in COMPOSE_VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return index
    return None


_NOT_HERE = Invocation("", (), (), "")  # a runner, but pointed at files this project lacks


def _runner(
    name: str, words: list[str], project: Project, command: str, via: tuple[str, ...]
) -> Invocation | None:
    """A test runner we read: None when `words` is none; `_NOT_HERE` when it runs files that
    are not in this project (a CI step testing another checkout)."""
    framework, program, rest = _runner_kind(name, words)
    if framework is None:
        return None
    if framework == "go-test":
        args = _go_args(rest)
    elif framework in ("maven", "gradle", "rake", "unittest"):
        args = tuple(rest)
    elif framework in ("cargo-test", "ctest"):
        args = _kept_options(framework, rest)
    else:
        paths = _path_args(framework, rest, project)
        if paths is None:
            return _NOT_HERE
        args = paths
    return Invocation(framework, program, args, command, via)


def _runner_kind(name: str, words: list[str]) -> tuple[str | None, tuple[str, ...], list[str]]:
    """(framework, program, the words after it) of a runner command."""
    second = words[1] if len(words) > 1 else ""
    if name == "bats":
        return "bats", (words[0],), words[1:]
    if name in ("pytest", "py.test"):
        return "pytest", ("pytest",), words[1:]
    module = words[2] if len(words) > 2 and second == "-m" else ""
    if re.fullmatch(r"python[\d.]*", name) and module in ("pytest", "unittest"):
        return module, ("python", "-m", module), words[3:]
    if name == "go" and second == "test":
        return "go-test", ("go", "test"), words[2:]
    if name == "cargo" and second == "test":
        return "cargo-test", ("cargo", "test"), words[2:]
    if name in JS_RUNNERS:
        rest = words[2:] if name == "vitest" and second == "run" else words[1:]
        return name, (name,), rest
    if name == "node" and "--test" in words:
        return "node-test", ("node", "--test"), [w for w in words[1:] if w != "--test"]
    if name == "ctest":
        return "ctest", ("ctest",), words[1:]
    if name == "rspec":
        return "rspec", ("rspec",), words[1:]
    if name == "rake" and ({"test", "spec"} & set(words[1:])):
        return "rake", ("rake",), ["spec" if "spec" in words else "test"]
    return _build_tool_kind(name, words)


def _build_tool_kind(name: str, words: list[str]) -> tuple[str | None, tuple[str, ...], list[str]]:
    if name in ("mvn", "mvnw"):
        goals = [w for w in words[1:] if w in ("test", "verify", "package", "install")]
        if goals:
            program = (words[0],) if name == "mvnw" else ("mvn",)
            return "maven", program, ["verify" if "verify" in goals else "test"]
    if name in ("gradle", "gradlew"):
        tasks = [w for w in words[1:] if not w.startswith("-")]
        tests = [t for t in tasks if t == "test" or t.endswith((":test", "Test"))]
        if tests or {"check", "build"} & set(tasks):
            program = (words[0],) if name == "gradlew" else ("gradle",)
            return "gradle", program, tests or ["test"]
    return None, (), []


def _path_args(framework: str, rest: list[str], project: Project) -> tuple[str, ...] | None:
    """The paths a runner is given (and the flags and valued options we keep); None when it is
    given paths and none of them is in the project."""
    value_options = VALUE_OPTIONS.get(framework, frozenset())
    kept_flags = KEPT_FLAGS.get(framework, frozenset())
    kept_values = KEPT_VALUE_OPTIONS.get(framework, frozenset())
    out: list[str] = []
    positional = found = 0
    skip = keep = False
    for word in rest:
        if skip:
            skip = False
            if keep:
                out.append(word)
            continue
        if word.startswith("-"):
            if word in value_options:
                skip, keep = True, word in kept_values
                if keep:
                    out.append(word)
            elif word in kept_flags or word.split("=", 1)[0] in kept_values:
                out.append(word)
            continue
        positional += 1
        path = normalise_path(word.split("::", 1)[0])
        if project.exists(path) or (_is_glob(word) and project.matches(path)):
            out.append(path)
            found += 1
    if positional and not found:
        return None
    return tuple(out)


def _go_args(rest: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    skip = False
    for word in rest:
        if skip:
            skip = False
            out.append(word)
            continue
        option = word.split("=", 1)[0]
        if option in KEPT_FLAGS["go-test"]:
            out.append(word)
            skip = option in KEPT_WITH_VALUE and "=" not in word
        elif word.startswith("-"):
            continue
        elif GO_PACKAGE.match(word):
            out.append(word)
    return tuple(out)


def _kept_options(framework: str, rest: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    keep_value = False
    for word in rest:
        if keep_value:
            out.append(word)
            keep_value = False
        elif word.split("=", 1)[0] in KEPT_FLAGS[framework]:
            out.append(word)
            keep_value = word in KEPT_WITH_VALUE
    return tuple(out)


def normalise_path(word: str) -> str:
    path = word.rstrip("/") or "."
    while path.startswith("./"):
        path = path[2:]
    return path or "."


def _is_glob(word: str) -> bool:
    return any(c in word for c in "*?[")


# --------------------------------------------------------------------------- entry points


def _entry_point(
    name: str,
    words: list[str],
    project: Project,
    command: str,
    via: tuple[str, ...],
    depth: int,
) -> list[Invocation]:
    if name in ("npm", "yarn", "pnpm", "bun"):
        return _npm(name, words, project, command, via, depth)
    if name in ("make", "gmake", "just", "task"):
        return _recipe(name, words, project, command, via, depth)
    if name in ("tox", "nox"):
        return [Invocation(name, (name,), (), command, via, direct=False)]
    script = _script(name, words, project)
    if script is not None:
        return [Invocation("script", script, (), command, via, direct=False)]
    return []


def _npm(
    pm: str, words: list[str], project: Project, command: str, via: tuple[str, ...], depth: int
) -> list[Invocation]:
    rest = [w for w in words[1:] if not w.startswith("-")]
    if not rest:
        return []
    if rest[0] in ("test", "t", "tst") and pm != "bun":
        name = "test"
    elif rest[0] in ("run", "run-script") and len(rest) > 1:
        name = rest[1]
    elif pm in ("yarn", "pnpm") and project.npm_script(rest[0]) is not None:
        name = rest[0]
    else:
        return []
    script = project.npm_script(name)
    if script is None:
        return []
    entry = (pm, "test") if name == "test" and pm != "bun" else (pm, "run", name)
    inner = resolve(script, project, (*via, shlex.join(entry)), depth + 1)
    inner = [i if i.npm_script else replace(i, npm_script=name) for i in inner]
    return _through(inner, "npm-script", entry, command, via, name)


def _recipe(
    tool: str, words: list[str], project: Project, command: str, via: tuple[str, ...], depth: int
) -> list[Invocation]:
    name = _first_target(words[1:])
    if name is None:
        return []
    recipe = recipe_of(project, tool, name)
    if recipe is None:
        return []
    kind = "make" if tool == "gmake" else tool
    entry = (tool, name)
    inner = resolve(recipe, project, (*via, shlex.join(entry)), depth + 1)
    return _through(inner, kind, entry, command, via, name)


def recipe_of(project: Project, tool: str, name: str) -> str | None:
    """The text of recipe `name` of `tool`'s file (make and gmake read the Makefile)."""
    lookup = {"just": project.just_recipe, "task": project.task_recipe}.get(
        tool, project.make_recipe
    )
    return lookup(name)


ELSEWHERE = frozenset({"-C", "-f", "--file", "--directory", "-d", "--dir", "--working-directory",
                       "--justfile", "--taskfile"})  # fmt: skip
MAKE_VALUE_OPTIONS = frozenset({"-j", "--jobs", "-I", "-o", "-W", "-l"})


def _first_target(args: list[str]) -> str | None:
    """The first target, script or task named; None when it is read from elsewhere."""
    if any(a.split("=", 1)[0] in ELSEWHERE for a in args):
        return None  # another directory's or file's recipes: not ours to read
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in MAKE_VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-") and "=" not in arg:
            return arg
    return None


def _through(
    inner: list[Invocation],
    kind: str,
    entry: tuple[str, ...],
    command: str,
    via: tuple[str, ...],
    name: str,
) -> list[Invocation]:
    """What an npm script or a recipe runs: its one runner, else the entry point itself (when it
    runs several runners, or none we read, and its name says it tests)."""
    direct = [i for i in inner if i.direct]
    if len({i.key for i in direct}) == 1 and len(direct) == len(inner):
        return direct
    if is_test_target(name):
        return [Invocation(kind, entry, (), command, via, direct=False)]
    return []


def _script(name: str, words: list[str], project: Project) -> tuple[str, ...] | None:
    """A test script of the project that the command runs (`./run_tests.sh`, `bash test.sh`)."""
    if name in SHELLS and len(words) > 1 and not words[1].startswith("-"):
        path = normalise_path(words[1])
        if project.exists(path) and TEST_SCRIPT.search(PurePosixPath(path).name):
            return (name, path)
        return None
    if "/" in words[0] or words[0].endswith(".sh"):
        path = normalise_path(words[0])
        if project.exists(path) and TEST_SCRIPT.search(PurePosixPath(path).name):
            return (path if "/" in path else f"./{path}",)
    return None


def is_test_target(name: str) -> bool:
    """Whether a script, target or task name says it runs tests (`test`, `test:unit`, `check`;
    not `lint`, `typecheck`)."""
    return bool(TEST_TARGET.search(name)) and not NOT_TESTS.search(name)


def glob_matches(pattern: str, files: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(f, pattern) for f in files)
