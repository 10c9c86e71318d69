"""A change to a data file the tests read, and nothing else, must run the tests that read it
(the reviewer's case: such a file was classified docs-only, smart execution skipped
test_execution, and a test that now fails never ran). Real git repositories, real pytest and
go test runs, through the CLI with smart execution. Real documentation still skips them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.cli import main
from tests.helpers import commit_all, make_repo

PYPROJECT = (
    '[project]\nname = "calc"\nversion = "0.1"\n'
    '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["src"]\n'
)
CODE = "def render():\n    return 'hello'\n"
READ_IN_TEST = (
    "from pathlib import Path\n\nfrom calc import render\n\nROOT = Path(__file__).parent.parent\n"
    "\n\ndef test_render():\n    assert render() == (ROOT / {path!r}).read_text().strip()\n"
)
READ_AT_IMPORT = (
    "from pathlib import Path\n\nfrom calc import render\n\nROOT = Path(__file__).parent.parent\n"
    "EXPECTED = (ROOT / {path!r}).read_text().strip()\n\n\n"
    "def test_render():\n    assert render() == EXPECTED\n"
)


def run(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code = main(
        [
            *("run", "--target", str(repo), "--steps", "test_execution", "--smart-execution"),
            *("--auto", "--json", *extra),
        ]
    )
    summary: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    return summary


def step(summary: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = summary["steps"][0]
    return found


def python_project(root: Path, data: str, test: str) -> Path:
    files = {
        ".gitignore": ".ai_workflow/\n",
        "pyproject.toml": PYPROJECT,
        "README.md": "# calc\n",
        "docs/guide.md": "guide\n",
        "src/calc/__init__.py": CODE,
        "tests/test_render.py": test.format(path=data),
        data: "hello\n",
    }
    repo = make_repo(root, files)
    (repo / "src/calc/extra.py").write_text("X = 1\n", encoding="utf-8")
    commit_all(repo, "second")  # a code change: the first run runs (and maps) every test
    return repo


@pytest.mark.parametrize(
    "data",
    [
        "tests/data/expected.txt",  # inside a test directory
        "test_data/expected.md",  # a test-data directory outside the tests
        "fixtures/expected.md",
        "data/expected.txt",  # named by a string literal of a test
    ],
)
@pytest.mark.parametrize("test", [READ_IN_TEST, READ_AT_IMPORT], ids=["in-test", "at-import"])
def test_a_changed_data_file_runs_the_tests_that_read_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: str, test: str
) -> None:
    repo = python_project(tmp_path / "calc", data, test)
    first = run(repo, capsys)  # a full run: records the test map
    assert step(first)["status"] == "passed" and first["tests"]["passed"] == 1
    (repo / data).write_text("goodbye\n", encoding="utf-8")
    commit_all(repo, "only the data file")
    second = run(repo, capsys)
    assert second["changes"]["change_type"] != "docs-only"
    assert step(second)["status"] == "failed", step(second)
    assert second["tests"]["failed"] == 1
    assert second["selection"]["mode"] == "all"
    assert data in second["selection"]["reason"]


def test_a_docs_only_change_still_skips_the_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = python_project(tmp_path / "calc", "tests/data/expected.txt", READ_IN_TEST)
    assert step(run(repo, capsys))["status"] == "passed"
    (repo / "README.md").write_text("# calc, v2\n", encoding="utf-8")
    (repo / "docs/guide.md").write_text("guide, v2\n", encoding="utf-8")
    commit_all(repo, "docs")
    summary = run(repo, capsys)
    assert summary["changes"]["change_type"] == "docs-only"
    assert step(summary)["status"] == "skipped"
    assert "no change in categories code, tests" in step(summary)["reason"]


# --------------------------------------------------------------------------- Go

GO_PROJECT = {
    ".gitignore": ".ai_workflow/\n",
    "go.mod": "module example.com/greet\n\ngo 1.19\n",
    "greet.go": (
        'package greet\n\nimport _ "embed"\n\n//go:embed greeting.md\nvar greeting string\n\n'
        "// Greeting is the embedded greeting.\nfunc Greeting() string { return greeting }\n"
    ),
    "greet_test.go": (
        'package greet\n\nimport (\n\t"os"\n\t"strings"\n\t"testing"\n)\n\n'
        "func TestGreeting(t *testing.T) {\n"
        '\tif strings.TrimSpace(Greeting()) != "hello" {\n\t\tt.Fatal(Greeting())\n\t}\n}\n\n'
        "func TestGolden(t *testing.T) {\n"
        '\twant, err := os.ReadFile("testdata/want.md")\n\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n'
        '\tif strings.TrimSpace(string(want)) != "hello" {\n\t\tt.Fatal(string(want))\n\t}\n}\n'
    ),
    "greeting.md": "hello\n",
    "testdata/want.md": "hello\n",
    "README.md": "# greet\n",
}


@pytest.mark.skipif(shutil.which("go") is None, reason="the go tool is not installed")
@pytest.mark.parametrize("data", ["greeting.md", "testdata/want.md"])
def test_go_embedded_and_testdata_files_run_go_test(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: str,
) -> None:
    monkeypatch.setenv("GOFLAGS", "-mod=mod")
    monkeypatch.setenv("GOPROXY", "off")
    monkeypatch.setenv("GOCACHE", str(tmp_path / "gocache"))
    repo = make_repo(tmp_path / "greet", GO_PROJECT)
    (repo / "README.md").write_text("# greet, v2\n", encoding="utf-8")
    commit_all(repo, "docs")
    docs_only = run(repo, capsys)
    assert docs_only["changes"]["change_type"] == "docs-only"
    assert step(docs_only)["status"] == "skipped"
    (repo / data).write_text("goodbye\n", encoding="utf-8")
    commit_all(repo, "only the data file")
    summary = run(repo, capsys)
    assert summary["changes"]["change_type"] != "docs-only"
    assert step(summary)["status"] == "failed", step(summary)


def test_a_map_that_does_not_say_what_collection_read_runs_every_test_on_a_data_change() -> None:
    from typing import cast

    from ai_workflow.engine.step import StepContext
    from ai_workflow.testselect.pytest_map import _run_everything

    ctx = cast(StepContext, None)  # only pyproject.toml's rule reads the project
    old: dict[str, Any] = {"opened": {}}  # recorded before `outside_opened` existed
    reason = _run_everything(ctx, old, ["data/expected.txt"], {})
    assert reason is not None and "does not say which files collection read" in reason
    assert _run_everything(ctx, old, ["src/calc/ops.py"], {}) is None  # Python: by its code
    new: dict[str, Any] = {"opened": {}, "outside_opened": ["data/expected.txt"]}
    assert "while collecting or importing" in str(
        _run_everything(ctx, new, ["data/expected.txt"], {})
    )
    assert _run_everything(ctx, new, ["notes/other.txt"], {}) is None
