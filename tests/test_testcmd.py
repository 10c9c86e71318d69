"""Reading the test commands a project declares (CI, package.json, Makefile, justfile,
Taskfile, test scripts) and choosing the one to run."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.project_files import list_project_files
from ai_workflow.steps import test_execution
from ai_workflow.techstack import TechStack, detect_stack, detect_stack_for
from ai_workflow.testcmd.automake import automake_suite, parse_variables
from ai_workflow.testcmd.ci_packages import ci_installed_packages, ci_provider, missing_packages
from ai_workflow.testcmd.commands import Invocation, is_test_target, resolve, simple_commands
from ai_workflow.testcmd.declared import (
    ProjectSources,
    declared_tests,
    parse_justfile,
    parse_makefile,
    parse_taskfile,
)
from ai_workflow.testcmd.environment import (
    machine_cause,
    missing_node_packages,
    program_not_on_path,
)
from ai_workflow.testcmd.plans import Plan, plan_for
from ai_workflow.testcmd.tox_env import tox_deps
from tests.helpers import make_repo, step_context

NO_ENV: dict[str, str] = {"PATH": ""}


def detect(root: Path, python: str | None = None) -> TechStack:
    config = Config.model_validate({"tech_stack": {"python": python}} if python else {})
    return detect_stack_for(root, config, NO_ENV)


def declared(root: Path) -> tuple[Invocation | None, list[tuple[Invocation, str]], list[str]]:
    package = root / "package.json"
    data = json.loads(package.read_text()) if package.is_file() else {}
    found = declared_tests(ProjectSources(root, list_project_files(root), data))
    return found.runner, found.entries, found.notes


def workflow(*runs: str) -> str:
    steps = "\n".join(f"      - run: {json.dumps(run)}" for run in runs)
    return f"on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n{steps}\n"


# --------------------------------------------------------------------------- shell reading


def test_simple_commands_split_and_strip_what_only_prepares_a_command() -> None:
    script = textwrap.dedent(
        """\
        set -e
        time ${{ matrix.env }} FOO=1 bin/bats --tap test/ 2>&1 | tee out.log
        ! bin/bats test/fixtures/failing.bats
        if [ -n "$CI" ]; then env -u X BAR=2 go test \\
          -race ./...; fi
        bash -c "npm test && echo done" > /dev/null  # comment
        """
    )
    commands = list(simple_commands(script))
    assert (["bin/bats", "--tap", "test/"], False) in commands
    assert (["tee", "out.log"], False) in commands
    assert (["bin/bats", "test/fixtures/failing.bats"], True) in commands
    assert (["go", "test", "-race", "./..."], False) in commands
    assert (["bash", "-c", "npm test && echo done"], False) in commands
    assert all("${{" not in word for words, _ in commands for word in words)


@given(st.text(max_size=200))
def test_simple_commands_never_raise(script: str) -> None:
    for words, negated in simple_commands(script):
        assert words and isinstance(negated, bool)


WORDS = st.sampled_from(
    ["npm", "test", "run", "make", "bats", "go", "./...", "!", "&&", "|", ";", "bash", "-c",
     "nyc", "uv", "pytest", "tests", "test/", "FOO=1", "'", '"', "$(X)", "cd", "sub", "\n",
     "docker-compose", "docker", "compose", "-f"]
)  # fmt: skip


@given(st.lists(WORDS, max_size=12))
def test_resolving_any_script_gives_well_formed_invocations(words: list[str]) -> None:
    sources = ProjectSources(
        Path("/nonexistent"),
        ["test/a.bats", "tests/test_a.py", "go.mod"],
        {"scripts": {"test": "bats test", "run": "npm test"}},  # a script calling itself too
    )
    for invocation in resolve(" ".join(words), sources):
        assert invocation.framework and invocation.program
        assert invocation.direct or not invocation.args


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("test", True),
        ("test-ci", True),
        ("test:unit", True),
        ("richtest", True),
        ("check", True),
        ("unit-check", True),
        ("spec", True),
        ("lint", False),
        ("typecheck", False),
        ("type-check", False),
        ("format", False),
        ("shellcheck", False),
        ("build", False),
    ],
)
def test_test_target_names(name: str, expected: bool) -> None:
    assert is_test_target(name) is expected


# --------------------------------------------------------------------------- recipe files


def test_makefile_recipes_with_variables_and_functions() -> None:
    recipes = parse_makefile(
        textwrap.dedent(
            """\
            PKGS := ./...
            FLAGS ?= -race
            .PHONY: test check
            test: deps
            \t$(info running tests)
            \t@go test -v $(FLAGS) $(UNDEFINED) $(PKGS)
            check: ; ./run_checks.sh
            deps:
            \tgo mod download
            """
        )
    )
    assert recipes["test"].split("\n")[1] == "go test -v -race  ./..."
    assert recipes["check"] == "./run_checks.sh"
    assert recipes["deps"] == "go mod download"


def test_justfile_and_taskfile_recipes() -> None:
    just = parse_justfile(
        'flags := "--workspace"\n\ntest: build\n    cargo test {{flags}}\n\nbuild:\n    cargo build\n'
    )
    assert just["test"] == "just build\ncargo test --workspace"
    tasks = parse_taskfile(
        {"tasks": {"test": {"cmds": ["go test {{.ARGS}} ./...", {"task": "lint"}]}, "lint": "x"}}
    )
    assert tasks["test"] == "go test  ./...\ntask lint"


# --------------------------------------------------------------------------- choosing


BATS_PROJECT = {
    "bin/bats": '#!/usr/bin/env bash\nexec bats "$@"\n',
    "test/a.bats": "@test 'a' { true; }\n",
    "test/fixtures/dup.bats": "@test 'x' { true; }\n@test 'x' { true; }\n",
}


def test_ci_runner_is_preferred_with_the_projects_own_copy(tmp_path: Path) -> None:
    files = {
        **BATS_PROJECT,
        ".github/workflows/tests.yml": workflow(
            "! bin/bats test/fixtures/dup.bats",  # expected to fail: not how tests run
            'bash -c "time ${{ matrix.env }} bin/bats --print-output-on-failure test"',
            "npm install -g . && bats -T test/",  # the same tests with an installed copy
            "bats --tap bats-*/test/",  # another project's tests, checked out in CI
            "./shellcheck.sh",  # not a test script
        ),
        "shellcheck.sh": "#!/bin/sh\n",
        "package.json": json.dumps({"scripts": {"test": "bin/bats test"}}),
    }
    root = make_repo(tmp_path / "b", files)
    runner, entries, notes = declared(root)
    assert runner is not None
    assert (runner.framework, runner.program, runner.args) == ("bats", ("bin/bats",), ("test",))
    assert entries == [] and notes == []
    stack = detect(root)
    assert stack.test_framework == "bats"
    assert stack.test_argv == ["bin/bats", "test"]
    assert stack.evidence["test_framework"] == [
        "run by .github/workflows/tests.yml (job test), package.json scripts.test"
    ]
    assert "the project's own bin/bats" in stack.evidence["test_command"][0]


def test_without_a_declaration_bats_runs_test_directories_not_fixtures(tmp_path: Path) -> None:
    files = {**BATS_PROJECT, "test/unit/b.bats": "@test 'b' { true; }\n"}
    root = make_repo(tmp_path / "b", files)
    stack = detect(root)
    assert stack.test_argv == ["bats", "test", "test/unit"]  # never -r into test/fixtures
    assert stack.evidence["test_command"] == ["the usual command for bats"]


def test_disagreeing_ci_commands_leave_the_choice_to_conventions(tmp_path: Path) -> None:
    files = {
        "go.mod": "module example.com/m\n",
        "m.go": "package m\n",
        "m_test.go": "package m\n",
        "tests/test_x.py": "",
        ".github/workflows/ci.yml": workflow("go test -race ./...", "pytest tests"),
        # one of them is also a test target: that does not settle it for the whole project
        "Makefile": "test:\n\tpytest tests\n",
    }
    root = make_repo(tmp_path / "m", files)
    runner, _, notes = declared(root)
    assert runner is None
    assert notes and notes[0].startswith("the CI runs different test commands")
    stack = detect(root)
    assert stack.test_argv == ["go", "test", "./..."]
    assert stack.evidence["test_candidates"] == notes


def test_makefile_test_target_that_runs_go_test(tmp_path: Path) -> None:
    files = {
        "go.mod": "module example.com/m\n",
        "m.go": "package m\n",
        "Makefile": "test: install_deps\n\tgo test -v $(GO_TEST_FLAGS) ./...\ninstall_deps:\n\tgo get ./...\n",
        # CI runs a target whose runner (richgo) we do not read: it is only an entry point
        ".github/workflows/test.yml": workflow("make richtest"),
    }
    files["Makefile"] += "richtest: install_deps\n\trichgo test -v ./...\n"
    root = make_repo(tmp_path / "m", files)
    runner, entries, _ = declared(root)
    assert runner is not None and runner.via == ("make test",)
    assert [e.program for e, _ in entries] == [("make", "richtest")]
    stack = detect(root)
    assert stack.test_argv == ["go", "test", "./..."]
    assert stack.evidence["test_framework"] == ["run by Makefile target test"]


def test_npm_scripts_are_followed_to_the_runner(tmp_path: Path) -> None:
    scripts = {
        "test": "mocha --require test/support/env --check-leaks test/ test/acceptance/",
        "test-ci": "nyc --exclude examples --reporter=lcovonly npm test",
        "lint": "eslint .",
    }
    files = {
        "package.json": json.dumps({"scripts": scripts, "devDependencies": {"mocha": "^10"}}),
        "test/a.js": "",
        "test/acceptance/b.js": "",
        ".github/workflows/ci.yml": workflow("npm ci", "npm run lint", "npm run test-ci"),
    }
    root = make_repo(tmp_path / "js", files)
    runner, _, _ = declared(root)
    assert runner is not None
    assert runner.framework == "mocha" and runner.npm_script == "test"
    assert runner.via == ("npm run test-ci", "npm test")
    assert runner.args == ("--require", "test/support/env", "test", "test/acceptance")
    assert detect(root).test_argv == ["npm", "test"]


def test_a_makefile_mocha_keeps_the_options_that_load_the_tests(tmp_path: Path) -> None:
    """delegates 1.0.0 has no package.json scripts; its Makefile's `test:` runs
    `./node_modules/.bin/mocha --require should --reporter spec --bail`, and every test calls
    should's `Object.prototype` getter. ai-workflow runs mocha itself with its own reporter: it
    keeps `--require should` (without it each test fails on `undefined.equal`), and drops the
    reporter and `--bail` (every failure is reported). The paths it is given are still checked:
    a recipe that points mocha at files this project lacks is not this project's runner."""
    recipe = "\t@./node_modules/.bin/mocha \\\n\t\t--require should \\\n\t\t--reporter spec \\\n\t\t--bail\n"
    package = {"name": "d", "devDependencies": {"mocha": "*", "should": "*"}}
    files = {"package.json": json.dumps(package), "index.js": "", "test/index.js": ""}
    root = make_repo(tmp_path / "own", {**files, "Makefile": f"test:\n{recipe}\n.PHONY: test"})
    runner, _, _ = declared(root)
    assert runner is not None and runner.framework == "mocha" and runner.via == ("make test",)
    assert runner.args == ("--require", "should")
    assert detect(root).test_argv == ["npm", "exec", "--no", "--", "mocha", "--require", "should"]
    # the same with `=` and a path, a recursive run and a timeout: all kept, the reporter not
    inline = "test:\n\tmocha --require=should -R dot -t 5000 --recursive --exit test/\n"
    root = make_repo(tmp_path / "eq", {**files, "Makefile": inline})
    runner, _, _ = declared(root)
    assert runner is not None
    assert runner.args == ("--require=should", "-t", "5000", "--recursive", "--exit", "test")
    # a required module's name is no path of the project: mocha given only paths this project
    # lacks is not its runner, whatever it requires
    elsewhere = "test:\n\tmocha --require should other/test/\n"
    root = make_repo(tmp_path / "other", {**files, "Makefile": elsewhere})
    runner, _, _ = declared(root)
    assert runner is None


