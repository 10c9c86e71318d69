"""The test map's marks (`plugin/ai_workflow_marks.py`): the project's code loaded with a mark
per code object records, for each test, the units the C profiler records, without a profile
hook. Real pytest runs of a small real project, once with each hook, compared unit by unit."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.testselect.pytest_map import PLUGIN_DIR, plugin_env

sys.path.insert(0, str(PLUGIN_DIR))
import ai_workflow_marks as marks

PROJECT = {
    "src/shapes/__init__.py": '"""Shapes."""\nfrom __future__ import annotations\n',
    "src/shapes/core.py": (
        '"""Core."""\n'
        "from __future__ import annotations\n\n"
        "import contextlib\n\n\n"
        "class Box:\n"
        '    """A box."""\n\n'
        "    size = 2\n\n"
        "    def area(self):\n"
        "        return self.size * self.size\n\n"
        "    @property\n"
        "    def twice(self):\n"
        "        return [self.area() for _ in range(2)]\n\n\n"
        "def numbers(n):\n"
        "    for i in range(n):\n"
        "        yield step(i)\n\n\n"
        "def step(i):\n"
        "    return i + 1\n\n\n"
        "def guarded():\n"
        "    try:\n"
        "        yield 1\n"
        "    except ValueError:\n"
        "        handled()\n"
        "        yield 2\n"
        "    finally:\n"
        "        closing()\n\n\n"
        "def handled():\n"
        "    return 'handled'\n\n\n"
        "def closing():\n"
        "    return 'closed'\n\n\n"
        "@contextlib.contextmanager\n"
        "def scope():\n"
        "    yield step(0)\n"
        "    closing()\n\n\n"
        "def squares(n):\n"
        "    return (sq(i) for i in range(n) if i >= 0)\n\n\n"
        "def sq(i):\n"
        "    return i * i\n\n\n"
        "KEY = lambda x: -x  # noqa: E731\n\n\n"
        "async def fetch():\n"
        "    return await later()\n\n\n"
        "async def later():\n"
        "    return step(1)\n\n\n"
        "def run_config(path):\n"
        "    scope_ = {}\n"
        "    with open(path) as handle:\n"
        "        exec(compile(handle.read(), path, 'exec'), scope_)\n"
        "    return scope_\n"
    ),
    "tests/settings.py": "def setting():\n    return 'on'\n\n\nVALUE = 3\n",
    "tests/conftest.py": (
        "import pytest\n\nfrom shapes.core import numbers\n\n\n"
        "@pytest.fixture(scope='module')\n"
        "def shared():\n    return numbers(3)\n"
    ),
    "tests/test_shapes.py": (
        "import asyncio\nimport os\n\n"
        "from shapes.core import KEY, Box, fetch, guarded, run_config, scope, squares\n\n\n"
        "def test_area():\n    assert Box().area() == 4\n\n\n"
        "def test_twice():\n    assert Box().twice == [4, 4]\n\n\n"
        "def test_key():\n    assert sorted([1, 2], key=KEY) == [2, 1]\n\n\n"
        "def test_first(shared):\n    assert next(shared) == 1\n\n\n"
        "def test_second(shared):\n    assert next(shared) == 2  # resumed in another test\n\n\n"
        "def test_thrown():\n"
        "    gen = guarded()\n    next(gen)\n    assert gen.throw(ValueError) == 2\n"
        "    gen.close()\n\n\n"
        "def test_scope():\n    with scope() as value:\n        assert value == 1\n\n\n"
        "def test_squares():\n    assert list(squares(3)) == [0, 1, 4]\n\n\n"
        "def test_async():\n    assert asyncio.run(fetch()) == 2\n\n\n"
        "def test_config():\n"
        "    here = os.path.join(os.path.dirname(__file__), 'settings.py')\n"
        "    assert run_config(here)['setting']() == 'on'\n\n\n"
        "def test_rest(shared):\n    assert list(shared) == [3]  # so none is left to close\n"
    ),
}
EAGER = ("<listcomp>", "<setcomp>", "<dictcomp>")


def _write(root: Path) -> Path:
    for rel, text in PROJECT.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["src"]\n',
        encoding="utf-8",
    )
    return root


def _record(root: Path, hook: str, cache: Path | None = None) -> dict[str, Any]:
    out = root / f"record-{hook}"
    env = {
        k: v
        for k, v in __import__("os").environ.items()
        if not k.startswith(("AI_WORKFLOW_", "PYTEST_"))
    }
    env.update(plugin_env(out, None, root, cache=cache))
    env["AI_WORKFLOW_TESTMAP_HOOK"] = hook
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    record: dict[str, Any] = json.loads(out.with_name(out.name + ".main.json").read_text())
    return record


def _units(record: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """Each test's units (and what ran outside tests), without list/set/dict comprehensions:
    they run within the code that builds them, whose own unit stands for them."""
    units = record["units"]

    def keep(ids: list[int]) -> set[tuple[str, str]]:
        found = {(units[i][0], units[i][1]) for i in ids}
        return {u for u in found if not u[1].endswith(EAGER)}

    out = {test: keep(ids) for test, ids in record["tests"].items()}
    out["(outside)"] = keep(record["outside"])
    return out


def test_marks_record_what_the_profiler_records(tmp_path: Path) -> None:
    root = _write(tmp_path / "project")
    by_marks = _record(root, "marks")
    by_profile = _record(root, "profile")
    assert by_marks["hook"] == "marks" and by_profile["hook"] == "profile"
    assert by_marks["unmarked"] == []
    assert _units(by_marks) == _units(by_profile)
    second = _units(by_marks)["tests/test_shapes.py::test_second"]
    assert ("src/shapes/core.py", "numbers") in second  # a generator resumed later
    thrown = _units(by_marks)["tests/test_shapes.py::test_thrown"]
    assert {("src/shapes/core.py", "handled"), ("src/shapes/core.py", "closing")} <= thrown
    config = _units(by_marks)["tests/test_shapes.py::test_config"]
    assert ("tests/settings.py", "setting") in config  # a file run through compile() and exec
    for key in ("opened", "spawning", "failed", "ran", "project_modules"):
        assert by_marks[key] == by_profile[key], key


def test_marked_code_is_cached_between_runs_and_gives_the_same_record(tmp_path: Path) -> None:
    root = _write(tmp_path / "project")
    cache = tmp_path / "marks"
    first = _record(root, "marks", cache)
    entries = sorted(p.name for p in cache.glob("*.marked"))
    assert len(entries) == 4  # the package, its module, conftest.py and the test module
    second = _record(root, "marks", cache)
    assert sorted(p.name for p in cache.glob("*.marked")) == entries
    assert _units(first) == _units(second)


def test_code_loaded_before_the_recorder_counts_whole_for_every_test(tmp_path: Path) -> None:
    root = _write(tmp_path / "project")
    (root / "src/early.py").write_text("def early():\n    return 1\n", encoding="utf-8")
    (root / "src/early_plugin.py").write_text("import early\n", encoding="utf-8")
    ini = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(
        ini.replace('pythonpath = ["src"]', 'pythonpath = ["src"]\naddopts = "-p early_plugin"'),
        encoding="utf-8",
    )
    record = _record(root, "marks")
    assert "src/early.py" in record["unmarked"]
    for test, units in _units(record).items():
        assert ("src/early.py", "*") in units, test


def test_marks_keep_docstrings_future_imports_and_line_numbers() -> None:
    source = (
        '"""Doc."""\nfrom __future__ import annotations\n\n\n'
        'def f(x: Undefined) -> int:\n    """F."""\n    return 1 // x\n\n\n'
        "class C:\n"
        '    """C."""\n\n'
        "    def g(self):\n        yield 1\n"
    )
    code, owners = marks.compile_marked(source, "m.py", marks.first_number("m.py"))
    names: dict[str, Any] = {"__aw_hit__": lambda number: None, "__name__": "m"}
    exec(code, names)
    assert names["__doc__"] == "Doc."
    assert names["f"].__doc__ == "F." and names["C"].__doc__ == "C."
    assert names["f"].__annotations__ == {"x": "Undefined", "return": "int"}
    assert sorted(set(owners.values())) == ["<module>", "C", "C.g", "f"]
    with pytest.raises(ZeroDivisionError) as caught:
        names["f"](0)
    assert caught.traceback[-1].lineno + 1 == 7
    assert list(names["C"]().g()) == [1]
    tree = ast.parse(source)
    assert len(marks.instrument(tree, 100, source)) == 4
