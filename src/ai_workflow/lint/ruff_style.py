"""ruff's style rules in a project that never asked for a Python linter are info.

ruff's classic default set (E4, E7, E9, F) mixes two kinds of rule. Some find code that does not
do what it says: undefined names, a `.format` call that drops an argument (F523), a duplicate
dictionary key, an unused import or variable, `raise NotImplemented`. Others ask for a spelling
that behaves the same (their ruff documentation gives PEP 8 or readability as the reason):
an f-string without placeholders (F541), several imports on one line (E401), an import below
code (E402), compound statements (E701-E703), `== None` / `== True` (E711, E712), `not x in y`
(E713, E714), `type(x) == T` (E721), a lambda assigned to a name (E731), a name like `l`
(E741-E743), a star import (F403). A maintainer who runs ruff or flake8 has chosen those
habits; in a project that runs neither, they are true and not acted on (pathspec 0.12.1's five
f-strings without placeholders among f-strings of the same shape). So there `STYLE_RULES` are
info (their reason in `extra.not_configured`); every other rule keeps its level. In test files
of such a project a redefinition and a bare `except` (`TEST_HYGIENE_RULES`: a callback that
swallows everything, a test raising on purpose), an unused local whose value is a call (the
call is what the test exercises, or the object is kept alive: boltons 26.2.0's
`tt = TestType()`, colorama's unread `with self.assertRaises(E) as excinfo`) and an unread
`except E as e` are info too; in the library they keep their level, and so do an unused import
and an unused local of a computed value in a test (jmespath's leftover `import sys`, toolz's
`fn_calls = [0]`: a test that never checks what it set up). An unused import in a Jupyter
notebook (`NOTEBOOK_RULES`) is info there too: a notebook is a document run cell by cell, whose
import cell sets up the reader's session (wurlitzer 3.1.1's Demo.ipynb imports `PIPE` beside the
`pipes`, `sys_pipes` and `STDOUT` it demonstrates; go-colorful's background notebook its unused
`import matplotlib as mpl`); in a `.py` module of the same project the import keeps its level.

A project asks for them when a ruff configuration applies to the file (it runs ruff's
defaults, which hold these rules), it has ruff itself (installed in the project or pinned), a
tooling file (CI, hooks, make, tox, nox, pyproject.toml, setup.cfg, a requirements file) names
ruff, flake8, pyflakes or pycodestyle, or ruff ran under the project's flake8 configuration
(`ai_workflow.lint.flake8_config`: what it reports is what flake8 selects, and what it ignores ruff
did not report); `rules.select` naming the code raises it again. Where every command of the
tooling that runs the linter names the paths it lints (tox.ini's `flake8 {posargs}
requests_toolbelt`: `ai_workflow.lint.linter_scope`), a file outside them is judged as in a
project that asks for none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.automation import is_automation_file
from ai_workflow.findings import Finding, Severity, not_configured_as_info
from ai_workflow.lint.flake8_config import FLAKE8_FILES
from ai_workflow.lint.linter_scope import linted_paths, within
from ai_workflow.lint.ruff_bindings import binds_call_or_exception
from ai_workflow.lint.ruff_scope import RuffScopes
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.rules.policy import rule_matches
from ai_workflow.techstack import is_test_path
from ai_workflow.textfiles import read_text

STYLE_RULES = frozenset(
    {"E401", "E402", "E701", "E702", "E703", "E711", "E712", "E713", "E714", "E721", "E731"}
    | {"E741", "E742", "E743", "F403", "F541"}
)
TEST_HYGIENE_RULES = frozenset({"F811", "E722"})
NOTEBOOK_RULES = frozenset({"F401"})
NAMES_LINTER = re.compile(r"\b(?:ruff|flake8|pyflakes|pycodestyle)\b", re.IGNORECASE)
FLAKE8_SECTION = re.compile(r"^\[flake8[^\]\n]*\]", re.MULTILINE)
NOT_ASKED_PREFIX = "no ruff or flake8 configured by this project"
NOT_ASKED = f"{NOT_ASKED_PREFIX}: a style rule, shown as info"
NOT_ASKED_IN_TESTS = (
    "no ruff or flake8 configured by this project: a redefinition, bare except or unused call "
    "result in a test, "
    "shown as info"
)
NOT_ASKED_IN_NOTEBOOK = (
    "no ruff or flake8 configured by this project: an unused import in a Jupyter notebook's "
    "cell, shown as info"
)
_REQUIREMENTS = re.compile(r"(?:^|/)(?:requirements[^/]*\.(?:txt|in)|requirements/[^/]+\.txt)$")


def linter_named_by(target_text: dict[str, str]) -> str | None:
    """A tooling file (of `target_text`, path -> text) that names a Python linter."""
    for rel in sorted(target_text):
        text = FLAKE8_SECTION.sub("", target_text[rel])  # its configuration decides
        if _tooling(rel) and NAMES_LINTER.search(text):
            return rel
    return None


def _tooling(rel: str) -> bool:
    return is_automation_file(rel) or _REQUIREMENTS.search(rel) is not None


@dataclass(frozen=True)
class StyleScope:
    """Whether the project asked for ruff's style rules (see the module docstring)."""

    asked_by: str | None  # the file or tool by which it asks for every rule
    selected: tuple[str, ...] = ()
    # the paths its tooling runs the linter on, when every run names them (None: everywhere)
    linted: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        target_text: dict[str, str],
        *,
        own_ruff: bool,
        flake8_source: str | None = None,
        selected: Sequence[str] = (),
    ) -> StyleScope:
        """`flake8_source`: the flake8 configuration ruff ran under, if any."""
        linted = None
        if own_ruff:
            asked_by: str | None = "the project's own ruff"
        else:
            asked_by = flake8_source or linter_named_by(target_text)
            linted = None if flake8_source else linted_paths(target_text)
        return cls(asked_by, tuple(selected), linted if asked_by else None)

    def grade(
        self, findings: Iterable[Finding], scopes: RuffScopes, files: ParsedFiles
    ) -> tuple[list[Finding], int]:
        """The findings with the style rules the project did not ask for at info, and how
        many were lowered (a test file is parsed only to judge an unused local in it)."""
        graded, lowered = [], 0
        for finding in findings:
            if self._asked(finding, scopes, files):
                graded.append(finding)
                continue
            lowered += 1
            reason = (
                NOT_ASKED
                if _style(finding)
                else NOT_ASKED_IN_NOTEBOOK
                if _notebook_hygiene(finding)
                else NOT_ASKED_IN_TESTS
            )
            if self.asked_by is not None and self.linted is not None:
                where = f"{self.asked_by} runs the linter on {', '.join(self.linted)} only"
                reason = reason.replace(NOT_ASKED_PREFIX, where, 1)
            graded.append(not_configured_as_info(finding, reason))
        return graded, lowered

    def _asked(self, finding: Finding, scopes: RuffScopes, files: ParsedFiles) -> bool:
        if finding.severity is not Severity.WARNING:
            return True
        if rule_matches(finding.rule, self.selected):
            return True
        if self.asked_by is not None and (
            self.linted is None or finding.path is None or within(finding.path, self.linted)
        ):
            return True
        if finding.path is None or scopes.for_file(finding.path).config is not None:
            return True
        # last: judging test hygiene may parse the file
        return not (_style(finding) or _notebook_hygiene(finding) or _test_hygiene(finding, files))

    def describe(self, lowered: int) -> str:
        """What the grading did, for the step's `checked` line."""
        kinds = "style rules or test hygiene"
        return f"{lowered} finding(s) of {kinds} at info ({NOT_ASKED.split(':')[0]})"


def _style(finding: Finding) -> bool:
    return finding.rule.removeprefix("ruff/") in STYLE_RULES


def _notebook_hygiene(finding: Finding) -> bool:
    """An unused import in a Jupyter notebook (`NOTEBOOK_RULES` on a `.ipynb` file)."""
    return (
        finding.path is not None
        and finding.path.endswith(".ipynb")
        and finding.rule.removeprefix("ruff/") in NOTEBOOK_RULES
    )


def _test_hygiene(finding: Finding, files: ParsedFiles) -> bool:
    if finding.path is None or not is_test_path(finding.path):
        return False
    code = finding.rule.removeprefix("ruff/")
    if code == "F841" and finding.line is not None:
        tree = files.syntax(finding.path)
        return tree is not None and binds_call_or_exception(tree, finding.line)
    return code in TEST_HYGIENE_RULES


def read_tooling(target: Path, files: Iterable[str]) -> dict[str, str]:
    """path -> text of the files `StyleScope.of` reads: tooling files and root flake8
    configurations (regular files of the target only)."""
    wanted = [rel for rel in files if _tooling(rel) or rel in FLAKE8_FILES]
    return {rel: read_text(target / rel, root=target) for rel in wanted}