def mocha_plan(tmp_path: Path, script: str, test_file: str, installed: str | None) -> Plan:
    """The test plan of a package whose `npm test` is `script`, with mocha `installed` (that
    version in node_modules; None: not installed)."""
    package = {"scripts": {"test": script}, "devDependencies": {"mocha": "*"}}
    root = make_repo(tmp_path / "js", {"package.json": json.dumps(package), test_file: ""})
    if installed is not None:
        manifest = root / "node_modules" / "mocha" / "package.json"
        manifest.parent.mkdir(parents=True)
        manifest.write_text(json.dumps({"name": "mocha", "version": installed}))
    ctx = step_context(root, test_execution.SPEC)
    plan = plan_for(ctx, detect_stack(ctx))
    assert plan is not None and plan.framework == "mocha"
    return plan


@pytest.mark.parametrize(
    ("installed", "flag"),
    [
        ("4.0.1", "--reporter-options"),  # before mocha 6: the singular is passed over
        ("5.2.0", "--reporter-options"),
        ("6.0.0", "--reporter-option"),  # from mocha 6: the canonical name
        ("10.8.2", "--reporter-option"),
        ("not-a-version", "--reporter-options"),  # unknown: the spelling every mocha accepts
        (None, "--reporter-options"),
    ],
)
def test_mocha_report_option_is_spelled_as_the_installed_mocha_knows_it(
    tmp_path: Path, installed: str | None, flag: str
) -> None:
    plan = mocha_plan(tmp_path, "mocha tests.js", "tests.js", installed)
    report = f"output={plan.report_file}"
    assert plan.command == ["npm", "test", "--", "--reporter", "xunit", flag, report]


