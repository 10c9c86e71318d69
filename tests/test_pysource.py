from __future__ import annotations

import ast
import keyword
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.pysource import (
    PySyntaxError,
    analyse_python,
    module_bindings,
    module_has_docstring,
    python_symbols,
    python_symbols_in,
)

SAMPLE = textwrap.dedent(
    '''\
    """Module doc."""

    import functools


    def add(a: int, b: int = 1, *rest: int, **kw: str) -> int:
        """Add."""
        def inner() -> None:
            pass
        return a + b


    async def fetch(url):
        return url


    def _private():
        pass


    class Shape(Base, metaclass=Meta):
        """A shape."""

        def area(self) -> float:
            return 0.0

        def __init__(self):
            pass

        @functools.cache
        def _helper(self):
            pass

        class Inner:
            def method(self):
                """Doc."""


    class _Hidden:
        def visible(self):
            pass
    '''
)


def test_symbols_kinds_lines_and_order() -> None:
    symbols = python_symbols(SAMPLE)
    assert [s.qualname for s in symbols] == [
        "add",
        "fetch",
        "_private",
        "Shape",
        "Shape.area",
        "Shape.__init__",
        "Shape._helper",
        "Shape.Inner",
        "Shape.Inner.method",
        "_Hidden",
        "_Hidden.visible",
    ]
    kinds = {s.qualname: s.kind for s in symbols}
    assert kinds["add"] == "function"
    assert kinds["Shape"] == "class"
    assert kinds["Shape.area"] == "method"
    assert kinds["Shape.Inner"] == "class"
    lines = {s.qualname: s.line for s in symbols}
    assert lines["add"] == 6
    assert lines["Shape._helper"] == 31  # the `def` line, not the decorator's
    add = symbols[0]
    assert add.end_line == 10
    assert add.size == 5


def test_signatures() -> None:
    symbols = {s.qualname: s for s in python_symbols(SAMPLE)}
    assert symbols["add"].signature == "def add(a: int, b: int=1, *rest: int, **kw: str) -> int"
    assert symbols["fetch"].signature == "async def fetch(url)"
    assert symbols["Shape"].signature == "class Shape(Base, metaclass=Meta)"
    assert symbols["Shape.Inner"].signature == "class Inner"
    assert symbols["Shape._helper"].decorators == ("functools.cache",)


def test_docstrings_and_publicity() -> None:
    symbols = {s.qualname: s for s in python_symbols(SAMPLE)}
    assert symbols["add"].has_docstring
    assert not symbols["fetch"].has_docstring
    assert symbols["Shape.Inner.method"].has_docstring
    public = {q for q, s in symbols.items() if s.is_public}
    assert public == {"add", "fetch", "Shape", "Shape.area", "Shape.Inner", "Shape.Inner.method"}


def test_a_docstring_assigned_at_module_level_documents_the_definition() -> None:
    source = textwrap.dedent(
        """\
        import toolz

        @toolz.curry
        def merge(d, *dicts):
            return toolz.merge(d, *dicts)

        def undocumented(x):
            return x

        class C:
            def m(self):
                pass

            def n(self):
                pass

        merge.__doc__ = toolz.merge.__doc__
        C.m.__doc__ = "Documented later."
        other.__doc__ = "not a definition of this module"
        """
    )
    documented = {s.qualname: s.has_docstring for s in python_symbols(source)}
    assert documented == {
        "merge": True,
        "undocumented": False,
        "C": False,
        "C.m": True,
        "C.n": False,
    }


def test_dunder_all_limits_public_top_level_names() -> None:
    source = "__all__ = ['a']\ndef a(): pass\ndef b(): pass\nclass C:\n    def m(self): pass\n"
    public = {s.qualname for s in python_symbols(source) if s.is_public}
    assert public == {"a"}
    computed = "__all__ = names()\ndef a(): pass\ndef b(): pass\n"
    assert {s.qualname for s in python_symbols(computed) if s.is_public} == {"a", "b"}


def test_module_docstring() -> None:
    assert module_has_docstring('"""Doc."""\nx = 1\n')
    assert not module_has_docstring("x = 1\n'''not first'''\n")
    assert not module_has_docstring("def (:\n")


