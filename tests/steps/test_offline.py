"""A Go test that fails because this machine cannot resolve host names (the function it tests
looks them up, and its message is only its own assertion) is the machine's: reported with the
tests this machine cannot run, not as the project's failure; a test that reaches no network
call stays the project's failure (govalidator's TestIsExistingEmail beside TestIsEmail)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.findings import Severity
from ai_workflow.steps import test_execution
from ai_workflow.testcmd.offline import host_names_resolve, offline_caused
from ai_workflow.testcmd.reports import FailedTest
from tests.helpers import make_repo, step_context

VALIDATOR = """package validator

import (
\t"net"
\t"strings"
)

// IsEmail reports whether s looks like an e-mail address (wrongly: it forgets the dot).
func IsEmail(s string) bool {
\treturn strings.Contains(s, "@") && strings.Contains(s, "#")
}

// IsExistingEmail reports whether the domain of s answers in the DNS.
func IsExistingEmail(s string) bool {
\tif !strings.Contains(s, "@") {
\t\treturn false
\t}
\treturn hostExists(s[strings.LastIndex(s, "@")+1:])
}

func hostExists(host string) bool {
\tif _, err := net.LookupMX(host); err != nil {
\t\treturn false
\t}
\treturn true
}
"""

VALIDATOR_TEST = """package validator

import "testing"

func TestIsEmail(t *testing.T) {
\tif !IsEmail("foo@bar.com") {
\t\tt.Errorf("Expected IsEmail(%q) to be true", "foo@bar.com")
\t}
}

func TestIsExistingEmail(t *testing.T) {
\tif !IsExistingEmail("foo@gmail.com") {
\t\tt.Errorf("Expected IsExistingEmail(%q) to be true", "foo@gmail.com")
\t}
}
"""

FILES = {
    "go.mod": "module example.com/validator\n\ngo 1.19\n",
    "validator.go": VALIDATOR,
    "validator_test.go": VALIDATOR_TEST,
}


def _failure(test: str, line: int) -> FailedTest:
    return FailedTest(
        f"example.com/validator.{test}",
        "failed",
        "Expected ... to be true",
        "validator_test.go",
        line,
    )


def test_a_go_test_reaching_a_dns_lookup_is_the_machines_only_offline(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    lookup = _failure("TestIsExistingEmail", 13)
    assertion = _failure("TestIsEmail", 7)
    reach = offline_caused(tmp_path, lookup, offline=True)
    assert reach == (
        "TestIsExistingEmail looks host names up with net.LookupMX through IsExistingEmail "
        "and hostExists"
    )
    assert offline_caused(tmp_path, assertion, offline=True) is None  # no network call
    assert offline_caused(tmp_path, lookup, offline=False) is None  # names resolve here
    subtest = FailedTest(
        "example.com/validator.TestIsExistingEmail/gmail", "failed", "x", "validator_test.go", 13
    )
    assert offline_caused(tmp_path, subtest, offline=True) is not None
    not_go = FailedTest("test_lookup", "failed", "x", "test_validator.py", 3)
    assert offline_caused(tmp_path, not_go, offline=True) is None


@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
@pytest.mark.skipif(host_names_resolve(), reason="the class shows only where names do not resolve")
def test_offline_go_lookup_failure_is_no_error_the_assertion_failure_is(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "validator", FILES)
    outcome = test_execution.run(step_context(root, test_execution.SPEC, config=Config()))
    errors = [f for f in outcome.findings if f.severity == Severity.ERROR]
    assert any("TestIsEmail" in f.message for f in errors if f.rule == "tests/failed")
    assert not any("TestIsExistingEmail" in f.message for f in errors)
    machine = [f for f in outcome.findings if "net.LookupMX" in f.message]
    assert machine and all(f.severity != Severity.ERROR for f in machine)
    assert "TestIsExistingEmail" in machine[0].message