@pytest.mark.parametrize(
    ("installed", "appended"),
    [
        ("1.15.1", False),  # ncp 2.0.0's pin: "error: unknown option `--reporter-options'"
        ("2.1.0", False),
        ("2.2.0", True),  # the first mocha with --reporter-options
        ("3.5.3", True),
    ],
)
def test_mocha_before_reporter_options_runs_the_command_as_it_is(
    tmp_path: Path, installed: str, appended: bool
) -> None:
    plan = mocha_plan(tmp_path, "mocha -R spec", "test/a.js", installed)
    if appended:
        assert plan.command[:6] == [
            "npm",
            "test",
            "--",
            "--reporter",
            "xunit",
            "--reporter-options",
        ]
    else:
        assert plan.command == ["npm", "test"]
        assert "has no --reporter-options (mocha 2.2 added it)" in plan.notes[-1]


@pytest.mark.parametrize(
    ("script", "installed", "appended"),
    [
        ("mocha --check-leaks --bail --reporter spec test/", "6.1.3", False),  # refuses two
        ("mocha -R dot test/", "6.0.0", False),
        ("nyc mocha --reporter=tap test/", "6.1.4", False),
        ("mocha --reporter spec test/", "6.2.0", True),  # from 6.2 the last one wins again
        ("mocha -R dot test/", "11.7.5", True),
        ("mocha --reporter spec test/", "5.2.0", True),  # before mocha 6 too
        ("mocha --reporter spec test/", None, True),  # not installed: what every other does
        ("mocha --check-leaks test/", "6.1.3", True),  # no reporter of its own
        ("mocha --reporter-option maxDiffSize=0 test/", "6.1.3", True),  # an option, no reporter
    ],
)
def test_mocha_reporter_is_added_only_where_mocha_takes_a_second_one(
    tmp_path: Path, script: str, installed: str | None, appended: bool
) -> None:
    plan = mocha_plan(tmp_path, script, "test/a.js", installed)
    if appended:
        assert plan.command[:5] == ["npm", "test", "--", "--reporter", "xunit"]
    else:
        assert plan.command == ["npm", "test"]
        assert plan.notes == ["the test command names its own mocha reporter: run as it is"]


def test_justfile_and_taskfile_runners(tmp_path: Path) -> None:
    rust = make_repo(
        tmp_path / "rs",
        {
            "Cargo.toml": "[package]\n",
            "src/lib.rs": "",
            "justfile": "test:\n    cargo test --workspace --color always\n",
        },
    )
    assert detect(rust).test_argv == ["cargo", "test", "--workspace"]
    go = make_repo(
        tmp_path / "go",
        {
            "go.mod": "module m\n",
            "m.go": "",
            "Taskfile.yml": "version: '3'\ntasks:\n  test:\n    cmds:\n      - go test -short ./pkg/...\n",
        },
    )
    assert detect(go).test_argv == ["go", "test", "-short", "./pkg/..."]


def test_a_declared_pytest_uses_the_projects_interpreter(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[project]\nname = 'p'\n",
        "tests/unit/test_a.py": "",
        "tests/slow/test_b.py": "",
        ".github/workflows/ci.yml": workflow("uv run --locked pytest -n auto tests/unit"),
    }
    root = make_repo(tmp_path / "p", files)
    assert detect(root, python=sys.executable).test_argv == [
        sys.executable,
        "-m",
        "pytest",
        "tests/unit",
    ]


