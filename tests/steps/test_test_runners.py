"""Step 7 with the runners beyond pytest and node: bats (the system's and a project's own copy),
test scripts, make targets, go test; what the CI runs; environments that cannot provide a
project's dependencies; projects whose tests have no runner; terminal escapes in messages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome, StepStatus
from ai_workflow.findings import Severity
from ai_workflow.steps import test_execution
from ai_workflow.testcmd.environment import machine_cause
from ai_workflow.testcmd.reports import parse_go_json
from tests.helpers import commit_all, make_repo, step_context

needs_bats = pytest.mark.skipif(
    shutil.which("bats") is None,
    reason="bats is not installed (./scripts/test.sh installs it: apt-get install bats, or npm)",
)
needs_go = pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
needs_npm = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")


def double_tests(package: str) -> str:
    """A Go test file of `package`: TestDouble fails on purpose (a planted failure, line 7),
    TestOk passes."""
    return (
        f'package {package}\n\nimport "testing"\n\nfunc TestDouble(t *testing.T) {{\n'
        '\tif Double(2) != 5 {\n\t\tt.Errorf("planted failure")\n\t}\n}\n\n'
        "func TestOk(t *testing.T) {}\n"
    )


def run_step(target: Path, config: Config | None = None) -> StepOutcome:
    ctx = step_context(target, test_execution.SPEC, config=config or Config())
    return test_execution.run(ctx)


def shown(outcome: StepOutcome) -> list[tuple[str, str, str | None, int | None]]:
    return [
        (f.severity.value, f.rule, f.path, f.line)
        for f in outcome.findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    ]


def with_environment(outcome: StepOutcome) -> list[tuple[str, str, str | None, int | None]]:
    """The shown findings and the `tests/environment-incomplete` ones (info: the tests could
    not run here), in order; such a step is incomplete, so its status is a warning."""
    if any(f.rule == "tests/environment-incomplete" for f in outcome.findings):
        assert outcome.incomplete and outcome.status() != StepStatus.PASSED
    return [
        (f.severity.value, f.rule, f.path, f.line)
        for f in outcome.findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
        or f.rule == "tests/environment-incomplete"
    ]


def counts(outcome: StepOutcome) -> tuple[int, int, int]:
    c = outcome.data["counts"]
    return c["passed"], c["failed"], c["skipped"]


def executable(root: Path, *paths: str) -> None:
    for rel in paths:
        (root / rel).chmod(0o755)
    commit_all(root, "executable")


def tap_counts(stdout: str) -> tuple[int, int, int]:
    """(passed, failed, skipped) as a TAP stream reports them."""
    results = re.findall(r"^(not )?ok \d+(.*)$", stdout, re.MULTILINE)
    skipped = sum(1 for failed, rest in results if not failed and "# skip" in rest.lower())
    failed = sum(1 for failed, _ in results if failed)
    return len(results) - failed - skipped, failed, skipped


def bats_direct(root: Path, *paths: str) -> tuple[int, int, int]:
    proc = subprocess.run(
        ["bats", "--formatter", "tap", *paths], cwd=root, capture_output=True, text=True
    )
    return tap_counts(proc.stdout)


def workflow(*runs: str) -> str:
    steps = "\n".join(f"      - run: {json.dumps(run)}" for run in runs)
    return f"on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n{steps}\n"


# --------------------------------------------------------------------------- bats


BATS_TESTS = {
    "lib/math.sh": "add() { echo $(($1 + $2)); }\n",
    "test/math.bats": textwrap.dedent(
        """\
        setup() { source lib/math.sh; }

        @test "adds" {
          [ "$(add 1 2)" -eq 3 ]
        }

        @test "planted failure" {
          [ "$(add 2 2)" -eq 5 ]
        }

        @test "later" {
          skip "not yet"
        }
        """
    ),
    # a fixture that is broken on purpose (bats refuses duplicate names): `bats -r` would stop
    "test/fixtures/duplicate.bats": "@test 'x' { true; }\n@test 'x' { true; }\n",
}


@needs_bats
def test_bats_project_counts_equal_running_bats_directly(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "sh", BATS_TESTS)
    outcome = run_step(root)
    assert outcome.data["framework"] == "bats"
    assert counts(outcome) == bats_direct(root, "test") == (1, 1, 1)
    assert shown(outcome) == [("error", "tests/failed", "test/math.bats", 8)]
    assert "planted failure" in outcome.findings[0].message
    assert outcome.status() == StepStatus.FAILED


@needs_bats
def test_the_ci_runner_and_the_projects_own_bats_are_used(tmp_path: Path) -> None:
    files = {
        **BATS_TESTS,
        # the project ships its runner (here a wrapper of the installed bats)
        "bin/bats": '#!/usr/bin/env bash\nexec bats "$@"\n',
        # tests the CI does not run (they need a service this machine lacks)
        "test/integration/service.bats": "@test 'needs the service' { false; }\n",
        ".github/workflows/ci.yml": workflow(
            "! bin/bats test/fixtures/duplicate.bats",
            "bin/bats --print-output-on-failure test",
        ),
    }
    root = make_repo(tmp_path / "sh", files)
    executable(root, "bin/bats")
    outcome = run_step(root)
    assert outcome.data["command"].startswith("bin/bats --report-formatter junit --output ")
    assert outcome.data["command"].endswith(" test")
    assert counts(outcome) == bats_direct(root, "test") == (1, 1, 1)  # not test/integration


# sstephenson's bats 0.4.0, as projects vendor it: only these options, anything else is refused
OLD_BATS = """\
#!/usr/bin/env bash
usage() { echo "Usage: bats [-c] [-p | -t] <test> [<test> ...]"; }
case "$1" in
  -h | --help) usage; exit 0 ;;
  -t | --tap) shift ;;
  -*) usage; exit 1 ;;
esac
exec bats --formatter tap "$@"
"""
MAKE_OLD_BATS = "test:\n\tLANG=C test/bats/bin/bats test/\n"  # git-secrets' make test


@needs_bats
def test_a_vendored_bats_without_report_options_is_read_from_its_tap(tmp_path: Path) -> None:
    files = {**BATS_TESTS, "test/bats/bin/bats": OLD_BATS, "Makefile": MAKE_OLD_BATS}
    root = make_repo(tmp_path / "sh", files)
    executable(root, "test/bats/bin/bats")
    outcome = run_step(root)
    assert outcome.data["command"] == "test/bats/bin/bats --tap test"
    assert counts(outcome) == bats_direct(root, "test") == (1, 1, 1)
    assert shown(outcome) == [("error", "tests/failed", "test/math.bats", 8)]
    assert outcome.findings[0].message == 'planted failure: `[ "$(add 2 2)" -eq 5 ]\' failed'


def test_shell_project_without_bats_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "sh", BATS_TESTS)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    outcome = run_step(root)
    assert shown(outcome) == []  # this machine's lack: info, not the project's defect
    assert [(f.severity, f.rule) for f in outcome.findings] == [
        (Severity.INFO, "tests/runner-missing")
    ]
    assert outcome.skipped_checks == ["tests (bats): bats is not installed or not on PATH"]
    assert outcome.incomplete and outcome.status() == StepStatus.WARNING


DAEMON_SUITE = textwrap.dedent(
    """\
    say_no_daemon() {
      echo "Cannot connect to the Docker daemon at unix://$1. Is the docker daemon running?" >&2
      return 1
    }

    @test 'cleans containers' {
      run true
      say_no_daemon "$SOCKET"
    }

    @test 'daemon answers' {
      run false
      [ $status = 0 ]
    }
    """
)


@needs_bats
def test_a_failure_that_says_the_docker_daemon_does_not_run_here_is_the_machines(
    tmp_path: Path,
) -> None:
    """docker-clean's bats suite builds and removes real containers; with no Docker daemon on
    the machine (its socket absent) each test says 'Cannot connect to the Docker daemon': the
    tests could not run here (info, the step incomplete), and the failure beside them that
    prints no cause (`run docker ps`, then `[ $status = 0 ]`) is a warning that says the
    daemon may be its cause too. The same message naming a socket that exists here (a daemon
    the machine has, which the project failed to use) stays an error."""
    absent = tmp_path / "no-such-dir" / "docker.sock"
    root = make_repo(
        tmp_path / "absent",
        {"test/clean.bats": f"SOCKET={absent}\n" + DAEMON_SUITE},
    )
    outcome = run_step(root)
    assert counts(outcome) == (0, 2, 0)
    assert with_environment(outcome) == [
        ("info", "tests/environment-incomplete", "test/clean.bats", 9),
        ("warning", "tests/failed", "test/clean.bats", 14),
    ]
    doubt = next(f for f in outcome.findings if f.rule == "tests/failed")
    assert "a running Docker daemon" in doubt.message and "may come from that" in doubt.message

    present = tmp_path / "present" / "docker.sock"
    root = make_repo(
        tmp_path / "present", {"test/clean.bats": f"SOCKET={present}\n" + DAEMON_SUITE}
    )
    present.write_text("")
    outcome = run_step(root)
    assert shown(outcome) == [
        ("error", "tests/failed", "test/clean.bats", 9),
        ("error", "tests/failed", "test/clean.bats", 14),
    ]


# --------------------------------------------------------------------------- scripts and make


TAP_RUNNER = """\
#!/bin/sh
# runs every tests/test_*.sh and reports TAP
echo "1..3"
n=0
for t in tests/test_*.sh; do
  n=$((n + 1))
  if sh "$t"; then echo "ok $n $t"; else echo "not ok $n $t"; echo "# at $t:2"; fi
