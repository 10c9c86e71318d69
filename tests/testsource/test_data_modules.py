"""Data modules: sample Python files the tests hand to the code under test as input."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.techstack import is_test_path
from ai_workflow.testsource.data_modules import data_modules
from tests.helpers import make_repo

# pycodestyle 2.10.0's layout: testsuite/ holds test_all.py, which checks the whole directory
# (`os.path.join(ROOT_DIR, 'testsuite')`), the E*.py cases, and support.py the tests import.
CHECKER = {
    "lintme/__init__.py": "def check(path):\n    return []\n",
    "suite/__init__.py": "",
    "suite/support.py": "import os\nROOT = os.path.dirname(os.path.dirname(__file__))\n",
    "suite/test_all.py": (
        "import os\nfrom lintme import check\nfrom suite.support import ROOT\n\n"
        "def test_cases():\n    assert check(os.path.join(ROOT, 'suite')) == []\n"
    ),
    "suite/E71.py": "#: E711\nif res == None:\n    pass\n",
    "suite/deeper/W29.py": "#: W291\nimport this \n",
    "suite/plug.py": "value = 1\n",
    "suite/conftest.py": 'pytest_plugins = ["suite.plug"]\n',
    # bottle's test/servertest.py, a script test_server.py runs: words that are no paths of the
    # project (`c['tests']`, `add_path('./tests/', base=tmp)`) name no directory
    "tests/test_other.py": (
        "def test_x(tmp, rm):\n    c = {'tests': 1}\n    assert c['tests']\n"
        "    assert rm.add_path('./tests/', base=tmp)\n"
    ),
    "tests/tools/gen.py": "print(undefined)\n",
    "tools/E10.py": "print(undefined)\n",
}


def test_samples_in_a_directory_a_test_names_are_data(tmp_path: Path) -> None:
    """The E71/W29 cases (under suite/, which test_all.py names as a path, imported by no
    module) are data; support.py (imported), plug.py (a dotted string names it), the test
    modules, a file in a test directory no path literal names (tests/ is only a dictionary key
    and an argument of no path call) and one outside any test location are not."""
    target = make_repo(tmp_path / "proj", CHECKER)
    found = data_modules(target, sorted(CHECKER), is_test_path)
    assert sorted(found) == ["suite/E71.py", "suite/deeper/W29.py"]
    assert found["suite/E71.py"].directory == "suite"
    assert found["suite/E71.py"].named_by == "suite/test_all.py"
    assert "suite/test_all.py names suite/" in found["suite/E71.py"].note()


def test_a_sample_a_module_imports_is_code(tmp_path: Path) -> None:
    """The same case imported by a module (`from suite import E71`) runs: not data."""
    files = {**CHECKER, "lintme/cases.py": "from suite import E71\n"}
    target = make_repo(tmp_path / "proj", files)
    assert sorted(data_modules(target, sorted(files), is_test_path)) == ["suite/deeper/W29.py"]


def test_no_test_names_the_directory_no_data(tmp_path: Path) -> None:
    """Without the literal naming suite/, nothing is data."""
    files = {**CHECKER, "suite/test_all.py": "def test_cases():\n    assert True\n"}
    target = make_repo(tmp_path / "proj", files)
    assert data_modules(target, sorted(files), is_test_path) == {}


# asttokens 3.0.2's layout: the tests read their samples through a helper module they import
# (tests/tools.py: `os.path.join(os.path.dirname(__file__), "testdata", python_dir, ...)`).
HELPER_NAMES = {
    "tests/__init__.py": "",
    "tests/tools.py": (
        "import os\n\ndef read_fixture(*parts):\n"
        "    return open(os.path.join(os.path.dirname(__file__), 'testdata', *parts)).read()\n"
    ),
    "tests/test_marks.py": (
        "from . import tools\n\ndef test_marks():\n"
        "    assert tools.read_fixture('astroid', 'format.py')\n"
    ),
    "tests/testdata/astroid/format.py": "function(hop)\n",
    "tests/testdata/astroid/client_test.py": "def f():\n    local_variable = 0\n",
    "tests/other/sample.py": "print(undefined)\n",
}


def test_a_directory_a_helper_the_tests_import_names_holds_data(tmp_path: Path) -> None:
    """format.py under testdata/, which tools.py (imported by the test) names as a path, is
    data, and so is client_test.py beside it (`python_files` names it, but pytest collects
    nothing in a test-data directory); tools.py itself, imported, is code, and so is
    sample.py, in a directory no literal names."""
    target = make_repo(tmp_path / "proj", HELPER_NAMES)
    found = data_modules(target, sorted(HELPER_NAMES), is_test_path)
    assert sorted(found) == [
        "tests/testdata/astroid/client_test.py",
        "tests/testdata/astroid/format.py",
    ]
    assert found["tests/testdata/astroid/format.py"].named_by == "tests/tools.py"


def test_a_helper_no_module_imports_names_nothing(tmp_path: Path) -> None:
    """The same tools.py that no test imports never runs: its literal names no directory, so
    the sample stays code (its findings stand)."""
    files = {**HELPER_NAMES, "tests/test_marks.py": "def test_marks():\n    assert True\n"}
    target = make_repo(tmp_path / "proj", files)
    assert data_modules(target, sorted(files), is_test_path) == {}
