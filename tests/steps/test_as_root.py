"""A permission test that fails only because the suite runs as root is a warning naming root;
any other failed test stays an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.findings import Severity
from ai_workflow.steps import test_execution
from ai_workflow.testcmd.as_root import (
    _removes_permission,
    failures_in_output,
    root_caused,
    running_as_root,
)
from ai_workflow.testcmd.reports import FailedTest
from tests.helpers import make_repo, step_context

BATS_FILES = {
    "bin/tool": '#!/usr/bin/env bash\nset -e\ntouch "$1/out"\necho 2\n',
    "test/tool.bats": (
        "#!/usr/bin/env bats\n"
        "\n"
        '@test "refuses a read-only directory" {\n'
        '  dir="$BATS_TEST_TMPDIR/ro"\n'
        '  mkdir -p "$dir"\n'
        '  chmod -w "$dir"\n'
        '  run bash bin/tool "$dir"\n'
        '  [ "$status" -ne 0 ]\n'
        "}\n"
        "\n"
        '@test "prints one" {\n'
        '  dir="$BATS_TEST_TMPDIR/rw"\n'
        '  mkdir -p "$dir"\n'
        '  run bash bin/tool "$dir"\n'
        '  [ "$output" = 1 ]\n'
        "}\n"
    ),
}


@pytest.mark.skipif(shutil.which("bats") is None, reason="bats is not installed")
@pytest.mark.skipif(not running_as_root(), reason="the class shows only when run as root")
def test_a_permission_test_failing_as_root_is_info_the_other_failure_an_error(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "tool", BATS_FILES)
    outcome = test_execution.run(step_context(root, test_execution.SPEC, config=Config()))
    failed = {
        f.extra["test"].rsplit(".", 1)[-1]: f for f in outcome.findings if f.rule == "tests/failed"
    }
    assert set(failed) == {"refuses a read-only directory", "prints one"}
    denied = failed["refuses a read-only directory"]
    assert denied.severity == Severity.INFO  # not the project's failure: 0 of 3 labelled real
    assert "run as root" in denied.message
    assert "tests: tool.bats.refuses a read-only directory cannot pass as root" in (
        outcome.skipped_checks
    )
    assert outcome.incomplete
    real = failed["prints one"]
    assert real.severity == Severity.ERROR
    assert "root" not in real.message


def test_root_cause_needs_root_and_a_permission_test(tmp_path: Path) -> None:
    (tmp_path / "t.bats").write_text(BATS_FILES["test/tool.bats"], encoding="utf-8")
    chmods = FailedTest("t.bats.refuses a read-only directory", "failed", "failed", "t.bats", 8)
    other = FailedTest("t.bats.prints one", "failed", '`[ "$output" = 1 ]\' failed', "t.bats", 15)
    said = FailedTest(
        "test_save", "failed", "expected PermissionError: [Errno 13] Permission denied"
    )
    assert root_caused(tmp_path, chmods, as_root=True)
    assert root_caused(tmp_path, said, as_root=True)
    assert not root_caused(tmp_path, other, as_root=True)  # the chmod is in another test
    # as a normal user, a permission test that fails is the project's
    assert not root_caused(tmp_path, chmods, as_root=False)
    assert not root_caused(tmp_path, said, as_root=False)


@pytest.mark.parametrize(
    ("line", "removes"),
    [
        ("chmod -w dir", True),
        ("chmod a-r file", True),
        ("chmod 000 file", True),
        ("os.chmod(path, 0o444)", True),
        ("chmod 0555 dir", True),
        ("chmod +x script", False),
        ("chmod 755 script", False),
        ("os.chmod(path, 0o644)", False),
        ("fs.chmodSync(file, 0o400)", True),
        ("err := os.Chmod(dir, 0o555)", True),
        ("fs.chmodSync(script, 0o755)", False),
    ],
)
def test_which_chmods_take_a_permission_away(tmp_path: Path, line: str, removes: bool) -> None:
    (tmp_path / "t.bats").write_text(f'@test "x" {{\n  {line}\n  false\n}}\n', encoding="utf-8")
    failure = FailedTest("t.bats.x", "failed", "failed", "t.bats", 3)
    assert root_caused(tmp_path, failure, as_root=True) is removes


@given(mode=st.integers(min_value=0, max_value=0o777))
@settings(max_examples=60, deadline=None)
def test_an_octal_chmod_counts_exactly_when_the_owner_loses_read_or_write(mode: int) -> None:
    owner = mode >> 6
    assert _removes_permission(f" {mode:03o} file") is (owner & 0o6 != 0o6)
    assert _removes_permission(f"(path, 0o{mode:o})") is (owner & 0o6 != 0o6)


ARGPARSE_STYLE = """\
class JSTestCase {
    run() {
        describe(this.constructor.name, () => {
            for (let method of this.methods()) {
                it(method, () => this[method]())
            }
        })
    }