done
echo "ok 3 network # SKIP offline"
"""
SHELL_RUNNER_PROJECT = {
    "lib/greet.sh": 'greet() { echo "hello $1"; }\n',
    "tests/run_all_tests.sh": TAP_RUNNER,
    "tests/test_greet.sh": '. lib/greet.sh\n[ "$(greet you)" = "hello you" ]\n',
    "tests/test_planted.sh": '. lib/greet.sh\n[ "$(greet you)" = "bye" ]\n',
}


def test_a_projects_test_script_is_run_and_its_tap_read(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "sh", SHELL_RUNNER_PROJECT)
    executable(root, "tests/run_all_tests.sh")
    outcome = run_step(root)
    assert (outcome.data["framework"], outcome.data["command"]) == (
        "script",
        "tests/run_all_tests.sh",
    )
    direct = subprocess.run(["tests/run_all_tests.sh"], cwd=root, capture_output=True, text=True)
    assert counts(outcome) == tap_counts(direct.stdout) == (1, 1, 1)
    assert shown(outcome) == [("error", "tests/failed", "tests/test_planted.sh", 2)]


def test_a_make_target_is_run_when_it_is_the_only_way_in(tmp_path: Path) -> None:
    files = {**SHELL_RUNNER_PROJECT, "Makefile": "check:\n\t@sh tests/run_all_tests.sh\n"}
    outcome = run_step(make_repo(tmp_path / "c", files))
    assert (outcome.data["framework"], outcome.data["command"]) == ("make", "make check")
    assert counts(outcome) == (1, 1, 1)


def test_tests_without_a_runner_are_a_warning(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "c", {"src/app.c": "", "test/check_app.c": ""})
    outcome = run_step(root)
    assert shown(outcome) == [("warning", "tests/no-runner", None, None)]
    message = outcome.findings[0].message
    assert "test/ with 1 code file(s)" in message
    assert "set tech_stack.test_command in .workflow-config.yaml" in message
    assert outcome.status() == StepStatus.WARNING
    nothing = run_step(make_repo(tmp_path / "d", {"src/app.c": ""}))
    assert shown(nothing) == [] and nothing.status() == StepStatus.PASSED


MANUAL_TEST = (
    "#!/bin/bash\nCMD='app -h localhost -c date'\n$CMD\nRETVAL=$?\n"
    'if [ "$RETVAL" -eq 0 ] ; then\n\techo "PASSED"\nelse\n'
    '\techo "FAILED (returned $RETVAL)"\n\techo "Hit any key to continue"\n\tread\nfi\n'
    "exit $RETVAL\n"
)


def test_test_scripts_that_wait_for_the_terminal_are_manual_tests(tmp_path: Path) -> None:
    """mussh's test/*.sh run the installed program over ssh to localhost and, on failure, say
    `Hit any key to continue` and `read`: manual checks for a person at a terminal, so the
    missing runner is info. Scripts that do not stop for the terminal (one of them, or a `read`
    from a file) still have no runner: a warning."""
    app = {"app": "#!/bin/bash\necho app\n"}
    manual = {"test/10_connect.sh": MANUAL_TEST, "test/11_hosts.sh": MANUAL_TEST}
    outcome = run_step(make_repo(tmp_path / "manual", {**app, **manual}))
    assert shown(outcome) == []
    [info] = [f for f in outcome.findings if f.rule == "tests/no-runner"]
    assert info.severity is Severity.INFO
    assert "each of its 2 test scripts waits for the terminal with `read`" in info.message
    assert "test/10_connect.sh line 10" in info.message
    assert outcome.summary == "tests not run: manual tests"
    automatic = MANUAL_TEST.replace("\tread\n", "")
    one = {**manual, "test/11_hosts.sh": automatic}
    assert shown(run_step(make_repo(tmp_path / "one", {**app, **one}))) == [
        ("warning", "tests/no-runner", None, None)
    ]
    from_file = MANUAL_TEST.replace("\tread\n", "\tread line < test/hosts\n")
    files = {"test/10_connect.sh": from_file, "test/11_hosts.sh": from_file}
    assert shown(run_step(make_repo(tmp_path / "file", {**app, **files}))) == [
        ("warning", "tests/no-runner", None, None)
    ]


def test_test_directories_each_described_by_a_readme_are_manual_tests(tmp_path: Path) -> None:
    """rear's tests/setup1/ and tests/setup2/ each hold a README that asks for a VM with 13
    network interfaces and runs `./verify.sh tcase${i}_results` as root: set-ups for a person,
    so the missing runner is info. Without a README in one of them, or with the scripts at the
    top of tests/, they still have no runner: a warning."""
    readme = "You need a VM.\n# for i in 1 2; do ./verify.sh tcase${i}_results; done\n"
    verify = '#!/bin/bash\n[ -n "$1" ] || { echo "Need a test case directory" >&2; exit 2; }\n'
    app = {"usr/sbin/app": "#!/bin/bash\necho app\n"}
    setups = {
        "tests/setup1/README": readme,
        "tests/setup1/verify.sh": verify,
        "tests/setup2/README.md": readme,
        "tests/setup2/verify.sh": verify,
    }
    outcome = run_step(make_repo(tmp_path / "setups", {**app, **setups}))
    assert shown(outcome) == []
    [info] = [f for f in outcome.findings if f.rule == "tests/no-runner"]
    assert info.severity is Severity.INFO
    assert "each of its 2 test directories has a README" in info.message
    assert "tests/setup1/README, tests/setup2/README.md" in info.message
    one_without = {k: v for k, v in setups.items() if k != "tests/setup2/README.md"}
    assert shown(run_step(make_repo(tmp_path / "one", {**app, **one_without}))) == [
        ("warning", "tests/no-runner", None, None)
    ]
    top = {"tests/README": readme, "tests/verify.sh": verify}
    assert shown(run_step(make_repo(tmp_path / "top", {**app, **top}))) == [
        ("warning", "tests/no-runner", None, None)
    ]


TEST_PROGRAMS_MAKEFILE = (
    "EXECS = sg_tst_async bsg_queue_tst\n\nall: $(EXECS)\n\nclean:\n\trm -f $(EXECS)\n"
)


def test_c_programs_a_test_makefile_builds_with_no_suite_are_no_missing_runner(
    tmp_path: Path,
) -> None:
    """sg3_utils' testing/ holds C programs that testing/Makefile builds (`all: $(EXECS)`) with
    no test or check target: tools a person runs against a device, not a suite, so the missing
    runner is info. The same programs with a `check:` target in that Makefile, or with no
    Makefile at all, still have no runner found: a warning."""
    app = {"src/tool.c": "int main(void) { return 0; }\n", "scripts/tool.sh": "#!/bin/sh\n"}
    programs = {
        "testing/sg_tst_async.c": "int main(void) { return 0; }\n",
        "testing/bsg_queue_tst.c": "int main(void) { return 0; }\n",
    }
    made = {**app, **programs, "testing/Makefile": TEST_PROGRAMS_MAKEFILE}
    outcome = run_step(make_repo(tmp_path / "programs", made))
    assert shown(outcome) == []
    [info] = [f for f in outcome.findings if f.rule == "tests/no-runner"]
    assert info.severity is Severity.INFO
    assert "2 C/C++ file(s) that testing/Makefile builds, with no test or check target" in (
        info.message
    )
    suite = {
        **made,
        "testing/Makefile": TEST_PROGRAMS_MAKEFILE + "\ncheck: all\n\t./sg_tst_async\n",
    }
    assert shown(run_step(make_repo(tmp_path / "suite", suite))) == [
        ("warning", "tests/no-runner", None, None)
    ]
    assert shown(run_step(make_repo(tmp_path / "bare", {**app, **programs}))) == [
        ("warning", "tests/no-runner", None, None)
    ]
    # the Makefile is generated and ignored (sg3_utils' .gitignore: `Makefile`): the platforms'
    # variants in git say the same, and a variant with a check target keeps the warning
    variants = {
        **app,
        **programs,
        ".gitignore": "Makefile\n",
        "testing/Makefile.freebsd": TEST_PROGRAMS_MAKEFILE,
        "testing/Makefile.cyg": TEST_PROGRAMS_MAKEFILE,
    }
    assert shown(run_step(make_repo(tmp_path / "variants", variants))) == []
    checked = {**variants, "testing/Makefile.cyg": suite["testing/Makefile"]}
    assert shown(run_step(make_repo(tmp_path / "checked", checked))) == [
        ("warning", "tests/no-runner", None, None)
    ]


TRAVIS_SCRIPT = (
    "language: sh\ninstall:\n  - ./tests/start-server.sh &\n"
    "script:\n  - tests/app-test.sh\n  - grep -c . app.sh\n"
)


def test_a_test_script_the_travis_ci_script_phase_runs_is_the_runner(tmp_path: Path) -> None:
    """A script under no conventional name (git-ftp's tests/git-ftp-test.sh) that the CI's
    test phase runs is the project's runner: it is run, and no `tests/no-runner`."""
    files = {
        "app.sh": "#!/bin/sh\necho app\n",
        "tests/app-test.sh": "#!/bin/sh\necho 1..1\necho 'ok 1 - app runs'\n",
        "tests/start-server.sh": "#!/bin/sh\nexit 0\n",
    }
    root = make_repo(tmp_path / "ci", {**files, ".travis.yml": TRAVIS_SCRIPT})
    executable(root, "tests/app-test.sh", "tests/start-server.sh")
    outcome = run_step(root)
    assert outcome.data["command"] == "tests/app-test.sh"
    assert counts(outcome) == (1, 0, 0)
    assert shown(outcome) == []
    # the same project without its CI file: nothing says how to run the script
    bare = make_repo(tmp_path / "bare", files)
    executable(bare, "tests/app-test.sh", "tests/start-server.sh")
    assert shown(run_step(bare)) == [("warning", "tests/no-runner", None, None)]


def test_tests_the_ci_runs_in_a_container_have_their_runner(tmp_path: Path) -> None:
    """recap's .travis.yml runs its tests/ scripts inside a container per distribution
    (`docker exec c /recap/tests/run_recap.sh`): the CI is their runner, which the workflow
    does not replay here, so the tests not run are info. A CI that names no test file leaves
    the tests without a runner: a warning."""
    files = {
        "app.sh": "#!/bin/sh\necho app\n",
        "tests/install_deps.sh": "#!/bin/sh\napt-get install -y bash\n",
        "tests/run_app.sh": "#!/bin/sh\n/usr/sbin/app\n",
    }
    travis = (
        "language: bash\nscript:\n"
        "  - docker exec c /app/tests/install_deps.sh debian\n"
        "  - docker exec c /app/tests/run_app.sh\n"
    )
    by_ci = run_step(make_repo(tmp_path / "ci", {**files, ".travis.yml": travis}))
    assert shown(by_ci) == []
    [info] = [f for f in by_ci.findings if f.rule == "tests/no-runner"]
    assert info.severity is Severity.INFO
    assert ".travis.yml: tests/install_deps.sh" in info.message
    other = "language: bash\nscript:\n  - shellcheck app.sh\n"
    unnamed = run_step(make_repo(tmp_path / "other", {**files, ".travis.yml": other}))
    assert shown(unnamed) == [("warning", "tests/no-runner", None, None)]


def test_terminal_escapes_never_reach_a_message(tmp_path: Path) -> None:
    printer = (
        "printf '\\033[1m\\033[31mFAIL\\033[0m check \\033]8;;http://x\\033\\\\link\\033]8;;"
        "\\033\\\\ broke\\r\\n'; exit 2"
    )
    root = make_repo(tmp_path / "c", {"a.txt": ""})
    outcome = run_step(root, Config.model_validate({"tech_stack": {"test_command": printer}}))
    [finding] = outcome.findings
    assert finding.rule == "tests/command-failed"
    assert finding.message.endswith("exited with 2: FAIL check link broke")
    assert "\x1b" not in finding.message
    tap = "printf '1..1\\n\\033[31mnot ok 1 red\\033[0m\\n'; exit 1"
    colored = run_step(root, Config.model_validate({"tech_stack": {"test_command": tap}}))
    assert counts(colored) == (0, 1, 0)
    assert colored.findings[0].message == "red"  # its name, once


# --------------------------------------------------------------------------- go


GO_MODULE = {
    "go.mod": "module example.com/calc\n\ngo 1.18\n",
    "calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
    "calc_test.go": textwrap.dedent(
        """\
        package calc

        import "testing"

        func TestAdd(t *testing.T) {
        \tif Add(1, 2) != 3 {
        \t\tt.Fatal("1 + 2")
        \t}
        }

        func TestPlanted(t *testing.T) {
        \tif Add(2, 2) != 5 {
        \t\tt.Errorf("planted failure: got %d", Add(2, 2))
        \t}
        }

        func TestLater(t *testing.T) { t.Skip("later") }
        """
    ),
}
OFFLINE = {"GOPROXY": "off", "GOFLAGS": "-mod=mod"}


def go_direct_counts(root: Path) -> tuple[int, int, int]:
    proc = subprocess.run(
        ["go", "test", "-v", "./..."],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **OFFLINE},
    )
    found = re.findall(r"^\s*--- (PASS|FAIL|SKIP):", proc.stdout, re.MULTILINE)
    return found.count("PASS"), found.count("FAIL"), found.count("SKIP")


@needs_go
def test_go_module_counts_equal_go_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in OFFLINE.items():
        monkeypatch.setenv(key, value)
    root = make_repo(tmp_path / "go", GO_MODULE)
    outcome = run_step(root)
    assert outcome.data["command"] == "go test -json ./..."
    assert counts(outcome) == go_direct_counts(root) == (1, 1, 1)
    assert shown(outcome) == [("error", "tests/failed", "calc_test.go", 13)]


