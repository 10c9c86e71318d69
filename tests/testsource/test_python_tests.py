"""Python tests and their verdicts, helpers followed: each false-positive class next to a true positive."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ai_workflow.techstack import is_test_path
from ai_workflow.testsource.readers import ProjectTests
from tests.helpers import write_files


def verdicts(root: Path, files: dict[str, str], path: str) -> dict[str, bool | None]:
    write_files(root, {k: textwrap.dedent(v) for k, v in files.items()})
    project = ProjectTests(root, sorted(files), is_test_path)
    return {t.name: t.asserts for t in project.tests(path, "python") or []}


def test_helper_in_the_same_module_asserts(tmp_path: Path) -> None:
    files = {
        "tests/test_config.py": """
            import flask

            def common_object_test(app):
                assert app.secret_key == "config"

            def test_from_object():
                app = flask.Flask(__name__)
                common_object_test(app)

            def test_really_nothing():
                app = flask.Flask(__name__)
                app.config.from_object(__name__)
            """
    }
    assert verdicts(tmp_path, files, "tests/test_config.py") == {
        "test_from_object": True,
        "test_really_nothing": False,
    }


def test_fixtures_and_conftest_functions_are_not_tests(tmp_path: Path) -> None:
    files = {
        "tests/conftest.py": """
            import pytest

            @pytest.fixture
            def test_apps(monkeypatch):
                monkeypatch.syspath_prepend("x")
                yield

            @pytest.fixture
            def checked_client():
                yield object()
                assert True  # checks on teardown

            @pytest.fixture
            def app():
                return object()
            """,
        "tests/test_a.py": """
            import pytest

            @pytest.fixture
            def test_data():
                return 1

            def test_uses_checking_fixture(checked_client):
                checked_client.get("/")

            def test_uses_plain_fixture(app, monkeypatch, tmp_path):
                app.run()
            """,
    }
    assert verdicts(tmp_path, files, "tests/conftest.py") == {}
    assert verdicts(tmp_path, files, "tests/test_a.py") == {
        "test_uses_checking_fixture": True,
        "test_uses_plain_fixture": False,
    }


def test_unknown_callables_leave_the_verdict_open(tmp_path: Path) -> None:
    files = {
        "tests/test_b.py": """
            import pytest
            from hypothesis import given, strategies as st

            def test_plugin_fixture(httpx_mock):
                run()

            def test_callable_fixture(assert_ok, app):
                assert_ok(app)

            def test_fixture_used_as_function(check, app):
                check(app)

            def test_variable(app):
                verify = make_verifier()
                verify(app)

            @pytest.mark.parametrize("value", [1, 2])
            def test_parametrized(value):
                str(value)

            @given(st.integers())
            def test_hypothesis(n):
                str(n)

            @pytest.mark.skip(reason="later")
            def test_skipped():
                pass
            """
    }
    found = verdicts(tmp_path, files, "tests/test_b.py")
    assert found == {
        "test_plugin_fixture": None,  # a plugin's fixture may check on teardown
        "test_callable_fixture": True,  # named like a check
        "test_fixture_used_as_function": True,
        "test_variable": True,
        "test_parametrized": False,
        "test_hypothesis": False,
        "test_skipped": False,
    }
    project = ProjectTests(tmp_path, ["tests/test_b.py"], is_test_path)
    skipped = {t.name for t in project.tests("tests/test_b.py", "python") or [] if t.skipped}
    assert skipped == {"test_skipped"}


def test_a_callable_that_cannot_be_followed_is_unknown(tmp_path: Path) -> None:
    files = {
        "tests/test_c.py": """
            from functools import partial

            def test_callable_param(run_scenario):
                run_scenario("x")

            def test_partial():
                go = partial(print, 1)
                go()

            def test_star(app):
                from_star(app)

            def test_builtin_only():
                print(len("x"))

            def test_assertion_library():
                from nose.tools import eq_
                eq_(1, 1)

            def test_checked_subprocess():
                import subprocess
                subprocess.run(["true"], check=True)

            def test_unchecked_subprocess():
                import subprocess
                subprocess.run(["true"])
            """
    }
    assert verdicts(tmp_path, files, "tests/test_c.py") == {
        "test_callable_param": None,
        "test_partial": None,
        "test_star": None,
        "test_builtin_only": False,
        "test_assertion_library": True,
        "test_checked_subprocess": True,
        "test_unchecked_subprocess": False,
    }


def test_helpers_from_test_support_modules_and_base_classes(tmp_path: Path) -> None:
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/core.py": "def run():\n    return 1\n",
        "tests/__init__.py": "",
        "tests/support.py": """
            import unittest
            from pkg.core import run

            def expect_ok(value):
                assert value

            def quiet(value):
                return value

            class Base(unittest.TestCase):
                def check_result(self, value):
                    self.assertTrue(value)
            """,
        "tests/test_d.py": """
            from pkg import core
            from tests import support
            from tests.support import Base, expect_ok, quiet

            class TestThing(Base):
                def test_base_helper(self):
                    self.check_result(core.run())

                def test_own_method(self):
                    self.prepare()

                def prepare(self):
                    core.run()

            def test_imported_helper():
                expect_ok(core.run())

            def test_module_attribute():
                support.expect_ok(core.run())

            def test_quiet_helper():
                quiet(core.run())

            def test_raises():
                import pytest
                with pytest.raises(ValueError):
                    core.run()

            def test_mock():
                from unittest import mock
                m = mock.Mock()
                m()
                m.assert_called_once()
            """,
    }
    assert verdicts(tmp_path, files, "tests/test_d.py") == {
        "TestThing.test_base_helper": True,
        "TestThing.test_own_method": False,
        "test_imported_helper": True,
        "test_module_attribute": True,
        "test_quiet_helper": False,
        "test_raises": True,
        "test_mock": True,
    }


def test_methods_of_helper_objects_defined_in_test_files(tmp_path: Path) -> None:
    files = {
        "tests/conftest.py": """
            import pytest

            class Page:
                def __init__(self, client):
                    self.client = client

                def shows(self, text):
                    assert text in self.client.get("/").text

                def visit(self, url):
                    return self.client.get(url)

            @pytest.fixture
            def page(client):
                return Page(client)

            @pytest.fixture
            def client():
                return object()
            """,
        "tests/test_pages.py": """
            def test_page_object(page):
                page.shows("Welcome")

            def test_only_visits(page):
                page.visit("/")
            """,
    }
    assert verdicts(tmp_path, files, "tests/test_pages.py") == {
        "test_page_object": True,
        "test_only_visits": False,
    }