def test_syntax_error_is_reported_with_line(tmp_path: Path) -> None:
    with pytest.raises(PySyntaxError) as info:
        python_symbols("x = 1\ndef broken(:\n    pass\n")
    assert info.value.line == 2
    bad = tmp_path / "bad.py"
    bad.write_text("class\n", encoding="utf-8")
    with pytest.raises(PySyntaxError, match=r"bad\.py:1: "):
        python_symbols_in(bad)
    with pytest.raises(PySyntaxError):
        python_symbols("x = '\0'\n\0")
    module = analyse_python("def broken(:\n")
    assert module.symbols == []
    assert module.syntax_error is not None
    assert module.syntax_error.line == 1


def test_symbols_in_file_handles_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b"# caf\xe9\ndef f():\n    pass\n")
    assert [s.name for s in python_symbols_in(path)] == ["f"]


def test_analyse_finds_tests_and_empty_ones() -> None:
    source = textwrap.dedent(
        """\
        import pytest
        from pytest import raises
        import unittest

        def test_ok():
            assert 1 + 1 == 2

        def test_raises():
            with pytest.raises(ValueError):
                int("x")

        def test_bare_raises():
            with raises(ValueError):
                int("x")

        def test_nothing():
            value = 1 + 1

        def test_helper():
            check_result(3)

        def helper_not_a_test():
            pass

        class TestThing:
            def test_mock(self, mocker):
                m = mocker.Mock()
                m()
                m.assert_called_once()

            def test_empty(self):
                pass

        class Things(unittest.TestCase):
            def test_equal(self):
                self.assertEqual(1, 1)

            def test_silent(self):
                print("hi")

        class NotTests:
            def test_ignored(self):
                pass
        """
    )
    info = analyse_python(source)
    assert info.syntax_error is None
    assert {t.name: t.asserts for t in info.tests} == {
        "test_ok": True,
        "test_raises": True,
        "test_bare_raises": True,
        "test_nothing": False,
        "test_helper": True,
        "TestThing.test_mock": True,
        "TestThing.test_empty": False,
        "Things.test_equal": True,
        "Things.test_silent": False,
    }
    lines = {t.name: t.line for t in info.tests}
    assert lines["test_nothing"] == 16
    assert info.lines == source.count("\n")


identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n)
)


@given(st.lists(st.tuples(identifiers, st.booleans(), st.booleans()), max_size=8))
def test_generated_modules_round_trip(defs: list[tuple[str, bool, bool]]) -> None:
    """Every generated top-level def is found, with its line, docstring and publicity."""
    lines: list[str] = []
    expected = []
    for name, is_class, documented in defs:
        lineno = len(lines) + 1
        lines.append(f"class {name}:" if is_class else f"def {name}():")
        lines.append('    """Doc."""' if documented else "    pass")
        expected.append((name, "class" if is_class else "function", lineno, documented))
    source = "\n".join(lines) + "\n"
    ast.parse(source)
    found = [(s.name, s.kind, s.line, s.has_docstring) for s in python_symbols(source)]
    assert found == expected
    assert all(s.is_public == (not s.name.startswith("_")) for s in python_symbols(source))


def test_imports_and_used_names() -> None:
    source = textwrap.dedent(
        """\
        import os.path as osp
        from pkg.sub import thing, other as alias
        from . import sibling

        def test_x(mocker):
            mocker.patch("pkg.sub.helper_func")
            assert thing.attribute == osp.join("a")
        """
    )
    info = analyse_python(source)
    assert info.imports == {"os", "path", "pkg", "sub", "thing", "other", "sibling"}
    assert {"attribute", "join", "helper_func", "alias", "osp", "mocker"} <= info.names
    assert analyse_python("def (:\n").names == set()


def test_module_bindings_cover_shims_and_handlers_not_function_bodies() -> None:
    source = textwrap.dedent(
        """
        import os.path
        from json import loads as parse
        VERSION: str = "1"
        try:
            from tomllib import load
        except ImportError:
            load = None
            def fallback(): local_name = 1
        if os.name == "nt":
            class Windows: inner = 2
        with open(__file__) as handle:
            total = 0
        """
    )
    names, dynamic = module_bindings(ast.parse(source).body)
    assert names == {"os", "parse", "VERSION", "load", "fallback", "Windows", "total"}
    assert not dynamic


@pytest.mark.parametrize(
    "source",
    ["from helpers import *", "def __getattr__(name): return name", "if X:\n    from a import *"],
)
def test_module_bindings_flag_names_that_cannot_be_listed(source: str) -> None:
    assert module_bindings(ast.parse(source).body)[1]