    assertRaises(error, fn) {
        assert.throws(fn, error)
    }

    create_readonly_file(filename) {
        let file_path = path.join(this.temp_dir, filename)
        fs.writeFileSync(file_path, filename)
        fs.chmodSync(file_path, 0o400)
    }
}

;(new class TestFileTypeW extends JSTestCase {
    setUp() {
        this.create_readonly_file('readonly')
    }

    test_failures() {
        this.assertRaises(ArgumentParserError, () => parse(['readonly']))
    }
}).run()

;(new class TestTypeCallable extends JSTestCase {
    test_failures() {
        this.assertRaises(ArgumentParserError, () => parse(['42']))
    }
}).run()
"""


def test_a_suite_that_makes_a_read_only_file_through_a_helper_is_root_caused(
    tmp_path: Path,
) -> None:
    """argparse.js: TestFileTypeW's setUp calls create_readonly_file (fs.chmodSync 0o400),
    and its failures fail in the shared assertRaises helper: as root, the open for writing
    succeeds. Another suite failing at the same helper line, which makes no read-only file,
    stays the project's; so does the first as a normal user."""
    (tmp_path / "test").mkdir()
    (tmp_path / "test/test_argparse.js").write_text(ARGPARSE_STYLE, encoding="utf-8")
    message = "Missing expected exception (ArgumentParserError)."
    readonly = FailedTest(
        "TestFileTypeW.test_failures", "failed", message, "test/test_argparse.js", 11
    )
    other = FailedTest(
        "TestTypeCallable.test_failures", "failed", message, "test/test_argparse.js", 11
    )
    assert root_caused(tmp_path, readonly, as_root=True)
    assert not root_caused(tmp_path, other, as_root=True)
    assert not root_caused(tmp_path, readonly, as_root=False)


CHOWN_TEST = """\
var realFs = require('fs')
var methods = ['chown', 'chownSync']
methods.forEach(function (method) {
  realFs[method] = function (path) {
    var err = new Error('this is fine')
    err.code = path.toUpperCase()
    throw err
  }
})
var fs = require('../')
var t = require('tap')
var errs = ['ENOSYS', 'EINVAL', 'EPERM']
errs.forEach(function (err) {
  t.doesNotThrow(function () {
    fs.chownSync(err, 'some uid', 'some gid')
  })
})
"""
CLASSIC_REPORT = """\
test/chown-er-ok.js ..................... 2/3
  not ok expected to not throw
    at:
      line: 16
      column: 8
      file: test/{name}.js
    stack: |
      test/{name}.js:16:8
    source: |
      fs.{call}(err, 'some uid', 'some gid')

  not ok expect falsey value
    at:
      line: 17
      column: 3
      file: test/{name}.js
    source: |
      t.notOk(err)

total ..................................... 2/3
  1 failing
"""


def _tap_project(tmp_path: Path, name: str, files: dict[str, str], call: str) -> Path:
    report = CLASSIC_REPORT.format(name=name, call=call)
    script = f"cat <<'REPORT'\n{report}REPORT\nexit 1\n"
    return make_repo(tmp_path / name, {**files, "tap.sh": script})