def test_entry_points_are_a_fallback_for_projects_without_a_convention(tmp_path: Path) -> None:
    c_project = make_repo(
        tmp_path / "c",
        {
            "Makefile": "check: all\n\t./tests/run.sh\nall:\n\tcc -o app app.c\n",
            "app.c": "int main(void) { return 0; }\n",
            "tests/run.sh": "#!/bin/sh\necho ok\n",
        },
    )
    stack = detect(c_project)
    assert (stack.test_framework, stack.test_argv) == ("make", ["make", "check"])
    assert "Makefile target check" in stack.evidence["test_framework"][0]
    scripts = make_repo(
        tmp_path / "sh",
        {
            "lib/tool.sh": "#!/bin/sh\n",
            "tests/run_all_tests.sh": "#!/bin/bash\necho 1..0\n",
        },
    )
    stack = detect(scripts)
    assert (stack.test_framework, stack.test_argv) == (
        "script",
        ["bash", "tests/run_all_tests.sh"],  # not executable: its shebang's shell runs it
    )
    readme = make_repo(
        tmp_path / "readme",
        {
            "lib/tool.sh": "#!/bin/sh\n",
            "t/README.md": "Run `./harness/go.sh` from the repository root.\n",
            "t/harness/go.sh": "#!/bin/sh\n",
        },
    )
    entries = declared(readme)[1]
    assert [(e.program, where) for e, where in entries] == [
        (("sh", "t/harness/go.sh"), "named in t/README.md")
    ]
    # rear: tests/setup1/README runs `./verify.sh tcase${i}_results` (as root, in a VM whose
    # network it takes down): a script named only with arguments is no way to run the tests bare
    with_arguments = make_repo(
        tmp_path / "with-arguments",
        {
            "usr/sbin/tool": "#!/bin/bash\n",
            "tests/setup1/README": (
                "# for i in $(seq 1 8); do ./tcase${i}.sh; done\n"
                "# for i in $(seq 1 8); do ./verify.sh tcase${i}_results; done\n"
                "$ ./check.sh case1 > out.txt\n"
            ),
            "tests/setup1/verify.sh": '#!/bin/bash\n[ -n "$1" ] || exit 2\n',
            "tests/setup1/check.sh": '#!/bin/bash\n[ -n "$1" ] || exit 2\n',
        },
    )
    assert declared(with_arguments)[1] == []
    assert detect(with_arguments).test_argv is None
    # the same script also named bare (or in prose) stays a way to run the tests
    bare_too = make_repo(
        tmp_path / "bare-too",
        {
            "usr/sbin/tool": "#!/bin/bash\n",
            "tests/README": "Run ./verify.sh, or `./verify.sh case1` for one case.\n",
            "tests/verify.sh": "#!/bin/bash\n",
        },
    )
    assert [(e.program, where) for e, where in declared(bare_too)[1]] == [
        (("bash", "tests/verify.sh"), "named in tests/README")
    ]
    # sg3_utils: scripts/README lists the tools the package installs (rescan-scsi-bus.sh rescans
    # the machine's SCSI buses): a README of scripts/ names a test runner only by its name
    tools = make_repo(
        tmp_path / "tools",
        {
            "src/tool.c": "int main(void) { return 0; }\n",
            "scripts/README": "Usage:\n   rescan-scsi-bus.sh [OPTIONS]\n   run-checks.sh\n",
            "scripts/rescan-scsi-bus.sh": "#!/bin/bash\necho rescanning\n",
            "scripts/run-checks.sh": "#!/bin/sh\n",
        },
    )
    assert [(e.program, where) for e, where in declared(tools)[1]] == [
        (("sh", "scripts/run-checks.sh"), "named in scripts/README")
    ]
    assert detect(tools).test_argv != ["bash", "scripts/rescan-scsi-bus.sh"]
    # virt-what: tests/<platform>/test.sh, each a test case its Makefile.am's TESTS lists for
    # `make check` (after configure builds the program): none of them is the suite's runner
    automake = make_repo(
        tmp_path / "automake",
        {
            "virt-what.in": "#!/bin/sh -\n",
            "tests/kvm/Makefile.am": "CLEANFILES = *~\n\nTESTS = \\\n\ttest.sh\n",
            "tests/kvm/test.sh": "# no #! line: make's shell runs it\n",
        },
    )
    assert declared(automake)[1] == []
    # the same script without an Automake TESTS line that lists it stays a runner by its name
    plain = make_repo(
        tmp_path / "plain",
        {
            "tool.sh": "#!/bin/sh\n",
            "tests/kvm/Makefile.am": "CLEANFILES = *~\nTESTS = other.sh\n",
            "tests/kvm/test.sh": "#!/bin/sh\n",
        },
    )
    assert [e.program for e, _ in declared(plain)[1]] == [("sh", "tests/kvm/test.sh")]


COMPOSE = """\
services:
  tests-ubuntu:
    build: {context: ./, dockerfile: Dockerfile.ubuntu}
    command: bash -c "./tests/test-tool.sh"
  tests-image:
    image: tool-tests
    working_dir: /src
    command: ./tests/test-tool.sh
  missing:
    image: tool-tests
    command: ["./tests/test-other.sh"]
"""


def test_a_ci_that_runs_a_compose_service_runs_the_services_command(tmp_path: Path) -> None:
    """checksec's pull-request workflow runs `docker-compose run checksec-ubuntu`, whose
    command in docker-compose.yml is `bash -c "./tests/test-checksec.sh"` (the image copies
    the checkout): that script is the declared test entry point. A service that works in its
    own directory, one whose script the project lacks, and a service the Compose file does not
    have give nothing; a command given after the service is read instead of the service's."""

    def entries(*runs: str) -> list[tuple[tuple[str, ...], str]]:
        files = {
            "tool.sh": "#!/bin/bash\n",
            "tests/test-tool.sh": "#!/bin/bash\n./tests/cases.sh\n",
            "tests/cases.sh": "#!/bin/bash\n",
            "docker-compose.yml": COMPOSE,
            ".github/workflows/pr.yml": workflow(*runs),
        }
        root = make_repo(tmp_path / str(len(list(tmp_path.iterdir()))), files)
        return [(e.program, e.describe()) for e, _ in declared(root)[1]]

    found = entries("pip install pre-commit", "docker-compose run tests-ubuntu")
    assert found == [
        (
            ("tests/test-tool.sh",),
            "`docker-compose run tests-ubuntu → ./tests/test-tool.sh`",
        )
    ]
    assert entries("docker compose --ansi never run --rm tests-ubuntu") == found
    assert entries("docker-compose run tests-image") == []
    assert entries("docker-compose run missing") == []
    assert entries("docker-compose run nosuchservice") == []
    assert entries("docker-compose -f other.yml run tests-ubuntu") == []
    assert [e[0] for e in entries("docker-compose run tests-image bash tests/test-tool.sh")] == [
        ("bash", "tests/test-tool.sh")
    ]