SUBTESTS = {  # xo/terminfo's TestOpen shape: a parent whose only body is a t.Run per case
    "go.mod": "module example.com/sub\n\ngo 1.18\n",
    "sub.go": "package sub\n\nfunc Twice(n int) int { return n + n + n/3 }\n",
    "sub_test.go": textwrap.dedent(
        """\
        package sub

        import (
        \t"fmt"
        \t"testing"
        )

        func TestTwice(t *testing.T) {
        \tfor _, n := range []int{1, 3} {
        \t\tt.Run(fmt.Sprint(n), func(t *testing.T) {
        \t\t\tif Twice(n) != 2*n {
        \t\t\t\tt.Errorf("Twice(%d) = %d", n, Twice(n))
        \t\t\t}
        \t\t})
        \t}
        }

        func TestChecked(t *testing.T) {
        \tif Twice(6) != 12 {
        \t\tt.Errorf("Twice(6) = %d", Twice(6))
        \t}
        \tt.Run("six", func(t *testing.T) {
        \t\tif Twice(6) != 12 {
        \t\t\tt.Errorf("again")
        \t\t}
        \t})
        }
        """
    ),
}


@needs_go
def test_go_parent_failed_only_through_its_subtest_is_not_shown_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TestTwice fails only because its subtest TestTwice/3 does: one finding, the subtest's;
    TestChecked's own t.Errorf is a failure of its own and stays beside its subtest's."""
    for key, value in OFFLINE.items():
        monkeypatch.setenv(key, value)
    outcome = run_step(make_repo(tmp_path / "go", SUBTESTS))
    names = sorted(f.extra["test"] for f in outcome.findings if f.rule == "tests/failed")
    assert names == [
        "example.com/sub.TestChecked",
        "example.com/sub.TestChecked/six",
        "example.com/sub.TestTwice/3",
    ]
    assert counts(outcome) == go_direct_counts(tmp_path / "go") == (1, 4, 0)


CALLER_PATHS = {  # go-stack/stack 1.8.0's shape: a caller's path from import path and disk
    "go.mod": "module example.com/acme/where\n\ngo 1.17\n",
    "where.go": textwrap.dedent(
        """\
        package where

        import (
        \t"runtime"
        \t"strings"
        )

        // Here is the caller's import path prefix plus the last two segments of its file.
        func Here() string {
        \tpc, file, _, _ := runtime.Caller(1)
        \tfn := runtime.FuncForPC(pc).Name()
        \tpre := fn[:strings.LastIndex(fn, "/")]
        \tparts := strings.Split(file, "/")
        \treturn pre + "/" + strings.Join(parts[len(parts)-2:], "/")
        }

        func Add(a, b int) int { return a + b }
        """
    ),
    "where_test.go": textwrap.dedent(
        """\
        package where

        import (
        \t"fmt"
        \t"testing"
        )

        func TestHere(t *testing.T) {
        \tif got := Here(); got != "example.com/acme/where/where_test.go" {
        \t\tt.Errorf("Here() = %s, want example.com/acme/where/where_test.go", got)
        \t}
        }

        func TestAdd(t *testing.T) {
        \tif Add(2, 2) != 5 {
        \t\tt.Errorf("planted failure")
        \t}
        }

        func ExampleHere() {
        \tfmt.Println(Here())
        \t// Output: example.com/acme/where/where_test.go
        }
        """
    ),
}


@needs_go
def test_a_go_test_that_expects_the_checkout_named_as_the_module_path_ends_is_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """go-stack/stack 1.8.0 unpacked into `go-stack/`: its path tests print
    github.com/go-stack/go-stack/... where they expect github.com/go-stack/stack/...; they pass
    in a directory named `stack`. Such failures are info naming the directory; a real failure
    beside them stays an error, and so do the same tests in a checkout named as the module."""
    for key, value in OFFLINE.items():
        monkeypatch.setenv(key, value)
    renamed = run_step(make_repo(tmp_path / "acme-where", CALLER_PATHS))
    assert counts(renamed) == (0, 3, 0)
    assert shown(renamed) == [("error", "tests/failed", "where_test.go", 16)]
    notes = [f for f in renamed.findings if f.severity == Severity.INFO and "checkout" in f.message]
    assert sorted(str(f.extra.get("test")) for f in notes) == [
        "example.com/acme/where.ExampleHere",
        "example.com/acme/where.TestHere",
    ]
    example = next(f for f in notes if "Example" in f.message)
    assert "example output differs: got `example.com/acme/acme-where/where_test.go`" in (
        example.message
    )
    # the same project where the directory is named as the module path ends: one failure only
    named = run_step(make_repo(tmp_path / "named" / "where", CALLER_PATHS))
    assert counts(named) == (2, 1, 0)
    assert shown(named) == [("error", "tests/failed", "where_test.go", 16)]
    # a path test that really fails (a wrong file, not a renamed directory) stays an error
    wrong = dict(CALLER_PATHS)
    wrong["where_test.go"] = CALLER_PATHS["where_test.go"].replace(
        "where/where_test.go", "where/other_test.go"
    )
    broken = run_step(make_repo(tmp_path / "acme-where2", wrong))
    assert ("error", "tests/failed", "where_test.go", 10) in shown(broken)


GOPATH_PACKAGE = {  # go-spew's shape: no go.mod, an external test importing it by path
    "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
    "calc/calc_test.go": textwrap.dedent(
        """\
        package calc_test

        import (
        \t"testing"

        \t"example.com/old/calc"
        )

        func TestAdd(t *testing.T) {
        \tif calc.Add(2, 2) != 5 {
        \t\tt.Errorf("planted failure")
        \t}
        }

        func TestOk(t *testing.T) {}
        """
    ),
}


@needs_go
def test_a_go_package_without_go_mod_runs_in_gopath_mode_at_its_import_path(
    tmp_path: Path,
) -> None:
    """go-spew 1.1.1 has no go.mod: module mode fails, so it was a `tests/no-runner`; its
    import path (here from its own test's import) lets go test run it under GOPATH."""
    root = make_repo(tmp_path / "old", GOPATH_PACKAGE)
    outcome = run_step(root)
    assert outcome.data["framework"] == "go-test"
    assert counts(outcome) == (1, 1, 0)
    assert shown(outcome) == [("error", "tests/failed", "calc/calc_test.go", 11)]
    assert not (root / "go.mod").exists()  # the project is left as it was
    # without a way to tell its import path, a package whose external test imports another
    # project's package stays a project whose tests found no runner (an external test that
    # imports `<host>/.../calc`, its own package by its path, gives the path:
    # test_a_gopath_package_runs_at_the_path_its_external_test_imports_it_by)
    unknown = {
        "calc.go": "package calc\n",
        "calc_test.go": 'package calc_test\n\nimport "example.com/unknown/other"\n',
    }
    bare = run_step(make_repo(tmp_path / "bare", unknown))
    assert [rule for _, rule, _, _ in shown(bare)] == ["tests/no-runner"]


# d4l3k/messagediff 1.2.1's shape: its test imports a package of its own under testdata/ by
# the path it builds at, while the README advertises another (a gopkg.in alias)
TESTDATA_IMPORT = {
    "README.md": '```go\nimport "gopkg.in/x/diff.v1"\n```\n',
    "diff.go": "package diff\n\nfunc Same(a, b int) bool { return a == b }\n",
    "testdata/testdata.go": "package testdata\n\nconst One = 1\n",
    "diff_test.go": textwrap.dedent(
        """\
        package diff

        import (
        \t"testing"

        \t"example.com/x/diff/testdata"
        )

        func TestSame(t *testing.T) {
        \tif !Same(testdata.One, 1) {
        \t\tt.Errorf("not the same")
        \t}
        }

        func TestPlanted(t *testing.T) {
        \tif Same(testdata.One, 1) {
        \t\tt.Errorf("planted failure")
        \t}
        }
        """
    ),
}


@needs_go
def test_a_gopath_package_builds_where_its_test_imports_its_testdata_package(
    tmp_path: Path,
) -> None:
    """Linked at the README's path, go found the project's own testdata package nowhere (a
    build error on the import); at the path its test imports it by, the tests run, and the
    planted failure is the one error shown."""
    from ai_workflow.testcmd.gopath import gopath_import_path

    root = make_repo(tmp_path / "md", TESTDATA_IMPORT)
    assert gopath_import_path(root, sorted(TESTDATA_IMPORT)) == (
        "example.com/x/diff",
        "the project's own packages as its Go files import them",
    )
    outcome = run_step(root)
    assert outcome.data["framework"] == "go-test"
    assert counts(outcome) == (1, 1, 0)
    assert shown(outcome) == [("error", "tests/failed", "diff_test.go", 17)]
    # with no such import, the README's path is still the one taken
    plain = {k: v for k, v in TESTDATA_IMPORT.items() if k != "diff_test.go"}
    assert gopath_import_path(make_repo(tmp_path / "plain", plain), sorted(plain)) == (
        "gopkg.in/x/diff.v1",
        "the import path in README.md",
    )


def _example_importing(path: str) -> str:
    return f'package example\n\nimport (\n\t"testing"\n\n\t"{path}"\n)\n\nvar _ = {path.rsplit("/", 1)[-1]}.Parse\n\nfunc TestX(t *testing.T) {{}}\n'


@needs_go
def test_a_gopath_package_importing_another_repositorys_absent_package_could_not_run(
    tmp_path: Path,
) -> None:
    """d4l3k/messagediff 1.2.1's example/atom_test.go imports golang.org/x/net/html, which its
    CI fetched with `go get` and GOPATH mode never downloads: that package cannot be built here
    and is left out of the run (the step says so), the root package's tests ran and keep their
    result; a package of the project's own that is absent stays the project's error."""
    foreign = {**TESTDATA_IMPORT, "example/x_test.go": _example_importing("golang.org/x/net/html")}
    outcome = run_step(make_repo(tmp_path / "foreign", foreign))
    assert counts(outcome) == (1, 1, 0)
    assert shown(outcome) == [("error", "tests/failed", "diff_test.go", 17)]
    # left out of the run before it starts (its imports are read first), and said so
    [note] = [c for c in outcome.checked if "golang.org/x/net/html" in c]
    assert "GOPATH" in note and "example/" in note
    own = {**TESTDATA_IMPORT, "example/x_test.go": _example_importing("example.com/x/diff/html")}
    outcome = run_step(make_repo(tmp_path / "own", own))
    assert ("error", "tests/error", "example/x_test.go", 6) in shown(outcome)
    assert not [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]


def _color_importing(path: str) -> dict[str, str]:
    """A GOPATH-era package (no go.mod; its import path from the import comment) whose
    non-test file imports `path`, with one passing test."""
    name = path.rsplit("/", 1)[-1].replace("-", "")
    return {
        "color.go": (
            f'package color // import "example.com/x/color"\n\nimport {name} "{path}"\n\n'
            f"var Tty = {name}.IsTerminal\n"
        ),
        "color_test.go": 'package color\n\nimport "testing"\n\nfunc TestOne(t *testing.T) {}\n',
    }


@needs_go
def test_a_gopath_package_whose_code_imports_another_repositorys_absent_package_is_not_run(
    tmp_path: Path,
) -> None:
    """fatih/color 1.7.0's color.go imports github.com/mattn/go-isatty, which its CI fetched
    (dep's Gopkg.toml): GOPATH mode downloads nothing, and go stopped before any test; the
    tests could not run here (info), no error of the project's. The same import of a package
    of the project's own that does not exist stays an error."""
    outcome = run_step(
        make_repo(tmp_path / "foreign", _color_importing("github.com/mattn/go-isatty"))
    )
    assert shown(outcome) == []
    [info] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert "github.com/mattn/go-isatty" in info.message and "GOPATH" in info.message
    outcome = run_step(make_repo(tmp_path / "own", _color_importing("example.com/x/color/isatty")))
    assert [(s, r) for s, r, _, _ in shown(outcome)] == [("error", "tests/command-failed")]
    assert not [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]


def test_a_gopath_packages_import_path_comes_from_the_ci_a_comment_or_its_imports(
    tmp_path: Path,
) -> None:
    from ai_workflow.testcmd.gopath import gopath_import_path

    def found(files: dict[str, str]) -> tuple[str, str] | None:
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return gopath_import_path(root, sorted(files))

    travis = {".travis.yml": "go_import_path: github.com/a/b\n", "x.go": "package x\n"}
    assert found(travis) == ("github.com/a/b", ".travis.yml go_import_path")
    comment = {"sub/x.go": 'package x // import "gopkg.in/a/b.v1/sub"\n'}
    assert found(comment) == ("gopkg.in/a/b.v1", "the import comment in sub/x.go")
    assert found(GOPATH_PACKAGE) == (
        "example.com/old",
        "the project's own packages as its Go files import them",
    )
    # gorhill/cronexpr: the command in cronexpr/ imports the root package, whose path ends in
    # the command's own directory; a non-test file cannot import its own package (an import
    # cycle), so that import is not its directory's, and the README gives the root's path
    command = {
        "README.md": "    go get github.com/gorhill/cronexpr\n",
        "cronexpr.go": "package cronexpr\n",
        "cronexpr/main.go": 'package main\n\nimport "github.com/gorhill/cronexpr"\n',
    }
    assert found(command) == ("github.com/gorhill/cronexpr", "the import path in README.md")
    # ... while an external test in that directory does import the package of its directory
    external = {
        **command,
        "cronexpr/main_test.go": 'package main_test\n\nimport "github.com/gorhill/cronexpr"\n',
    }
    assert found(external) == (
        "github.com/gorhill",
        "the project's own packages as its Go files import them",
    )
    # a module, no Go files, or imports of other projects only: not a GOPATH package we know
    assert found({**GOPATH_PACKAGE, "go.mod": "module example.com/old\n"}) is None
    assert found({**GOPATH_PACKAGE, "tools/go.mod": "module example.com/old/tools\n"}) is None
    assert found({"README.md": "hi\n"}) is None
    assert found({"x/x.go": 'package x\n\nimport "github.com/other/y"\n'}) is None
    # kballard/go-shellquote: its godoc README names the import path of the root package
    readme = {
        "README": 'package shellquote\n    import "github.com/kballard/go-shellquote"\n',
        "quote.go": "package shellquote\n",
        "quote_test.go": "package shellquote\n",
    }
    assert found(readme) == ("github.com/kballard/go-shellquote", "the import path in README")
    got = {"README.md": "go get -u github.com/a/thing\n", "thing.go": "package thing\n"}
    assert found(got) == ("github.com/a/thing", "the import path in README.md")
    # a README that names another package only (a dependency): not the project's path (the
    # package imports nothing, so it builds at a path of its own, `local/thing`)
    other = {"README.md": 'import "github.com/other/yaml"\n', "thing.go": "package thing\n"}
    assert found(other) == ("local/thing", STDLIB_ONLY)
    # spaolacci/murmur3: no path anywhere, standard library imports only; a package that
    # imports a dependency, or a relative path, has no path of its own
    alone = {
        "murmur.go": 'package murmur3\n\nimport (\n\t"hash"\n)\n',
        "murmur_test.go": 'package murmur3\n\nimport (\n\t"fmt"\n\t"testing"\n)\n',
    }
    assert found(alone) == ("local/murmur3", STDLIB_ONLY)
    assert found({**alone, "murmur.go": 'package murmur3\n\nimport "github.com/o/y"\n'}) is None
    assert found({**alone, "murmur.go": 'package murmur3\n\nimport "./sub"\n'}) is None
    # pmezard/go-difflib: the one package is in difflib/, the README's `go get` names it
    sub = {
        "README.md": "$ go get github.com/pmezard/go-difflib/difflib\n",
        "difflib/difflib.go": "package difflib\n",
        "difflib/difflib_test.go": "package difflib\n",
    }
    assert found(sub) == (
        "github.com/pmezard/go-difflib",
        "the import path of difflib/ in README.md",
    )
    # ... but a README path that ends in no directory of the project's is not its path: the
    # one package below the root, importing nothing, builds at a path of its own
    # (bgentry/go-netrc: netrc/ only, its README's godoc link names the repository)
    elsewhere = {**sub, "README.md": "go get github.com/other/yaml\n"}
    assert found(elsewhere) == ("local/difflib", STDLIB_ONLY)
    # two package directories may import each other by a path nobody gives: none
    assert found({**elsewhere, "cmd/main.go": "package main\n"}) is None
    # a package below the root that imports a dependency has no path of its own either
    hosted = 'package difflib\n\nimport "github.com/o/y"\n'
    assert found({**elsewhere, "difflib/difflib.go": hosted}) is None
    # test files only, no package of the project's: nothing to run under GOPATH
    tests_only = {"README.md": "go get github.com/a/thing\n", "thing_test.go": "package thing\n"}
    assert found(tests_only) is None
    # docker/go-units: the README's godoc links give the import path of the root package
    godoc = {
        "README.md": GODOC_README,
        "size.go": "package units\n",
        "size_test.go": "package units\n",
    }
    assert found(godoc) == ("github.com/docker/go-units", "the import path in README.md")
    go_dev = {**godoc, "README.md": "[docs](https://pkg.go.dev/github.com/docker/go-units/)\n"}
    assert found(go_dev) == ("github.com/docker/go-units", "the import path in README.md")
    # ... not a link to the documentation of another package (a dependency), nor a badge
    dependency = {**godoc, "README.md": "Built on https://godoc.org/github.com/other/yaml\n"}
    assert found(dependency) == ("local/units", STDLIB_ONLY)
    badge = {**godoc, "README.md": "![](https://pkg.go.dev/badge/github.com/x/units.svg)\n"}
    assert found(badge) == ("local/units", STDLIB_ONLY)


STDLIB_ONLY = "no import path given, and its Go files import the standard library only"
GODOC_README = (
    "[![GoDoc](https://godoc.org/github.com/docker/go-units?status.svg)]"
    "(https://godoc.org/github.com/docker/go-units)\n\n# Introduction\n"
)


@needs_go
def test_a_gopath_package_whose_readme_links_its_godoc_runs_its_tests(tmp_path: Path) -> None:
    """docker/go-units 0.4.0: no go.mod, no import comment, no import of its own; only the
    README's godoc links name its import path. Its tests run (a planted failure is an error),
    where they were a `tests/no-runner` warning."""
    files = {
        "README.md": GODOC_README,
        "size.go": "package units\n\nfunc Double(n int) int { return 2 * n }\n",
        "size_test.go": double_tests("units"),
    }
    outcome = run_step(make_repo(tmp_path / "units", files))
    assert outcome.data["framework"] == "go-test"
    assert counts(outcome) == (1, 1, 0)
    assert shown(outcome) == [("error", "tests/failed", "size_test.go", 7)]


GOPTIONS_README = textwrap.dedent(  # voxelbrain/goptions 2.5.11's README: an import block
    """\
    # goptions

    ```go
    package main

    import (
    \t"github.com/voxelbrain/goptions"
    \t"os"
    \tyaml "github.com/other/yaml"
    )
    ```
    """
)


def test_a_gopath_packages_import_path_comes_from_a_readme_import_block(tmp_path: Path) -> None:
    """voxelbrain/goptions 2.5.11 (held-out 115, a wrong `tests/no-runner` warning): no
    go.mod, no import comment, no `import "..."` on one line; its README's example imports
    the package in a parenthesised block, beside `"os"` and other dependencies."""
    from ai_workflow.testcmd.gopath import gopath_import_path

    def found(files: dict[str, str]) -> tuple[str, str] | None:
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return gopath_import_path(root, sorted(files))

    dependency = 'package goptions\n\nimport "github.com/o/z"\n'
    files = {"README.md": GOPTIONS_README, "goptions.go": dependency}
    assert found(files) == ("github.com/voxelbrain/goptions", "the import path in README.md")
    # indented as a Markdown code block, aliased: the same
    indented = textwrap.indent(GOPTIONS_README.replace('\t"github', '\tg "github'), "    ")
    assert found({**files, "README.md": indented}) == (
        "github.com/voxelbrain/goptions",
        "the import path in README.md",
    )
    # a block that imports dependencies only (none names the package): not the project's path
    others = GOPTIONS_README.replace("voxelbrain/goptions", "other/flags")
    assert found({**files, "README.md": others}) is None
    # ... nor is a block's dependency whose last element is a directory of the project's
    # taken for that directory's path, as a `go get` of it is
    below = {**files, "README.md": others, "yaml/yaml.go": "package yaml\n"}
    assert found(below) is None
    got = {**below, "README.md": "go get github.com/other/yaml\n"}
    assert found(got) == ("github.com/other", "the import path of yaml/ in README.md")


@needs_go
def test_a_gopath_package_whose_readme_imports_it_in_a_block_runs_its_tests(
    tmp_path: Path,
) -> None:
    """voxelbrain/goptions 2.5.11's shape: its tests ran nowhere (a `tests/no-runner` warning)
    because only the README's import block gives its path, which its example under examples/
    needs; now they run (a planted failure is an error)."""
    files = {
        "README.md": GOPTIONS_README.replace('\tyaml "github.com/other/yaml"\n', ""),
        "goptions.go": "package goptions\n\nfunc Double(n int) int { return 2 * n }\n",
        "examples/main.go": textwrap.dedent(
            """\
            package main

            import "github.com/voxelbrain/goptions"

            func main() { _ = goptions.Double(1) }
            """
        ),
        "goptions_test.go": double_tests("goptions"),
    }
    outcome = run_step(make_repo(tmp_path / "goptions", files))
    assert outcome.data["framework"] == "go-test"
    assert counts(outcome) == (1, 1, 0)
    assert shown(outcome) == [("error", "tests/failed", "goptions_test.go", 7)]
    # the same tree with a README whose block names no package of the project's: no path
    # (the root imports nothing hosted, yet examples/ imports a path nobody gives), so the
    # tests stay unrun, the warning this was
    files["README.md"] = GOPTIONS_README.replace("voxelbrain/goptions", "other/flags")
    files["examples/main.go"] = files["examples/main.go"].replace("voxelbrain", "elsewhere")
    outcome = run_step(make_repo(tmp_path / "unknown", files))
    assert [f.rule for f in outcome.findings if f.severity == Severity.WARNING] == [
        "tests/no-runner"
    ]


def self_contained_go(wanted: int) -> dict[str, str]:
    """spaolacci/murmur3 1.1's shape: no go.mod, no import path anywhere (its README links
    only its Travis badge), one package importing the standard library only."""
    return {
        "README.md": "# murmur3\n\nNative Go implementation of MurmurHash3.\n",
        ".travis.yml": "language: go\n\ngo:\n    - 1.x\n\nscript: go test\n",
        "murmur.go": "package murmur3\n\nfunc Sum(a, b int) int { return a + b }\n",
        "murmur_test.go": (
            'package murmur3\n\nimport "testing"\n\n'
            "func TestSum(t *testing.T) {\n"
            f'\tif Sum(2, 2) != {wanted} {{\n\t\tt.Errorf("wrong sum")\n\t}}\n}}\n'
        ),
    }


GODO_SCRIPT = textwrap.dedent(  # mgutz/str's Gododir/main.go: a build script's package main
    """\
    package main

    import (
    \tdo "gopkg.in/godo.v2"

    \t"example.com/old/calc"
    )

    func tasks(p *do.Project) { _ = calc.Add }

    func main() { do.Godo(tasks) }
    """
)


@needs_go
def test_a_gopath_package_whose_build_script_imports_what_nothing_provides_still_runs(
    tmp_path: Path,
) -> None:
    """mgutz/str 1.2.0 (held-out 104, a false error): no go.mod, and Gododir/main.go, the godo
    task runner's build script, imports gopkg.in/godo.v2, which nothing declares nor fetches in
    GOPATH mode: go stopped `go test ./...` at loading it, so no test ran and the run was an
    error. That directory is left out; the library's tests run, and a failing one is still the
    project's error. A library whose own package imports what nothing provides is left to go."""
    from ai_workflow.testcmd.gopath import buildable_packages

    root = make_repo(tmp_path / "godo", {**GOPATH_PACKAGE, "Gododir/main.go": GODO_SCRIPT})
    outcome = run_step(root)
    assert counts(outcome) == (1, 1, 0)
    assert shown(outcome) == [("error", "tests/failed", "calc/calc_test.go", 11)]
    assert any("Gododir/ imports gopkg.in/godo.v2" in note for note in outcome.checked)
    files = [*GOPATH_PACKAGE, "Gododir/main.go"]
    assert buildable_packages(root, files, "example.com/old") == (
        ["calc"],
        {"Gododir": ["gopkg.in/godo.v2"]},
    )
    # vendored, it is provided; in the library itself, nothing is left to run: go says so
    (root / "vendor/gopkg.in/godo.v2").mkdir(parents=True)
    assert buildable_packages(root, files, "example.com/old") is None
    lib = {"calc/calc.go": 'package calc\n\nimport _ "gopkg.in/godo.v2"\n'}
    alone = make_repo(tmp_path / "lib", {**GOPATH_PACKAGE, **lib})
    assert buildable_packages(alone, list(GOPATH_PACKAGE), "example.com/old") is None


@needs_go
def test_a_gopath_package_that_imports_only_the_standard_library_runs_at_any_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spaolacci/murmur3 1.1 (held-out 75, a false error): no go.mod and no import path in
    any file, so its CI's `go test` ran in module mode and stopped ("cannot find main
    module"). Its files import the standard library only, so it builds at any path: it runs
    in GOPATH mode at `local/murmur3`, its tests pass, and a test that fails is still the
    project's error."""
    monkeypatch.delenv("GO111MODULE", raising=False)
    passing = run_step(make_repo(tmp_path / "passing", self_contained_go(wanted=4)))
    assert counts(passing) == (1, 0, 0)
    assert shown(passing) == []
    failing = run_step(make_repo(tmp_path / "failing", self_contained_go(wanted=5)))
    assert counts(failing) == (0, 1, 0)
    assert shown(failing) == [("error", "tests/failed", "murmur_test.go", 7)]


def externally_tested_go(wanted: int, imported: str) -> dict[str, str]:
    """danwakefield/fnmatch's shape: no go.mod, no import path in the README, the root package
    importing the standard library only, and an external test (`package fnmatch_test`) that
    imports the package by its path."""
    return {
        "README.md": "# fnmatch\nUpdated clone of a fnmatch gist\n",
        "fnmatch.go": "package fnmatch\n\nfunc Sum(a, b int) int { return a + b }\n",
        "fnmatch_test.go": (
            f'package fnmatch_test\n\nimport (\n\t"testing"\n\n\t"{imported}"\n)\n\n'
            "func TestSum(t *testing.T) {\n"
            f'\tif fnmatch.Sum(2, 2) != {wanted} {{\n\t\tt.Errorf("wrong sum")\n\t}}\n}}\n'
        ),
    }


@needs_go
def test_a_gopath_package_runs_at_the_path_its_external_test_imports_it_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """danwakefield/fnmatch (held-out 105, a false `tests/no-runner`): its only test is
    external, `package fnmatch_test`, and imports `github.com/danwakefield/fnmatch`, the root
    package by its path; no other file names a path. The package runs in GOPATH mode at that
    path and its test passes; a failing test is still the project's error. An import whose
    last element is not the root's package name (a dependency) gives no path: nothing runs."""
    from ai_workflow.testcmd.gopath import gopath_import_path

    monkeypatch.delenv("GO111MODULE", raising=False)
    own = "github.com/danwakefield/fnmatch"
    passing = run_step(make_repo(tmp_path / "passing", externally_tested_go(4, own)))
    assert counts(passing) == (1, 0, 0)
    assert shown(passing) == []
    failing = run_step(make_repo(tmp_path / "failing", externally_tested_go(5, own)))
    assert counts(failing) == (0, 1, 0)
    assert shown(failing) == [("error", "tests/failed", "fnmatch_test.go", 11)]
    files = externally_tested_go(4, "github.com/other/glob")
    other = make_repo(tmp_path / "dependency", files)
    assert gopath_import_path(other, sorted(files)) is None


def demangle_shaped_go(wanted: int, imported: str) -> dict[str, str]:
    """ianlancetaylor/demangle's shape (git 28f6c0f): no go.mod, a README whose title is the
    import path, the root package with an internal test, and beside it c++filt.go, an example
    program go builds only when `go run` names it (`// +build ignore`, `package main`), which
    imports the package by its path."""
    return {
        "README.md": "# the demangler\n\nA Go package that can be used to demangle names.\n",
        "demangle.go": "package demangle\n\nfunc Sum(a, b int) int { return a + b }\n",
        "demangle_test.go": (
            'package demangle\n\nimport "testing"\n\n'
            "func TestSum(t *testing.T) {\n"
            f'\tif Sum(2, 2) != {wanted} {{\n\t\tt.Errorf("wrong sum")\n\t}}\n}}\n'
        ),
        "filt.go": (
            "// +build ignore\n\npackage main\n\n"
            f'import (\n\t"fmt"\n\n\t"{imported}"\n)\n\n'
            "func main() { fmt.Println(demangle.Sum(1, 2)) }\n"
        ),
    }


@needs_go
def test_a_gopath_package_runs_at_the_path_its_build_ignored_program_imports_it_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ianlancetaylor/demangle (held-out 116, a false `tests/no-runner` warning): no go.mod,
    no `import`/`go get` line in the README, and the root's files declared two packages, its
    own and the `package main` of c++filt.go, a program go never builds with the package
    (`// +build ignore`), which imports `github.com/ianlancetaylor/demangle`. That file is in
    no package of the root's, and its import gives the path: the tests run in GOPATH mode and
    a failing one is the project's error. A program that imports a dependency by a path
    whose last element is not the package's gives no path, so nothing runs."""
    from ai_workflow.testcmd.gopath import gopath_import_path

    monkeypatch.delenv("GO111MODULE", raising=False)
    own = "github.com/ianlancetaylor/demangle"
    passing = run_step(make_repo(tmp_path / "passing", demangle_shaped_go(4, own)))
    assert passing.data["framework"] == "go-test"
    assert counts(passing) == (1, 0, 0)
    assert shown(passing) == []
    failing = run_step(make_repo(tmp_path / "failing", demangle_shaped_go(5, own)))
    assert counts(failing) == (0, 1, 0)
    assert shown(failing) == [("error", "tests/failed", "demangle_test.go", 7)]
    files = demangle_shaped_go(4, "github.com/other/glob")
    other = make_repo(tmp_path / "dependency", files)
    assert gopath_import_path(other, sorted(files)) is None
    no_runner = run_step(other)
    assert [rule for _, rule, _, _ in shown(no_runner)] == ["tests/no-runner"]


GOPATH_TEST_SCRIPT = textwrap.dedent(  # govaluate's test.sh: GOPATH mode, as Go < 1.16 ran it
    """\
    #!/bin/bash
    TEMPORARY_PATH="$(mktemp -d)"
    mkdir -p "${TEMPORARY_PATH}/src"
    ln -s "$(pwd)" "${TEMPORARY_PATH}/src/calc"
    export GOPATH="${TEMPORARY_PATH}"
    cd "${TEMPORARY_PATH}/src/calc" && go test
    """
)


def gopath_script_project(root: Path, wanted: int, module: bool = False) -> Path:
    test = (
        'package calc\n\nimport "testing"\n\n'
        "func TestAdd(t *testing.T) {\n"
        f'\tif Add(2, 2) != {wanted} {{\n\t\tt.Errorf("wrong sum")\n\t}}\n}}\n'
    )
    files = {
        "calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
        "calc_test.go": test,
        "test.sh": GOPATH_TEST_SCRIPT,
        ".travis.yml": "language: go\n\nscript: ./test.sh\n",
        **({"go.mod": "module example.com/calc\n\ngo 1.16\n"} if module else {}),
    }
    made = make_repo(root, files)
    executable(made, "test.sh")
    return made


@needs_go
def test_a_gopath_era_projects_own_test_script_runs_as_the_go_of_its_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """govaluate (no go.mod) tests with its CI's test.sh, written for GOPATH mode: since Go
    1.16 go stops there ("cannot find main module"), a false error. The script runs with
    GO111MODULE=auto, the default of the go it was written for: its tests pass, and a test
    that fails is still the project's error."""
    monkeypatch.delenv("GO111MODULE", raising=False)
    outcome = run_step(gopath_script_project(tmp_path / "passing", wanted=4))
    assert outcome.data["command"] == "./test.sh"
    assert shown(outcome) == []
    assert any("GO111MODULE=auto" in line for line in outcome.checked)
    failing = run_step(gopath_script_project(tmp_path / "failing", wanted=5))
    assert [(severity, rule) for severity, rule, _, _ in shown(failing)] == [
        ("error", "tests/command-failed")
    ]
    # a module's script runs as it is: nothing is added where there is a go.mod
    module = run_step(gopath_script_project(tmp_path / "module", wanted=4, module=True))
    assert not any("GO111MODULE" in line for line in module.checked)
    # a GO111MODULE of the caller's own is kept (on: the script fails as go says)
    monkeypatch.setenv("GO111MODULE", "on")
    forced = run_step(gopath_script_project(tmp_path / "forced", wanted=4))
    assert [(severity, rule) for severity, rule, _, _ in shown(forced)] == [
        ("error", "tests/command-failed")
    ]


@needs_go
def test_modules_that_cannot_be_downloaded_mean_the_tests_could_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in OFFLINE.items():  # no module proxy: like a machine without network
        monkeypatch.setenv(key, value)
    files = {
        **GO_MODULE,
        "go.mod": "module example.com/calc\n\ngo 1.18\n\nrequire example.com/dep v1.0.0\n",
        "dep.go": 'package calc\n\nimport _ "example.com/dep"\n',
    }
    root = make_repo(tmp_path / "go", files)
    outcome = run_step(root)
    assert with_environment(outcome) == [("info", "tests/environment-incomplete", None, None)]
    message = outcome.findings[0].message
    assert message.startswith("the tests could not run: go could not download modules")
    assert "module lookup disabled by GOPROXY=off" in message
    assert "`go mod download`" in message and "GOFLAGS=-mod=vendor" in message
    assert outcome.status() == StepStatus.WARNING and outcome.tool_error is None
    # the same module with the download allowed but its go.sum entry missing: the project's
    # own mistake, still an error
    monkeypatch.setenv("GOFLAGS", "-mod=readonly")
    broken = run_step(root)
    assert [rule for _, rule, _, _ in shown(broken)] == ["tests/command-failed"]
    assert "missing go.sum entry" in broken.findings[0].message


UNREACHABLE_PROXY = {  # a module proxy that refuses connections: no network, deterministic
    "GOPROXY": "http://127.0.0.1:9",
    "GOFLAGS": "-mod=readonly",
    "GOSUMDB": "off",
}
FAKE_SUM = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


@needs_go
def test_packages_whose_modules_cannot_be_downloaded_are_one_warning_beside_real_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in UNREACHABLE_PROXY.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "modcache"))  # nothing downloaded before
    uses_dep = 'package {0}\n\nimport (\n\t"testing"\n\n\t_ "example.com/dep"\n)\n\nfunc TestX(t *testing.T) {{}}\n'
    files = {
        **GO_MODULE,  # builds and runs: TestPlanted fails, a real failure
        "go.mod": "module example.com/calc\n\ngo 1.18\n\nrequire example.com/dep v1.0.0\n",
        "go.sum": f"example.com/dep v1.0.0 {FAKE_SUM}\nexample.com/dep v1.0.0/go.mod {FAKE_SUM}\n",
        "wrap/wrap.go": "package wrap\n",
        "wrap/wrap_test.go": uses_dep.format("wrap"),
        "more/more.go": "package more\n",
        "more/more_test.go": uses_dep.format("more"),
    }
    root = make_repo(tmp_path / "go", files)
    outcome = run_step(root)
    assert with_environment(outcome) == [
        ("error", "tests/failed", "calc_test.go", 13),
        ("info", "tests/environment-incomplete", None, None),
    ]
    message = outcome.findings[1].message
    assert "2 package(s) could not be built" in message
    assert "example.com/calc/more, example.com/calc/wrap" in message
    assert "example.com/dep@v1.0.0" in message and "`go mod download`" in message


