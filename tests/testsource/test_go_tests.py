"""Go tests and their verdicts (tree-sitter): helpers of the package that take the test's t."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ai_workflow.techstack import is_test_path
from ai_workflow.testsource.readers import ProjectTests
from tests.helpers import write_files

FILES = {
    "go.mod": "module example.com/m\n",
    "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
    "calc/helpers_test.go": """
        package calc

        import "testing"

        func expectSum(got, want int, t *testing.T) {
            if got != want {
                t.Errorf("got %d, want %d", got, want)
            }
        }

        func logOnly(t testing.TB, msg string) {
            t.Log(msg)
        }

        func mustPositive(n int) int {
            if n < 0 {
                panic("negative")
            }
            return n
        }

        type sumCase struct{ a, b, want int }

        type checker struct{ t *testing.T }

        func newChecker(t *testing.T) *checker { return &checker{t: t} }

        func (c *checker) equal(got, want int) {
            if got != want {
                c.t.Errorf("got %d, want %d", got, want)
            }
        }

        func (c *checker) note(msg string) { c.t.Log(msg) }

        func (c sumCase) test(t *testing.T) {
            expectSum(Add(c.a, c.b), c.want, t)
        }
        """,
    "calc/calc_test.go": """
        package calc

        import (
            "testing"

            "github.com/stretchr/testify/assert"
        )

        type Adder interface{ Add(int, int) int }

        func TestDirect(t *testing.T) {
            if Add(1, 2) != 3 {
                t.Fatal("wrong")
            }
        }

        func TestHelper(t *testing.T) {
            expectSum(Add(1, 2), 3, t)
        }

        func TestTestify(t *testing.T) {
            assert.Equal(t, 3, Add(1, 2))
        }

        func TestSubtests(t *testing.T) {
            t.Run("one", func(t *testing.T) {
                expectSum(Add(1, 1), 2, t)
            })
        }

        func TestMethodValueSubtests(t *testing.T) {
            for name, c := range map[string]sumCase{"x": {1, 2, 3}} {
                t.Run(name, c.test)
            }
        }

        func TestCompileTime(t *testing.T) {
            var _ Adder = nil
        }

        func TestPanickingHelper(t *testing.T) {
            mustPositive(Add(1, 2))
        }

        func TestOnlyLogs(t *testing.T) {
            logOnly(t, "hello")
            Add(1, 2)
        }

        func TestHelperStruct(t *testing.T) {
            c := newChecker(t)
            c.equal(Add(1, 2), 3)
        }

        func TestHelperStructLogsOnly(t *testing.T) {
            c := newChecker(t)
            c.note("hi")
        }

        func TestNothing(t *testing.T) {
            Add(1, 2)
        }

        func TestSkipped(t *testing.T) {
            t.Skip("later")
            Add(1, 2)
        }

        func Testlowercase(t *testing.T) {}

        func TestMain(m *testing.M) {}
        """,
}


def test_go_verdicts(tmp_path: Path) -> None:
    files = {k: textwrap.dedent(v) for k, v in FILES.items()}
    write_files(tmp_path, files)
    project = ProjectTests(tmp_path, sorted(files), is_test_path)
    tests = project.tests("calc/calc_test.go", "go") or []
    assert {t.name: t.asserts for t in tests} == {
        "TestDirect": True,
        "TestHelper": True,
        "TestTestify": True,
        "TestSubtests": True,
        "TestMethodValueSubtests": True,
        "TestCompileTime": True,
        "TestPanickingHelper": True,
        "TestOnlyLogs": False,
        "TestHelperStruct": True,
        "TestHelperStructLogsOnly": False,
        "TestNothing": False,
        "TestSkipped": False,
    }
    assert [t.name for t in tests if t.skipped] == ["TestSkipped"]
    assert tests[0].line == 12


def test_an_empty_test_beside_the_one_example_of_its_file_is_not_judged(tmp_path: Path) -> None:
    """gorilla/websocket's example_test.go: `func TestX(t *testing.T) {}` "prevents godoc from
    showing this entire file in the example" (go/doc shows a file with one example and no test
    whole). An empty test in a file with two examples, or with none, still checks nothing."""
    example = """
        package calc_test

        import "fmt"

        func ExampleAdd() {
            fmt.Println(1 + 2)
        }
        """
    files = {
        "go.mod": "module example.com/m\n",
        "calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
        "calc/example_test.go": example + "\n// TestX keeps godoc to the example.\n"
        "func TestX(t *testing.T) {}\n",
        "calc/examples_test.go": example.replace("ExampleAdd", "ExampleAdd_two")
        + "\nfunc ExampleAdd_three() {}\n\nfunc TestY(t *testing.T) {}\n",
        "calc/calc_test.go": 'package calc\n\nimport "testing"\n\nfunc TestZ(t *testing.T) {}\n',
    }
    files = {k: textwrap.dedent(v) for k, v in files.items()}
    write_files(tmp_path, files)
    project = ProjectTests(tmp_path, sorted(files), is_test_path)
    verdict = {
        t.name: t.asserts
        for path in ("calc/example_test.go", "calc/examples_test.go", "calc/calc_test.go")
        for t in project.tests(path, "go") or []
    }
    assert verdict == {"TestX": None, "TestY": False, "TestZ": False}
