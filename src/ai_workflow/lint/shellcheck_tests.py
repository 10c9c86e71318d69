"""shellcheck's SC2155 ("declare and assign separately to avoid masking return values") in a
test script.

`local archive_dir="$(mktemp -dt archive_dir.XXXXXX)"` in makeself's test/whitespacetest (a
shunit2 test under `set -eu`): the masked status is that of a setup command of the test, whose
failure leaves the variable empty or partial, and the test's next command or assertion on it
then fails: the test reports the problem, it does not pass silently, and the product's code is
not concerned: a style point of test code, at info (9 such findings labelled in makeself,
password-store and cloud-utils tests, none real). A test file is one by its location or name
(`test/`, `tests/`, `*_test.sh`, `test_*.sh`, `.bats`: `ai_workflow.techstack.is_test_path`).
The same line in the project's own scripts, which run with `set -e` and would go on with an
empty value after the failure, keeps the warning.
"""

from __future__ import annotations

from collections.abc import Sequence

from ai_workflow.findings import Finding, Severity, explained_as_info
from ai_workflow.techstack import is_test_path

MASKED_STATUS = "shellcheck/SC2155"
NOTE = (
    "in a test script: a failed setup command leaves the value empty and the test fails at "
    "its next step, it does not pass silently"
)


def masked_status_in_tests_as_info(findings: Sequence[Finding]) -> list[Finding]:
    """The findings, with SC2155 in a test file at info (see the module docstring)."""
    return [
        explained_as_info(finding, NOTE)
        if finding.rule == MASKED_STATUS
        and finding.severity is not Severity.INFO
        and finding.path
        and is_test_path(finding.path)
        else finding
        for finding in findings
    ]