# --------------------------------------------------------------------------- npm and pip


@needs_npm
def test_npm_project_without_node_modules_could_not_run(tmp_path: Path) -> None:
    package = {
        "name": "x",
        "version": "1.0.0",
        "scripts": {"test": "mocha"},
        "devDependencies": {"mocha": "^10"},
    }
    root = make_repo(tmp_path / "js", {"package.json": json.dumps(package), "test/a.js": ""})
    outcome = run_step(root)
    assert with_environment(outcome) == [("info", "tests/environment-incomplete", None, None)]
    assert "(mocha: node_modules is missing)" in outcome.findings[0].message
    assert "`npm ci`" in outcome.findings[0].message


@needs_npm
def test_a_missing_module_of_the_project_itself_is_a_real_failure(tmp_path: Path) -> None:
    files = {
        "package.json": json.dumps(
            {"name": "x", "version": "1.0.0", "scripts": {"test": "node --test"}}
        ),
        "test/a.test.js": "const test = require('node:test');\nconst m = require('../lib/gone');\n"
        "test('uses it', () => m());\n",
    }
    outcome = run_step(make_repo(tmp_path / "js", files))
    assert [(severity, rule) for severity, rule, _, _ in shown(outcome)] == [
        ("error", "tests/failed")
    ]


LINT_WARNINGS = (
    "echo test/core.js; echo '  3:27  warning  Unexpected require()  global-require'; "
    "echo '1 problem (0 errors, 1 warning)'"
)


