"""Files the tests read are test inputs, never documentation (a docs-only change skips the
tests, so calling one `docs` would skip a test that now fails). Each class of test input has
its true positive (real documentation, still `docs`) next to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_workflow.changes.classify import Classifier
from ai_workflow.changes.test_inputs import TestInputs, go_embeds, python_literals
from ai_workflow.testsource.data_dirs import TEST_DATA_DIRS, TEST_DATA_SUFFIXES
from tests.helpers import write_files

# --------------------------------------------------------------------------- by path alone


@pytest.mark.parametrize(
    "path",
    [
        "tests/data/expected.txt",
        "tests/fixtures/README.md",
        "testdata/golden.md",
        "test_data/expected.txt",
        "test-data/case.rst",
        "fixtures/case.md",
        "__fixtures__/page.md",
        "__snapshots__/render.md",
        "web/__snapshots__/button.test.js.snap",
        "snapshots/out.txt",
        "golden/out.txt",
        "pkg/render/testdata/page.golden",
        "x/y.golden",
        "docs/fixtures/example.md",  # a fixture inside the docs is still a fixture
        "cassettes/login.yaml",
    ],
)
def test_files_under_test_data_directories_are_test_inputs(path: str) -> None:
    assert Classifier().classify(path) == "tests"
    assert Classifier().categories_of(path) == ("tests",)


@pytest.mark.parametrize(
    "path",
    ["README.md", "CHANGES.rst", "docs/index.rst", "docs/guide.md", "notes/design.txt"],
)
def test_real_documentation_stays_docs(path: str) -> None:
    assert Classifier().classify(path) == "docs"


def test_code_in_a_fixture_directory_stays_code() -> None:
    assert Classifier().classify("fixtures/factory.py") == "code"
    assert Classifier().classify("fixtures/seed.sh") == "scripts"


# --------------------------------------------------------------------------- Go embeds

GO_PROJECT = {
    "go.mod": "module example.com/site\n\ngo 1.19\n",
    "site.go": (
        'package site\n\nimport "embed"\n\n//go:embed templates/*.md "help text.txt"\n'
        "var files embed.FS\n\n//go:embed all:static\nvar static embed.FS\n"
    ),
    "site_test.go": 'package site\n\nimport _ "embed"\n\n//go:embed golden.txt\nvar want string\n',
    "templates/page.md": "# {{.Title}}\n",
    "help text.txt": "usage\n",
    "static/about/index.md": "about\n",
    "golden.txt": "want\n",
    "notes.md": "real documentation\n",
    "templates/README.md": "",
}


def test_go_embed_patterns_are_the_package_code(tmp_path: Path) -> None:
    write_files(tmp_path, GO_PROJECT)
    classifier = Classifier(target=tmp_path)
    assert classifier.classify("templates/page.md") == "code"
    assert classifier.categories_of("templates/page.md") == ("code", "docs")
    assert classifier.classify("help text.txt") == "code"
    assert classifier.classify("static/about/index.md") == "code"  # a directory: all below it
    assert classifier.classify("golden.txt") == "tests"  # only a _test.go file embeds it
    assert classifier.classify("templates/README.md") == "code"  # the glob names it
    assert classifier.classify("notes.md") == "docs"  # embedded by nothing
    assert classifier.classify("README.md") == "docs"


def test_go_embed_lines_parsed_like_the_go_tool(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pkg/a.go": (
                "package a\n\n//go:embed `raw name.md` x/[ab].txt ./y.md // trailing\n"
                "var f string\n// go:embed not-a-directive.md\n"
            )
        },
    )
    embeds = go_embeds(tmp_path, ["pkg/a.go"])
    assert [(e.directory, e.parts) for e in embeds] == [
        ("pkg", ("raw name.md",)),
        ("pkg", ("x", "[ab].txt")),
        ("pkg", ("y.md",)),
    ]
    assert embeds[1].covers("pkg/x/a.txt") and not embeds[1].covers("pkg/x/c.txt")
    assert not embeds[0].covers("raw name.md")  # relative to the .go file's directory


# --------------------------------------------------------------------------- Python literals

PY_PROJECT = {
    "pyproject.toml": '[project]\nname = "demo"\n',
    "src/demo/__init__.py": "",
    "tests/test_render.py": (
        "from pathlib import Path\n\nROOT = Path(__file__).parent.parent\n\n\n"
        "def test_page():\n    assert (ROOT / 'data' / 'expected.txt').read_text()\n\n\n"
        "def test_examples(name='a'):\n    assert (ROOT / f'examples/{name}.md').exists()\n\n\n"
        'def test_samples():\n    assert list((Path(__file__).parent / "samples").iterdir())\n'
        "\n\ndef test_url(client):\n    client.get('/docs')\n"
    ),
    "data/expected.txt": "x\n",
    "examples/a.md": "a\n",
    "examples/README.txt": "about the examples\n",
    "tests/samples/one.md": "1\n",
    "samples/two.md": "2\n",
    "other/samples/three.md": "3\n",
    "README.md": "# demo\n",
    "docs/index.md": "docs\n",
}


def test_files_a_python_test_names_are_test_inputs(tmp_path: Path) -> None:
    write_files(tmp_path, PY_PROJECT)
    classifier = Classifier(target=tmp_path)
    assert classifier.classify("data/expected.txt") == "tests"  # its file name
    assert classifier.categories_of("data/expected.txt") == ("tests", "docs")
    assert classifier.classify("examples/a.md") == "tests"  # an f-string's pattern
    assert classifier.classify("samples/two.md") == "tests"  # a directory, from the root
    assert classifier.classify("tests/samples/one.md") == "tests"
    # true negatives: nothing names them
    assert classifier.classify("examples/README.txt") == "docs"
    assert classifier.classify("other/samples/three.md") == "docs"  # not relative to a test
    assert classifier.classify("README.md") == "docs"
    assert classifier.classify("docs/index.md") == "docs"  # '/docs' is a URL, not a path


def test_a_deleted_file_a_test_still_names_is_a_test_input(tmp_path: Path) -> None:
    write_files(tmp_path, PY_PROJECT)
    (tmp_path / "data" / "expected.txt").unlink()
    assert Classifier(target=tmp_path).classify("data/expected.txt") == "tests"


def test_python_literals_keep_path_like_strings(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "tests/test_x.py": (
                "A = './data/x.json'\nB = '../README.md'\nC = 'https://e.org/a.md'\n"
                "D = '/etc/passwd'\nE = f'cases/{n}.yaml'\nF = '%s.txt' % n\nG = '-v'\n"
                'H = "plain words"\nI = r"raw/file.md"\n'
            )
        },
    )
    names, patterns = python_literals(tmp_path, ["tests/test_x.py"])
    assert {"data/x.json", "README.md", "plain words", "raw/file.md"} <= names
    assert not {"https://e.org/a.md", "/etc/passwd", "-v"} & names
    assert patterns == ["*.txt", "cases/*.yaml"]


def test_without_a_target_nothing_is_scanned() -> None:
    assert Classifier().classify("data/expected.txt") == "docs"


def test_the_scan_only_looks_at_test_files(tmp_path: Path) -> None:
    write_files(tmp_path, {"src/demo/core.py": "P = 'notes.md'\n", "notes.md": "n\n"})
    inputs = TestInputs(tmp_path, ["src/demo/core.py", "notes.md"], lambda f: False)
    assert inputs.role("notes.md") is None


# --------------------------------------------------------------------------- properties

PART = st.text(alphabet=st.sampled_from("abxyz_-.éü"), min_size=1, max_size=6).filter(
    lambda p: p not in (".", "..")
)
EXT = st.sampled_from([".md", ".rst", ".txt", ".json", ".golden", "", ".adoc", ".html"])


@given(
    before=st.lists(PART, max_size=3),
    data_dir=st.sampled_from(sorted(TEST_DATA_DIRS)),
    after=st.lists(PART, max_size=3),
    name=PART,
    ext=EXT,
)
def test_nothing_under_a_test_data_directory_is_docs(
    before: list[str], data_dir: str, after: list[str], name: str, ext: str
) -> None:
    path = "/".join([*before, data_dir, *after, name + ext])
    assert "docs" not in Classifier().categories_of(path)


@given(parts=st.lists(PART, max_size=4), name=PART, ext=st.sampled_from(sorted(TEST_DATA_SUFFIXES)))
def test_snapshot_and_golden_files_are_never_docs(parts: list[str], name: str, ext: str) -> None:
    assert Classifier().classify("/".join([*parts, name + ext])) != "docs"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.builds(
        lambda d, n, e: f"{d}{n}{e}",
        st.sampled_from(["", "data/", "examples/", "samples/", "docs/", "src/demo/", "tests/"]),
        PART,
        EXT,
    )
)
def test_the_scan_only_ever_turns_docs_into_test_inputs(tmp_path: Path, path: str) -> None:
    """With a project to scan, a file's category differs from the path-only one only where
    that said `docs`, and then it is code or tests, still with `docs` as a second role."""
    if not (tmp_path / "tests").exists():
        write_files(tmp_path, PY_PROJECT)
    scanned, plain = Classifier(target=tmp_path), Classifier()
    if plain.classify(path) != "docs":
        assert scanned.classify(path) == plain.classify(path)
    elif scanned.classify(path) != "docs":
        assert scanned.categories_of(path) in (("tests", "docs"), ("code", "docs"))
