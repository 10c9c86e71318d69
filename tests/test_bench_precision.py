"""The precision bench's checkouts (bench/precision.py): a prepared checkout is reused only
while its work tree is as preparing left it."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import git, import_bench, make_repo


@pytest.fixture(scope="module")
def precision() -> ModuleType:
    return import_bench("precision")


def _bundle(tmp_path: Path) -> tuple[Path, str]:
    source = make_repo(tmp_path / "source", {"package.json": '{"main": "index.js"}\n'})
    bundle = tmp_path / "repos" / "demo.bundle"
    bundle.parent.mkdir()
    git(source, "bundle", "create", "-q", str(bundle), "main")
    return bundle, git(source, "rev-parse", "HEAD").strip()


def test_a_checkout_a_run_built_files_into_is_checked_out_again(
    precision: ModuleType, tmp_path: Path
) -> None:
    bundle, commit = _bundle(tmp_path)
    header = {"bundle": bundle.name, "branch": "main", "commit": commit, "prepare": "mkdir env"}
    project = precision.LabelFile(tmp_path / "demo.tsv", header)
    work = tmp_path / "work"
    target = precision.checkout(project, bundle.parent, work)
    assert (target / "env").is_dir()
    (target / ".ai_workflow").mkdir()  # a run's own output does not count
    sentinel = target / ".git" / "kept"
    sentinel.write_text("")
    assert precision.checkout(project, bundle.parent, work) == target
    assert sentinel.exists()  # reused as prepared
    (target / "index.js").write_text("built by the tests\n")
    assert precision.checkout(project, bundle.parent, work) == target
    assert not sentinel.exists() and not (target / "index.js").exists()  # checked out again
    assert (target / "env").is_dir()  # and prepared again


def test_a_label_kept_from_an_older_wording_is_superseded_not_lost(
    precision: ModuleType, tmp_path: Path
) -> None:
    """A finding whose message changed keeps both labels in the file; only a real finding that
    no longer shows, or the second of two identical findings on one line, is lost."""

    def label(rule: str, line: int, message: str) -> object:
        dig = precision.digest(message, "/t")
        return precision.Label(rule, "t.py", line, dig, "real", "reason")

    old = label("tests/no-assertions", 3, "test 'x' asserts nothing")
    new = label("tests/no-assertions", 3, "test 'x' has an empty body")
    gone = label("tests/failed", 9, "test 'y' failed")
    twice = [
        label("shellcheck/SC2086", 5, "Double quote"),
        label("shellcheck/SC2086", 5, "Double quote"),
    ]
    project = precision.LabelFile(tmp_path / "demo.tsv", {}, [old, new, gone, *twice])
    shown = [
        {
            "rule": "tests/no-assertions",
            "path": "t.py",
            "line": 3,
            "severity": "warning",
            "message": "test 'x' has an empty body",
        },
        {
            "rule": "shellcheck/SC2086",
            "path": "t.py",
            "line": 5,
            "severity": "warning",
            "message": "Double quote",
        },
    ]
    result = precision.score(project, shown, "/t")
    assert result.counts["real"] == 2
    assert sorted(lab.rule for lab in result.lost) == ["shellcheck/SC2086", "tests/failed"]


def test_one_finding_for_a_comment_repeated_on_a_line_takes_each_of_its_labels(
    precision: ModuleType, tmp_path: Path
) -> None:
    """shellcheck's SC2060 at two columns of one line (`tr [a-z] [A-Z]`) was two findings and
    has two labels; it is now one finding naming both columns: both labels are taken, counted
    once, and neither is lost. Without `columns` the second label is still lost."""
    dig = precision.digest("Quote parameters to tr", "/t")
    labels = [precision.Label("shellcheck/SC2060", "s.sh", 4, dig, "real", "r") for _ in "ab"]
    project = precision.LabelFile(tmp_path / "demo.tsv", {}, labels)
    finding = {
        "rule": "shellcheck/SC2060",
        "path": "s.sh",
        "line": 4,
        "severity": "warning",
        "message": "Quote parameters to tr",
    }
    merged = precision.score(project, [{**finding, "extra": {"columns": [38, 44]}}], "/t")
    assert (merged.counts["real"], merged.lost) == (1, [])
    single = precision.score(project, [finding], "/t")
    assert (single.counts["real"], len(single.lost)) == (1, 1)


def test_a_rerun_appends_only_findings_the_file_does_not_list(
    precision: ModuleType, tmp_path: Path
) -> None:
    """`--write-unlabeled` run twice: the findings already listed with `?` are not appended again;
    a finding new since then is."""
    path = tmp_path / "demo.tsv"
    path.write_text("# fetch: true\n# commit: 0\n", encoding="utf-8")
    old = {"rule": "md/MD051", "path": "README.md", "line": 3, "severity": "error"}
    old["message"] = "Link fragment '#x' matches no heading"
    new = {**old, "line": 9, "message": "Link fragment '#y' matches no heading"}
    precision.append_unlabelled(
        precision.read_labels(path), precision.score(precision.read_labels(path), [old], "/t")
    )
    again = precision.score(precision.read_labels(path), [old, new], "/t")
    assert again.counts["unlabelled"] == 2  # both are still unlabelled
    precision.append_unlabelled(precision.read_labels(path), again)
    rows = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    assert [row.split("\t")[2] for row in rows] == ["3", "9"]


def test_a_project_that_fails_to_prepare_does_not_stop_the_others(
    precision: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "a.tsv").write_text("# fetch: exit 3\n# commit: 0\n", encoding="utf-8")
    (labels / "b.tsv").write_text("# fetch: echo x > f\n# commit: 0\n", encoding="utf-8")
    monkeypatch.setattr(precision, "LABELS_DIR", labels)
    argv = ["precision.py", "--work", str(tmp_path / "w")]
    monkeypatch.setattr("sys.argv", argv)
    assert precision.main() == 1
    out, err = capsys.readouterr()
    assert "fetch failed (3)" in err  # a: its fetch fails
    assert "not the labelled one" in err  # b was still tried: its commit is not 0
    assert out.strip().endswith("not measured: a, b")


def test_a_merged_finding_takes_no_label_of_the_same_message_on_another_line(
    precision: ModuleType, tmp_path: Path
) -> None:
    """SC2044 at two columns of line 4 and once on line 9: the merged finding takes line 4's
    labels only, so line 9's finding keeps its own; unlabelled, the merged one gets a row per
    column."""
    dig = precision.digest("For loops over find output are fragile", "/t")
    rows = [precision.Label("shellcheck/SC2044", "s.sh", n, dig, "real", "r") for n in (4, 9)]
    project = precision.LabelFile(tmp_path / "demo.tsv", {}, rows)
    finding = {
        "rule": "shellcheck/SC2044",
        "path": "s.sh",
        "severity": "warning",
        "message": "For loops over find output are fragile",
    }
    merged = {**finding, "line": 4, "extra": {"columns": [3, 30]}}
    result = precision.score(project, [merged, {**finding, "line": 9}], "/t")
    assert (result.counts["real"], result.counts["unlabelled"], result.lost) == (2, 0, [])
    path = tmp_path / "new.tsv"
    path.write_text("# fetch: true\n# commit: 0\n", encoding="utf-8")
    fresh = precision.read_labels(path)
    precision.append_unlabelled(fresh, precision.score(fresh, [merged], "/t"))
    assert len([r for r in path.read_text().splitlines() if not r.startswith("#")]) == 2


def test_a_tag_header_tags_the_release_commit(precision: ModuleType, tmp_path: Path) -> None:
    header = {"fetch": "echo 'print(1)' > setup.py", "commit": "0", "tag": "v2.0.0"}
    project = precision.LabelFile(tmp_path / "demo.tsv", header)
    target = tmp_path / "w" / "demo"
    with pytest.raises(SystemExit, match="not the labelled one") as stopped:
        precision.checkout(project, tmp_path, tmp_path / "w")
    commit = str(stopped.value).split("commit ")[1].split(",")[0]
    header["commit"] = commit
    assert precision.checkout(project, tmp_path, tmp_path / "w") == target
    assert git(target, "describe", "--tags").strip() == "v2.0.0"
