"""Which packages of a `go test` run a change narrows to, and which of their tests.

`gotest` chooses the packages a change can affect from the package graph; this narrows that
choice with `goreach`'s reference graph. A changed package whose change lies in function
bodies runs only the tests that reach a changed function; a package that depends on it runs
whole when it names something whose code reaches the change, and is left out otherwise; every
other case runs whole, with the reason. The names picked become one anchored `-run` pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ai_workflow.testselect import gotest
from ai_workflow.testselect.goreach import GoWhole, Pick, mentions, select_tests, test_names

# a Go file that lists or walks a directory may read any document in it
WALKS = re.compile(r"\b(ReadDir|Readdir|Readdirnames|Walk|WalkDir|Glob|DirFS)\b")


def run_pattern(names: Iterable[str]) -> str:
    """The anchored `-run` pattern for these top-level test names."""
    return "^(" + "|".join(sorted(set(names))) + ")$"


@dataclass
class Narrowed:
    """The packages to test and, when some of them need only some tests, the names to run."""

    packages: list[str]  # import paths, sorted
    names: set[str] | None  # top-level tests for `-run`; None: every test of the packages
    picked: dict[str, int] = field(default_factory=dict)  # package -> tests picked by name
    built: list[str] = field(default_factory=list)  # changed, no test reaches it: built, vetted
    whole: dict[str, str] = field(default_factory=dict)  # package -> why all its tests run
    note: str = ""  # why no `-run` narrows the packages that run whole


def _unread_document(rel: str, pkg: gotest.Package, files: Mapping[str, str] | None) -> bool:
    """Whether `rel` is documentation the package's tests cannot read: a Markdown, reST or
    AsciiDoc file in its directory tree, outside testdata/, not embedded, whose name and suffix
    none of its Go files mentions, none of which lists a directory."""
    path = PurePosixPath(rel)
    if path.suffix.lower() not in gotest.DOC_SUFFIXES or "testdata" in path.parts:
        return False
    if rel in pkg.files or files is None:
        return False
    return not any(
        path.name in text or path.suffix in text or WALKS.search(text) for text in files.values()
    )


def narrow(
    graph: gotest.Graph,
    choice: gotest.Choice,
    failed: Iterable[str],
    before: Callable[[str], str | None],
    now: Callable[[str], str | None],
) -> Narrowed:
    """Narrow the package choice to tests. A changed package whose change lies in function
    bodies runs the tests that reach it; a package that depends on it (its tests' imports
    included) runs whole when it names something whose code reaches the change (`mentions`),
    and is left out otherwise; a package that depends on one that runs whole runs whole too, as
    do the packages that failed last time. A changed package none of whose tests reaches the
    change still runs, for none of its tests, so that `go test` builds and vets it (a change
    that no longer compiles fails). `before` and `now` read a file's text (relative to
    the target) at the base and today (None: absent)."""
    whole: dict[str, str] = {f: "it failed last time" for f in failed if f in graph.packages}
    picks: dict[str, Pick] = {}
    texts: dict[str, dict[str, str] | None] = {}

    def files_of(path: str) -> dict[str, str] | None:
        if path not in texts:
            read = {rel: now(rel) for rel in sorted(graph.packages[path].go_files)}
            texts[path] = {k: v for k, v in read.items() if v is not None}
            if len(texts[path] or {}) != len(read):
                texts[path] = None
        return texts[path]

    for path, rels in sorted(choice.touched.items()):
        pkg = graph.packages[path]
        files = files_of(path)
        rels = {r for r in rels if not _unread_document(r, pkg, files)}
        if not rels:
            continue
        outside = sorted(
            r for r in rels if not r.endswith(".go") or (r not in pkg.go_files and now(r))
        )
        try:
            if files is None:
                raise GoWhole("one of its Go files cannot be read")
            if outside:
                raise GoWhole(f"{outside[0]} is not one of its Go files")
            picks[path] = select_tests(
                {r: before(r) for r in rels}, {r: now(r) for r in rels}, files
            )
        except GoWhole as exc:
            whole.setdefault(path, str(exc))
    names_of: dict[str, set[str] | None] = {p: None for p in whole if p in choice.touched}
    names_of |= {p: pick.names for p, pick in picks.items() if pick.changed}
    seen: dict[str, set[str] | None] = {}
    moved = True
    while moved:
        moved = False
        for path in choice.packages:
            if path in whole:
                continue
            deps = graph.packages[path].deps
            reasons = []
            for dep, names in sorted(names_of.items()):
                if dep == path or dep not in deps:
                    continue
                if names is None:
                    reasons.append(f"it depends on {dep}, which runs whole")
                    break
                if path not in seen:
                    files = files_of(path)
                    try:
                        seen[path] = mentions(files) if files is not None else None
                    except GoWhole:
                        seen[path] = None
                used = seen[path]
                if used is None or used & names:
                    reasons.append(f"it uses what the change reaches in {dep}")
                    break
            if reasons:
                whole[path] = reasons[0]
                names_of[path] = None
                moved = True
    run = {p for p in whole if p in graph.packages} | {p for p, k in picks.items() if k.changed}
    out = Narrowed(sorted(run), set(), whole=whole)
    out.picked = {p: len(k.tests) for p, k in picks.items() if k.changed and p not in whole}
    out.built = sorted(p for p, n in out.picked.items() if not n)
    assert out.names is not None
    for path in out.picked:
        out.names |= picks[path].tests
    if not out.picked:
        out.names = None  # every package that runs, runs whole
        return out
    for path in sorted(p for p in whole if p in graph.packages):
        files = files_of(path)
        try:
            if files is None:
                raise GoWhole("one of its Go files cannot be read")
            out.names |= test_names(files)
        except GoWhole as exc:
            out.names, out.note = None, f"the tests of {path} cannot be listed ({exc})"
            out.picked, out.built = {}, []
            break
    return out