@pytest.mark.skipif(not running_as_root(), reason="the class shows only when run as root")
def test_a_chown_test_failing_as_root_is_environment_info_another_failure_an_error(
    tmp_path: Path,
) -> None:
    """graceful-fs 4.2.10 ignores chown's EPERM only for a non-root user (chownErOk), and its
    test/chown-er-ok.js expects that: as root its assertions fail, node-tap's classic reporter
    (`nyc node test.js | tap -c -`) writes no report, and `npm test` exits 1. Every failed
    assertion is in a test that calls chown and names EPERM: an environment info naming root.
    The same report from a test that changes no owner stays an error."""
    config = Config.model_validate({"tech_stack": {"test_command": "sh tap.sh"}})
    root = _tap_project(tmp_path, "chown-er-ok", {"test/chown-er-ok.js": CHOWN_TEST}, "chownSync")
    outcome = test_execution.run(step_context(root, test_execution.SPEC, config=config))
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        ("tests/environment-incomplete", Severity.INFO)
    ]
    assert "run as root" in outcome.findings[0].message
    assert "(test/chown-er-ok.js)" in outcome.findings[0].message
    assert outcome.incomplete
    plain = CHOWN_TEST.replace("chown", "rename").replace("EPERM", "EXDEV")
    other = _tap_project(tmp_path, "rename", {"test/rename.js": plain}, "renameSync")
    failed = test_execution.run(step_context(other, test_execution.SPEC, config=config))
    assert [(f.rule, f.severity) for f in failed.findings] == [
        ("tests/command-failed", Severity.ERROR)
    ]


def test_a_test_calling_chown_and_naming_eperm_is_root_caused_only_as_root(
    tmp_path: Path,
) -> None:
    (tmp_path / "test").mkdir()
    (tmp_path / "test/chown.js").write_text(CHOWN_TEST, encoding="utf-8")
    (tmp_path / "test/quiet.js").write_text(CHOWN_TEST.replace("EPERM", "EXDEV"), encoding="utf-8")
    in_file = FailedTest("expect falsey value", "failed", "t.notOk(err)", "test/chown.js", 17)
    said = FailedTest("expected to not throw", "failed", "syscall: chown\ncode: EINVAL")
    no_denial = FailedTest("expect falsey value", "failed", "t.notOk(err)", "test/quiet.js", 17)
    assert root_caused(tmp_path, in_file, as_root=True)
    assert root_caused(tmp_path, said, as_root=True)
    assert not root_caused(tmp_path, no_denial, as_root=True)  # chown, but no EPERM expected
    assert not root_caused(tmp_path, in_file, as_root=False)


READDIRP_STYLE = """\
describe('various', () => {
  it('should emit warning for file with strict permission', async () => {
    const permitedDir = sysPath.join(currPath, 'permited');
    fs.mkdirSync(permitedDir, 0o0);
    let isWarningCalled = false;
    const stream = readdirp(currPath, { type: 'all' })
      .on('warn', warning => { isWarningCalled = true; });
    await waitForEnd(stream);
    isWarningCalled.should.equals(true);
  });
  it('should list a new directory', async () => {
    const dir = sysPath.join(currPath, 'open');
    fs.mkdirSync(dir, 0o755);
    let isWarningCalled = false;
    const stream = readdirp(currPath, { type: 'all' })
      .on('warn', warning => { isWarningCalled = true; });
    await waitForEnd(stream);
    isWarningCalled.should.equals(true);
  });
});
"""


def test_a_test_that_makes_a_mode_0_directory_is_root_caused(tmp_path: Path) -> None:
    """readdirp (held-out 48): the test makes a directory with fs.mkdirSync(dir, 0o0) and
    expects an EACCES warning, its failure says only `expected false to equal true`; as root
    the directory is readable (as nobody the test passes). The test beside it, failing with the
    same message after making a 0o755 directory, stays the project's; so does the first as a
    normal user."""
    (tmp_path / "test.js").write_text(READDIRP_STYLE, encoding="utf-8")
    message = "expected false to equal true"
    mode_0 = FailedTest(
        "various.should emit warning for file with strict permission",
        "failed",
        message,
        "test.js",
        9,
    )
    open_dir = FailedTest("various.should list a new directory", "failed", message, "test.js", 18)
    assert root_caused(tmp_path, mode_0, as_root=True)
    assert not root_caused(tmp_path, open_dir, as_root=True)
    assert not root_caused(tmp_path, mode_0, as_root=False)


