"""The test selection bench's Python projects (bench/test_selection.py): a source archive made
into a repository, and the functions faults may go into."""

from __future__ import annotations

import ast
import io
import json
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import git, import_bench


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return import_bench("test_selection")


def _archive(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"demo-1.0/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_source_archive_becomes_the_same_one_commit_repository_each_time(
    bench: ModuleType, tmp_path: Path
) -> None:
    archive = _archive(
        tmp_path / "demo-1.0.tar.gz", {"demo/__init__.py": "x = 1\n", "PKG-INFO": ""}
    )
    first, second = tmp_path / "one" / "demo", tmp_path / "two" / "demo"
    bench.sdist_repo(archive, first)
    bench.sdist_repo(archive, second)
    assert (first / "demo" / "__init__.py").read_text() == "x = 1\n"
    assert sorted(p.name for p in first.parent.iterdir()) == ["demo"]  # nothing unpacked left
    assert git(first, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(first, "status", "--porcelain").strip() == ""
    head = git(first, "rev-parse", "HEAD").strip()
    assert git(second, "rev-parse", "HEAD").strip() == head  # fixed author and date
    assert git(first, "rev-parse", "sdist").strip() == head
    assert git(first, "log", "-1", "--format=%an %aI").strip() == "bench 2026-01-01T00:00:00+00:00"


def test_faults_go_into_the_package_functions_tests_ran_not_its_test_modules(
    bench: ModuleType, tmp_path: Path
) -> None:
    units = [
        ["nx/algorithms/core.py", "k_core"],  # run by a test: a candidate
        ["nx/algorithms/tests/test_core.py", "TestCore.test_k_core"],  # a test
        ["nx/conftest.py", "add_nx"],  # a fixture
        ["nx/utils/misc.py", "helper"],  # run outside the tests (at import)
        ["nx/utils/misc.py", "*"],  # the module's top level
        ["docs/conf.py", "setup"],  # outside the package
    ]
    maps = tmp_path / ".ai_workflow" / "step_cache" / "test_execution.testmap"
    maps.mkdir(parents=True)
    raw = {"units": units, "outside": [3], "tests": {"t1": [0, 1, 2], "t2": [3, 4, 5]}}
    (maps / "abc.json").write_text(json.dumps(raw))
    assert bench.candidates(tmp_path, "abc", "nx/") == [("nx/algorithms/core.py", "k_core")]


def test_a_fault_goes_above_the_decorators_of_a_nested_function(
    bench: ModuleType, tmp_path: Path
) -> None:
    source = (
        "from functools import wraps\n\n\n"
        "def maker(cmp):\n"
        "    @wraps(cmp)\n"
        "    def comparer(a, b):\n"
        "        return cmp(a, b)\n\n"
        "    return comparer\n"
    )
    (tmp_path / "m.py").write_text(source)
    assert bench.inject(tmp_path, "m.py", "maker", "raise")
    text = (tmp_path / "m.py").read_text()
    body = ast.parse(text).body[1]
    assert isinstance(body, ast.FunctionDef)
    assert isinstance(body.body[0], ast.Raise)  # the fault runs first; the file still parses
    assert "    @wraps(cmp)\n    def comparer" in text
