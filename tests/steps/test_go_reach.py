"""Test selection inside Go packages (`testselect.goreach`): a real Go module in a real git
repository, run through the CLI with smart execution; a change in function bodies runs the
tests that reach the changed functions (`go test -run '^(...)$'`), anything else the whole
package; and the declaration diff and reference graph on their own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ai_workflow.testselect.gonarrow import run_pattern
from ai_workflow.testselect.goreach import (
    GoWhole,
    changed_decls,
    key_name,
    parse_file,
    select_tests,
)
from tests.helpers import commit_all, make_repo
from tests.steps.go_runs import command_run, edit, packages_run, run, selected_tests

pytestmark = pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")

MODULE = "example.com/calc"
CALC, REPORT = MODULE, f"{MODULE}/report"
CALC_GO = """package calc

import "strings"

// Op is an operation.
type Op struct{ Name string }

var table = map[string]int{"one": 1}

func Add(a, b int) int { return a + b }

func Mul(a, b int) int { return a * b }

func Square(a int) int { return Mul(a, a) }

func Upper(s string) string { return strings.ToUpper(s) }

func (o Op) String() string { return "op " + o.Name }

func lookup(k string) int { return table[k] }
"""
CALC_TEST_GO = """package calc

import (
	"fmt"
	"testing"
)

func TestAdd(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Fatal("add")
	}
}

func TestSquare(t *testing.T) {
	if Square(3) != 9 {
		t.Fatal("square")
	}
}

func TestUpper(t *testing.T) {
	if Upper("a") != "A" {
		t.Fatal("upper")
	}
}

func TestOp(t *testing.T) {
	if fmt.Sprint(Op{"x"}) != "op x" {
		t.Fatal("op")
	}
}