@pytest.mark.parametrize(
    ("line", "denies"),
    [
        ("fs.mkdirSync(dir, 0o0);", True),
        ("os.mkdir(path, 0o000)", True),
        ("path.mkdir(mode=0o500)", True),
        ("fs.mkdirSync(dir, { recursive: true, mode: 0o400 });", True),
        ("err := os.Mkdir(dir, 0)", True),
        ('os.WriteFile(name, []byte("x"), 0o444)', True),
        ('mkdir -m 000 "$dir"', True),
        ("install -m a-w src dst", True),
        ("fs.mkdirSync(dir, 0o755);", False),
        ('os.MkdirAll(filepath.Join(dir, "a"), 0755)', False),
        ("fs.mkdirSync(path.join(dir, '0'));", False),
        ("fs.writeFileSync(file, 'a', { mode: 0o644 });", False),
        ("open(path, 'rb', 0)", False),
        ('mkdir -p -m 755 "$dir"', False),
    ],
)
def test_which_creation_modes_deny_the_owner(tmp_path: Path, line: str, denies: bool) -> None:
    (tmp_path / "t.bats").write_text(f'@test "x" {{\n  {line}\n  false\n}}\n', encoding="utf-8")
    failure = FailedTest("t.bats.x", "failed", "failed", "t.bats", 3)
    assert root_caused(tmp_path, failure, as_root=True) is denies


MKDIR_MODE_FILES = {
    "bin/tool": '#!/usr/bin/env bash\nset -e\nls "$1" >/dev/null\necho 2\n',
    "test/tool.bats": (
        "#!/usr/bin/env bats\n"
        "\n"
        '@test "refuses an unreadable directory" {\n'
        '  dir="$BATS_TEST_TMPDIR/locked"\n'
        '  mkdir -m 000 "$dir"\n'
        '  run bash bin/tool "$dir"\n'
        '  [ "$status" -ne 0 ]\n'
        "}\n"
        "\n"
        '@test "prints one" {\n'
        '  dir="$BATS_TEST_TMPDIR/open"\n'
        '  mkdir -m 755 "$dir"\n'
        '  run bash bin/tool "$dir"\n'
        '  [ "$output" = 1 ]\n'
        "}\n"
    ),
}


@pytest.mark.skipif(shutil.which("bats") is None, reason="bats is not installed")
@pytest.mark.skipif(not running_as_root(), reason="the class shows only when run as root")
def test_a_test_making_a_mode_000_directory_failing_as_root_is_info(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "tool", MKDIR_MODE_FILES)
    outcome = test_execution.run(step_context(root, test_execution.SPEC, config=Config()))
    failed = {
        f.extra["test"].rsplit(".", 1)[-1]: f for f in outcome.findings if f.rule == "tests/failed"
    }
    assert set(failed) == {"refuses an unreadable directory", "prints one"}
    locked = failed["refuses an unreadable directory"]
    assert locked.severity == Severity.INFO
    assert "run as root" in locked.message
    real = failed["prints one"]
    assert real.severity == Severity.ERROR
    assert "root" not in real.message


