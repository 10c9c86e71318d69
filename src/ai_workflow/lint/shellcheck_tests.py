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
empty value after the failure, keeps the warning. So does one in a test whose variable is then
tested for emptiness (`[ -z "$x" ]`, `[ "$x" ]`) or compared with another variable assigned
from a substitution (`[ "$want" = "$got" ]`, `assertEquals "$want" "$got"`): two failing
commands give two empty strings, and the test passes silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explained_as_info
from ai_workflow.techstack import is_test_path
from ai_workflow.textfiles import read_text

MASKED_STATUS = "shellcheck/SC2155"
NOTE = (
    "in a test script: a failed setup command leaves the value empty and the test fails at "
    "its next step, it does not pass silently"
)


# the variables a `local`/`declare`/`export`/`readonly` line assigns from a substitution
DECLARED = re.compile(r"(?:^|\s)(?P<name>[A-Za-z_]\w*)=[\"']?(?:\$\(|`)")
VALUE = r"[\"']?\$\{?([A-Za-z_]\w*)\}?[\"']?"
COMPARED = re.compile(
    rf"{VALUE}\s+(?:==?|!=|-eq|-ne)\s+{VALUE}"
    rf"|\bassert(?:Equals|Same|NotEquals|NotSame)\s+{VALUE}\s+{VALUE}"
)


def masked_status_in_tests_as_info(findings: Sequence[Finding], target: Path) -> list[Finding]:
    """The findings, with SC2155 in a test file at info, unless the variable is tested for
    emptiness or compared with another substitution's (see the module docstring)."""
    texts: dict[str, list[str]] = {}
    graded = []
    for finding in findings:
        if (
            finding.rule == MASKED_STATUS
            and finding.severity is not Severity.INFO
            and finding.path
            and is_test_path(finding.path)
        ):
            if finding.path not in texts:
                texts[finding.path] = read_text(target / finding.path, root=target).splitlines()
            if not empties_compared(texts[finding.path], finding.line):
                graded.append(explained_as_info(finding, NOTE))
                continue
        graded.append(finding)
    return graded


def empties_compared(lines: list[str], line: int | None) -> bool:
    """Whether a variable the 1-based `line` assigns from a substitution is tested for
    emptiness, or compared with another variable assigned from a substitution, in the
    script's `lines` (where two failures would pass as equal)."""
    here = lines[line - 1] if isinstance(line, int) and 0 < line <= len(lines) else ""
    names = {m["name"] for m in DECLARED.finditer(here)}
    if not names:
        return False
    text = "\n".join(lines)
    substituted = {m["name"] for m in DECLARED.finditer(text)} | set(
        re.findall(r"(?:^|[\s;&|])([A-Za-z_]\w*)=[\"']?(?:\$\(|`)", text, re.M)
    )
    for name in names:
        value = rf"[\"']?\$\{{?{name}\}}?[\"']?"
        if re.search(rf"(?:-[zn]\s+{value}|\[\[?\s+{value}\s+\]\]?)", text):
            return True
    return _compared(text, names, substituted)


def _compared(text: str, names: set[str], substituted: set[str]) -> bool:
    """Whether one of `names` is compared with another variable of `substituted`."""
    for match in COMPARED.finditer(text):
        pair = [group for group in match.groups() if group]
        if len(pair) == 2 and pair[0] != pair[1]:
            one, other = pair
            if (one in names and other in substituted) or (other in names and one in substituted):
                return True
    return False
