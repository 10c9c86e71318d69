"""Test selection for `go test`: a real Go module in a real git repository, run through the CLI
with smart execution; the packages a change selects from `go list`'s package graph (or every
package, and why), and the parsing of go's command line and output on their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.testselect.gotest import (
    GoSelectError,
    Graph,
    Package,
    affected,
    outcomes,
    parse_command,
    read_state,
    words,
)
from tests.helpers import commit_all, make_repo
from tests.steps.go_runs import edit, packages_run, run

pytestmark = pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")

MODULE = "example.com/shop"
MONEY, CART, TEXT = f"{MODULE}/money", f"{MODULE}/cart", f"{MODULE}/text"
PROJECT = {
    ".gitignore": ".ai_workflow/\n",
    "go.mod": f"module {MODULE}\n\ngo 1.19\n",
    "README.md": "# shop\n",
    "money/money.go": "package money\n\nfunc Cents(euros int) int { return euros * 100 }\n",
    "money/money_test.go": (
        'package money\n\nimport "testing"\n\nfunc TestCents(t *testing.T) {\n'
        '\tif Cents(2) != 200 {\n\t\tt.Fatal("cents")\n\t}\n}\n'
    ),
    "cart/cart.go": (
        f'package cart\n\nimport "{MONEY}"\n\n'
        "func Total(euros ...int) int {\n\tsum := 0\n\tfor _, e := range euros {\n"
        "\t\tsum += money.Cents(e)\n\t}\n\treturn sum\n}\n"
    ),
    "cart/cart_test.go": (
        f'package cart_test\n\nimport (\n\t"testing"\n\n\t"{CART}"\n)\n\n'
        "func TestTotal(t *testing.T) {\n\tif cart.Total(1, 2) != 300 {\n"
        '\t\tt.Fatal("total")\n\t}\n}\n'
    ),
    "text/text.go": 'package text\n\nimport "strings"\n\n'
    "func Shout(s string) string { return strings.ToUpper(s) }\n",
    "text/text_test.go": (
        'package text\n\nimport (\n\t"os"\n\t"strings"\n\t"testing"\n)\n\n'
        "func TestShout(t *testing.T) {\n"
        '\tdata, err := os.ReadFile("testdata/in.txt")\n'
        "\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n"
        '\tif Shout(strings.TrimSpace(string(data))) != "HI" {\n\t\tt.Fatal("shout")\n\t}\n}\n'
    ),
    "text/testdata/in.txt": "hi\n",
}


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The module with two commits, and the first run, which runs every package."""
    repo = make_repo(tmp_path / "shop", PROJECT)
    (repo / "money/doc.go").write_text("// Package money counts.\npackage money\n")
    commit_all(repo, "doc")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["selection"]["reason"].startswith("no earlier run recorded the Go toolchain")
    assert summary["selection"]["packages"] == {"total": 3, "selected": 3}
    assert summary["tests"]["total"] == summary["tests"]["selected"] == 3
    assert summary["tests"]["passed"] == 3
    return repo


