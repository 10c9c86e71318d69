"""One entry point to read the tests of any supported language in a project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ai_workflow.testsource import treesitter
from ai_workflow.testsource.go_tests import GoTests
from ai_workflow.testsource.js_tests import JsTests
from ai_workflow.testsource.jsmodules import JsProject
from ai_workflow.testsource.model import FoundTest
from ai_workflow.testsource.pyindex import PyIndex
from ai_workflow.testsource.python_tests import PythonTests


class ProjectTests:
    """Parses lazily and once: Python by `ast`, JavaScript/TypeScript and Go by tree-sitter."""

    def __init__(self, target: Path, files: list[str], is_test_file: Callable[[str], bool]) -> None:
        self.index = PyIndex.build(target, files)
        self.js = JsProject(target, files)
        self._python = PythonTests(self.index, is_test_file)
        self._javascript = JsTests(self.js, is_test_file)
        self._go = GoTests(target, files)

    def tests(self, path: str, language: str) -> list[FoundTest] | None:
        """The tests of one file; None when its language cannot be parsed here."""
        if language == "python":
            return self._python.tests(path)
        if language in ("javascript", "typescript"):
            return self._javascript.tests(path)
        if language == "go":
            return self._go.tests(path)
        return None

    @staticmethod
    def missing_grammars() -> list[str]:
        return [g for g in ("javascript", "typescript", "go") if not treesitter.available(g)]