def fixture_project(declares: dict[str, str]) -> dict[str, str]:
    """resolve 1.22.8's shape: a lint that warns, then a test script that runs a fixture
    with its own package.json, whose dependency only an `npm install` there provides."""
    package = {
        "name": "x",
        "version": "1.0.0",
        "scripts": {"pretest": LINT_WARNINGS, "test": "node test/fixture/mylib/sync.js"},
    }
    fixture = {"name": "mylib", "private": True, "dependencies": declares}
    return {
        "package.json": json.dumps(package),
        "test/fixture/mylib/package.json": json.dumps(fixture),
        "test/fixture/mylib/sync.js": "require('zzq-fixture-dep/');\n",
    }


@needs_npm
def test_a_package_a_fixture_declares_and_lacks_is_the_environment(tmp_path: Path) -> None:
    outcome = run_step(make_repo(tmp_path / "js", fixture_project({"zzq-fixture-dep": "*"})))
    assert with_environment(outcome) == [("info", "tests/environment-incomplete", None, None)]
    message = outcome.findings[0].message
    assert "(zzq-fixture-dep: not in test/fixture/mylib/node_modules)" in message
    assert "`npm install` in test/fixture/mylib" in message


@needs_npm
def test_a_module_a_fixture_does_not_declare_stays_a_failure_and_is_quoted(
    tmp_path: Path,
) -> None:
    outcome = run_step(make_repo(tmp_path / "js", fixture_project({"other": "*"})))
    assert shown(outcome) == [("error", "tests/command-failed", None, None)]
    # the error that stopped the command, not the lint warnings printed after it
    message = outcome.findings[0].message
    assert "Error: Cannot find module 'zzq-fixture-dep/'" in message
    assert "warning" not in message