func TestLookup(t *testing.T) {
	if lookup("one") != 1 {
		t.Fatal("lookup")
	}
}
"""
PROJECT = {
    ".gitignore": ".ai_workflow/\n",
    "go.mod": f"module {MODULE}\n\ngo 1.19\n",
    "calc.go": CALC_GO,
    "calc_test.go": CALC_TEST_GO,
    "ext_test.go": (
        f'package calc_test\n\nimport (\n\t"testing"\n\n\t"{CALC}"\n)\n\n'
        "func TestExtMul(t *testing.T) {\n\tif calc.Mul(2, 3) != 6 {\n"
        '\t\tt.Fatal("mul")\n\t}\n}\n'
    ),
    "report/report.go": (
        f'package report\n\nimport "{CALC}"\n\n'
        "func Total(xs ...int) int {\n\ts := 0\n\tfor _, x := range xs {\n"
        "\t\ts = calc.Add(s, x)\n\t}\n\treturn s\n}\n"
    ),
    "report/report_test.go": (
        'package report\n\nimport "testing"\n\nfunc TestTotal(t *testing.T) {\n'
        '\tif Total(1, 2) != 3 {\n\t\tt.Fatal("total")\n\t}\n}\n'
    ),
}


def make_calc(root: Path, capsys: pytest.CaptureFixture[str], **extra: str) -> Path:
    """The module with its first run (every package), which records the toolchain."""
    repo = make_repo(root / "calc", {**PROJECT, **extra})
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["steps"][0]["status"] == "passed"
    return repo


@pytest.fixture
def calc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    repo = make_calc(tmp_path, capsys)
    assert run(repo, capsys)["tests"]["passed"] == 7  # nothing changed: reused, all passed
    return repo


def test_a_body_change_runs_only_the_tests_that_reach_it(
    calc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(calc, "calc.go", "return a * b", "return b * a")
    commit_all(calc, "mul")
    summary = run(calc, capsys)
    assert summary["selection"]["mode"] == "affected"
    # Square calls Mul; the external test names calc.Mul; report uses Add only: not run
    assert packages_run(summary) == {CALC}
    assert selected_tests(summary) == {"TestSquare", "TestExtMul"}
    assert summary["tests"]["selected"] == summary["tests"]["passed"] == 2
    assert "2 tests in 1 package reach the changed functions" in summary["selection"]["reason"]


def test_a_body_change_an_importer_uses_runs_the_importer_whole(
    calc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(calc, "calc.go", "return a + b", "return b + a")
    commit_all(calc, "add")
    summary = run(calc, capsys)
    assert packages_run(summary) == {CALC, REPORT}
    assert selected_tests(summary) == {"TestAdd", "TestTotal"}  # report's every test
    assert summary["tests"]["passed"] == 2


def test_a_fault_in_a_body_is_caught_by_the_selected_tests(
    calc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(calc, "calc.go", "return a * b", "return a + b")
    commit_all(calc, "fault")
    summary = run(calc, capsys)
    assert selected_tests(summary) == {"TestSquare", "TestExtMul"}
    assert summary["tests"]["failed"] == 2
    assert summary["steps"][0]["status"] == "failed"


def test_a_method_called_implicitly_is_reached_through_its_type(
    calc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # fmt calls String without naming it: TestOp names the type Op
    edit(calc, "calc.go", '"op " + o.Name', '"op " + o.Name + ""')
    commit_all(calc, "string")
    summary = run(calc, capsys)
    assert packages_run(summary) == {CALC}
    assert selected_tests(summary) == {"TestOp"}


def test_a_test_file_change_runs_that_test(calc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(calc, "calc_test.go", 'Upper("a") != "A"', 'Upper("b") != "B"')
    commit_all(calc, "test")
    summary = run(calc, capsys)
    assert packages_run(summary) == {CALC}
    assert selected_tests(summary) == {"TestUpper"}
    assert summary["tests"]["passed"] == 1


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ('"one": 1}', '"one": 1, "two": 2}', "outside function bodies"),
        ("func Add(", "type Unit int\n\nfunc Add(", "outside"),
        ("func lookup(", "func init() {}\n\nfunc lookup(", "init"),
        ('import "strings"', 'import (\n\t"strings"\n\t_ "fmt"\n)', "outside"),
    ],
)
def test_a_type_var_import_or_init_change_runs_the_whole_package(
    calc: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, why: str
) -> None:
    edit(calc, "calc.go", old, new)
    commit_all(calc, "declarations")
    summary = run(calc, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert packages_run(summary) == {CALC, REPORT}  # today's choice: the package, its importers
    assert selected_tests(summary) is None
    assert summary["tests"]["selected"] == 7
    assert f"all tests of {CALC}: " in summary["selection"]["reason"]
    assert why in summary["selection"]["reason"]


def test_a_test_command_with_its_own_run_keeps_every_test_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = "tech_stack:\n  test_command: go test -json -run Test ./...\n"
    repo = make_calc(tmp_path, capsys, **{".workflow-config.yaml": config})
    edit(repo, "calc.go", "return a * b", "return b * a")
    commit_all(repo, "mul")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "affected"
    command = command_run(summary)
    assert command.count("-run") == 1 and command[command.index("-run") + 1] == "Test"
    assert packages_run(summary) == {CALC, REPORT}
    assert summary["steps"][0]["status"] == "passed"


def test_documentation_in_a_package_directory_is_read_only_when_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_calc(tmp_path, capsys, **{"notes/guide.md": "# Guide\n"})
    (repo / "notes/guide.md").write_text("# Guide\n\nMore.\n", encoding="utf-8")
    edit(repo, "calc.go", "return a * b", "return b * a")
    commit_all(repo, "guide and mul")
    summary = run(repo, capsys)
    assert packages_run(summary) == {CALC}
    assert selected_tests(summary) == {"TestSquare", "TestExtMul"}
    # a test that names the document may read it: the whole package runs
    edit(repo, "calc_test.go", 'Upper("a") != "A"', 'Upper("guide.md") == ""')
    (repo / "notes/guide.md").write_text("# Guide\n\nEven more.\n", encoding="utf-8")
    commit_all(repo, "a test naming the guide")
    summary = run(repo, capsys)
    assert packages_run(summary) == {CALC, REPORT}
    assert selected_tests(summary) is None


# --------------------------------------------------------------------------- pure parts


def test_comments_outside_functions_change_nothing_and_directives_do() -> None:
    old = parse_file(CALC_GO, "calc.go")
    new = parse_file(CALC_GO.replace("// Op is", "// Op, the type, is"), "calc.go")
    assert changed_decls(old, new, "calc.go") == set()
    directive = CALC_GO.replace("// Op is", "//go:generate stringer\n// Op is")
    with pytest.raises(GoWhole, match="outside function bodies"):
        changed_decls(old, parse_file(directive, "calc.go"), "calc.go")


def test_method_signatures_and_method_sets_run_the_whole_package() -> None:
    old = parse_file(CALC_GO, "calc.go")
    body = CALC_GO.replace('"op " + o.Name', '"op: " + o.Name')
    assert changed_decls(old, parse_file(body, "calc.go"), "calc.go") == {"method Op.String"}
    pointer = CALC_GO.replace("func (o Op) String", "func (o *Op) String")
    with pytest.raises(GoWhole, match=r"signature of Op\.String"):
        changed_decls(old, parse_file(pointer, "calc.go"), "calc.go")
    added = CALC_GO + "\nfunc (o Op) Len() int { return len(o.Name) }\n"
    with pytest.raises(GoWhole, match=r"method Op\.Len added or removed"):
        changed_decls(old, parse_file(added, "calc.go"), "calc.go")
    function = CALC_GO + "\nfunc Neg(a int) int { return -a }\n"
    assert changed_decls(old, parse_file(function, "calc.go"), "calc.go") == {"func Neg"}


def test_a_function_a_variable_calls_at_initialisation_runs_the_whole_package() -> None:
    files = {"calc.go": CALC_GO, "calc_test.go": CALC_TEST_GO}
    changed = CALC_GO.replace("return a + b", "return b + a")
    pick = select_tests({"calc.go": CALC_GO}, {"calc.go": changed}, {**files, "calc.go": changed})
    assert pick.tests == {"TestAdd"}
    called = CALC_GO.replace('"one": 1}', '"one": Add(0, 1)}')
    changed = called.replace("return a + b", "return b + a")
    with pytest.raises(GoWhole, match="runs at package initialisation"):
        select_tests({"calc.go": called}, {"calc.go": changed}, {**files, "calc.go": changed})
    # a function only named (not called) by an initialiser runs when its caller does
    named = CALC_GO.replace(
        '"one": 1}', '"one": 1}\n\nvar ops = map[string]func(int) int{"sq": Square}'
    )
    changed = named.replace("return Mul(a, a)", "return Mul(a, a) + 0")
    pick = select_tests({"calc.go": named}, {"calc.go": changed}, {**files, "calc.go": changed})
    assert pick.tests == {"TestSquare"}


def test_broken_source_new_files_and_positions() -> None:
    with pytest.raises(GoWhole, match="does not parse"):
        parse_file("package calc\n\nfunc broken( {\n", "calc.go")
    linked = 'import _ "unsafe"\n\n//go:linkname mul example.com/calc.Mul\nfunc mul(a, b int) int\n'
    with pytest.raises(GoWhole, match="linkname"):
        parse_file(CALC_GO.replace('import "strings"\n', f'import "strings"\n{linked}'), "c.go")
    with pytest.raises(GoWhole, match="added"):
        changed_decls(None, parse_file(CALC_GO, "calc.go"), "calc.go")
    moved = CALC_GO.replace("// Op is an operation.", "// Op is an operation,\n// named.")
    old, new = parse_file(CALC_GO, "calc.go"), parse_file(moved, "calc.go")
    assert changed_decls(old, new, "calc.go") == set()
    caller = 'import "runtime"\n\nvar _, file, line, _ = runtime.Caller(0)\n\n'
    asks = CALC_GO.replace('import "strings"\n\n', f'import "strings"\n\n{caller}')
    asks_moved = moved.replace('import "strings"\n\n', f'import "strings"\n\n{caller}')
    changed = changed_decls(parse_file(asks, "calc.go"), parse_file(asks_moved, "calc.go"), "x")
    assert "func Add" in changed and "method Op.String" in changed  # lines moved


def test_an_init_function_that_only_moved_is_unchanged_and_an_edited_one_is_not() -> None:
    inits = CALC_GO + '\nfunc init() { table["two"] = 2 }\n\nfunc init() {}\n'
    moved = inits.replace("func Add(", "func Neg(a int) int { return -a }\n\nfunc Add(")
    old = parse_file(inits, "calc.go")
    assert changed_decls(old, parse_file(moved, "calc.go"), "calc.go") == {"func Neg"}
    edited = moved.replace("func init() {}", 'func init() { table["three"] = 3 }')
    with pytest.raises(GoWhole, match="init changed"):
        changed_decls(old, parse_file(edited, "calc.go"), "calc.go")


def test_the_run_pattern_is_anchored() -> None:
    assert run_pattern(["TestB", "TestA", "TestA"]) == "^(TestA|TestB)$"


def test_an_old_style_build_constraint_is_a_directive() -> None:
    # dropping `// +build ignore` puts the file's init in the package: every test runs it
    tests = {"calc_test.go": CALC_TEST_GO}
    ignored = '// +build ignore\n\npackage calc\n\nfunc init() { panic("x") }\n'
    built = ignored.replace("// +build ignore\n\n", "")
    with pytest.raises(GoWhole, match="outside function bodies"):
        select_tests({"x.go": ignored}, {"x.go": built}, {**tests, "x.go": built})
    # an ordinary comment in the same place still changes nothing
    commented = ignored.replace("+build ignore", "build me")
    assert (
        select_tests({"x.go": commented}, {"x.go": built}, {**tests, "x.go": built}).tests == set()
    )


def test_a_function_literal_called_at_initialisation_runs_the_whole_package() -> None:
    tests = {"calc_test.go": CALC_TEST_GO}
    setup = "func setup() int { return 1 }\n"
    changed = setup.replace("return 1", "return 2")
    for var in (
        "var _ = func() int { return setup() }()\n",  # called in place
        "var _ = apply(func() int { return setup() })\n\nfunc apply(f func() int) int { return f() }\n",
    ):
        old = f"package calc\n\n{var}\n{setup}"
        new = f"package calc\n\n{var}\n{changed}"
        with pytest.raises(GoWhole, match="runs at package initialisation"):
            select_tests({"x.go": old}, {"x.go": new}, {**tests, "x.go": new})
    # a function literal stored, not called, runs only when a test calls it
    stored = "package calc\n\nvar hook = func() int { return setup() }\n\n"
    pick = select_tests(
        {"x.go": stored + setup}, {"x.go": stored + changed}, {**tests, "x.go": stored + changed}
    )
    assert pick.tests == set() and pick.changed == {"func setup"}


def test_a_constant_with_an_implicit_type_reaches_the_methods_of_that_type() -> None:
    colors = (
        "package calc\n\ntype Color int\n\nconst (\n\tRed Color = iota\n\tBlue\n)\n\n"
        'func (c Color) String() string { return [...]string{"red", "blue"}[c] }\n'
    )
    changed = colors.replace('"blue"}', '"BLUE"}')
    test = (
        'package calc\n\nimport (\n\t"fmt"\n\t"testing"\n)\n\n'
        'func TestBlue(t *testing.T) {\n\tif fmt.Sprint(Blue) != "blue" {\n\t\tt.Fatal()\n\t}\n}\n\n'
        "func TestNone(t *testing.T) {}\n"
    )
    files = {"c.go": changed, "c_test.go": test}
    assert select_tests({"c.go": colors}, {"c.go": changed}, files).tests == {"TestBlue"}


def test_a_package_asking_for_positions_in_another_file_counts_moved_functions() -> None:
    where = 'package calc\n\nimport "runtime"\n\nfunc where() int {\n\t_, _, l, _ := runtime.Caller(1)\n\treturn l\n}\n'
    line = "package calc\n\nfunc Line() int { return where() }\n"
    moved = line.replace("package calc\n", "package calc\n\n// Line is where it is called.\n")
    test = (
        'package calc\n\nimport "testing"\n\nfunc TestLine(t *testing.T) {\n'
        "\tif Line() != 3 {\n\t\tt.Fatal()\n\t}\n}\n\nfunc TestNone(t *testing.T) {}\n"
    )
    files = {"line.go": moved, "where.go": where, "line_test.go": test}
    assert select_tests({"line.go": line}, {"line.go": moved}, files).tests == {"TestLine"}
    # without the package asking, a moved function is unchanged
    del files["where.go"]
    files["line.go"] = moved.replace("return where()", "return 3")
    old = line.replace("return where()", "return 3")
    assert select_tests({"line.go": old}, {"line.go": files["line.go"]}, files).tests == set()
    # the log package's file:line flags ask for positions too
    logged = 'package calc\n\nimport "log"\n\nvar logger = log.New(nil, "", log.Lshortfile)\n'
    assert parse_file(logged, "log.go").positions


def test_a_change_no_test_reaches_is_still_built_and_vetted(
    calc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calc_go = calc / "calc.go"
    calc_go.write_text(calc_go.read_text(encoding="utf-8") + "\nfunc unused() int { return 1 }\n")
    commit_all(calc, "a function no test calls")
    summary = run(calc, capsys)
    assert packages_run(summary) == {CALC}
    assert selected_tests(summary) == {""}  # -run '^()$': none of its tests
    assert summary["steps"][0]["status"] == "passed"
    assert summary["steps"][0]["findings"] == []  # no tests/none-collected: none was asked for
    assert "example.com/calc only built and vetted" in summary["selection"]["reason"]
    # the same function no longer compiling fails the step, as the whole package would
    edit(calc, "calc.go", "func unused() int { return 1 }", 'func unused() int { return "x" }')
    commit_all(calc, "a function no test calls, broken")
    summary = run(calc, capsys)
    assert summary["steps"][0]["status"] == "failed"
    assert any("build failed" in f["message"] for f in summary["steps"][0]["findings"])


def test_a_removed_function_reaches_what_still_names_it() -> None:
    # the package's len shadowed the builtin: removing it changes what Size calls
    shadow = "package calc\n\nfunc Size(s string) int { return len(s) }\n"
    old = shadow + "\nfunc len(s string) int { return 0 }\n"
    test = (
        'package calc\n\nimport "testing"\n\nfunc TestSize(t *testing.T) {\n'
        '\tif Size("ab") != 0 {\n\t\tt.Fatal()\n\t}\n}\n\nfunc TestNone(t *testing.T) {}\n'
    )
    files = {"s.go": shadow, "s_test.go": test}
    assert select_tests({"s.go": old}, {"s.go": shadow}, files).tests == {"TestSize"}


def test_a_method_declared_on_an_alias_is_reached_through_the_aliased_type() -> None:
    # `type Alias = Op`: a method declared on Alias is Op's, which fmt calls on an Op
    aliased = CALC_GO.replace(
        'func (o Op) String() string { return "op " + o.Name }',
        'type Alias = Op\n\nfunc (o Alias) String() string { return "op " + o.Name }',
    )
    changed = aliased.replace('"op " + o.Name', '"op: " + o.Name')
    files = {"calc.go": changed, "calc_test.go": CALC_TEST_GO}
    assert select_tests({"calc.go": aliased}, {"calc.go": changed}, files).tests == {"TestOp"}


def test_the_name_in_a_declarations_key() -> None:
    """Keys name functions, methods and each `init` of a file; the name is the declared one
    (an `init` key's file and order are not a name)."""
    keys = [d.key for d in parse_file(CALC_GO + "\nfunc init() {}\n", "calc.go").decls]
    assert "func init calc.go#1" in keys
    assert {key_name(k) for k in keys if k.startswith(("func ", "method "))} >= {"Add", "init"}
    assert key_name("method Op.String") == "String"
