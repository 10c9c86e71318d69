"""A run judged by its exit status whose every failed test stopped on a host name this machine
does not resolve is environment info; a failure for another reason keeps the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.findings import Severity
from ai_workflow.steps import test_execution
from ai_workflow.testcmd.as_root import failures_in_output
from tests.helpers import step_context

LOOKUP_FAILED = (
    "  Error: getaddrinfo ENOTFOUND localhost\n"
    "      at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:111:26) {\n"
    "    code: 'ENOTFOUND',\n"
    "  }\n"
)
ASSERTION_FAILED = (
    "  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n  1 !== 2\n"
)


def _node_spec_output(second_failure: str) -> str:
    """What Node's test runner prints with its spec reporter: the marks, the tally, then the
    closing list that repeats each failure."""
    failures = (
        f"✖ maps request (15.2ms)\n{LOOKUP_FAILED}\n✖ maps response (3.1ms)\n{second_failure}\n"
    )
    return (
        f"✔ serializes errors (0.2ms)\n{failures}"
        "\u2139 tests 3\n\u2139 pass 1\n\u2139 fail 2\n\n✖ failing tests:\n\n"
        f"test at test/req.test.js:9:1\n{failures}"
    )


def _project(root: Path, output: str) -> Path:
    root.mkdir()
    (root / "out.txt").write_text(output, encoding="utf-8")
    (root / "spec.sh").write_text("cat out.txt\nexit 1\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("second_failure", "rule", "severity"),
    [
        (LOOKUP_FAILED, "tests/environment-incomplete", Severity.INFO),
        (ASSERTION_FAILED, "tests/command-failed", Severity.ERROR),
    ],
)
def test_failures_that_only_could_not_resolve_a_host_are_info(
    tmp_path: Path, second_failure: str, rule: str, severity: Severity
) -> None:
    """pino-std-serializers 7.0.0's `http.get(server.address())` looks `localhost` up for IPv6,
    which this machine's /etc/hosts does not name: nothing of the project failed."""
    config = Config.model_validate({"tech_stack": {"test_command": "sh spec.sh"}})
    root = _project(tmp_path / "p", _node_spec_output(second_failure))
    outcome = test_execution.run(step_context(root, test_execution.SPEC, config=config))
    assert [(f.rule, f.severity) for f in outcome.findings] == [(rule, severity)]
    if severity == Severity.INFO:
        assert "ENOTFOUND localhost" in outcome.findings[0].message


def test_node_test_runners_closing_list_is_not_counted_again() -> None:
    failed = failures_in_output(_node_spec_output(ASSERTION_FAILED))
    assert [f.name for f in failed] == ["maps request (15.2ms)", "maps response (3.1ms)"]