PY_DEPS_PROJECT = {
    "pyproject.toml": (
        "[project]\nname = 'app'\ndependencies = ['not-installed-dist-xyz']\n"
        "[tool.pytest.ini_options]\ntestpaths = ['tests']\n"
    ),
    "app/__init__.py": "",
    "tests/test_uses_dep.py": "import not_installed_dist_xyz\n\n\ndef test_x():\n    pass\n",
    "tests/test_own.py": "from app import gone\n\n\ndef test_y():\n    pass\n",
    "tests/test_ok.py": "def test_z():\n    assert True\n",
}


def test_a_declared_python_dependency_not_installed_is_the_environment(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "py", PY_DEPS_PROJECT)
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    outcome = run_step(root, config)
    rules = sorted((severity, rule, path) for severity, rule, path, _ in with_environment(outcome))
    assert rules == [
        ("error", "tests/error", "tests/test_own.py"),  # the project's own module is missing
        ("info", "tests/environment-incomplete", None),
    ]
    warning = next(f for f in outcome.findings if f.rule == "tests/environment-incomplete")
    assert "(not-installed-dist-xyz)" in warning.message
    c = outcome.data["counts"]
    # pytest's own figures: test_ok.py runs past the two modules that cannot be collected
    assert (c["passed"], c["errors"]) == (1, 2)


def test_a_locale_this_machine_lacks_is_the_environment(tmp_path: Path) -> None:
    """natsort's fixture sets en_US.UTF-8, which this machine has not generated: 59 tests
    "failed on setup with locale.Error"; they could not run here (info), and a failed
    assertion about the locale beside them stays the project's error."""
    files = {
        "pyproject.toml": "[project]\nname = 'app'\n",
        "tests/conftest.py": textwrap.dedent(
            """\
            import locale

            import pytest


            @pytest.fixture()
            def with_locale():
                orig = locale.setlocale(locale.LC_ALL)
                locale.setlocale(locale.LC_ALL, "xx_XX.UTF-8")  # generated nowhere
                yield
                locale.setlocale(locale.LC_ALL, orig)
            """
        ),
        "tests/test_sort.py": textwrap.dedent(
            """\
            import locale


            def test_sorts_by_locale(with_locale):
                assert sorted(["b", "a"], key=locale.strxfrm) == ["a", "b"]


            def test_default_locale():
                assert locale.setlocale(locale.LC_ALL) == "no-such-locale"
            """
        ),
    }
    root = make_repo(tmp_path / "py", files)
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    outcome = run_step(root, config)
    assert with_environment(outcome) == [
        ("info", "tests/environment-incomplete", "tests/conftest.py", 9),
        ("error", "tests/failed", "tests/test_sort.py", 9),
    ]
    info = next(f for f in outcome.findings if f.rule == "tests/environment-incomplete")
    assert "a locale the tests set" in info.message
    assert "test_sorts_by_locale" in info.message


def test_a_standard_library_extension_the_interpreter_lacks_is_the_environment(
    tmp_path: Path,
) -> None:
    """six 1.16.0's `test_move_items[dbm_ndbm]` imports `dbm.ndbm`, which fails under a Python
    built without the `_dbm` extension (no ndbm headers when it was compiled): the test could
    not run here (info), while a module of the project that does not exist, failing beside
    it, stays the project's error."""
    files = {
        "pyproject.toml": "[project]\nname = 'app'\n",
        "tests/test_moves.py": textwrap.dedent(
            """\
            def test_ndbm():
                # what `import dbm.ndbm` raises where the interpreter has no _dbm
                raise ModuleNotFoundError("No module named '_dbm'", name="_dbm")


            def test_own():
                import app_gone_xyz  # noqa: F401
            """
        ),
    }
    root = make_repo(tmp_path / "py", files)
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    outcome = run_step(root, config)
    assert with_environment(outcome) == [
        ("info", "tests/environment-incomplete", "tests/test_moves.py", 3),
        ("error", "tests/failed", "tests/test_moves.py", 7),
    ]
    info = next(f for f in outcome.findings if f.rule == "tests/environment-incomplete")
    assert "the standard-library extension module `_dbm`" in info.message
    assert "test_ndbm" in info.message


def test_a_fixture_of_a_pytest_plugin_not_installed_is_the_environment(tmp_path: Path) -> None:
    """filetype 1.2.0's tests/test_benchmark.py takes pytest-benchmark's `benchmark` fixture,
    which its sdist declares nowhere: without the plugin pytest says `fixture 'benchmark' not
    found` on setup, and the test could not run here (info naming the plugin), while a fixture
    no known plugin provides (a typo of the project's own `sample`), failing beside it, stays
    the project's error."""
    files = {
        "pyproject.toml": "[project]\nname = 'app'\n",
        "tests/test_speed.py": textwrap.dedent(
            """\
            import pytest


            @pytest.fixture
            def sample():
                return b"x"


            def test_guess(benchmark):
                benchmark(len, b"abc")


            def test_own(sampel):
                assert sampel
            """
        ),
    }
    root = make_repo(tmp_path / "py", files)
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    outcome = run_step(root, config)
    assert with_environment(outcome) == [
        ("info", "tests/environment-incomplete", "tests/test_speed.py", 9),
        ("error", "tests/error", "tests/test_speed.py", 13),
    ]
    info = next(f for f in outcome.findings if f.rule == "tests/environment-incomplete")
    assert "the pytest plugin pytest-benchmark" in info.message
    assert "test_guess" in info.message
    # the error says what is wrong, not only where pytest looked (`failed on setup with "file
    # tests/test_speed.py, line 13`, the first line of its message)
    error = next(f for f in outcome.findings if f.rule == "tests/error")
    assert error.message.startswith(
        "tests.test_speed.test_own: failed on setup: fixture 'sampel' not found"
    )


def test_a_marker_of_a_pytest_plugin_not_installed_is_the_environment(tmp_path: Path) -> None:
    """jsonpath-ng 1.16.0's tests/benchmarks/ mark their tests `@pytest.mark.benchmark`, the
    marker pytest-codspeed registers, under strict markers: without the plugin each module
    fails to collect with "'benchmark' not found in `markers` configuration option", which
    this machine's missing plugin causes (info naming it); a module beside it whose marker no
    known plugin registers (a typo of the project's own registered `slow`) stays the
    project's error."""
    files = {
        "pyproject.toml": textwrap.dedent(
            """\
            [project]
            name = 'app'

            [tool.pytest.ini_options]
            addopts = "--strict-markers"
            markers = ["slow: takes long"]
            """
        ),
        "tests/test_speed.py": textwrap.dedent(
            """\
            import pytest


            @pytest.mark.benchmark(group="parse")
            def test_guess():
                assert len(b"abc") == 3
            """
        ),
        "tests/test_own.py": textwrap.dedent(
            """\
            import pytest


            @pytest.mark.slwo
            def test_own():
                assert True
            """
        ),
    }
    root = make_repo(tmp_path / "py", files)
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    outcome = run_step(root, config)
    shown = with_environment(outcome)
    assert ("error", "tests/error", "tests/test_own.py", None) in shown
    assert [s for s in shown if s[2] == "tests/test_speed.py"] == [
        ("info", "tests/environment-incomplete", "tests/test_speed.py", None)
    ]
    info = next(f for f in outcome.findings if f.rule == "tests/environment-incomplete")
    assert "the pytest plugin pytest-benchmark or pytest-codspeed" in info.message
    assert "`benchmark` marker" in info.message


# --------------------------------------------------------------------------- JVM, CTest


needs_mvn = pytest.mark.skipif(shutil.which("mvn") is None, reason="maven is not installed")