READ_ERROR_TEST = """\
const fs = require('fs')
const path = require('path')
const test = require('./_test')
const klaw = require('../')

test('walk directory, if error on readdir, at least end', function (t, testDir) {
  const unreadableDir = path.join(testDir, 'unreadable-dir')
  fs.mkdirSync(unreadableDir, { recursive: true })
  fs.chmodSync(unreadableDir, '{mode}')
  t.plan(2)
  klaw(testDir)
    .on('error', function (err) { t.true(err, 'caught error') })
    .on('end', function () { t.true(true, 'be sure we end'); t.end() })
})
"""
TAP_SPEC_OUTPUT = """\

  should sort in order [a -> z]

    ✔ should be deeply equivalent

  walk directory, if error on readdir, at least end

    ✔ be sure we end

    ✖ plan != count
    ----------------
      operator: fail
      expected: 2
      actual:   1
      at: <anonymous> (tests/_test.js:18:51)
      stack: |-
  Error: plan != count
  at Test.assert [as _assert] (node_modules/tape/lib/test.js:548:48)



  Failed Tests: There was 1 failure

    walk directory, if error on readdir, at least end

      ✖ plan != count

  total:     13
  passing:   12
  failing:   1
"""
TAPE_OUTPUT = """\
TAP version 13
# should sort in order [a -> z]
ok 1 should be deeply equivalent
# walk directory, if error on readdir, at least end
ok 2 be sure we end
not ok 3 plan != count
  ---
    operator: fail
    at: <anonymous> (tests/_test.js:18:51)
  ...

1..3
# tests 3
# pass  2
# fail  1
"""


def test_failures_of_tap_spec_and_tape_name_their_test_title_and_place() -> None:
    """tape's `plan != count` is placed in the helper that ends the test (klaw's
    tests/_test.js): the title is what leads to the test itself."""
    title = ("walk directory, if error on readdir, at least end",)
    [spec] = failures_in_output(TAP_SPEC_OUTPUT)  # the closing list is not counted again
    [tape] = failures_in_output(TAPE_OUTPUT)
    for failure in (spec, tape):
        assert (failure.name, failure.case) == ("plan != count", title)
        assert (failure.path, failure.line) == ("tests/_test.js", 18)
    assert "expected: 2" in spec.message
    assert failures_in_output("# tests 1\n# fail 1\nnot ok 1 boom\n")[0].case == ()


def _klaw_like(tmp_path: Path, mode: str) -> Path:
    files = {
        "tests/walk_read-dir-error.test.js": READ_ERROR_TEST.replace("{mode}", mode),
        "tests/_test.js": "module.exports = require('tape')\n" * 20,
        "spec.sh": f"cat <<'REPORT'\n{TAP_SPEC_OUTPUT}REPORT\nexit 1\n",
    }
    return make_repo(tmp_path / f"klaw-{mode}", files)


def test_a_titled_test_that_chmods_its_directory_is_root_caused_only_as_root(
    tmp_path: Path,
) -> None:
    [failure] = failures_in_output(TAP_SPEC_OUTPUT)
    unreadable = _klaw_like(tmp_path, "0222")
    assert root_caused(unreadable, failure, as_root=True)
    assert not root_caused(unreadable, failure, as_root=False)
    readable = _klaw_like(tmp_path, "0755")  # the directory stays readable: a real failure
    assert not root_caused(readable, failure, as_root=True)
    untitled = FailedTest("plan != count", "failed", "", None, None)
    assert not root_caused(unreadable, untitled, as_root=True)


@pytest.mark.skipif(not running_as_root(), reason="the class shows only when run as root")
@pytest.mark.parametrize(
    ("mode", "rule", "severity"),
    [
        ("0222", "tests/environment-incomplete", Severity.INFO),
        ("0755", "tests/command-failed", Severity.ERROR),
    ],
)
def test_a_tap_spec_run_whose_only_failure_is_a_permission_test_is_info_as_root(
    tmp_path: Path, mode: str, rule: str, severity: Severity
) -> None:
    """klaw 4.0.1's `npm test` (`tape tests/**/*.js | tap-spec`) fails as root only: its
    read-error test makes a 0222 directory that root reads."""
    config = Config.model_validate({"tech_stack": {"test_command": "sh spec.sh"}})
    root = _klaw_like(tmp_path, mode)
    outcome = test_execution.run(step_context(root, test_execution.SPEC, config=config))
    assert [(f.rule, f.severity) for f in outcome.findings] == [(rule, severity)]
    if severity == Severity.INFO:  # the test the title leads to, not the helper ending it
        assert "(tests/walk_read-dir-error.test.js)" in outcome.findings[0].message
