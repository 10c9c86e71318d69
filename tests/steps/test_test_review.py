from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome, StepStatus
from ai_workflow.steps import test_review
from ai_workflow.steps.test_review import module_key, module_under_test, read_coverage
from tests.helpers import make_repo, step_context, write_files

PY_FILES = {
    "pyproject.toml": '[project]\nname = "calc"\n',
    "src/calc/__init__.py": "",
    "src/calc/ops.py": "def add(a, b):\n    return a + b\n",
    "src/calc/geometry.py": "def area(w, h):\n    return w * h\n\n\nclass Shape:\n    pass\n",
    "src/calc/parser.py": "def parse(text):\n    return text.split()\n",
    "src/calc/_internal.py": "def _helper():\n    return 1\n",
    "src/calc/constants.py": "PI = 3.14\n",
    "tests/conftest.py": "import pytest\n",
    "tests/test_ops.py": textwrap.dedent(
        """\
        from calc.ops import add


        def test_add():
            assert add(1, 2) == 3


        def test_add_runs():
            add(1, 2)
        """
    ),
    "tests/test_text.py": (
        "from calc import parser\n\n\n"
        "def test_parse():\n    assert parser.parse('a b') == ['a', 'b']\n"
    ),
}


def run(root: Path, config: Config | None = None) -> StepOutcome:
    return test_review.run(step_context(root, test_review.SPEC, config=config))


def located(outcome: StepOutcome, rule: str) -> list[tuple[str | None, int | None]]:
    return [(f.path, f.line) for f in outcome.findings if f.rule == rule]