def test_a_python_project_runs_pytest_not_tox(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.tox]\nenv_list = ['py3']\n[tool.pytest.ini_options]\n",
        "tests/test_a.py": "",
        ".github/workflows/ci.yml": workflow("uv run --locked tox run -e ${{ matrix.tox }}"),
    }
    root = make_repo(tmp_path / "p", files)
    entries = declared(root)[1]
    assert [e.program for e, _ in entries] == [("tox",)]
    stack = detect(root, python=sys.executable)
    assert stack.test_argv == [sys.executable, "-m", "pytest"]  # in the project's environment


TOX_NAMED_FILE = "[tox]\nenvlist = py311\n[testenv]\ndeps = pytest\ncommands = pytest --cov=table {posargs} tests.py\n"


def test_tox_pytest_command_naming_an_undiscovered_file_runs_in_the_projects_environment(
    tmp_path: Path,
) -> None:
    # texttable 1.7.0: tests.py is no name pytest's discovery collects; only tox.ini names it
    root = make_repo(tmp_path / "t", {"tox.ini": TOX_NAMED_FILE, "table.py": "", "tests.py": ""})
    entries = declared(root)[1]
    assert [(e.program, e.args, where) for e, where in entries] == [
        (("pytest",), ("tests.py",), "tox.ini [testenv] commands"),
        (("tox",), (), "tox configuration"),
    ]
    stack = detect(root, python=sys.executable)
    assert stack.test_argv == [sys.executable, "-m", "pytest", "tests.py"]


def test_tox_running_another_program_still_falls_back_to_tox(tmp_path: Path) -> None:
    tox = TOX_NAMED_FILE.replace("pytest --cov=table {posargs} tests.py", "{envpython} run.py")
    root = make_repo(tmp_path / "o", {"tox.ini": tox, "table.py": "", "run.py": ""})
    assert [e.program for e, _ in declared(root)[1]] == [("tox",)]
    assert detect(root, python=sys.executable).test_argv == ["tox"]


def test_a_noxfile_is_a_declared_entry_point(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "n", {"noxfile.py": "import nox\n", "lib/a.sh": "#!/bin/sh\n"})
    assert [(e.program, where) for e, where in declared(root)[1]] == [(("nox",), "noxfile.py")]


def test_tests_without_a_runner_are_named(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "x",
        {"src/main.c": "", "test/check_main.c": "", "test/data.txt": "", "pkg/a_test.go": ""},
    )
    stack = detect(root)
    assert stack.test_command is None
    assert stack.evidence["tests_found"] == ["test/ with 1 code file(s)", "1 *_test.go file(s)"]
    empty = make_repo(tmp_path / "y", {"src/main.c": "", "README.md": ""})
    assert "tests_found" not in detect(empty).evidence


def test_an_rpm_spec_template_is_no_spec_test(tmp_path: Path) -> None:
    """libbash's `libbash.spec.in` (the RPM spec configure fills in) is not a `*.spec.*` test;
    `test/a.spec.js` beside it is."""
    files = {"src/main.c": "", "libbash.spec.in": "Name: libbash\n", "foo.test.in": ""}
    root = make_repo(tmp_path / "x", files)
    assert "tests_found" not in detect(root).evidence
    root = make_repo(tmp_path / "y", {**files, "lib/a.spec.js": "", "lib/b.test.ts": ""})
    assert detect(root).evidence["tests_found"] == ["1 *.spec.* file(s)", "1 *.test.* file(s)"]


def test_maven_and_gradle_wrappers_the_project_ships(tmp_path: Path) -> None:
    maven = make_repo(tmp_path / "mvn", {"pom.xml": "<project/>", "mvnw": "", "A.java": ""})
    assert detect(maven).test_argv == ["./mvnw", "-q", "test"]
    gradle = make_repo(
        tmp_path / "gradle",
        {
            "build.gradle": "",
            "gradlew": "",
            "A.java": "",
            ".github/workflows/ci.yml": workflow("./gradlew --no-daemon check"),
        },
    )
    assert detect(gradle).test_argv == ["./gradlew", "test"]