def test_a_leaf_change_selects_its_package_and_its_importers(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(shop, "money/money.go", "euros * 100", "100 * euros")
    commit_all(shop, "money")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["selection"]["base"] is not None
    assert summary["selection"]["packages"] == {"total": 3, "selected": 2}
    assert packages_run(summary) == {MONEY, CART}
    assert summary["tests"]["selected"] == 2 and summary["tests"]["total"] == 3
    step = summary["steps"][0]
    assert step["summary"].startswith("ran 2 of 3 packages (2 of 3 tests) (affected by 1 changed")


def test_a_root_change_selects_only_its_package(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(shop, "cart/cart.go", "sum := 0", "sum := 0 // cents")
    commit_all(shop, "cart")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert packages_run(summary) == {CART}


def test_a_fault_in_a_selected_package_is_caught_and_runs_again_next_time(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(shop, "money/money.go", "euros * 100", "euros * 10")
    commit_all(shop, "fault")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["tests"]["failed"] == 2  # money's own test and cart's, through the import
    assert summary["steps"][0]["status"] == "failed"
    edit(shop, "text/text.go", "strings.ToUpper(s)", 'strings.ToUpper(s) + ""')
    commit_all(shop, "text")
    summary = run(shop, capsys)
    assert packages_run(summary) == {MONEY, CART, TEXT}  # the two failed last time
    assert "2 packages failed last time" in summary["selection"]["reason"]


def test_a_build_error_is_caught_and_runs_again(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(shop, "money/money.go", "return euros * 100", 'return "x"')
    commit_all(shop, "broken")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["steps"][0]["status"] == "failed"
    assert summary["tests"]["errors"] == 2  # money's build and cart's
    edit(shop, "text/text.go", "strings.ToUpper(s)", 'strings.ToUpper(s) + ""')
    commit_all(shop, "text")
    summary = run(shop, capsys)
    assert packages_run(summary) == {MONEY, CART, TEXT}


def test_testdata_selects_the_package_whose_tests_read_it(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "text/testdata/in.txt").write_text("hi \n", encoding="utf-8")
    commit_all(shop, "testdata")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert packages_run(summary) == {TEXT}


def test_testdata_outside_every_package_runs_everything(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "testdata").mkdir()
    (shop / "testdata/shared.json").write_text("{}\n", encoding="utf-8")
    commit_all(shop, "shared testdata")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "all"
    assert "testdata/shared.json changed, outside every package" in summary["selection"]["reason"]
    assert summary["selection"]["packages"] == {"total": 3, "selected": 3}


@pytest.mark.parametrize(
    ("path", "text", "why"),
    [
        ("go.mod", f"module {MODULE}\n\ngo 1.19\n\n// a comment\n", "the module's requirements"),
        (
            "money/fast.go",
            "//go:build linux\n\npackage money\n\nfunc Fast() int { return 1 }\n",
            "build constraints",
        ),
    ],
)
def test_module_vendor_and_constrained_files_run_everything(
    shop: Path, capsys: pytest.CaptureFixture[str], path: str, text: str, why: str
) -> None:
    (shop / path).parent.mkdir(parents=True, exist_ok=True)
    (shop / path).write_text(text, encoding="utf-8")
    commit_all(shop, path)
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "all"
    assert why in summary["selection"]["reason"]


def test_documentation_outside_the_packages_selects_none(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "README.md").write_text("# shop\n\nMore.\n", encoding="utf-8")
    edit(shop, "cart/cart.go", "sum := 0", "sum := 0 // cents")
    commit_all(shop, "docs and cart")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert packages_run(summary) == {CART}


def test_a_change_no_test_reaches_only_builds_its_package(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "cmd/tool").mkdir(parents=True)
    (shop / "cmd/tool/main.go").write_text("package main\n\nfunc main() {}\n")
    commit_all(shop, "a new command")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["selection"]["packages"] == {"total": 4, "selected": 1}
    edit(shop, "cmd/tool/main.go", "func main() {}", "func main() { _ = 1 }")
    (shop / "README.md").write_text("# shop\n\nMore.\n", encoding="utf-8")
    commit_all(shop, "tool")
    summary = run(shop, capsys)
    # the change lies in main's body, which no test reaches: its package is only built
    assert summary["selection"]["packages"] == {"total": 4, "selected": 1}
    assert summary["tests"]["selected"] == 0
    assert summary["steps"][0]["status"] == "passed"


def test_a_changed_test_command_runs_everything(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / ".workflow-config.yaml").write_text(
        "tech_stack:\n  test_command: go test -json -count=1 ./...\n", encoding="utf-8"
    )
    edit(shop, "cart/cart.go", "sum := 0", "sum := 0 // cents")
    commit_all(shop, "config")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["selection"]["reason"] == (
        "the test command or the Go environment changed since the last run"
    )


def test_a_damaged_state_file_runs_everything(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = shop / ".ai_workflow/step_cache/test_execution.gotest.json"
    assert state.is_file()
    state.write_text('["not", "an", "object"]', encoding="utf-8")
    edit(shop, "cart/cart.go", "sum := 0", "sum := 0 // cents")
    commit_all(shop, "cart")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["selection"]["reason"].startswith("no earlier run recorded")


# --------------------------------------------------------------------------- pure parts


def test_the_command_line_is_split_into_flags_patterns_and_test_flags() -> None:
    command = parse_command(["go", "test", "-json", "-tags", "x y", "./...", "-run", "TestA"])
    assert command.patterns == ["./..."] and command.list_flags == ["-tags", "x y"]
    assert command.with_packages(["a", "b"]) == [
        *("go", "test", "-json", "-tags", "x y", "a", "b", "-run", "TestA"),
    ]
    assert parse_command(["go", "test", "-json"]).patterns == ["."]
    with_args = parse_command(["go", "test", "-json", "./...", "-args", "-x", "y"])
    assert with_args.tail == ["-args", "-x", "y"]
    assert words("go test -json -count=1 ./...") == ["go", "test", "-json", "-count=1", "./..."]
    for line in ("go test ./... && echo", "GOFLAGS=-v go test ./...", "go test '-run=A B'"):
        assert words(line) is None
    bad = (["go", "test", "-C", "sub", "-json"], ["go", "test", "-weird", "-json"])
    for argv in (*bad, ["go", "test", "./..."]):
        with pytest.raises(GoSelectError):
            parse_command(argv)


def test_module_files_vendor_and_cgo_are_not_attributed_to_a_package() -> None:
    graph = _graph({0: set(), 1: {0}})
    graph.packages["m/p0"].native.add("p0/x.go")
    for path, text, why in [
        ("sub/go.sum", None, "the module's requirements"),
        ("vendor/example.com/x/x.go", "package x\n", "vendored code"),
        ("p0/x.go", "package p\n", "cgo or a non-Go source"),
        ("p1/c.go", 'package p\n\nimport "C"\n', "it uses cgo"),
        ("p1/gone.go", None, "cannot be read"),
        ("p2/new.go", "package p\n", "belongs to no package"),
    ]:
        with pytest.raises(GoSelectError, match=why):
            affected(graph, {path: text})
    assert affected(graph, {"p1/y.go": "package p\n"}).packages == ["m/p1"]  # true positive


def test_the_last_run_state_is_checked_field_by_field() -> None:
    assert read_state(["a list"]) == {}
    state = read_state({"go": 1, "command": "c", "failed": {"x": 1}, "tests": ["a"]})
    assert state == {"command": "c", "failed": [], "tests": {}}
    state = read_state({"go": "g", "failed": ["p", 3], "tests": {"p": 2, "q": "x", "r": -1}})
    assert state == {"go": "g", "failed": ["p"], "tests": {"p": 2}}


def test_go_test_json_outcomes() -> None:
    lines = [
        {"Action": "pass", "Package": "a", "Test": "TestA"},
        {"Action": "pass", "Package": "a", "Test": "TestA/sub"},
        {"Action": "pass", "Package": "a"},
        {"Action": "fail", "Package": "b", "Test": "TestB"},
        {"Action": "fail", "Package": "b"},
        {"Action": "skip", "Package": "c"},
    ]
    text = "\n".join(json.dumps(e) for e in lines) + "\nnot json\n[1]\nFAIL\td [build failed]\n"
    assert outcomes(text) == ({"a", "c"}, {"b", "d"}, {"a": 2, "b": 1})


def _graph(deps: dict[int, set[int]]) -> Graph:
    packages = {
        f"m/p{i}": Package(f"m/p{i}", f"p{i}", {f"p{i}/x.go"}, deps={f"m/p{d}" for d in ds})
        for i, ds in deps.items()
    }
    return Graph(packages, {p.dir: p.path for p in packages.values()})


@st.composite
def graphs(draw: st.DrawFn) -> tuple[Graph, set[int]]:
    size = draw(st.integers(1, 8))
    deps = {i: set(draw(st.sets(st.integers(0, i - 1), max_size=i))) if i else set() for i in
            range(size)}  # fmt: skip
    for i in range(size):  # Deps is transitive
        for d in sorted(deps[i]):
            deps[i] |= deps[d]
    changed = draw(st.sets(st.integers(0, size - 1)))
    return _graph(deps), changed


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_selection_is_the_changed_packages_and_exactly_their_importers(
    case: tuple[Graph, set[int]],
) -> None:
    graph, changed = case
    texts: dict[str, str | None] = {f"p{i}/x.go": "package p\n" for i in changed}
    chosen = set(affected(graph, texts).packages)
    touched = {f"m/p{i}" for i in changed}
    assert touched <= chosen
    for path, pkg in graph.packages.items():
        assert (path in chosen) == (path in touched or bool(pkg.deps & touched))


def test_documentation_alone_runs_no_package(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "README.md").write_text("# shop\n\nMore.\n", encoding="utf-8")
    commit_all(shop, "docs")
    # smart execution would skip the step, and the step cache reuse its last result
    summary = run(shop, capsys, "--no-skip", "--no-step-cache")
    assert summary["selection"]["mode"] == "affected"
    assert summary["selection"]["packages"] == {"total": 3, "selected": 0}
    step = summary["steps"][0]
    assert step["summary"].startswith("ran 0 of 3 packages (affected by 1 changed file)")
    assert step["status"] == "passed"


def test_another_go_toolchain_runs_everything(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = shop / ".ai_workflow/step_cache/test_execution.gotest.json"
    recorded = json.loads(state.read_text(encoding="utf-8"))
    state.write_text(json.dumps({**recorded, "go": "1.18.1 /opt/go/bin/go"}), encoding="utf-8")
    edit(shop, "cart/cart.go", "sum := 0", "sum := 0 // cents")
    commit_all(shop, "cart")
    summary = run(shop, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["selection"]["reason"].startswith("the Go toolchain changed (1.18.1 /opt/go")
