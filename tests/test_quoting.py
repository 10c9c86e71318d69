"""Tool output quoted in findings: the same message wherever the project is checked out."""

from __future__ import annotations

import sys
from pathlib import Path

from ai_workflow.config import Config
from ai_workflow.findings import Finding
from ai_workflow.quoting import quote_output, relative_to_target
from ai_workflow.rules.baseline import finding_fingerprint
from ai_workflow.rules.sources import SourceLines
from ai_workflow.steps import code_quality, test_execution
from tests.helpers import make_repo, step_context

# prints its own directory, then more than any clip keeps, then fails
LOUD_MAKEFILE = (
    ".PHONY: test\ntest:\n"
    "\t@echo 'running in $(CURDIR)'\n"
    '\t@for i in 1 2 3 4 5 6 7 8; do echo "$(CURDIR)/tests/case$$i.sh: line $$i: '
    'assert failed in $(CURDIR)/tests/case$$i.sh, see /usr/bin/foo"; done\n'
    "\t@echo 'Error: 8 cases failed under $(CURDIR)' >&2; exit 1\n"
)


def _checkouts(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    return (
        make_repo(tmp_path / "a" / "proj", files),
        make_repo(tmp_path / "a-much" / "longer" / "checkout" / "dir" / "proj", files),
    )


def _fingerprints(target: Path, findings: list[Finding]) -> list[str]:
    sources = SourceLines(target)
    return [finding_fingerprint(f, sources) for f in findings]


def _tests(target: Path) -> list[Finding]:
    config = Config.model_validate({"tech_stack": {"python": sys.executable}})
    ctx = step_context(target, test_execution.SPEC, config=config)
    return test_execution.run(ctx).findings


def test_a_failing_test_command_says_the_same_in_two_checkouts(tmp_path: Path) -> None:
    near, far = _checkouts(tmp_path, {"Makefile": LOUD_MAKEFILE})
    first, second = _tests(near), _tests(far)
    assert [f.rule for f in first] == ["tests/command-failed"]
    assert [f.message for f in first] == [f.message for f in second]
    assert _fingerprints(near, first) == _fingerprints(far, second)
    message = first[0].message
    assert str(near) not in message and "tests/case1.sh: line 1" in message
    assert "/usr/bin/foo" in message  # another absolute path is kept
    assert "Error: 8 cases failed under ." in message


def test_a_broken_ruff_configuration_says_the_same_in_two_checkouts(tmp_path: Path) -> None:
    files = {"a.py": "x = 1\n", "ruff.toml": 'line-length = "very long"\n'}
    near, far = _checkouts(tmp_path, files)

    def failures(target: Path) -> list[Finding]:
        outcome = code_quality.run(step_context(target, code_quality.SPEC))
        return [f for f in outcome.findings if f.rule == "ruff/tool-failed"]

    first, second = failures(near), failures(far)
    assert len(first) == 1 and "ruff.toml" in first[0].message
    assert str(near) not in first[0].message
    assert [f.message for f in first] == [f.message for f in second]
    assert _fingerprints(near, first) == _fingerprints(far, second)


def test_the_target_becomes_relative_before_the_clip(tmp_path: Path) -> None:
    shallow, deep = tmp_path / "p", tmp_path / "x" / "y" / "z" / "p"
    text = "".join(f"{{root}}/src/m{i}.py: failed\n" for i in range(40))
    quoted = {quote_output(text.format(root=t), t, 500) for t in (shallow, deep)}
    assert len(quoted) == 1 and next(iter(quoted)).startswith("src/m0.py: failed")
    assert len(next(iter(quoted))) == 500


def test_only_the_target_path_is_made_relative(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    (tmp_path / "real").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real")
    assert relative_to_target(f"cd {target} && {target}/run.sh", target) == "cd . && run.sh"
    assert relative_to_target(f"{target}2/x and /usr/bin/foo", target) == (
        f"{target}2/x and /usr/bin/foo"
    )
    assert relative_to_target(f"/mnt{target}/x", target) == f"/mnt{target}/x"
    # a checkout reached through a link: its resolved path is the target too
    resolved = (tmp_path / "real").resolve()
    assert relative_to_target(f"{resolved}/a.sh: boom; {link}/b.sh", link) == "a.sh: boom; b.sh"


def test_a_path_after_an_escaped_newline_of_a_repr_is_made_relative(tmp_path: Path) -> None:
    """tzlocal 5.2's test_conflicting fails with pytest's `assert '...' in 'Multiple conflicting
    time zone configurations found:\\n<target>/tests/test_data/...'`: the `n` of the escaped
    newline stands before the checkout's path, which is made relative like any other, so the
    message is the same in every checkout. A letter that is no escape (`n<target>`, part of a
    longer name) keeps the path as it is."""
    target = tmp_path / "proj"
    text = f"'found:\\n{target}/etc/timezone: UTC\\t{target}/etc/clock'"
    assert relative_to_target(text, target) == "'found:\\netc/timezone: UTC\\tetc/clock'"
    assert relative_to_target(f"n{target}/x", target) == f"n{target}/x"
    for checkout in (tmp_path / "w" / "p", tmp_path / "w2" / "p"):
        message = f"assert 'x' in 'found:\\n{checkout}/tests/data/conflicting/etc/timezone'"
        assert quote_output(message, checkout, 40) == ("assert 'x' in 'found:\\ntests/data/confli")