def test_tech_stack_command_shows_the_chosen_command_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ai_workflow.cli import main

    files = {
        **BATS_PROJECT,
        ".github/workflows/tests.yml": workflow("bin/bats test", "go test ./..."),
        "go.mod": "module m\n",
        # Go is most of the code (the primary language is decided by code lines)
        "m.go": "package m\n\n" + "".join(f"func F{i}() {{}}\n" for i in range(10)),
        "m_test.go": "",
    }
    root = make_repo(tmp_path / "b", files)
    assert main(["tech-stack", "--target", str(root), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["test_command"] == "go test ./..."  # the CI disagrees: conventions decide
    assert shown["evidence"]["test_candidates"][0].startswith("the CI runs different test")
    assert main(["tech-stack", "--target", str(root)]) == 0
    table = capsys.readouterr().out
    assert "not chosen" in table and "tests found" not in table
    bare = make_repo(tmp_path / "c", {"src/a.c": "", "test/t.c": ""})
    assert main(["tech-stack", "--target", str(bare)]) == 0
    assert "tests found" in capsys.readouterr().out


def test_commands_run_in_another_directory_are_not_the_roots(tmp_path: Path) -> None:
    ci = textwrap.dedent(
        """\
        on: push
        jobs:
          web:
            runs-on: ubuntu-latest
            defaults: {run: {working-directory: web}}
            steps:
              - run: npx jest
          api:
            runs-on: ubuntu-latest
            steps:
              - run: cd api && go test ./...
              - run: cd "$GITHUB_WORKSPACE" && go test -short ./...
              - run: go test -short ./...
        """
    )
    files = {
        ".github/workflows/ci.yml": ci,
        "go.mod": "module m\n",
        "m.go": "",
        "api/go.mod": "module api\n",
        "web/package.json": "{}",
    }
    runner, _, notes = declared(make_repo(tmp_path / "m", files))
    assert notes == []
    assert runner is not None and runner.args == ("-short", "./...")


def test_a_ci_entry_point_that_sets_up_the_tests_comes_before_conventions(tmp_path: Path) -> None:
    """git-secret: the CI runs `make test`, whose recipe exports what the suite needs; a bare
    `bats tests` would fail every test (and let its teardown run in the checkout)."""
    set_up = 'test:\n\texport PROJECT_ROOT="$$PWD"; \\\n\t"$${SHELL}" ./utils/tests.sh\n'
    files = {
        "tests/a.bats": "@test 'a' { true; }\n",
        "utils/tests.sh": 'cd "$(mktemp -d)" && bats "$PROJECT_ROOT/tests"\n',
        "Makefile": set_up,
        ".github/workflows/ci.yml": workflow("brew install gawk", "make test"),
    }
    root = make_repo(tmp_path / "s", files)
    stack = detect(root)
    assert stack.test_argv == ["make", "test"]
    assert "sets up the tests' environment" in stack.evidence["test_command"][0]
    # the same entry point without set-up: the convention still decides
    (root / "Makefile").write_text('test:\n\t"$${SHELL}" ./utils/tests.sh\n')
    assert detect(root).test_argv == ["bats", "tests"]


def test_ci_installed_packages_and_which_are_missing(tmp_path: Path) -> None:
    ci = textwrap.dedent(
        """\
        on: push
        jobs:
          mac:
            steps:
              - run: brew install gawk gnupg && make test
          wsl:
            steps:
              - uses: Vampire/setup-wsl@v1
                with:
                  additional-packages: git no-such-package-xyz
          bsd:
            steps:
              - uses: vmactions/freebsd-vm@v0
                with:
                  prepare: pkg install -y gmake
          linux:
            steps:
              - run: sudo apt-get install -y --no-install-recommends shellcheck ${{ matrix.extra }}
        """
    )
    root = make_repo(tmp_path / "c", {".github/workflows/t.yml": ci})
    found = ci_installed_packages(root, list_project_files(root))
    assert list(found) == ["gawk", "gnupg", "git", "no-such-package-xyz", "shellcheck"]
    assert set(found.values()) == {".github/workflows/t.yml"}
    assert "no-such-package-xyz" in missing_packages(list(found))
    assert "git" not in missing_packages(["git"])  # on PATH


def test_status_127_is_the_machines_only_when_the_ci_installs_what_is_missing() -> None:
    text = "(from function `setup' in test file t.bats, line 3)\n`helper' failed with status 127"
    cause = machine_cause("t", set(), text, ["gawk"])
    assert cause is not None and (cause.kind, cause.detail) == ("packages", "gawk")
    assert machine_cause("t", set(), text) is None  # nothing missing: the project's failure
    assertion = '(in test file t.bats, line 4)\n`[ "$status" -eq 0 ]\' failed'
    assert machine_cause("t", set(), assertion, ["gawk"]) is None


def test_a_daemon_is_the_machines_only_when_its_socket_is_absent_here(tmp_path: Path) -> None:
    absent, present = tmp_path / "none" / "docker.sock", tmp_path / "mysqld.sock"
    present.write_text("")
    docker = (
        f"Cannot connect to the Docker daemon at unix://{absent}. Is the docker daemon running?"
    )
    cause = machine_cause("(in test file t.bats, line 3)", set(), f"x\n{docker}")
    assert cause is not None and cause.kind == "daemon" and str(absent) in cause.detail
    postgres = f'connection to server on socket "{absent}" failed: No such file or directory'
    assert machine_cause(postgres, set()) is not None
    mysql = f"Can't connect to local MySQL server through socket '{present}' (111)"
    assert machine_cause(mysql, set()) is None  # the socket is here: the project's failure
    assert machine_cause("Cannot connect to the server", set()) is None


def test_the_newest_node_a_ci_runs(tmp_path: Path) -> None:
    from ai_workflow.testcmd.node_versions import CiNode, ci_newest_node

    def newest(files: dict[str, str]) -> CiNode | None:
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return ci_newest_node(root, sorted(files))

    # finalhandler: the matrix's include entries name each version, the step reads the matrix
    include = (
        "jobs:\n  t:\n    strategy:\n      matrix:\n        include:\n"
        '          - node-version: "0.8"\n          - node-version: "17.7"\n'
        "    steps:\n      - run: nvm install ${{ matrix.node-version }}\n"
    )
    assert newest({".github/workflows/ci.yml": include}) == CiNode(17, ".github/workflows/ci.yml")
    travis = {".travis.yml": "language: node_js\nnode_js:\n  - '4'\n  - '6.9'\n"}
    assert newest(travis) == CiNode(6, ".travis.yml")
    setup = "steps:\n  - uses: actions/setup-node@v4\n    with:\n      node-version: 22.x\n"
    assert newest({**travis, ".github/workflows/t.yaml": setup}) == CiNode(
        22, ".github/workflows/t.yaml"
    )
    # the newest, whatever it is, or no version at all: nothing to compare with
    assert newest({".travis.yml": "node_js:\n  - lts/*\n  - '8'\n"}) is None
    assert newest({".travis.yml": "language: node_js\n"}) is None
    assert newest({"ci/other.yml": "node-version: 4\n"}) is None  # not a CI file


ABSENT = "zzqprog-not-installed"  # certainly on no PATH


@pytest.mark.parametrize(
    "line",
    [
        f"error: Could not find {ABSENT} command",
        f"bash: {ABSENT}: command not found",
        f"/bin/sh: 1: {ABSENT}: not found",
        f"./run.sh: line 3: {ABSENT}: command not found",
        f"zsh: command not found: {ABSENT}",
        f"which: no {ABSENT} in (/usr/bin:/bin)",
        f"make: {ABSENT}: No such file or directory",
        f"/usr/bin/env: '{ABSENT}': No such file or directory",
        f"Error: {ABSENT} not found in PATH",
        f"cannot find {ABSENT}",
        f"Could not find the program '{ABSENT}' in your PATH.",
        f"{ABSENT} is not installed",
    ],
)
def test_a_program_the_test_command_cannot_find_is_named(line: str) -> None:
    output = f"*** append.t ***\n{line}\nmake: *** [Makefile:38: test] Error 2\n"
    found = program_not_on_path("make", output, {"Makefile", "append.t"})
    assert found is not None and found.programs == (ABSENT,)
    assert found.line == line
    message = found.unavailable(".travis.yml").message()
    assert f"`{ABSENT}`" in message and ".travis.yml" in message


@pytest.mark.parametrize(
    ("output", "shipped"),
    [
        ("Could not find sh command", ""),  # on PATH: what failed is no missing program
        (f"sh: 1: ./bin/{ABSENT}: not found", ABSENT),  # the project's own, by its path
        (f"bash: {ABSENT}: command not found", ABSENT),  # ...and by its name
        (f"could not find {ABSENT}.txt", ""),  # a file
        (f"could not find file {ABSENT}", ""),
        (f"Error: Test {ABSENT} not found", ""),  # not first on its line
        ("File not found", ""),  # common nouns
        ("error: key not found", ""),
        (f"Error: Cannot find module '{ABSENT}'", ""),  # node's, for missing_node_packages
        (f"{ABSENT}.sh: command not found", ""),
        ("AssertionError: expected 1 to equal 2", ""),
        # a failed assertion beside a missing program: the run failed for a reason of its own
        (f"which: no {ABSENT} in (/usr/bin)\nnot ok 1 - adds\n", ""),
    ],
)
def test_what_is_no_missing_program_stays_the_projects(output: str, shipped: str) -> None:
    assert program_not_on_path("make", output, {shipped, "Makefile"}) is None


def test_only_commands_we_cannot_look_into_are_read_for_missing_programs() -> None:
    output = f"error: Could not find {ABSENT} command"
    assert program_not_on_path("script", output, set()) is not None
    assert program_not_on_path("pytest", output, set()) is None  # its failures say more


def test_the_ci_file_that_provides_a_program(tmp_path: Path) -> None:
    travis = textwrap.dedent(
        """        addons:
          apt:
            packages:
              - oathtool
        before_script:
          # pass is the program under test
          - ln -s password-store-$V/src/password-store.sh pass
        script:
          - make test  # runs pass-otp
        """
    )
    root = make_repo(
        tmp_path / "c",
        {".travis.yml": travis, ".github/workflows/t.yml": workflow("make test", "echo zzq")},
    )
    files = list_project_files(root)
    assert ci_provider(root, files, "pass") == ".travis.yml"
    assert ci_provider(root, files, "oathtool") == ".travis.yml"
    assert ci_provider(root, files, "zzq") is None  # named, but nothing installs it
    assert ci_provider(root, files, "password") is None


def node_missing(root: Path, module: str, requirer: str) -> str:
    return (
        f"Error: Cannot find module '{module}'\nRequire stack:\n- {root / requirer}\n"
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)\n"
    )


def test_a_package_a_fixture_declares_is_named_with_the_fixture(tmp_path: Path) -> None:
    fixture = json.dumps({"name": "mylib", "dependencies": {"buffer": "*"}})
    root = make_repo(
        tmp_path / "r",
        {
            "package.json": json.dumps({"name": "resolve", "devDependencies": {"tape": "*"}}),
            "test/fix/mylib/package.json": fixture,
            "test/fix/mylib/sync.js": "require('buffer/')\n",
            "test/own.js": "require('buffer/')\n",
        },
    )
    found = missing_node_packages(root, node_missing(root, "buffer/", "test/fix/mylib/sync.js"))
    assert found is not None
    assert "(buffer: not in test/fix/mylib/node_modules)" in found.reason
    assert "`npm install` in test/fix/mylib" in found.fix
    # the project's own file, whose package.json (the root's) does not declare it: its failure
    assert missing_node_packages(root, node_missing(root, "buffer/", "test/own.js")) is None
    # a module the fixture does not declare, and no require stack to tell the requirer
    assert (
        missing_node_packages(root, node_missing(root, "zlib2", "test/fix/mylib/sync.js")) is None
    )
    assert missing_node_packages(root, "Error: Cannot find module 'buffer/'\n") is None
    # installed on node's way up: what failed is not its absence
    (root / "test" / "node_modules" / "buffer").mkdir(parents=True)
    assert (
        missing_node_packages(root, node_missing(root, "buffer", "test/fix/mylib/sync.js")) is None
    )


def test_automake_tests_are_read_from_the_subdirectories_subdirs_lists(tmp_path: Path) -> None:
    """`TESTS` (with `+=` and the file's own variables expanded), in the top-level Makefile.am
    or a SUBDIRS entry's, followed down; a directory SUBDIRS does not list is not built."""
    am = "check_SCRIPTS = a.sh\nTESTS = $(check_SCRIPTS) \\\n  b.sh\nif X\nTESTS += c.sh\nendif\n"
    assert parse_variables(am)["TESTS"] == "a.sh b.sh c.sh"
    files = {
        "configure.ac": "AC_INIT([x], [1])\n",
        "Makefile.am": "SUBDIRS = src . $(MAYBE_DOC) t\n",
        "src/Makefile.am": "bin_SCRIPTS = x\n",
        "t/Makefile.am": "SUBDIRS = unit\n",
        "t/unit/Makefile.am": am,
        "other/Makefile.am": "TESTS = other.sh\n",
    }
    root = make_repo(tmp_path / "p", files)
    suite = automake_suite(root, list_project_files(root))
    assert suite is not None and suite.makefile_am == "t/unit/Makefile.am"
    assert suite.tests == ("a.sh", "b.sh", "c.sh")
    unlisted = make_repo(tmp_path / "q", {**files, "t/Makefile.am": ""})
    assert automake_suite(unlisted, list_project_files(unlisted)) is None
    no_configure = {k: v for k, v in files.items() if k != "configure.ac"}
    plain = make_repo(tmp_path / "r", no_configure)
    assert automake_suite(plain, list_project_files(plain)) is None


def test_automake_subdirs_that_configure_fills_in_are_its_generated_makefiles_dirs(
    tmp_path: Path,
) -> None:
    """virt-what: `SUBDIRS = $(tests)` with `AC_SUBST([tests])`; the directories configure may
    put there are those whose Makefile it generates (AC_CONFIG_FILES). A directory configure
    does not generate a Makefile for stays unbuilt, as does one a plain SUBDIRS leaves out."""
    files = {
        "configure.ac": (
            'AC_INIT([x], [1])\ntests="kvm xen"\nAC_SUBST([tests])\n'
            "AC_CONFIG_FILES([Makefile\n  tests/Makefile\n  tests/kvm/Makefile])\nAC_OUTPUT\n"
        ),
        "Makefile.am": "SUBDIRS = . tests\n",
        "tests/Makefile.am": "SUBDIRS = $(tests)\n",
        "tests/kvm/Makefile.am": "TESTS = test.sh\n",
        "tests/kvm/test.sh": "true\n",
        "tests/stale/Makefile.am": "TESTS = old.sh\n",
    }
    root = make_repo(tmp_path / "p", files)
    suite = automake_suite(root, list_project_files(root))
    assert suite is not None and suite.makefile_am == "tests/kvm/Makefile.am"
    assert suite.tests == ("test.sh",)
    only_stale = {**files, "tests/kvm/Makefile.am": "EXTRA_DIST = test.sh\n"}
    stale = make_repo(tmp_path / "q", only_stale)
    assert automake_suite(stale, list_project_files(stale)) is None


@pytest.mark.parametrize(
    ("script", "other"),
    [
        # tmp 0.2.2: npm appends `-- options` to the script's end, `istanbul report` here
        (
            "npm run clean && istanbul cover ./node_modules/mocha/bin/_mocha --report none "
            "-- -R spec test/*-test.js && istanbul report text-summary",
            "istanbul",
        ),
        ("mocha test/ && eslint .", "eslint"),
        ("mocha test/ | tee test.log", "tee"),
        ("eslint . && mocha test/", None),  # the runner is last: the options reach it
        ("nyc --reporter=lcov mocha test/", None),  # a wrapper passes them on
        ("c8 --check-coverage mocha", None),
    ],
)
def test_report_options_are_added_only_where_npm_hands_them_to_mocha(
    tmp_path: Path, script: str, other: str | None
) -> None:
    plan = mocha_plan(tmp_path, script, "test/a-test.js", "6.2.3")
    if other is None:
        assert plan.command[:5] == ["npm", "test", "--", "--reporter", "xunit"]
        assert plan.notes == []
    else:
        assert plan.command == ["npm", "test"]
        assert plan.notes == [
            f"the package script's last command is `{other}`, not mocha: options added after "
            "`npm test --` would reach it, so the script runs as it is"
        ]


# defusedxml 0.7.1: tox runs tests.py as a script; its __main__ block runs the suite test_main()
# builds from the concrete classes, never the abstract base, which has no parse() of its own
SCRIPT_SUITE = textwrap.dedent(
    """\
    import unittest


    class BaseTests(unittest.TestCase):
        module = None

        def test_parse(self):
            self.assertEqual(self.parse("<a/>"), "a")


    class TestStrip(BaseTests):
        def parse(self, text):
            return text.strip("<>/")


    def test_main():
        suite = unittest.TestSuite()
        suite.addTests(unittest.defaultTestLoader.loadTestsFromTestCase(TestStrip))
        return suite


    if __name__ == "__main__":
        result = unittest.TextTestRunner(verbosity=1).run(test_main())
        raise SystemExit(not result.wasSuccessful())
    """
)
TOX_SCRIPT = (
    "[tox]\nenvlist = py311\n[testenv]\ndeps = lxml\n"
    "commands =\n    coverage run --parallel-mode tests.py\n    coverage report -m\n"
    "[pytest]\npython_files = tests.py\n"
)


def _script_suite_findings(root: Path) -> tuple[TechStack, list[str]]:
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    stack = detect(root, python=sys.executable)
    ctx = step_context(root, test_execution.SPEC, config=config)
    findings = test_execution.run(ctx).findings
    return stack, [f"{f.severity} {f.rule} {f.message}" for f in findings if f.severity != "info"]


def test_a_test_file_tox_runs_as_a_script_runs_its_own_suite(tmp_path: Path) -> None:
    files = {"tox.ini": TOX_SCRIPT, "strip.py": "", "tests.py": SCRIPT_SUITE}
    root = make_repo(tmp_path / "d", files)
    runner, _, _ = declared(root)
    assert runner is not None and runner.program == ("python", "tests.py")
    stack, shown = _script_suite_findings(root)
    assert stack.test_argv == [sys.executable, "tests.py"]  # not pytest's discovery
    assert shown == []  # pytest would fail BaseTests.test_parse: it has no parse()


def test_a_failing_test_of_a_script_suite_is_still_shown(tmp_path: Path) -> None:
    broken = SCRIPT_SUITE.replace('text.strip("<>/")', 'text.strip("<>")')
    root = make_repo(tmp_path / "f", {"tox.ini": TOX_SCRIPT, "strip.py": "", "tests.py": broken})
    stack, shown = _script_suite_findings(root)
    assert stack.test_argv == [sys.executable, "tests.py"]
    assert len(shown) == 1 and shown[0].startswith("error tests/failed")
    assert "TestStrip.test_parse" in shown[0]


def test_a_script_tox_runs_that_runs_no_unittest_suite_is_no_runner(tmp_path: Path) -> None:
    plain = "if __name__ == '__main__':\n    print('checked')\n"
    root = make_repo(tmp_path / "p", {"tox.ini": TOX_SCRIPT, "strip.py": "", "tests.py": plain})
    assert declared(root)[0] is None
    assert detect(root, python=sys.executable).test_argv != [sys.executable, "tests.py"]


def test_tox_deps_reads_each_requirement_name_and_leaves_out_options_paths_and_urls(
    tmp_path: Path,
) -> None:
    """The base `[testenv]`'s `deps`, each line read as a PEP 508 requirement after its factor
    condition (`py38: mock`); options, paths, URLs and substitutions name no distribution."""
    (tmp_path / "tox.ini").write_text(
        "[testenv]\ndeps =\n    coverage\n    pytest[testing] >= 6; python_version > '3'\n"
        "    py38,!pypy: mock\n    -r requirements-test.txt\n    ./local\n"
        "    https://example.invalid/pkg.zip\n    {env:EXTRA}\n    not a requirement!\n"
        "[testenv:lint]\ndeps = flake8\n",
        encoding="utf-8",
    )
    assert tox_deps(tmp_path) == {"coverage", "pytest", "mock"}