@needs_mvn
def test_maven_that_cannot_download_its_plugins_could_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tests run with an empty HOME: no local Maven repository, and no network here."""
    pom = (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>x</groupId><artifactId>y</artifactId><version>1</version></project>\n"
    )
    monkeypatch.setenv("MAVEN_OPTS", "-Dmaven.wagon.http.retryHandler.count=0")
    root = make_repo(tmp_path / "mvn", {"pom.xml": pom, "src/test/java/ATest.java": ""})
    outcome = run_step(root)
    if outcome.data.get("exit_code") == 0:
        pytest.skip("maven could download its plugins: this machine has network")
    assert with_environment(outcome) == [("info", "tests/environment-incomplete", None, None)]
    assert "maven could not download dependencies" in outcome.findings[0].message
    assert "\x1b" not in outcome.findings[0].message


def test_a_dependency_that_does_not_exist_is_not_the_environment() -> None:
    from ai_workflow.testcmd.environment import download_failure

    missing = (
        "[ERROR] Failed to execute goal on project y: Could not resolve dependencies for project "
        "x:y:jar:1: The following artifacts could not be resolved: com.example:nope:jar:9.9: "
        "com.example:nope:jar:9.9 was not found in https://repo.maven.apache.org/maven2"
    )
    assert download_failure("maven", missing) is None
    go_404 = "go: example.com/dep@v9.9.9: reading https://proxy.golang.org/...: 404 Not Found"
    assert download_failure("go-test", go_404) is None
    offline = 'go: example.com/dep@v1.0.0: Get "https://proxy.golang.org/x": dial tcp: i/o timeout'
    found = download_failure("make", offline)  # through an entry point too
    assert found is not None and found.reason.startswith("go could not download modules")
    assert download_failure("pytest", offline) is None  # a test printing it is a test


needs_cmake = pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("cc") is None, reason="cmake or cc missing"
)


@needs_cmake
def test_ctest_in_a_configured_build_directory(tmp_path: Path) -> None:
    files = {
        "CMakeLists.txt": textwrap.dedent(
            """\
            cmake_minimum_required(VERSION 3.10)
            project(calc C)
            enable_testing()
            add_executable(pass pass.c)
            add_executable(fail fail.c)
            add_test(NAME adds COMMAND pass)
            add_test(NAME planted COMMAND fail)
            """
        ),
        "pass.c": "int main(void) { return 0; }\n",
        "fail.c": '#include <stdio.h>\nint main(void) { puts("planted failure"); return 1; }\n',
        ".gitignore": "build/\n",
    }
    root = make_repo(tmp_path / "c", files)
    unconfigured = run_step(root)
    assert [rule for _, rule, _, _ in shown(unconfigured)] == ["tests/no-runner"]
    assert "cmake -B build" in unconfigured.findings[0].message
    for step in (["cmake", "-S", ".", "-B", "build"], ["cmake", "--build", "build"]):
        subprocess.run(step, cwd=root, check=True, capture_output=True)
    outcome = run_step(root)
    assert outcome.data["framework"] == "ctest"
    assert counts(outcome) == (1, 1, 0)
    assert [rule for _, rule, _, _ in shown(outcome)] == ["tests/failed"]
    assert "planted" in outcome.findings[0].message


AUTOMAKE_PROJECT = {
    "configure.ac": "AC_INIT([calc], [1.0])\nAM_INIT_AUTOMAKE([foreign])\n"
    "AC_CONFIG_FILES([Makefile tests/Makefile])\nAC_OUTPUT\n",
    "Makefile.am": "SUBDIRS = lib . tests\n",
    "lib/calc.sh": "#!/bin/sh\necho 2\n",
    "tests/Makefile.am": "EXTRA_DIST = calc.sh\n\nTESTS = calc.sh\n",
    "tests/calc.sh": '#!/bin/sh\n[ "$(sh ../lib/calc.sh)" = 2 ]\n',
    ".gitignore": "Makefile\nMakefile.in\nconfigure\nconfig.*\n",
}


def test_an_automake_suite_in_an_unconfigured_tree_is_found_not_run(tmp_path: Path) -> None:
    """libbash 0.9.11 names its runner in tests/Makefile.am (`TESTS = locks.sh`, run by `make
    check` after ./configure): a runner, so no `tests/no-runner` warning; the tree is not
    configured, and configuring writes build files into it, so the tests are not run here
    (info naming the commands). The same tests with no TESTS anywhere keep the warning."""
    root = make_repo(tmp_path / "am", AUTOMAKE_PROJECT)
    outcome = run_step(root)
    assert (outcome.data["framework"], outcome.data["command"]) == ("automake", "make check")
    assert with_environment(outcome) == [("info", "tests/environment-incomplete", None, None)]
    message = outcome.findings[0].message
    assert "tests/Makefile.am: TESTS = calc.sh" in message
    assert "`autoreconf -i && ./configure && make check`" in message  # no configure shipped
    assert not (root / "Makefile").exists() and not (root / "config.status").exists()
    released = make_repo(tmp_path / "rel", {**AUTOMAKE_PROJECT, "configure": "#!/bin/sh\n"})
    shipped = run_step(released).findings[0].message
    assert "`./configure && make check`" in shipped and "autoreconf" not in shipped
    # a test script by its conventional name runs where `make check` cannot yet
    script = {"tests/run_tests.sh": "#!/bin/sh\necho 1..1\necho 'ok 1 - calc'\n"}
    scripted = run_step(make_repo(tmp_path / "script", {**AUTOMAKE_PROJECT, **script}))
    assert scripted.data["command"] == "sh tests/run_tests.sh" and counts(scripted) == (1, 0, 0)
    # the suite's directory not among SUBDIRS, or no TESTS in it: no runner declared
    for name, am in (("nosub", {"Makefile.am": "SUBDIRS = lib\n"}),
                     ("notests", {"tests/Makefile.am": "EXTRA_DIST = calc.sh\n"})):  # fmt: skip
        bare = make_repo(tmp_path / name, {**AUTOMAKE_PROJECT, **am})
        assert shown(run_step(bare)) == [("warning", "tests/no-runner", None, None)]


def test_an_automake_suite_in_a_configured_tree_runs_make_check(tmp_path: Path) -> None:
    """Once ./configure has written the top-level Makefile (ignored by git), `make check` is
    run, and its failure is the project's."""
    root = make_repo(tmp_path / "am", AUTOMAKE_PROJECT)
    generated = "check:\n\tcd tests && sh calc.sh && echo 'PASS: calc.sh'\n"
    (root / "Makefile").write_text(generated)
    outcome = run_step(root)
    assert outcome.data["command"] == "make check" and outcome.data["exit_code"] == 0
    assert with_environment(outcome) == []
    (root / "lib" / "calc.sh").write_text("#!/bin/sh\necho 3\n")
    broken = run_step(root)
    assert broken.data["exit_code"] != 0
    assert [rule for _, rule, _, _ in shown(broken)] == ["tests/command-failed"]
    # configured, `make check` is the suite's runner even beside a test script
    (root / "tests" / "run_tests.sh").write_text("#!/bin/sh\necho 1..1\necho 'ok 1'\n")
    commit_all(root, "a script")
    assert run_step(root).data["command"] == "make check"


# --------------------------------------------------------------------------- report parsers


def test_rspec_json_report(tmp_path: Path) -> None:
    from ai_workflow.testcmd.reports import parse_rspec_json

    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "calc_spec.rb").write_text("\n" * 20)
    data = {
        "examples": [
            {
                "full_description": "Calc adds",
                "status": "passed",
                "file_path": "./spec/calc_spec.rb",
            },
            {
                "full_description": "Calc breaks",
                "status": "failed",
                "file_path": "./spec/calc_spec.rb",
                "line_number": 7,
                "exception": {
                    "class": "RSpec::Expectations::ExpectationNotMetError",
                    "message": "expected: 5\n     got: 4",
                    "backtrace": [
                        "/gems/rspec-support/lib/rspec/support.rb:102:in `block'",
                        "./spec/calc_spec.rb:9:in `block (2 levels) in <top (required)>'",
                    ],
                },
            },
            {"full_description": "Calc later", "status": "pending"},
        ],
        "summary": {"errors_outside_of_examples_count": 1},
        "messages": ["An error occurred while loading ./spec/broken_spec.rb."],
    }
    path = tmp_path / "rspec.json"
    path.write_text(json.dumps(data))
    report = parse_rspec_json(path, tmp_path)
    c = report.counts
    assert (c.passed, c.failed, c.skipped, c.errors) == (1, 1, 1, 1)
    failure = report.failures[0]
    assert (failure.path, failure.line) == ("spec/calc_spec.rb", 9)
    assert failure.message.startswith("RSpec::Expectations::ExpectationNotMetError: expected: 5")


def test_minitest_summary_and_failures(tmp_path: Path) -> None:
    from ai_workflow.testcmd.reports import parse_minitest_output

    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "calc_test.rb").write_text("\n" * 20)
    output = textwrap.dedent(
        f"""\
        Run options: --seed 1

        # Running:

        .FSE

          1) Failure:
        CalcTest#test_planted [{tmp_path}/test/calc_test.rb:12]:
        Expected: 5
          Actual: 4

          2) Error:
        CalcTest#test_boom:
        RuntimeError: boom
            test/calc_test.rb:16:in `test_boom'

        4 runs, 3 assertions, 1 failures, 1 errors, 1 skips
        """
    )
    report = parse_minitest_output(output, tmp_path)
    assert report is not None
    c = report.counts
    assert (c.passed, c.failed, c.errors, c.skipped) == (1, 1, 1, 1)
    assert [(f.kind, f.path, f.line, f.message) for f in report.failures] == [
        ("failed", "test/calc_test.rb", 12, "Expected: 5"),
        ("error", "test/calc_test.rb", 16, "RuntimeError: boom"),
    ]
    assert parse_minitest_output("no summary", tmp_path) is None


def test_junit_files_of_a_build_are_merged(tmp_path: Path) -> None:
    from ai_workflow.testcmd.reports import parse_junit_files

    reports = tmp_path / "target" / "surefire-reports"
    reports.mkdir(parents=True)
    (reports / "TEST-a.ATest.xml").write_text(
        '<testsuite name="a.ATest"><testcase classname="a.ATest" name="ok"/>'
        '<testcase classname="a.ATest" name="bad"><failure message="expected 1"/></testcase>'
        "</testsuite>"
    )
    (reports / "TEST-a.BTest.xml").write_text(
        '<testsuite name="a.BTest"><testcase classname="a.BTest" name="s"><skipped/></testcase>'
        "</testsuite>"
    )
    report = parse_junit_files(reports.glob("*.xml"), tmp_path)
    assert report is not None
    c = report.counts
    assert (c.passed, c.failed, c.skipped) == (1, 1, 1)
    assert report.failures[0].name == "a.ATest.bad"
    assert parse_junit_files([], tmp_path) is None


@pytest.mark.parametrize(
    ("headline", "text", "kind"),
    [
        ('failed on setup with "pexpect.exceptions.TIMEOUT: Timeout exceeded.', "", "timeout"),
        ("Failed: Timeout >5.0s", "", "timeout"),
        ("Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure", "", "timeout"),
        ("thrown: Exceeded timeout of 5000 ms for a test.", "", "timeout"),
        ('exec: "no-such-tool-xyz": executable file not found in $PATH', "", "program"),
        ("Error: spawn no-such-tool-xyz ENOENT", "", "program"),
        ("sh: 1: no-such-tool-xyz: not found", "", "program"),
        ("bash: line 1: no-such-tool-xyz: command not found", "", "program"),
        (
            "FileNotFoundError: [Errno 2] No such file or directory: 'no-such-tool-xyz'",
            "in _execute_child\n    raise child_exception_type(errno_num, err_msg, err_filename)",
            "program",
        ),
        ("_tkinter.TclError: no display name and no $DISPLAY environment variable", "", "display"),
        ("socket.gaierror: [Errno -3] Temporary failure in name resolution", "", "network"),
        ('failed on setup with "locale.Error: unsupported locale setting"', "", "locale"),
        ("bash: warning: setlocale: LC_ALL: cannot change locale (de_DE.UTF-8)", "", "locale"),
        ("ModuleNotFoundError: No module named '_dbm'", "", "stdlib"),
        ("ModuleNotFoundError: No module named 'readline'", "", "stdlib"),
    ],
)
def test_machine_causes_read_from_the_failure(headline: str, text: str, kind: str) -> None:
    cause = machine_cause(headline, {"setup.py"}, text)
    assert cause is not None and cause.kind == kind


@pytest.mark.parametrize(
    "headline",
    [
        "_tkinter.TclError: no display name and no $DISPLAY environment variable",
        "urllib.error.URLError: <urlopen error [Errno -2] Name or service not known>",
        'failed on setup with "locale.Error: unsupported locale setting"',
    ],
)
def test_machine_cause_details_name_what_the_machine_lacks(headline: str) -> None:
    # the message reads "... could not run on this machine, which lacks <detail>": the detail
    # names the missing thing ("a network connection"), never "no network" ("lacks no network")
    cause = machine_cause(headline, {"setup.py"}, "")
    assert cause is not None and cause.detail.startswith("a ")


