"""The test commands a project declares, and which of them to run.

Sources, read without running anything: the CI (`.github/workflows/*.yml` steps' `run`,
`.gitlab-ci.yml` jobs' `script`, `.travis.yml`'s `script` phase; a `docker-compose run SERVICE`
there runs the service's `command` from the Compose file), package.json
`scripts.test`, the Makefile's `test`/`check` targets, the justfile's and Taskfile's `test`,
an Automake suite (`TESTS` in a Makefile.am, run by `make check`: `testcmd.automake`; after the
test scripts while the tree is not configured, since `make check` cannot run there yet), test
scripts (`run_tests.sh`, `test.sh`, `tests/run_all_tests.sh`, or one a tests README names) and
tox/nox.

`declared_tests` chooses, in this order: the one test runner every CI step that runs tests
agrees on (its paths; the project's own copy of the runner, like `bin/bats` or `./gradlew`,
over one from PATH); else the one the package.json test script, Makefile, justfile and Taskfile
test targets agree on. When they disagree nothing is chosen here (conventions decide), and
entry points ai-workflow can run but not read (a recipe with its own logic, a test script, tox)
are offered as a fallback, for when no convention applies. One exception: when every CI step
that runs tests goes through one entry point whose recipe prepares the tests' environment first
(`export`, a `VAR=value` prefix, `cd`), that entry point (`set_up_entry`) comes before the
conventions, because running the runner bare would skip that set-up: git-secret's `make test`
exports `SECRETS_PROJECT_ROOT` and `PATH` and runs bats from a temporary directory, and a bare
`bats tests` fails every test and lets their teardown's `rm -rf .git` run in the checkout.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ai_workflow.automation import travis_jobs
from ai_workflow.ci_files import GITHUB_WORKFLOWS, GITLAB_CI, TRAVIS_CI
from ai_workflow.testcmd.automake import automake_suite, is_configured
from ai_workflow.testcmd.commands import (
    Invocation,
    glob_matches,
    normalise_path,
    recipe_of,
    recognise,
    resolve,
)
from ai_workflow.testcmd.tox_env import tox_commands
from ai_workflow.textfiles import read_text

NPM_PLACEHOLDER_TEST = "no test specified"
RUNNER_SCRIPTS = frozenset(
    {"run_all_tests.sh", "run_tests.sh", "run-tests.sh", "runtests.sh", "test.sh", "tests.sh",
     "run_tests", "run-tests", "runtests"}
)  # fmt: skip
RUNNER_SCRIPT_DIRS = frozenset({"tests", "test", "t", "spec", "scripts", "script", "bin", "ci"})
README_SCRIPT = re.compile(r"(?<![\w/.-])((?:\./)?[\w./-]+\.sh)\b")
TEST_README_DIRS = frozenset({"tests", "test", "t", "spec"})
"""Directories of tests: every script their README names is a way to run the tests. A README of
`scripts/`, `bin/` or `ci/` describes the project's tools (sg3_utils' scripts/README lists
rescan-scsi-bus.sh, which rescans the machine's SCSI buses), so there only a script named like a
test runner (`run-tests.sh`, `check.sh`) is one."""
TEST_SCRIPT_WORD = re.compile(r"test|check|spec", re.IGNORECASE)
JUSTFILES = ("justfile", "Justfile", ".justfile")
TASKFILES = ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
NOT_SHELL = frozenset({"pwsh", "powershell", "cmd", "python"})
MAKE_VARIABLE = re.compile(r"\$[({]([^(){}]*)[)}]")
MAKE_ASSIGNMENT = re.compile(r"^([A-Za-z_][\w.-]*)\s*(?::{1,3}=|\?=|\+=|=)\s*(.*)$")
MAKE_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)(.*)$")


@dataclass
class DeclaredTests:
    """What the project's own files say about running its tests."""

    runner: Invocation | None = None  # the runner its entry points agree on
    reason: str = ""  # where that runner was declared
    # entry points to fall back to, best first: (entry, where it is declared)
    entries: list[tuple[Invocation, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was considered and not chosen
    # the CI's one test entry point when its recipe prepares the environment (see above)
    set_up_entry: tuple[Invocation, str] | None = None


class ProjectSources:
    """The project's files, read on demand (the `commands.Project` that resolving needs)."""

    def __init__(self, target: Path, files: list[str], package: Mapping[str, Any]) -> None:
        self.target = target
        self.files = files
        self.file_set = frozenset(files)
        self.dirs = frozenset(str(p) for f in files for p in PurePosixPath(f).parents)
        self.package = package
        self._cache: dict[str, Any] = {}

    def exists(self, path: str) -> bool:
        return path in self.file_set or path in self.dirs

    def matches(self, pattern: str) -> bool:
        return glob_matches(pattern, self.files)

    def text(self, rel: str) -> str:
        return read_text(self.target / rel, root=self.target)

    def yaml(self, rel: str) -> Any:
        try:
            return yaml.safe_load(self.text(rel))
        except yaml.YAMLError:
            return None

    def npm_script(self, name: str) -> str | None:
        scripts = self.package.get("scripts")
        script = scripts.get(name) if isinstance(scripts, dict) else None
        if not isinstance(script, str) or not script.strip() or NPM_PLACEHOLDER_TEST in script:
            return None
        return script

    def make_recipe(self, target: str) -> str | None:
        return self._memo("make", self._read_makefile).get(target)

    def just_recipe(self, name: str) -> str | None:
        return self._memo("just", self._read_justfile).get(name)

    def task_recipe(self, name: str) -> str | None:
        return self._memo("task", self._read_taskfile).get(name)

    def compose_command(self, service: str) -> str | None:
        return self._memo("compose", self._read_compose).get(service)

    def _memo(self, key: str, read: Any) -> dict[str, str]:
        if key not in self._cache:
            self._cache[key] = read()
        result: dict[str, str] = self._cache[key]
        return result

    def _read_makefile(self) -> dict[str, str]:
        name = next((n for n in MAKEFILES if n in self.file_set), None)
        return parse_makefile(self.text(name)) if name else {}

    def _read_justfile(self) -> dict[str, str]:
        name = next((n for n in JUSTFILES if n in self.file_set), None)
        return parse_justfile(self.text(name)) if name else {}

    def _read_taskfile(self) -> dict[str, str]:
        name = next((n for n in TASKFILES if n in self.file_set), None)
        return parse_taskfile(self.yaml(name)) if name else {}

    def _read_compose(self) -> dict[str, str]:
        name = next((n for n in COMPOSE_FILES if n in self.file_set), None)
        return parse_compose(self.yaml(name)) if name else {}


# --------------------------------------------------------------------------- recipe files


def parse_makefile(text: str) -> dict[str, str]:
    """target -> its recipe, with the Makefile's simple variables expanded (undefined ones, as
    make does, to nothing; functions such as `$(info ...)` too)."""
    variables: dict[str, str] = {}
    recipes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.replace("\\\n", " ").splitlines():
        if raw.startswith("\t"):
            if current is not None:
                current.append(raw[1:].lstrip("@-+ "))
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        current = None
        assignment = MAKE_ASSIGNMENT.match(line)
        rule = MAKE_RULE.match(line)
        if assignment and not (rule and len(rule.group(1)) < len(assignment.group(1))):
            variables[assignment.group(1)] = assignment.group(2)
        elif rule:
            current = []
            for target in rule.group(1).split():
                recipes.setdefault(target, current)
            inline = rule.group(2).partition(";")[2].strip()
            if inline:
                current.append(inline)
    return {t: _expand_make("\n".join(lines), variables) for t, lines in recipes.items()}


def _expand_make(text: str, variables: Mapping[str, str], depth: int = 0) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if depth > 5 or " " in name:
            return ""  # a function call, or too deep
        return _expand_make(variables.get(name, ""), variables, depth + 1)

    return MAKE_VARIABLE.sub(value, text).replace("$$", "$")


JUST_RECIPE = re.compile(r"^@?([A-Za-z_][\w-]*)(?:\s+[^:=]*)?:(?!=)(.*)$")
JUST_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def parse_justfile(text: str) -> dict[str, str]:
    """recipe -> its body (`{{ variable }}` expanded when it is a plain assignment)."""
    variables: dict[str, str] = {}
    recipes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t"):
            if current is not None and raw.strip():
                current.append(raw.strip().lstrip("@-"))
            continue
        current = None
        line = raw.split("#", 1)[0].rstrip()
        assignment = re.match(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$", line)
        recipe = JUST_RECIPE.match(line)
        if assignment:
            variables[assignment.group(1)] = assignment.group(2).strip().strip("'\"")
        elif recipe:
            current = recipes.setdefault(recipe.group(1), [])
            current += [f"just {dep}" for dep in recipe.group(2).split() if dep.isidentifier()]
    return {
        name: JUST_VARIABLE.sub(lambda m: variables.get(m.group(1), ""), "\n".join(lines))
        for name, lines in recipes.items()
    }


def parse_taskfile(data: Any) -> dict[str, str]:
    """task -> its commands (`task: other` becomes `task other`; templates dropped)."""
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if not isinstance(tasks, dict):
        return {}
    out: dict[str, str] = {}
    for name, task in tasks.items():
        if isinstance(task, str | list):
            commands: Any = [task] if isinstance(task, str) else task
        elif isinstance(task, dict):
            commands = [task["cmd"]] if isinstance(task.get("cmd"), str) else task.get("cmds")
        else:
            commands = []
        lines = []
        for command in commands if isinstance(commands, list) else []:
            if isinstance(command, dict):
                called = f"task {command['task']}" if "task" in command else ""
                command = command.get("cmd") or called
            if isinstance(command, str):
                lines.append(re.sub(r"\{\{.*?\}\}", "", command))
        out[str(name)] = "\n".join(lines)
    return out


# --------------------------------------------------------------------------- CI


def parse_compose(data: Any) -> dict[str, str]:
    """Service -> its `command` as shell text (a list is joined with shell quoting), for the
    services of a Compose file that run in the checkout: none with a `working_dir` or an
    `entrypoint` of its own, whose paths are the image's."""
    services = data.get("services") if isinstance(data, dict) else None
    out: dict[str, str] = {}
    for name, service in services.items() if isinstance(services, dict) else ():
        if not isinstance(service, dict) or {"working_dir", "entrypoint"} & service.keys():
            continue
        command = service.get("command")
        if isinstance(command, list) and all(isinstance(w, str) for w in command):
            command = shlex.join(command)
        if isinstance(command, str) and command.strip():
            out[str(name)] = command
    return out


def ci_files(files: Iterable[str]) -> list[str]:
    """The CI configurations read: GitHub Actions workflows, then `.gitlab-ci.yml`."""
    files = list(files)
    workflows = [rel for rel in files if _is_workflow(PurePosixPath(rel))]
    return workflows + ([GITLAB_CI] if GITLAB_CI in files else [])


def _is_workflow(path: PurePosixPath) -> bool:
    return path.parent.as_posix() == GITHUB_WORKFLOWS and path.suffix in (".yml", ".yaml")


def ci_scripts(sources: ProjectSources) -> Iterator[tuple[str, str]]:
    """(where, shell script) of every CI step: GitHub Actions `run`, GitLab CI `script`,
    Travis CI `script`."""
    for rel in ci_files(sources.files):
        data = sources.yaml(rel)
        yield from _gitlab_jobs(data) if rel == GITLAB_CI else _github_steps(rel, data)
    if TRAVIS_CI in sources.file_set:
        yield from _travis_scripts(sources.text(TRAVIS_CI))


def _github_steps(rel: str, data: Any) -> Iterator[tuple[str, str]]:
    """Steps that run shell from the repository's root (another working directory's paths
    are not the root's)."""
    jobs = data.get("jobs") if isinstance(data, dict) else None
    for name, job in (jobs or {}).items() if isinstance(jobs, dict) else ():
        steps = job.get("steps") if isinstance(job, dict) else None
        defaults = _run_defaults(data) | _run_defaults(job)
        for step in steps if isinstance(steps, list) else []:
            if not isinstance(step, dict) or not isinstance(step.get("run"), str):
                continue
            shell = str(step.get("shell") or defaults.get("shell") or "").split(" ")[0]
            directory = step.get("working-directory") or defaults.get("working-directory")
            if shell not in NOT_SHELL and normalise_path(str(directory or ".")) == ".":
                yield f"{rel} (job {name})", step["run"]


def _run_defaults(node: Any) -> dict[str, Any]:
    defaults = node.get("defaults") if isinstance(node, dict) else None
    run = defaults.get("run") if isinstance(defaults, dict) else None
    return run if isinstance(run, dict) else {}


def _gitlab_jobs(data: Any) -> Iterator[tuple[str, str]]:
    for name, job in data.items() if isinstance(data, dict) else ():
        if str(name).startswith(".") or not isinstance(job, dict):
            continue
        text = _script_text(job.get("script"))
        if text:
            yield f"{GITLAB_CI} (job {name})", text


def _travis_scripts(text: str) -> Iterator[tuple[str, str]]:
    """The `script` phase (Travis CI's test phase; install and set-up phases run no tests) of
    each job."""
    try:
        jobs = travis_jobs(text, ("script",))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return
    for name, lines in jobs:
        yield f"{TRAVIS_CI} (job {name})", "\n".join(line for _, line in lines)


def _script_text(script: Any) -> str:
    """A CI `script` key (one line or a list of lines) as shell text; "" when it has none."""
    lines = script if isinstance(script, list) else [script]
    return "\n".join(line for line in lines if isinstance(line, str))


# --------------------------------------------------------------------------- choosing


MANIFEST_ENTRIES = (
    ("package.json scripts.test", ("npm", "test")),
    ("Makefile target test", ("make", "test")),
    ("Makefile target check", ("make", "check")),
    ("justfile recipe test", ("just", "test")),
    ("Taskfile task test", ("task", "test")),
)


def declared_tests(sources: ProjectSources) -> DeclaredTests:
    """The runner the project's CI (else its manifests' test targets) agree on, and the entry
    points to fall back to. A CI that runs several runners is a project with several kinds of
    tests: then no single declaration speaks for it, and conventions decide."""
    out = DeclaredTests()
    ci = [(where, i) for where, script in ci_scripts(sources) for i in resolve(script, sources)]
    manifest = [(where, i) for where, words in MANIFEST_ENTRIES for i in recognise(words, sources)]
    for label, pool in (("the CI", ci), ("the project's test targets", manifest)):
        runners = [(where, i) for where, i in pool if i.direct]
        if not runners:
            continue
        out.runner = _agreed(runners, label, sources, out.notes)
        if out.runner is not None:
            key = out.runner.key
            out.reason = _where([w for w, i in ci + manifest if i.key == key])
        break
    if out.runner is None:
        out.set_up_entry = _set_up_entry(ci, sources)
    if out.runner is None and out.set_up_entry is None:
        suite = tox_script_suite(sources)
        if suite is not None:
            out.runner, out.reason = suite
    entries = [(i, w) for w, i in ci + manifest if not i.direct]
    automake = _automake(sources)
    scripts = _scripts(sources)
    # `make check` where it can run; where ./configure has not been run, a script comes first
    ordered = (
        automake + scripts if automake and is_configured(sources.target) else scripts + automake
    )
    entries += ordered + _environment_managers(sources)
    seen: set[tuple[str, ...]] = set()
    for entry, where in entries:
        if entry.program not in seen:
            seen.add(entry.program)
            out.entries.append((entry, where))
    return out


SET_UP = re.compile(
    r"(?:^|[;&|(]|\b(?:then|do)\b)\s*(?:export\s+[A-Za-z_]\w*=|[A-Za-z_]\w*=\S*\s+\S|cd\s)",
    re.MULTILINE,
)
"""A command that prepares what follows: an exported variable, a `VAR=value cmd` prefix, `cd`."""
ENVIRONMENT_MANAGERS = frozenset({"tox", "nox"})


def _set_up_entry(
    ci: list[tuple[str, Invocation]], sources: ProjectSources
) -> tuple[Invocation, str] | None:
    """The one entry point every CI test step runs, when its recipe or script sets up the
    environment before the tests run; None when the CI runs several or a bare runner."""
    if not ci or any(i.direct for _, i in ci):
        return None
    programs = {i.program for _, i in ci}
    if len(programs) != 1:
        return None
    entry = ci[0][1]
    if entry.framework in ENVIRONMENT_MANAGERS or not SET_UP.search(_entry_text(entry, sources)):
        return None
    return entry, _where([w for w, _ in ci])


def _entry_text(entry: Invocation, sources: ProjectSources) -> str:
    """The recipe or script an entry point runs ("" when it cannot be read)."""
    name = entry.program[-1]
    if entry.framework in ("make", "just", "task"):
        return recipe_of(sources, entry.framework, name) or ""
    if entry.framework == "npm-script":
        return sources.npm_script(entry.npm_script or name) or ""
    if entry.framework == "script" and normalise_path(name) in sources.file_set:
        return sources.text(normalise_path(name))
    return ""


def _agreed(
    runners: list[tuple[str, Invocation]],
    label: str,
    sources: ProjectSources,
    notes: list[str],
) -> Invocation | None:
    """The one runner (with its paths) they all run, the project's own copy first."""
    keys = {i.key for _, i in runners}
    if len(keys) > 1:
        shown = "; ".join(f"{i.describe()} ({where})" for where, i in _first_per_key(runners))
        notes.append(f"{label} runs different test commands, so none was taken from it: {shown}")
        return None
    own = [i for _, i in runners if _is_project_program(i.program[0], sources)]
    return (own or [i for _, i in runners])[0]


def _first_per_key(runners: list[tuple[str, Invocation]]) -> list[tuple[str, Invocation]]:
    seen: dict[tuple[str, tuple[str, ...]], tuple[str, Invocation]] = {}
    for where, invocation in runners:
        seen.setdefault(invocation.key, (where, invocation))
    return list(seen.values())


def _is_project_program(program: str, sources: ProjectSources) -> bool:
    return "/" in program and normalise_path(program) in sources.file_set


def _where(places: list[str]) -> str:
    """`a.yml (jobs x, y)`, one entry per file, from `a.yml (job x)` labels."""
    jobs: dict[str, list[str]] = {}
    for place in places:
        file, _, job = place.partition(" (job ")
        names = jobs.setdefault(file, [])
        if job and job[:-1] not in names:
            names.append(job[:-1])
    parts = []
    for file, names in jobs.items():
        if not names:
            parts.append(file)
        else:
            label = "job" if len(names) == 1 else "jobs"
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            parts.append(f"{file} ({label} {', '.join(names[:3])}{more})")
    return ", ".join(parts)


def _automake(sources: ProjectSources) -> list[tuple[Invocation, str]]:
    """`make check` for an Automake suite (`TESTS` in a Makefile.am, `testcmd.automake`)."""
    suite = automake_suite(sources.target, sources.files)
    if suite is None:
        return []
    entry = Invocation("automake", ("make", "check"), (), "make check", direct=False)
    return [(entry, f"Automake: {suite.where()}")]


def _scripts(sources: ProjectSources) -> list[tuple[Invocation, str]]:
    """Test scripts by their conventional names, then those a tests README names."""
    found: list[tuple[Invocation, str]] = []
    for rel in sources.files:
        path = PurePosixPath(rel)
        top = len(path.parts) == 1 or (len(path.parts) <= 3 and path.parts[0] in RUNNER_SCRIPT_DIRS)
        if path.name in RUNNER_SCRIPTS and top and not _automake_test(path, sources):
            found.append((_script_entry(rel, sources), "a test script by its name"))
    for rel in sources.files:
        path = PurePosixPath(rel)
        if path.parts[0] in RUNNER_SCRIPT_DIRS and path.stem.upper() == "README":
            tests_readme = path.parts[0] in TEST_README_DIRS
            text = sources.text(rel)
            for name in dict.fromkeys(README_SCRIPT.findall(text)):
                if not tests_readme and not TEST_SCRIPT_WORD.search(PurePosixPath(name).stem):
                    continue
                if _named_only_with_arguments(name, text):
                    continue
                for candidate in (normalise_path(str(path.parent / name)), normalise_path(name)):
                    if candidate in sources.file_set:
                        found.append((_script_entry(candidate, sources), f"named in {rel}"))
                        break
    return found


COMMAND_BEFORE = re.compile(r"(?:^|[$#>`(;]|&&|\|\||\b(?:do|then|sudo|exec|sh|bash))\s*$")
"""What may stand before a script in command position on a README line: nothing, a prompt, an
opening backtick, a separator or a keyword (`for i in 1 2; do ./verify.sh case$i; done`)."""
COMMAND_END = re.compile(r"[;|&`)#]")


def _named_only_with_arguments(name: str, text: str) -> bool:
    """Whether every command line of the README that runs `name` gives it arguments, and no
    line names it otherwise. Run bare, such a script stops at its usage message, or worse:
    rear's tests/setup1/README runs `./verify.sh tcase${i}_results` as root in a dedicated VM,
    a check of a network set-up (it takes the interfaces down), not a test suite to run here."""
    pattern = re.compile(r"(?<![\w/.-])" + re.escape(name) + r"(?![\w.-])")
    with_arguments = False
    for line in text.splitlines():
        for found in pattern.finditer(line):
            if not COMMAND_BEFORE.search(line[: found.start()]):
                return False  # named in prose: a way to run the tests as it is
            rest = COMMAND_END.split(line[found.end() :], maxsplit=1)[0].split()
            if not rest or rest[0].startswith(("<", ">", "2>")):
                return False
            with_arguments = True
    return with_arguments


AUTOMAKE_TESTS = re.compile(r"^TESTS\s*\+?=(?P<value>(?:.*\\\n)*.*)$", re.MULTILINE)


def _automake_test(path: PurePosixPath, sources: ProjectSources) -> bool:
    """The script is one test case of an Automake suite: its directory's Makefile.am lists it
    in `TESTS` (virt-what's tests/<platform>/test.sh, one per directory), which `make check`
    runs after configure has built the program under test; run alone it is no runner."""
    makefile = str(path.parent / "Makefile.am")
    if makefile not in sources.file_set:
        return False
    for found in AUTOMAKE_TESTS.finditer(sources.text(makefile)):
        if path.name in found.group("value").replace("\\\n", " ").split():
            return True
    return False


def _script_entry(rel: str, sources: ProjectSources) -> Invocation:
    if os.access(sources.target / rel, os.X_OK):
        program: tuple[str, ...] = (rel if "/" in rel else f"./{rel}",)
    else:
        first = sources.text(rel).split("\n", 1)[0]
        shell = re.search(r"\b(bash|zsh|ksh|dash|sh)\b", first) if first.startswith("#!") else None
        program = (shell.group(1) if shell else "sh", rel)
    return Invocation("script", program, (), " ".join(program), direct=False)


TOX_RUNNERS = frozenset({"pytest", "unittest"})


def _tox_runners(sources: ProjectSources) -> list[tuple[Invocation, str]]:
    """pytest or unittest as the base `[testenv]` runs them, to run in the project's own
    environment before tox itself: texttable 1.7.0's tests are in `tests.py`, which pytest's
    default discovery does not collect, and only tox.ini's `pytest ... tests.py` names it; tox
    would build its own environments, and is often not installed."""
    found: list[tuple[Invocation, str]] = []
    for words in tox_commands(sources.target):
        for invocation in recognise(words, sources):
            if invocation.direct and invocation.framework in TOX_RUNNERS:
                found.append((invocation, "tox.ini [testenv] commands"))
    return found


SUITE_SCRIPT = re.compile(r"(?:^|/)(?:tests?|test_\w+|\w+_tests?)\.py$")
"""A Python file named as a project's tests (`tests.py`, `test_x.py`, `x_test.py`)."""
MAIN_BLOCK = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]\s*:", re.MULTILINE)
RUNS_UNITTEST = re.compile(r"\b(?:unittest\.main|TextTestRunner)\s*\(")
COVERAGE_VALUE_OPTIONS = frozenset(
    {"--source", "--include", "--omit", "--rcfile", "--concurrency", "--context",
     "--data-file", "--debug"}
)  # fmt: skip


def tox_script_suite(sources: ProjectSources) -> tuple[Invocation, str] | None:
    """The test file the base `[testenv]` runs as a script (`python tests.py`, `coverage run
    --parallel-mode tests.py`) when the file's `if __name__ == "__main__":` block runs a
    unittest suite of its own (`unittest.main(...)`, `TextTestRunner(...).run(suite)`): that
    block is the project's runner, and its choice of tests is part of it. defusedxml 0.7.1's
    tests.py adds only its concrete test classes (and the lxml ones only when lxml imports);
    pytest's or unittest's discovery would also run the abstract base class the others
    inherit from, and fail it. Run as `python tests.py` in the project's environment, read as
    unittest's output."""
    for words in tox_commands(sources.target):
        rel = _python_script(words)
        if rel is None or rel not in sources.file_set or not SUITE_SCRIPT.search(rel):
            continue
        text = sources.text(rel)
        if MAIN_BLOCK.search(text) and RUNS_UNITTEST.search(text):
            invocation = Invocation("unittest", ("python", rel), (rel,), shlex.join(words))
            return invocation, "tox.ini [testenv] commands"
    return None


def _python_script(words: list[str]) -> str | None:
    """The file `python FILE` or `coverage run [options] FILE` runs (None: another command,
    or a module, `-m`)."""
    name = PurePosixPath(words[0]).name if words else ""
    if re.fullmatch(r"python[\d.]*", name):
        rest = words[1:]
    elif name == "coverage" and words[1:2] == ["run"]:
        rest, skip = [], False
        for index, word in enumerate(words[2:], 2):
            if skip:
                skip = False
            elif word in COVERAGE_VALUE_OPTIONS:
                skip = True
            elif not word.startswith("-"):
                rest = words[index:]
                break
            elif word in ("-m", "--module"):
                return None
    else:
        return None
    if not rest or rest[0].startswith("-") or not rest[0].endswith(".py"):
        return None
    return normalise_path(rest[0])


def _environment_managers(sources: ProjectSources) -> list[tuple[Invocation, str]]:
    found: list[tuple[Invocation, str]] = []
    pyproject = sources.text("pyproject.toml") if "pyproject.toml" in sources.file_set else ""
    if {"tox.ini", "tox.toml"} & sources.file_set or "[tool.tox" in pyproject:
        found += _tox_runners(sources)
        found.append((Invocation("tox", ("tox",), (), "tox", direct=False), "tox configuration"))
    if "noxfile.py" in sources.file_set:
        found.append((Invocation("nox", ("nox",), (), "nox", direct=False), "noxfile.py"))
    return found
