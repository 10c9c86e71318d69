"""Findings precision on real projects, scored against labels a person wrote by reading the files.

For each project in `bench/labels/<name>.tsv` (its header names the bundle, branch, commit and
how to prepare the project's own environment), this clones the bundle into a work directory,
prepares it, runs the whole workflow (`run --auto --no-resume --no-step-cache`, no AI), and scores
every finding shown by default (error and warning, not baselined) against the labels:

- real: a maintainer of that project would fix it;
- noise: true, but not worth acting on (or not the project's concern);
- wrong: false.

Precision = real / labelled shown findings. A false error is an error finding labelled noise or
wrong. A *lost* finding is one labelled real that the run no longer shows (recall dropped).
Shown findings with no label are listed: label them (`--write-unlabeled` appends them to the
label file with the label `?`, once: a re-run does not list them again) by opening the cited
file, never by guessing. A project whose fetch, preparation or run fails is reported as not
measured and the others still run (exit status 1).

    .venv-test/bin/python bench/precision.py [--projects flask,express] [--work DIR]

Prints a table per project and one summary line.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_REPOS,
    REPO_ROOT,
    clone_bundle,
    normalise,
    prepare_project,
    workflow_json,
)

LABELS_DIR = REPO_ROOT / "bench" / "labels"
LABELS = ("real", "noise", "wrong")
SHOWN = ("error", "warning")


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Label:
    rule: str
    path: str
    line: int | None
    digest: str
    label: str
    reason: str


@dataclass
class LabelFile:
    path: Path
    header: dict[str, str]
    labels: list[Label] = field(default_factory=list)


def digest(message: str, target: str) -> str:
    return hashlib.sha256(normalise(message, target).encode()).hexdigest()[:12]


def read_labels(path: Path) -> LabelFile:
    header: dict[str, str] = {}
    labels = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        if raw.startswith("#"):
            key, _, value = raw[1:].partition(":")
            header[key.strip()] = value.strip()
            continue
        cols = raw.split("\t")
        if len(cols) < 6:
            raise SystemExit(f"{path}:{number}: expected 6+ tab-separated columns")
        rule, rel, line, dig, label, reason = cols[:6]
        if label not in (*LABELS, "?"):
            raise SystemExit(f"{path}:{number}: label must be one of {LABELS}, not {label!r}")
        labels.append(Label(rule, rel, int(line) if line else None, dig, label, reason))
    needed = ("fetch", "commit") if "fetch" in header else ("bundle", "branch", "commit")
    for key in needed:
        if key not in header:
            raise SystemExit(f"{path}: header line '# {key}: ...' is missing")
    return LabelFile(path, header, labels)


# --------------------------------------------------------------------------- running


def checkout(project: LabelFile, repos: Path, work: Path) -> Path:
    """The project at its labelled version, prepared once (reused while its marker is there).

    A label file names either a git bundle (`bundle`, `branch`, `commit`) or a `fetch` command
    that unpacks a released source archive from a package registry into the current directory;
    the latter becomes a one-commit repository with a fixed author and date, so its commit id
    is the same on every machine (checked against `commit`). An `origin` header adds that
    remote, as a clone has it (checks such as npm's template-oss compare it with the manifest),
    and a `tag` header tags the commit with the release's tag, as the project's repository has
    it (setuptools_scm then gives the release's version, not `0.1.dev1+g...`: honcho's tests
    check it).
    """
    name = project.path.stem
    target = work / name
    marker = target / ".git" / "bench-prepared"
    commit = project.header["commit"]
    if marker.is_file():
        if marker.read_text() == f"{commit}\n{tree_state(target)}":
            return target
        print(f"[{name}] changed since it was prepared: checking it out again", file=sys.stderr)
    if target.exists():
        shutil.rmtree(target)
    if "fetch" in project.header:
        _fetch(project, target)
    else:
        bundle = repos / project.header["bundle"]
        clone_bundle(bundle, project.header["branch"], target, commit)
    prepare = project.header.get("prepare")
    if prepare:
        prepare_project(target, prepare)
    marker.write_text(f"{commit}\n{tree_state(target)}")
    return target


def tree_state(target: Path) -> str:
    """What git sees changed in the work tree: modified tracked files and untracked or ignored
    entries (the prepared environment among them; `.ai_workflow/`, a run's own output, aside).
    A checkout is reused only while this is what it was after preparing: a test run that builds
    files into the tree (fast-deep-equal's `npm test` writes the `index.js` its manifest names)
    would otherwise hide findings from the next run."""
    status = subprocess.run(
        ["git", "-C", str(target), "status", "--porcelain", "--ignored"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return "\n".join(sorted(line for line in status if not line[3:].startswith(".ai_workflow")))


FIXED_AUTHOR = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


def _fetch(project: LabelFile, target: Path) -> None:
    target.mkdir(parents=True)
    fetch = project.header["fetch"]
    print(f"[{target.name}] fetching: {fetch}", file=sys.stderr)
    done = subprocess.run(fetch, shell=True, cwd=target, capture_output=True, text=True)
    if done.returncode != 0:
        tail = done.stderr[-2000:]
        raise SystemExit(f"[{target.name}] fetch failed ({done.returncode}):\n{tail}")
    env = {**os.environ, **FIXED_AUTHOR}
    git = ["git", "-C", str(target)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-gpg-sign", "-m", "release"], check=True, env=env)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    if head.strip() != project.header["commit"]:
        raise SystemExit(
            f"[{target.name}] the fetched source is not the labelled one: commit {head.strip()}, "
            f"labels are for {project.header['commit']}"
        )
    if "origin" in project.header:
        subprocess.run([*git, "remote", "add", "origin", project.header["origin"]], check=True)
    if "tag" in project.header:
        subprocess.run([*git, "tag", project.header["tag"]], check=True, env=env)


def run_workflow(target: Path) -> dict[str, Any]:
    shutil.rmtree(target / ".ai_workflow", ignore_errors=True)
    return workflow_json(target, "--no-step-cache")


def shown_findings(summary: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for step in summary["steps"]:
        for finding in step["findings"]:
            if finding["severity"] in SHOWN and not finding.get("baselined"):
                found.append(finding)
    return found


# --------------------------------------------------------------------------- scoring


class LabelCounts:
    """Counts of labels (`counts`): how many are labelled, and the share that is real."""

    counts: Counter[str]

    @property
    def labelled(self) -> int:
        return sum(self.counts[label] for label in LABELS)

    @property
    def precision(self) -> float | None:
        return self.counts["real"] / self.labelled if self.labelled else None


@dataclass
class Score(LabelCounts):
    project: str
    counts: Counter[str] = field(default_factory=Counter)
    false_errors: list[str] = field(default_factory=list)
    unlabelled: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    # those the label file already lists with `?` (a re-run must not append them again)
    listed: set[int] = field(default_factory=set)
    lost: list[Label] = field(default_factory=list)
    by_rule: dict[str, Counter[str]] = field(default_factory=dict)


def score(project: LabelFile, findings: list[dict[str, Any]], target: str) -> Score:
    result = Score(project.path.stem)
    pool: dict[tuple[str, str, str], list[Label]] = {}
    for label in project.labels:
        pool.setdefault((label.rule, label.path, label.digest), []).append(label)
    for finding in findings:
        dig = digest(finding["message"], target)
        candidates = pool.get((finding["rule"], finding["path"] or "", dig), [])
        match = _take(candidates, finding.get("line"))
        for _ in _merged_places(finding):
            _take(candidates, finding.get("line"), same_line=True)
        if match is None or match.label == "?":
            if match is not None:
                result.listed.add(len(result.unlabelled))
            result.unlabelled.append((finding, dig))
            result.counts["unlabelled"] += 1
            continue
        result.counts[match.label] += 1
        result.by_rule.setdefault(finding["rule"], Counter())[match.label] += 1
        if finding["severity"] == "error" and match.label != "real":
            where = f"{finding['path']}:{finding.get('line')}"
            result.false_errors.append(f"{finding['rule']} {where} ({match.label})")
    result.lost = _lost(project.labels, pool)
    return result


def _lost(labels: list[Label], left: dict[tuple[str, str, str], list[Label]]) -> list[Label]:
    """Real labels no shown finding took, except those superseded: a label of the same rule,
    path and line under another message digest was taken (the label a file kept from before the
    finding's wording changed, e.g. 'asserts nothing' → 'has an empty body')."""
    unmatched = {id(lab) for rest in left.values() for lab in rest}
    taken = {
        (lab.rule, lab.path, lab.line, lab.digest) for lab in labels if id(lab) not in unmatched
    }
    where = {(rule, path, line) for rule, path, line, _ in taken}
    return [
        lab
        for rest in left.values()
        for lab in rest
        if lab.label == "real"
        and not (
            (lab.rule, lab.path, lab.line) in where
            and (lab.rule, lab.path, lab.line, lab.digest) not in taken
        )
    ]


def _merged_places(finding: dict[str, Any]) -> list[object]:
    """The other places one finding stands for: shellcheck's comment repeated on one line (the
    same code and message at several columns) is one finding naming its `columns`, and it takes
    the labels those comments had, once each, so they are neither counted again nor lost."""
    columns = (finding.get("extra") or {}).get("columns") or []
    return list(columns[1:])


def _take(candidates: list[Label], line: int | None, same_line: bool = False) -> Label | None:
    """The label of this finding: same line first, else any with the same rule/path/message
    (a finding that moved), unless `same_line` (the other columns of a merged finding, which
    must not take the label of the same message on another line)."""
    index = next((i for i, c in enumerate(candidates) if c.line == line), None)
    if index is None and (same_line or not candidates):
        return None
    return candidates.pop(index or 0)


def append_unlabelled(project: LabelFile, result: Score) -> None:
    """Append the unlabelled findings the file does not list yet, with the label `?`."""
    with project.path.open("a", encoding="utf-8") as handle:
        for index, (finding, dig) in enumerate(result.unlabelled):
            if index in result.listed:
                continue
            message = " ".join(finding["message"].split())[:200]
            line = "" if finding.get("line") is None else str(finding["line"])
            cols = [finding["rule"], finding["path"] or "", line, dig, "?", "", message]
            for _ in range(1 + len(_merged_places(finding))):  # one row per place it stands for
                handle.write("\t".join(cols) + "\n")


# --------------------------------------------------------------------------- output


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def report(result: Score) -> None:
    c = result.counts
    print(
        f"== {result.project}: {result.labelled + c['unlabelled']} shown; real {c['real']}, "
        f"noise {c['noise']}, wrong {c['wrong']}, unlabelled {c['unlabelled']}; "
        f"precision {_pct(result.precision)}; false errors {len(result.false_errors)}; "
        f"lost real findings {len(result.lost)}"
    )
    for rule, counts in sorted(result.by_rule.items()):
        parts = ", ".join(f"{k} {counts[k]}" for k in LABELS if counts[k])
        print(f"   {rule}: {parts}")
    for text in result.false_errors:
        print(f"   false error: {text}")
    for label in result.lost:
        print(f"   lost: {label.rule} {label.path}:{label.line} ({label.reason})")
    for finding, _ in result.unlabelled:
        where = f"{finding['path']}:{finding.get('line')}"
        text = finding["message"][:90]
        print(f"   unlabelled: {finding['severity']} {finding['rule']} {where} {text!r}")


def label_files(projects: str | None) -> list[Path]:
    """The label files of `--projects` (comma-separated names; None: all); exits when none."""
    files = sorted(LABELS_DIR.glob("*.tsv"))
    if projects:
        wanted = set(projects.split(","))
        files = [f for f in files if f.stem in wanted]
    if not files:
        raise SystemExit("no label files selected")
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", help="comma-separated label-file names (default: all)")
    parser.add_argument("--repos", type=Path, default=DEFAULT_REPOS, help="where the bundles are")
    parser.add_argument("--work", type=Path, help="keep prepared clones here (default: temp)")
    parser.add_argument(
        "--write-unlabeled", action="store_true", help="append unlabelled findings with label ?"
    )
    args = parser.parse_args()
    files = label_files(args.projects)
    work = args.work or Path(tempfile.mkdtemp(prefix="precision-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    failed: list[str] = []
    for path in files:
        project = read_labels(path)
        try:
            target = checkout(project, args.repos, work)
            summary = run_workflow(target)
        except SystemExit as exc:  # a fetch, prepare or run that failed: the others still run
            print(f"== {path.stem}: not measured\n{exc}", file=sys.stderr)
            failed.append(path.stem)
            continue
        result = score(project, shown_findings(summary), str(target))
        report(result)
        if args.write_unlabeled and result.unlabelled:
            append_unlabelled(project, result)
        results.append((project.header.get("set", "tuning"), result))
    by_set: dict[str, list[Score]] = {}
    for name, result in results:
        by_set.setdefault(name, []).append(result)
    parts = [_summary(name, scores) for name, scores in sorted(by_set.items())]
    if failed:
        parts.append(f"not measured: {', '.join(failed)}")
    print(f"precision: {' | '.join(parts)}")
    return 1 if failed else 0


def _summary(name: str, results: list[Score]) -> str:
    """One set's line: precision over its labelled shown findings, false errors, lost reals."""
    total = sum((r.counts for r in results), Counter())
    labelled = sum(total[label] for label in LABELS)
    overall = total["real"] / labelled if labelled else None
    per_project = ", ".join(f"{r.project} {_pct(r.precision)}" for r in results)
    false_errors = sum(len(r.false_errors) for r in results)
    return (
        f"{name} {_pct(overall)} ({total['real']} real of {labelled} shown; "
        f"{total['unlabelled']} unlabelled; false errors {false_errors}; "
        f"lost real {sum(len(r.lost) for r in results)}; {per_project})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