@pytest.mark.parametrize(
    ("headline", "text"),
    [
        ("AssertionError: assert 2 == 3", ""),
        ("Failed: DID NOT RAISE <class 'TimeoutError'>", ""),  # expected a timeout: a real failure
        # open() of a missing data file: the same errno, but no subprocess started it
        ("FileNotFoundError: [Errno 2] No such file or directory: 'expected'", "open('expected')"),
        ("sh: 1: ls: not found", ""),  # ls is installed: something else went wrong
        ("AssertionError: user: not found", ""),  # the project's own message, not a shell's
        ("sh: 1: build-helper: not found", ""),  # the project's own file: its to fix
        ("sh: 1: ./no-such-tool-xyz: not found", ""),  # a path: the project's
        ("AssertionError: assert 'C' == 'de_DE.UTF-8'", "locale.setlocale"),  # a wrong locale
        # modules the project must provide or not import: its own, a Python 2 name, a
        # standard-library module that is pure Python or a submodule no build leaves out
        ("ModuleNotFoundError: No module named 'app_gone'", ""),
        ("ModuleNotFoundError: No module named 'urllib2'", ""),
        ("ModuleNotFoundError: No module named 'json'", ""),
        ("ModuleNotFoundError: No module named 'json.zzq'", ""),
    ],
)
def test_failures_that_stay_the_projects(headline: str, text: str) -> None:
    assert machine_cause(headline, {"build-helper"}, text) is None


@needs_bats
def test_bats_failures_from_a_package_the_ci_installs_are_the_machines(tmp_path: Path) -> None:
    """A helper whose program is missing fails with status 127 and no name (its stderr is
    silenced, as git-secret's is): with the CI installing a package this machine lacks, that
    is one environment warning; a failed assertion beside it is a warning that says it ran on
    a machine known to be incomplete (an error again once the package is not missing)."""
    files = {
        "test/helper.bash": "prepare() { no-such-tool-xyz --init 2>/dev/null; }\n",
        "test/a.bats": textwrap.dedent(
            """\
            load helper
            @test 'needs the tool' {
              prepare
            }
            @test 'asserts' {
              [ 1 -eq 2 ]
            }
            """
        ),
        ".github/workflows/ci.yml": workflow(
            "sudo apt-get install -y no-such-tool-xyz", "bats test"
        ),
    }
    root = make_repo(tmp_path / "b", files)
    outcome = run_step(root)
    assert counts(outcome) == (0, 2, 0)
    assert with_environment(outcome) == [
        ("info", "tests/environment-incomplete", "test/a.bats", 3),
        ("warning", "tests/failed", "test/a.bats", 6),  # ran on a machine known incomplete
    ]
    warning = outcome.findings[0].message
    assert "packages the project's CI installs (no-such-tool-xyz" in warning
    assert "this failure may come from that too" in outcome.findings[1].message
    # without the CI's install line the same failure is the project's
    (root / ".github/workflows/ci.yml").write_text(workflow("bats test"))
    commit_all(root, "no install")
    assert [s for s, *_ in shown(run_step(root))] == ["error", "error"]


@needs_bats
def test_a_suite_that_deletes_the_checkouts_git_directory_is_reported(tmp_path: Path) -> None:
    """git-secret's teardown runs `rm -rf .git` where it stands: run from the checkout, it
    removed the checkout's own; the step says so at once."""
    files = {"test/a.bats": "teardown() { rm -rf .git; }\n@test 'a' { true; }\n"}
    root = make_repo(tmp_path / "b", files)
    outcome = run_step(root)
    damaged = [f for f in outcome.findings if f.rule == "tests/checkout-damaged"]
    assert len(damaged) == 1 and damaged[0].severity is Severity.ERROR
    assert "removed the checkout's .git directory" in damaged[0].message
    assert not (root / ".git").exists()
    safe = make_repo(tmp_path / "s", {"test/a.bats": "@test 'a' { true; }\n"})
    assert not [f for f in run_step(safe).findings if f.rule == "tests/checkout-damaged"]


OFFLINE_RUNNER = """\
#!/bin/bash
# like liquidprompt's tests.sh: fetch the test framework, then run every test with it
cd "${0%/*}/tests"
if [ ! -r shunit2 ]; then
  curl -sS https://shunit2.invalid/shunit2 -O
fi
fail=0
for t in ./test_*.sh; do
  bash "$t" || fail=$((fail + 1))
done
exit "$fail"
"""


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_a_test_script_that_cannot_download_its_framework_could_not_run(tmp_path: Path) -> None:
    """held-out 5: liquidprompt's tests.sh downloads shunit2 with curl (a `.invalid` host never
    resolves, with or without network): nothing was tested, a warning that says why; the same
    script with its framework present and a failing test is still an error."""
    files = {
        "tests.sh": OFFLINE_RUNNER,
        "tests/test_greet.sh": 'test_greet() { [ "hello" = "hello" ]; }\n. ./shunit2\n',
    }
    root = make_repo(tmp_path / "offline", files)
    executable(root, "tests.sh")
    outcome = run_step(root)
    assert outcome.data["command"] == "./tests.sh"
    assert with_environment(outcome) == [("info", "tests/environment-incomplete", None, None)]
    assert "Could not resolve host: shunit2.invalid" in outcome.findings[0].message
    present = make_repo(
        tmp_path / "present",
        {**files, "tests/shunit2": "exit_if_failed() { :; }\n", "tests/test_greet.sh": "false\n"},
    )
    executable(present, "tests.sh")
    assert [rule for _, rule, _, _ in shown(run_step(present))] == ["tests/command-failed"]


def test_an_offline_download_is_the_environment_only_for_commands_we_cannot_look_into() -> None:
    from ai_workflow.testcmd.environment import download_failure

    curl = "curl: (6) Could not resolve host: raw.githubusercontent.com\n./shunit2: No such file"
    found = download_failure("script", curl)
    assert found is not None and "raw.githubusercontent.com" in found.reason
    assert download_failure("make", "wget: unable to resolve host address 'x.org'") is not None
    assert download_failure("pytest", curl) is None  # a runner's own report says what failed
    assert download_failure("script", "curl: (22) The requested URL returned error: 404") is None


def test_an_offline_download_is_quoted_without_curls_progress_meter() -> None:
    from ai_workflow.testcmd.environment import download_failure

    meter = "  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0"
    found = download_failure("script", f"{meter}curl: (6) Could not resolve host: x.org\n")
    assert found is not None and "(curl: (6) Could not resolve host: x.org)" in found.reason


GO_VET_FAILS = {
    "go.mod": "module example.com/m\n\ngo 1.19\n",
    "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
    "calc/calc_test.go": textwrap.dedent(
        """\
        package calc

        import (
        \t"fmt"
        \t"testing"
        )

        func TestAdd(t *testing.T) {
        \tfmt.Println("sum\\n")
        \tif Add(1, 2) != 3 {
        \t\tt.Errorf("wrong")
        \t}
        }
        """
    ),
}


@needs_go
def test_a_go_package_whose_build_fails_names_the_complaint_and_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spf13/pflag: `go test` runs vet first, which rejects `fmt.Println("...\\n")`; before go
    1.24 the complaint is printed on stderr, outside the JSON events, and only
    `FAIL pkg [build failed]` was reported. The error now says what failed and where."""
    for key, value in OFFLINE.items():
        monkeypatch.setenv(key, value)
    outcome = run_step(make_repo(tmp_path / "go", GO_VET_FAILS))
    errors = [f for f in outcome.findings if f.rule == "tests/error"]
    assert [(f.path, f.line) for f in errors] == [("calc/calc_test.go", 9)]
    assert "build failed: calc/calc_test.go:9:" in errors[0].message
    assert "redundant newline" in errors[0].message


GO_INIT_PARSES_FLAGS = {
    "go.mod": "module example.com/m\n\ngo 1.19\n",
    "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
    "calc/quick_test.go": textwrap.dedent(
        """\
        package calc

        import (
        \t"flag"
        \t"testing"
        )

        var count int

        func init() {
        \tflag.IntVar(&count, "quick.count", 5, "")
        \tflag.Parse()
        }

        func TestAdd(t *testing.T) {
        \tif Add(1, 2) != 3 {
        \t\tt.Errorf("wrong")
        \t}
        }
        """
    ),
    "other/other.go": "package other\n\nfunc Two() int { return 2 }\n",
    "other/other_test.go": textwrap.dedent(
        """\
        package other

        import (
        \t"fmt"
        \t"os"
        \t"testing"
        )

        func TestMain(m *testing.M) {
        \tfmt.Println("setting up")
        \tos.Exit(3)
        }

        func TestTwo(t *testing.T) {}
        """
    ),
}


@needs_go
def test_a_go_test_binary_stopped_by_its_init_names_what_stopped_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """boltdb/bolt 1.3.1: quick_test.go's init calls flag.Parse, which since go 1.13 runs before
    the testing package registers its flags, so the binary stops with `flag provided but not
    defined: -test...` and usage lines, and the package's last line is only `FAIL\tpkg\t0.008s`.
    The error names the flag complaint; a package that fails with no such line (a TestMain
    exiting 3) keeps its last line of output."""
    for key, value in OFFLINE.items():
        monkeypatch.setenv(key, value)
    outcome = run_step(make_repo(tmp_path / "go", GO_INIT_PARSES_FLAGS))
    errors = {f.message.split(":", 1)[0]: f for f in outcome.findings if f.rule == "tests/error"}
    stopped = errors["example.com/m/calc"]
    assert "flag provided but not defined: -test." in stopped.message
    assert "FAIL" not in stopped.message
    assert errors["example.com/m/other"].message.startswith(
        "example.com/m/other: FAIL\texample.com/m/other\t"
    )


def test_go_build_output_events_of_newer_go_name_the_complaint(tmp_path: Path) -> None:
    """go 1.24 and later report a failed build as `build-output` events."""
    (tmp_path / "go.mod").write_text("module example.com/m\n", encoding="utf-8")
    events = [
        {
            "ImportPath": "example.com/m/calc [example.com/m/calc.test]",
            "Action": "build-output",
            "Output": "# example.com/m/calc [example.com/m/calc.test]\n",
        },
        {
            "ImportPath": "example.com/m/calc [example.com/m/calc.test]",
            "Action": "build-output",
            "Output": "calc/calc_test.go:4:2: undefined: Sub\n",
        },
        {"ImportPath": "example.com/m/calc [example.com/m/calc.test]", "Action": "build-fail"},
        {
            "Action": "output",
            "Package": "example.com/m/calc",
            "Output": "FAIL\texample.com/m/calc [build failed]\n",
        },
        {"Action": "fail", "Package": "example.com/m/calc"},
        {
            "Action": "build-output",
            "ImportPath": "example.com/m/abs",
            "Output": "/usr/lib/go/src/fmt/print.go:1:1: broken\n",
        },
        {
            "Action": "output",
            "Package": "example.com/m/abs",
            "Output": "FAIL\texample.com/m/abs [build failed]\n",
        },
        {"Action": "fail", "Package": "example.com/m/abs"},
        {"Action": "output", "Package": "example.com/m/other", "Output": "panic: boom\n"},
        {"Action": "fail", "Package": "example.com/m/other"},
    ]
    report = parse_go_json("\n".join(json.dumps(e) for e in events), tmp_path)
    assert report is not None and report.counts.errors == 3
    outside, calc, other = report.failures
    assert outside.path is None  # a file outside the checkout is named, never located
    assert calc.message == "build failed: calc/calc_test.go:4: undefined: Sub"
    assert (calc.path, calc.line) == (None, None)  # no such file in the project
    assert (other.message, other.path) == ("panic: boom", None)