def test_python_inventory_untested_and_empty_tests(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    outcome = run(root)
    inventory = outcome.data["inventory"]
    assert inventory["test_file_count"] == 3  # conftest.py is a test support file
    assert inventory["test_count"] == 3
    assert inventory["by_language"] == {"python": {"files": 3, "tests": 3}}
    assert outcome.data["untested_modules"] == ["src/calc/geometry.py"]
    assert inventory["source_module_count"] == 3  # _internal and constants have no public API
    assert located(outcome, "tests/no-assertions") == [("tests/test_ops.py", 8)]
    assert located(outcome, "tests/untested-module") == [("src/calc/geometry.py", None)]
    # info by default (never real on the labelled projects: bench/rule_precision.py)
    assert {f.severity for f in outcome.findings if f.rule == "tests/untested-module"} == {"info"}
    assert not [f for f in outcome.findings if f.severity == "error"]
    assert "3 tests in 3 files" in outcome.summary
    assert outcome.skipped_checks == [
        "coverage: no report found (coverage.xml, lcov.info, coverage-summary.json)"
    ]


def test_fully_tested_project_is_clean(tmp_path: Path) -> None:
    files = {k: v for k, v in PY_FILES.items() if k != "src/calc/geometry.py"}
    files["tests/test_ops.py"] = (
        "from calc.ops import add\n\ndef test_add():\n    assert add(1, 1)\n"
    )
    outcome = run(make_repo(tmp_path / "calc", files))
    assert outcome.findings == []
    assert outcome.status() == StepStatus.PASSED


def test_unittest_style_and_syntax_errors(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "u",
        {
            "pkg/__init__.py": "",
            "pkg/core.py": "def run():\n    pass\n",
            "tests/test_core.py": textwrap.dedent(
                """\
                import unittest
                from pkg import core

                class CoreTest(unittest.TestCase):
                    def test_run(self):
                        self.assertIsNone(core.run())

                    def test_silent(self):
                        core.run()
                """
            ),
            "tests/test_broken.py": "def test_x(:\n    pass\n",
        },
    )
    outcome = run(root)
    assert located(outcome, "tests/no-assertions") == [("tests/test_core.py", 8)]
    assert located(outcome, "tests/unreadable-test-file") == [("tests/test_broken.py", 1)]
    assert outcome.data["untested_modules"] == []


def test_unparsable_sample_in_a_test_data_directory_is_info(tmp_path: Path) -> None:
    """asttokens' tests/testdata/python2/astroid/all.py (`print 'yo'`, a Python 2 sample the
    tests tokenize) is input, not a test module: info; the same broken file directly under
    tests/ is a test file that cannot be analysed: a warning."""
    root = make_repo(
        tmp_path / "d",
        {
            "pkg/__init__.py": "def run():\n    return 1\n",
            "tests/test_core.py": "from pkg import run\n\ndef test_run():\n    assert run()\n",
            "tests/testdata/python2/all.py": "def func(): print 'yo'\n",
            "tests/test_broken.py": "def test_x(:\n    pass\n",
        },
    )
    outcome = run(root)
    levels = {
        f.path: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/unreadable-test-file"
    }
    assert levels["tests/test_broken.py"][0] == "warning"
    assert levels["tests/testdata/python2/all.py"][0] == "info"
    assert "under tests/testdata/" in levels["tests/testdata/python2/all.py"][1]


def test_test_module_valid_in_a_newer_python_is_info(tmp_path: Path) -> None:
    """typeguard 4.6.0's tests/dummymodule_py312.py (`type Foo = list[int]`, PEP 695) does not
    parse on the analyser's 3.11 but is valid Python 3.12: info, naming the version. A file
    with newer syntax and a syntax error no Python accepts stays a warning."""
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the example is syntax Python 3.11 lacks")
    root = make_repo(
        tmp_path / "n",
        {
            "pkg/__init__.py": "def run():\n    return 1\n",
            "tests/test_core.py": "from pkg import run\n\ndef test_run():\n    assert run()\n",
            "tests/dummymodule_py312.py": "type Foo = list[int]\n\ndef f(x: Foo):\n    return 1\n",
            "tests/test_typed.py": "type Foo = list[int]\n\ndef test_x(:\n    pass\n",
        },
    )
    outcome = run(root)
    levels = {
        f.path: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/unreadable-test-file"
    }
    assert levels["tests/test_typed.py"][0] == "warning"
    assert levels["tests/dummymodule_py312.py"][0] == "info"
    assert "valid Python 3.12" in levels["tests/dummymodule_py312.py"][1]


def test_unparsable_module_the_project_tells_pytest_to_ignore_is_info(tmp_path: Path) -> None:
    """tblib's tests/badsyntax.py (`is very bad`), which pytest.ini leaves out with
    `--ignore=tests/badsyntax.py` and a test imports to raise a SyntaxError: info, naming the
    option. The same broken file that no option leaves out stays a warning."""
    root = make_repo(
        tmp_path / "i",
        {
            "pkg/__init__.py": "def run():\n    return 1\n",
            "pytest.ini": "[pytest]\naddopts =\n    -ra\n    --ignore=tests/badsyntax.py\n",
            "tests/test_core.py": "from pkg import run\n\ndef test_run():\n    assert run()\n",
            "tests/badsyntax.py": '"""\nbad\n"""\nis very bad\n',
            "tests/badtoo.py": '"""\nbad\n"""\nis very bad\n',
        },
    )
    outcome = run(root)
    levels = {
        f.path: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/unreadable-test-file"
    }
    assert levels["tests/badtoo.py"][0] == "warning"
    assert levels["tests/badsyntax.py"][0] == "info"
    assert "`--ignore=tests/badsyntax.py` in pytest.ini" in levels["tests/badsyntax.py"][1]


JS_FILES = {
    "package.json": json.dumps({"name": "js", "scripts": {"test": "node --test"}}),
    "src/sum.js": "exports.sum = (a, b) => a + b;\n",
    "src/unused.js": "export function unused() { return 1; }\n",
    "src/cli.js": "console.log('no exports here');\n",
    "src/widgets/index.js": "module.exports = { widget: 1 };\n",
    "test/sum.test.js": textwrap.dedent(
        """\
        const test = require('node:test');
        const assert = require('node:assert');
        const { sum } = require('../src/sum');
        const widgets = require('../src/widgets');

        test('adds', () => {
          assert.strictEqual(sum(1, 2), 3);
        });

        test('runs without checking', () => {
          sum(1, 2);
        });

        test.skip('later', () => {});

        test('not yet', { skip: true }, () => {});

        describe('group', () => {
          it("uses expect", () => {
            expect(widgets.widget).toBe(1);
          });
        });
        """
    ),
    "web/app.spec.ts": textwrap.dedent(
        """\
        import { sum } from '../src/sum';
        it('renders', () => {
          sum(1, 2);
        });
        it('uses a helper the runner sets up', () => {
          renderAndCheck();
        });
        """
    ),
}


def test_javascript_and_typescript_tests(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "js", JS_FILES)
    outcome = run(root)
    inventory = outcome.data["inventory"]
    assert inventory["by_language"] == {
        "javascript": {"files": 1, "tests": 5},
        "typescript": {"files": 1, "tests": 2},
    }
    # a call of a name declared nowhere cannot be followed: not judged, not reported
    assert sorted(located(outcome, "tests/no-assertions")) == [
        ("test/sum.test.js", 10),
        ("web/app.spec.ts", 2),
    ]
    assert inventory["not_judged"] == 1
    messages = [f.message for f in outcome.findings if f.rule == "tests/no-assertions"]
    assert "test 'runs without checking' asserts nothing" in messages[0]
    assert outcome.data["untested_modules"] == ["src/unused.js"]


def test_go_tests(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "go",
        {
            "go.mod": "module example.com/m\n",
            "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
            "calc/calc_test.go": textwrap.dedent(
                """\
                package calc

                import "testing"

                func TestAdd(t *testing.T) {
                    if Add(1, 2) != 3 {
                        t.Errorf("wrong")
                    }
                }

                func TestNothing(t *testing.T) {
                    Add(1, 2)
                }
                """
            ),
        },
    )
    outcome = run(root)
    assert outcome.data["inventory"]["by_language"] == {"go": {"files": 1, "tests": 2}}
    assert located(outcome, "tests/no-assertions") == [("calc/calc_test.go", 11)]


def test_a_python_test_that_skips_first_is_skipped_not_assertionless(tmp_path: Path) -> None:
    """pathvalidate's `test_normal_multibyte`: `pytest.skip("TODO")` first, then a call that
    never runs; a call with no skip, or a skip under a condition, still asserts nothing."""
    test_file = textwrap.dedent(
        """\
        import sys
        import unittest

        import pytest

        from calc import add


        class TestAdd:
            def test_todo(self):
                pytest.skip("TODO")

                add(1, 2)

            def test_documented_todo(self):
                \"\"\"Multibyte input.\"\"\"
                raise unittest.SkipTest("later")
                add(1, 2)

            def test_runs(self):
                add(1, 2)

            def test_skip_on_windows(self):
                if sys.platform == "win32":
                    pytest.skip("posix only")
                add(1, 2)


        class TestCase(unittest.TestCase):
            def test_later(self):
                self.skipTest("later")
                add(1, 2)
        """
    )
    root = make_repo(
        tmp_path / "skip",
        {"calc.py": "def add(a, b):\n    return a + b\n", "tests/test_calc.py": test_file},
    )
    outcome = run(root)
    assert sorted(located(outcome, "tests/no-assertions")) == [
        ("tests/test_calc.py", 20),
        ("tests/test_calc.py", 23),
    ]


def test_a_parametrized_expected_value_never_read_is_a_missing_check(tmp_path: Path) -> None:
    """pathvalidate's `test_normal_multibyte(self, value, expected)` only calls
    `sanitize_ltsv_label(value)`: the comparison with `expected` went missing (a warning).
    Parametrized values with other names, an `expected` the test passes on, and a fixture
    named `expected` are no such evidence (info, as any test that checks nothing)."""
    test_file = textwrap.dedent(
        """\
        import pytest

        from calc import add, show


        class TestAdd:
            @pytest.mark.parametrize(["value", "expected"], [["aあb", "ab"]])
            def test_normal_multibyte(self, value, expected):
                add(value, 1)

            @pytest.mark.parametrize("value, want_sum", [(1, 2)])
            def test_want(self, value, want_sum):
                add(value, 1)

            @pytest.mark.parametrize("value, other", [(1, 2)])
            def test_values(self, value, other):
                add(value, other)

            @pytest.mark.parametrize("value, expected", [(1, 2)])
            def test_passed_on(self, value, expected):
                show(add(value, 1), expected)

            def test_fixture(self, expected):
                add(1, 1)
        """
    )
    root = make_repo(
        tmp_path / "expected",
        {
            "calc.py": "def add(a, b):\n    return a + b\n\n\ndef show(a, b):\n    print(a, b)\n",
            "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef expected():\n"
            "    return 2\n",
            "tests/test_calc.py": test_file,
        },
    )
    outcome = run(root)
    found = {
        f.line: (f.severity, f.message) for f in outcome.findings if f.rule == "tests/no-assertions"
    }
    warned = {line: message for line, (severity, message) in found.items() if severity == "warning"}
    assert warned == {
        8: "test 'TestAdd.test_normal_multibyte' is given 'expected' by its parametrize but never "
        "reads it, and asserts nothing: the comparison with it is missing",
        12: "test 'TestAdd.test_want' is given 'want_sum' by its parametrize but never reads it, "
        "and asserts nothing: the comparison with it is missing",
    }
    assert {line for line, (severity, _) in found.items() if severity == "info"} == {16, 20, 23}


GO_POINT_TESTS = """\
package calc

import "testing"

func TestEquality(t *testing.T) {
    for i := 0; i < 3; i++ {
        _ = Add(i, i) == Add(i, 1) // mustn't panic
    }
}

func TestLotsaStars(t *testing.T) {
    // This tests that a pattern with lots of stars will complete quickly.
    Add(1, 2)
}

func TestNothing(t *testing.T) {
    // add two numbers
    Add(1, 2)
}
"""


def test_a_go_test_whose_comment_says_not_crashing_or_ending_is_its_point(tmp_path: Path) -> None:
    """pkg/errors' TestErrorEquality compares every kind of error value with `==` and says
    `// mustn't panic`; tidwall/match's TestLotsaStars "will complete quickly" (it fails by
    hanging): crashing or hanging is what they check. A comment that claims neither keeps the
    finding."""
    files = {
        "go.mod": "module example.com/m\n",
        "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
        "calc/calc_test.go": GO_POINT_TESTS,
    }
    outcome = run(make_repo(tmp_path / "go", files))
    assert located(outcome, "tests/no-assertions") == [("calc/calc_test.go", 16)]


GO_DOC_COMMENT_TESTS = """\
package calc

import "testing"

// Test that calling stop before start silently returns without
// blocking the stop channel.
func TestStopWithoutStart(t *testing.T) {
    Add(1, 2)
}

// TestStopTwice checks that a second Stop never blocks.
func TestStopTwice(t *testing.T) {
    Add(1, 2)
}

// Test that stopping works without blocking.

func TestDetachedComment(t *testing.T) {
    Add(1, 2)
}

// Test that Add adds two numbers.
func TestAddsNothing(t *testing.T) {
    Add(1, 2)
}

// TestBlockSize checks the block size without block alignment.
func TestBlockSize(t *testing.T) {
    Add(1, 2)
}
"""


def test_a_go_tests_doc_comment_may_say_that_not_blocking_is_its_point(tmp_path: Path) -> None:
    """robfig/cron's TestStopWithoutStart: its doc comment (the `//` lines right above the
    function, Go's docstring) says "silently returns without blocking the stop channel"; the
    test fails by hanging into go test's timeout, so asserting nothing is its design. A doc
    comment separated by a blank line is not the test's, and one that does not say so ("Add
    adds two numbers", a "block size" without "blocking") keeps the finding."""
    files = {
        "go.mod": "module example.com/m\n",
        "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
        "calc/calc_test.go": GO_DOC_COMMENT_TESTS,
    }
    outcome = run(make_repo(tmp_path / "go", files))
    assert located(outcome, "tests/no-assertions") == [
        ("calc/calc_test.go", 18),  # TestDetachedComment
        ("calc/calc_test.go", 23),  # TestAddsNothing
        ("calc/calc_test.go", 28),  # TestBlockSize
    ]


GO_MUST_SOURCE = """\
package ver

func Parse(s string) (int, error) { return len(s), nil }

func MustParse(s string) int {
    v, err := Parse(s)
    if err != nil {
        panic("ver: Parse(" + s + "): " + err.Error())
    }
    return v
}

func MustLen(s string) int { return len(s) }
"""

GO_MUST_TESTS = """\
package ver

import "testing"

func TestMustParse(t *testing.T) {
    _ = MustParse("32.2.1-alpha")
}

func TestCompare(t *testing.T) {
    _ = MustParse("1.0.0") < MustParse("2.0.0")
}

func TestMustLen(t *testing.T) {
    _ = MustLen("abc")
}
"""


def test_a_go_test_of_a_must_function_checks_that_it_does_not_panic(tmp_path: Path) -> None:
    """blang/semver's TestMustParse is `_ = MustParse("32.2.1-alpha")`: MustParse panics on a
    parse error, so the test of it checks that a valid version does not panic, which is its
    contract. A test of something else that only calls MustParse as setup (TestCompare), and a
    test of a `Must` function that never panics, still assert nothing."""
    files = {
        "go.mod": "module example.com/ver\n",
        "ver.go": GO_MUST_SOURCE,
        "ver_test.go": GO_MUST_TESTS,
    }
    outcome = run(make_repo(tmp_path / "go", files))
    assert located(outcome, "tests/no-assertions") == [
        ("ver_test.go", 9),  # TestCompare
        ("ver_test.go", 13),  # TestMustLen
    ]


def test_project_without_tests(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "n", {"app/__init__.py": "", "app/main.py": "def main():\n    pass\n"}
    )
    outcome = run(root)
    assert [(f.rule, f.severity.value) for f in outcome.findings] == [("tests/no-tests", "warning")]
    assert outcome.data["untested_modules"] == ["app/main.py"]


def test_a_test_driver_package_named_like_a_test_file_is_the_tests(tmp_path: Path) -> None:
    """repopush's tests are the package python/repopush_test/ (`python3 -m repopush_test -p
    ./repopush -t test_data`, run by `make test`): its modules util.py and rsync.py (a fake
    rsync) are test code, so the project has tests. The same package named toolkit/ is the
    project's code, and without a test it still has none."""
    driver = {
        "__init__.py": "",
        "__main__.py": "from . import util\n\ndef main():\n    util.run('./tool')\n",
        "util.py": "import subprocess\n\ndef run(cmd):\n    return subprocess.run([cmd])\n",
    }
    tool = {"tool.sh": "#!/bin/sh\necho tool\n", "Makefile": "test:\n\tpython3 -m tool_test\n"}
    tested = {**tool, **{f"python/tool_test/{k}": v for k, v in driver.items()}}
    outcome = run(make_repo(tmp_path / "driver", tested))
    assert not located(outcome, "tests/no-tests")
    untested = {**tool, **{f"python/toolkit/{k}": v for k, v in driver.items()}}
    outcome = run(make_repo(tmp_path / "toolkit", untested))
    assert located(outcome, "tests/no-tests") == [(None, None)]


def test_no_tests_for_a_thin_wrapper_in_another_language_is_info(tmp_path: Path) -> None:
    script = "#!/usr/bin/env bash\n" + "".join(f"echo line {i}\n" for i in range(300))
    wrapper = "const run = () => require('child_process').spawn('./tool');\nmodule.exports = run;\n"
    files = {"package.json": '{"name": "tool", "main": "index.js"}\n', "index.js": wrapper}
    outcome = run(make_repo(tmp_path / "wrapped", {**files, "tool": script}))
    [found] = [f for f in outcome.findings if f.rule == "tests/no-tests"]
    assert found.severity.value == "info"  # the project is shell; index.js is its npm wrapper
    assert "a small part of a shell project" in found.message
    # the same wrapper as most of the code: a JavaScript project without tests
    outcome = run(make_repo(tmp_path / "js", {**files, "tool": "#!/bin/sh\nexit 0\n"}))
    [found] = [f for f in outcome.findings if f.rule == "tests/no-tests"]
    assert found.severity.value == "warning"


def test_shell_tests_are_counted(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "sh",
        {"bin/tool.sh": "#!/bin/sh\n", "test/tool.bats": "@test 'one' {\n  run true\n}\n"},
    )
    outcome = run(root)
    assert outcome.data["inventory"]["by_language"] == {"shell": {"files": 1, "tests": 1}}
    assert outcome.findings == []


COBERTURA = """\
<?xml version="1.0" ?>
<coverage line-rate="0.45" branch-rate="0" version="7.4">
  <sources><source>{root}/src</source></sources>
  <packages><package name="calc"><classes>
    <class name="ops.py" filename="calc/ops.py" line-rate="1"/>
    <class name="geometry.py" filename="calc/geometry.py" line-rate="0.2"/>
  </classes></package></packages>
</coverage>
"""


def test_cobertura_coverage_report(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    write_files(root, {"coverage.xml": COBERTURA.format(root=root)})
    outcome = run(root)
    coverage = outcome.data["coverage"]
    assert coverage["percent"] == 45.0
    assert coverage["format"] == "cobertura"
    assert coverage["files"] == 2
    assert coverage["lowest"][0] == {"path": "src/calc/geometry.py", "percent": 20.0}
    assert located(outcome, "tests/low-coverage") == [("coverage.xml", None)]
    assert located(outcome, "tests/low-coverage-file") == [("src/calc/geometry.py", None)]
    assert "coverage 45%" in outcome.summary


def test_lcov_and_istanbul_reports(tmp_path: Path) -> None:
    write_files(tmp_path, {"src/a.js": "", "src/b.js": ""})
    lcov = (
        f"TN:\nSF:{tmp_path}/src/a.js\nLF:10\nLH:9\nend_of_record\n"
        "SF:src/b.js\nLF:10\nLH:3\nend_of_record\n"
    )
    write_files(tmp_path, {"coverage/lcov.info": lcov})
    parsed = read_coverage(tmp_path, "coverage/lcov.info")
    assert parsed.percent == 60.0
    assert parsed.files == {"src/a.js": 90.0, "src/b.js": 30.0}
    summary = {
        "total": {"lines": {"pct": 81.5}},
        str(tmp_path / "src/a.js"): {"lines": {"pct": 100}},
        "/elsewhere/x.js": {"lines": {"pct": 0}},
    }
    write_files(tmp_path, {"coverage/coverage-summary.json": json.dumps(summary)})
    istanbul = read_coverage(tmp_path, "coverage/coverage-summary.json")
    assert istanbul.percent == 81.5
    assert istanbul.files == {"src/a.js": 100.0, "/elsewhere/x.js": 0.0}


def test_unreadable_and_stale_coverage(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    write_files(root, {"lcov.info": "garbage\n"})
    outcome = run(root)
    assert located(outcome, "tests/coverage-unreadable") == [("lcov.info", None)]
    assert outcome.data["coverage"] is None

    (root / "lcov.info").unlink()
    write_files(root, {"coverage.xml": COBERTURA.format(root=root).replace("0.45", "0.95")})
    os.utime(root / "coverage.xml", (1_000_000, 1_000_000))
    outcome = run(root)
    stale = [f for f in outcome.findings if f.rule == "tests/stale-coverage"]
    assert len(stale) == 1 and stale[0].path == "coverage.xml"
    assert located(outcome, "tests/low-coverage") == []


def test_configured_source_dirs(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    config = Config.model_validate({"structure": {"source_dirs": ["src/calc/sub"]}})
    outcome = run(root, config)
    assert outcome.data["untested_modules"] == []
    assert outcome.data["inventory"]["source_module_count"] == 0


@pytest.mark.parametrize(
    ("path", "subject"),
    [
        ("tests/test_ops.py", "ops"),
        ("pkg/ops_test.py", "ops"),
        ("calc/calc_test.go", "calc"),
        ("test/sum.test.js", "sum"),
        ("web/app.spec.ts", "app"),
        ("spec/user_spec.rb", "user"),
        ("test/test-cli.js", "cli"),
    ],
)
def test_module_under_test(path: str, subject: str) -> None:
    assert module_under_test(path) == subject


@given(st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True))
def test_test_file_names_map_back_to_their_module(name: str) -> None:
    """A test named after a module by any convention refers to that module's key."""
    for test_name in (f"tests/test_{name}.py", f"t/{name}.test.js", f"x/{name}_test.go"):
        assert module_under_test(test_name) == module_key(f"src/{name}.py")


def test_modules_reached_through_the_package_are_tested(tmp_path: Path) -> None:
    """A module the tests reach through the package's own imports is not untested (flask's
    ctx.py, express's lib/application.js); one nothing reaches still is."""
    root = make_repo(
        tmp_path / "web",
        {
            "src/web/__init__.py": "from .app import App\n",
            "src/web/app.py": "from .ctx import Context\n\nclass App:\n    def ctx(self):\n        return Context()\n",
            "src/web/ctx.py": "class Context:\n    def push(self):\n        return 1\n",
            "src/web/orphan.py": "def lonely():\n    return 1\n",
            "tests/test_web.py": "import web\n\ndef test_app():\n    assert web.App().ctx()\n",
        },
    )
    outcome = run(root)
    assert outcome.data["untested_modules"] == ["src/web/orphan.py"]
    [finding] = [f for f in outcome.findings if f.rule == "tests/untested-module"]
    assert finding.severity == "info"
    assert "no test imports it, directly or through the modules the tests import" in finding.message


def test_coverage_report_decides_untested_modules(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    report = COBERTURA.format(root=root).replace(
        '<class name="ops.py" filename="calc/ops.py" line-rate="1"/>',
        '<class name="ops.py" filename="calc/ops.py" line-rate="0">'
        '<lines><line number="1" hits="0"/></lines></class>',
    )
    write_files(root, {"coverage.xml": report})
    outcome = run(root)
    # ops.py is imported by a test but none of its lines ran; geometry ran 20% of its lines
    assert outcome.data["untested_modules"] == ["src/calc/ops.py"]
    [finding] = [f for f in outcome.findings if f.rule == "tests/untested-module"]
    assert finding.message == "untested: none of its lines ran under the tests (coverage.xml)"


def test_tests_whose_name_says_they_check_for_no_crash(tmp_path: Path) -> None:
    files = dict(PY_FILES)
    files["tests/test_ops.py"] += "\n\ndef test_add_does_not_raise():\n    add(1, 2)\n"
    outcome = run(make_repo(tmp_path / "calc", files))
    assert located(outcome, "tests/no-assertions") == [("tests/test_ops.py", 8)]


def test_docstrings_that_say_it_works_and_empty_bodies(tmp_path: Path) -> None:
    """attrs' style: a test without an assertion whose docstring says what not failing shows
    ("Instantiation works.", "It's possible to ...", "... doesn't cause a crash") checks exactly
    that; a test whose body is empty checks nothing, whatever it says."""
    files = dict(PY_FILES)
    files["tests/test_intent.py"] = textwrap.dedent(
        '''\
        from calc.ops import add


        def test_instantiation():
            """Instantiation works."""
            add(1, 2)


        def test_subclass():
            """It's possible to add negative numbers."""
            add(-1, -2)


        def test_converter():
            """A strange argument doesn't cause a crash."""
            add(1, 2.5)


        def test_deprecated():
            """Using the old argument is deprecated."""


        def test_silent():
            """The sum of two numbers."""
            add(1, 2)
        '''
    )
    outcome = run(make_repo(tmp_path / "calc", files))
    found = {
        (f.path, f.line): f.message for f in outcome.findings if f.rule == "tests/no-assertions"
    }
    intent = {line: m for (path, line), m in found.items() if path == "tests/test_intent.py"}
    assert sorted(intent) == [19, 23]
    assert "empty body" in intent[19] and "asserts nothing" in intent[23]


def test_javascript_titles_that_say_it_works_are_the_tests_point(tmp_path: Path) -> None:
    """co's style: `it('should work', function () { return co(function* () {}); })` under
    "with no yields": the title says what not failing shows, as attrs' docstrings do. A title
    that names a result it never checks ('returns the sum') is still reported."""
    files = dict(JS_FILES)
    files["test/intent.test.js"] = textwrap.dedent(
        """\
        const { sum } = require('../src/sum');

        describe('with no numbers', function () {
          it('should work', function () {
            return Promise.resolve(sum());
          });
        });

        it('works with negative numbers', () => {
          sum(-1, -2);
        });

        it('returns the sum', () => {
          sum(1, 2);
        });
        """
    )
    outcome = run(make_repo(tmp_path / "js", files))
    intent = [line for path, line in located(outcome, "tests/no-assertions") if "intent" in path]
    assert intent == [13]


def test_a_comment_saying_it_would_raise_is_the_tests_point(tmp_path: Path) -> None:
    """more-itertools' style: `e.send('hi')  # without @consumer, would raise TypeError`."""
    files = dict(PY_FILES)
    files["tests/test_comments.py"] = textwrap.dedent(
        """\
        from calc.ops import add


        class ConsumerTests:
            def test_consumer(self):
                total = add(1, 2)  # without @consumer, would raise TypeError


        def test_no_claim():
            # add two numbers
            add(1, 2)
        """
    )
    outcome = run(make_repo(tmp_path / "calc", files))
    found = {
        line
        for path, line in located(outcome, "tests/no-assertions")
        if path == "tests/test_comments.py"
    }
    assert found == {9}  # only the test whose comment claims nothing


def test_test_modules_in_fixture_directories_are_data_not_tests(tmp_path: Path) -> None:
    """A project's test reads `test/fixtures/pytest/test_async.py` as data (a completion test
    lists its functions): its empty test bodies are not the suite's; the suite's own are."""
    files = dict(PY_FILES)
    files["test/fixtures/pytest/test_async.py"] = "def test_positive():\n    pass\n"
    files["test/t/test_real.py"] = "def test_empty():\n    pass\n"
    outcome = run(make_repo(tmp_path / "calc", files))
    judged = {p for p, _ in located(outcome, "tests/no-assertions")}
    assert "test/t/test_real.py" in judged
    assert "test/fixtures/pytest/test_async.py" not in judged


@pytest.mark.parametrize(
    ("config", "judged"),
    [
        ("", {"tests/test_ops.py", "bench/test_speed.py"}),
        ('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n', {"tests/test_ops.py"}),
        ('[tool.pytest.ini_options]\npython_files = "check_*.py"\n', {"tests/check_x.py"}),
    ],
)
def test_only_modules_pytest_collects_are_judged(
    tmp_path: Path, config: str, judged: set[str]
) -> None:
    """A benchmark directory outside `testpaths`, or a module no `python_files` pattern names
    (a typing example under tests/), is not part of the suite pytest runs."""
    files = dict(PY_FILES)
    files["pyproject.toml"] += config
    files["bench/test_speed.py"] = (
        "from calc.ops import add\n\n\ndef test_speed():\n    add(1, 2)\n"
    )
    files["tests/check_x.py"] = "from calc.ops import add\n\n\ndef test_x():\n    add(1, 2)\n"
    outcome = run(make_repo(tmp_path / "calc", files))
    assert {p for p, _ in located(outcome, "tests/no-assertions")} == judged


def test_a_smoke_test_is_info_but_a_result_filled_and_never_read_is_a_warning(
    tmp_path: Path,
) -> None:
    """marshmallow's `RequiredUserSchema().dump(user)` checks that nothing raises, by design
    (info); flask's `rv = {}` filled by a mock and never read is a forgotten check (warning),
    like an empty body."""
    files = dict(PY_FILES)
    files["tests/test_smoke.py"] = textwrap.dedent(
        """\
        from calc.ops import add


        def test_dump_with_none():
            value = 1
            add(value, 2)


        def test_passthrough(monkeypatch):
            rv = {}

            def fake(*args, **kwargs):
                rv["seen"] = kwargs.get("seen")

            monkeypatch.setattr("calc.ops.add", fake)
            add(1, 2)


        def test_collected_and_read():
            seen = []
            seen.append(add(1, 2))
            print(seen)


        def test_nothing():
            pass
        """
    )
    outcome = run(make_repo(tmp_path / "calc", files))
    found = {
        f.line: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/no-assertions" and f.path == "tests/test_smoke.py"
    }
    assert found[4][0] == "info" and "do not raise" in found[4][1]
    assert found[9][0] == "warning" and "fills 'rv' but never reads it" in found[9][1]
    assert found[19][0] == "info"  # `seen` is read (printed): a smoke test, no forgotten result
    assert found[25][0] == "warning" and "empty body" in found[25][1]


GO_LOGGED_TESTS = """\
package calc

import "testing"

func TestSetOutput(t *testing.T) {
    if out := Add(1, 2); out != 3 {
        t.Logf("expected 3; got %d", out)
    }
}

func TestReportsWithErrorf(t *testing.T) {
    if out := Add(1, 2); out != 3 {
        t.Logf("inputs 1 and 2")
        t.Errorf("expected 3; got %d", out)
    }
}

func TestRunsOnly(t *testing.T) {
    t.Logf("adding")
    Add(1, 2)
}

func TestRemoveChildren(t *testing.T) {
    t.Logf("%+v", Add(1, 2))
}

func TestVerbose(t *testing.T) {
    if testing.Verbose() {
        t.Logf("adding")
    }
    Add(1, 2)
}

func TestBackend(t *testing.T) {
    t.Log("backend:", Backend, "input length:", len(input))
}

func TestLogsALength(t *testing.T) {
    t.Log(len(Name(input)), int64(Add(1, 2)))
}

const input = "abc"
"""


def test_a_go_check_whose_failure_is_only_logged_is_a_warning_a_bare_call_is_info(
    tmp_path: Path,
) -> None:
    """spf13/pflag's TestSetOutput reports its failed check with t.Logf, so it always passes
    (labelled real). A test that runs code and checks nothing is info, in every language: on
    the labelled projects 110 of 113 such labels were not real. A log call beside
    a t.Errorf, or outside any `if`, is no missing check. A log of a builtin's value over a
    fixture (`len(input)`) logs no result of the code (held-out 88); `len(Name(input))` does."""
    files = {
        "go.mod": "module example.com/m\n",
        "calc/calc.go": 'package calc\n\nconst Backend = "go"\n\n'
        "func Add(a, b int) int { return a + b }\n\nfunc Name(s string) string { return s }\n",
        "calc/calc_test.go": GO_LOGGED_TESTS,
    }
    outcome = run(make_repo(tmp_path / "go", files))
    found = {
        f.line: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/no-assertions"
    }
    assert sorted(found) == [5, 18, 23, 27, 34, 38]
    assert found[27][0] == "info"  # logging in a verbose run is no check
    # OneOfOne/xxhash's `Test` logs a constant and a fixture's length: it runs no code to check
    assert found[34][0] == "info"
    assert found[38][0] == "warning" and "only logs a result with t.Log" in found[38][1]
    assert found[23][0] == "warning" and "only logs a result with t.Logf" in found[23][1]
    assert found[5][0] == "warning" and "reports a failed check with t.Logf" in found[5][1]
    assert found[18] == (
        "info",
        "test 'TestRunsOnly' asserts nothing: it can only fail by crashing",
    )


GO_NON_PANIC_TESTS = """\
package calc

import "testing"

func TestTerminal(t *testing.T) {
    // test for non-panic
    t.Log("add:", Add(1, 2))
}

func TestNonEmpty(t *testing.T) {
    // test for a non-empty sum
    t.Log("add:", Add(1, 2))
}
"""


def test_a_go_test_commented_as_a_test_for_non_panic_logs_by_design(tmp_path: Path) -> None:
    """mattn/go-isatty's TestTerminal says `// test for non-panic` and logs
    `IsTerminal(os.Stdout.Fd())`, whose answer depends on where go test runs: not panicking is
    its check (held-out 138, noise). A comment about something else that is "non-" something
    (`// test for a non-empty sum`) keeps the warning on the logged result."""
    files = {
        "go.mod": "module example.com/m\n",
        "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
        "calc/calc_test.go": GO_NON_PANIC_TESTS,
    }
    outcome = run(make_repo(tmp_path / "go", files))
    found = {
        f.line: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/no-assertions"
    }
    assert sorted(found) == [10]
    assert found[10][0] == "warning" and "only logs a result with t.Log" in found[10][1]


def test_a_javascript_test_that_checks_nothing_is_info(tmp_path: Path) -> None:
    files = {
        "package.json": '{"name": "calc", "scripts": {"test": "mocha"}}\n',
        "index.js": "module.exports = (a, b) => a + b;\n",
        "test/calc.test.js": (
            "const add = require('../index');\n"
            "const assert = require('assert');\n"
            "it('adds', () => { assert.strictEqual(add(1, 2), 3); });\n"
            "it('adds two numbers', () => { add(1, 2); });\n"
            "it('is empty', () => {});\n"
        ),
    }
    outcome = run(make_repo(tmp_path / "js", files))
    found = {f.line: f.severity.value for f in outcome.findings if f.rule == "tests/no-assertions"}
    assert found == {4: "info", 5: "warning"}


def test_a_test_file_another_test_runs_as_a_child_process_is_a_fixture(tmp_path: Path) -> None:
    """tape's test/promise_fail.js spawns test/promises/fail.js
    (`spawn(process.execPath, [path.join(__dirname, 'promises', 'fail.js')])`) and compares
    its output: the fixture's test that asserts nothing is its point. A test file no test
    runs (test/lonely.js), though named in a comparison string, is still judged."""
    fixture = (
        "var test = require('tape');\n\n"
        "test('promise', function () { return Promise.reject(new Error('no')); });\n"
    )
    runner = (
        "var spawn = require('child_process').spawn;\nvar path = require('path');\n"
        "var test = require('tape');\n\n"
        "test('reports the rejection', function (t) {\n"
        "    var ps = spawn(process.execPath, [path.join(__dirname, 'promises', 'fail.js')]);\n"
        "    t.equal(typeof ps, 'object', 'at $TEST/lonely.js');\n"
        "    t.end();\n"
        "});\n"
    )
    files = {
        "package.json": json.dumps({"name": "lib", "main": "index.js"}),
        "index.js": "module.exports = function lib() { return 1; };\n",
        "test/promise_fail.js": runner,
        "test/promises/fail.js": fixture,
        "test/lonely.js": fixture.replace("'promise'", "'lonely'"),
    }
    outcome = run(make_repo(tmp_path / "tape", files))
    assert located(outcome, "tests/no-assertions") == [("test/lonely.js", 3)]


def test_an_empty_test_named_for_its_module_importing_is_info(tmp_path: Path) -> None:
    """overrides 7.7.0 (held-out 144): tests/test_signatures.py defines classes whose checks
    run at import and keeps `def test_that_this_file_is_ok(): pass` to report the import as a
    pass: info. An empty test named for a behaviour (`test_scopes`) or for importing some data
    (`test_import_data`) checks nothing: still a warning."""
    files = dict(PY_FILES)
    files["tests/test_signatures.py"] = textwrap.dedent(
        """\
        from calc.ops import add

        TOTAL = add(1, 2)


        def test_that_this_file_is_ok():
            pass


        def test_scopes():
            pass


        def test_import_data():
            pass
        """
    )
    outcome = run(make_repo(tmp_path / "calc", files))
    found = {
        f.line: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/no-assertions" and f.path == "tests/test_signatures.py"
    }
    assert found[6][0] == "info" and "module imports" in found[6][1]
    assert found[10][0] == "warning" and "empty body" in found[10][1]
    assert found[14][0] == "warning" and "empty body" in found[14][1]


def test_an_empty_test_that_overrides_an_inherited_one_switches_it_off(tmp_path: Path) -> None:
    """defusedxml 0.7.1: `def test_external_ref(self): pass` in TestDefusedLxml switches off,
    for lxml, the test every parser's class inherits from BaseTests: info. An empty test that
    overrides nothing, or only another empty one, checks nothing: still a warning."""
    files = dict(PY_FILES)
    files["tests/test_parsers.py"] = textwrap.dedent(
        """\
        import unittest

        from calc.parser import parse


        class BaseTests(unittest.TestCase):
            def test_words(self):
                self.assertEqual(parse("a b"), ["a", "b"])

            def test_blank(self):
                pass


        class Middle(BaseTests):
            pass


        class TestLxml(Middle):
            def test_words(self):
                pass

            def test_blank(self):
                pass

            def test_own(self):
                pass
        """
    )
    outcome = run(make_repo(tmp_path / "calc", files))
    found = {
        f.line: (f.severity.value, f.message)
        for f in outcome.findings
        if f.rule == "tests/no-assertions" and f.path == "tests/test_parsers.py"
    }
    assert found[19][0] == "info" and "overrides BaseTests's test" in found[19][1]
    assert found[22][0] == "warning" and "empty body" in found[22][1]  # its base's is empty too
    assert found[25][0] == "warning" and "empty body" in found[25][1]  # overrides nothing
    assert found[10][0] == "warning"  # the base's own empty test
