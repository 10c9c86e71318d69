"""Warnings in vendored files (copies of other projects) are info, with the reason."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.config import RulesConfig
from ai_workflow.findings import Finding, Severity
from ai_workflow.rules.policy import build_policy
from ai_workflow.vendored import VendoredFiles, copyright_holders
from tests.helpers import make_repo

SHARNESS_LIKE = """#!/usr/bin/env bash
#
# Copyright (c) 2011-2012 Mathias Lafeldt
# Copyright (c) 2005-2012 Git project
#
# This program is free software: you can redistribute it and/or modify

# Public: Current version of Sharness.
SHARNESS_VERSION="0.3.0"
export SHARNESS_VERSION
"""
OWN_SCRIPT = """#!/usr/bin/env bash
# Copyright (C) 2012 - 2018 Jason A. Donenfeld <Jason@zx2c4.com>. All Rights Reserved.
# This file is licensed under the GPLv2+. Please see COPYING for more information.

PASS_VERSION="1.7.4"
"""
CONTRIBUTED = """#!/usr/bin/env bash
# Copyright (C) 2017 Sam Mason <sam@example.org>. All Rights Reserved.
read -r a b notes
"""
FILES = {
    "COPYING": "GNU GENERAL PUBLIC LICENSE\nCopyright (C) 2007 Free Software Foundation, Inc.\n",
    "AUTHORS": "Jason A. Donenfeld <Jason@zx2c4.com>\n",
    "src/password-store.sh": OWN_SCRIPT,
    "tests/sharness.sh": SHARNESS_LIKE,
    "contrib/importer.sh": CONTRIBUTED,
    "third_party/lib/util.sh": "#!/bin/sh\necho $x\n",
    "web/jquery.min.js": "/*! jQuery v3.6.0 | (c) OpenJS Foundation and other contributors */\n",
    "assets/copied.js": "var a = 1;\n",
    ".gitattributes": "assets/copied.js linguist-vendored\nthird_party/** -linguist-vendored\n",
}


def _warning(path: str, rule: str = "shellcheck/SC2086") -> Finding:
    return Finding(rule, Severity.WARNING, "Double quote to prevent globbing", path, 2, step="s")


def test_the_signals_of_vendored_code(tmp_path: Path) -> None:
    files = VendoredFiles(make_repo(tmp_path / "password-store", FILES))
    assert "a copy of another project: sharness 0.3.0" in (files.reason("tests/sharness.sh") or "")
    assert "mathias lafeldt" in (files.reason("tests/sharness.sh") or "")
    assert files.reason("web/jquery.min.js") is not None  # a banner with its own version
    assert files.reason("assets/copied.js") == ".gitattributes marks it linguist-vendored"
    assert "third_party/" in (files.reason("third_party/lib/util.sh") or "")
    # the project's own: its holder is the project's, or there is no version of its own
    assert files.reason("src/password-store.sh") is None
    assert files.reason("contrib/importer.sh") is None
    assert files.reason(None) is None and files.reason("../outside.sh") is None


def test_a_project_is_never_vendored_in_itself(tmp_path: Path) -> None:
    """The sharness repository's own sharness.sh is the project, not a copy."""
    files = VendoredFiles(make_repo(tmp_path / "sharness", {"sharness.sh": SHARNESS_LIKE}))
    assert files.reason("sharness.sh") is None


def test_warnings_and_document_errors_in_vendored_files_are_info_code_errors_stay(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "password-store", FILES)
    screen = build_policy(root, RulesConfig()).for_step("s")
    parse_error = Finding("shellcheck/SC1009", Severity.ERROR, "parse", "tests/sharness.sh", 9)
    link = Finding("links/broken-link", Severity.ERROR, "broken link", "third_party/lib/a.md", 3)
    own_link = Finding("links/broken-link", Severity.ERROR, "broken link", "README.md", 3)
    script = Finding("scripts/missing-script", Severity.ERROR, "x", "third_party/lib/faq.rst", 6)
    mdx = Finding("links/broken-link", Severity.ERROR, "broken link", "third_party/lib/B.MDX", 1)
    kept = screen.apply(
        [
            _warning("tests/sharness.sh"),
            _warning("src/password-store.sh"),
            parse_error,
            link,
            own_link,
            script,
            mdx,
        ]
    )
    assert [(f.path, f.severity) for f in kept] == [
        ("tests/sharness.sh", Severity.INFO),
        ("src/password-store.sh", Severity.WARNING),  # the project's own: still shown
        ("tests/sharness.sh", Severity.ERROR),  # does not parse: broken wherever it came from
        ("third_party/lib/a.md", Severity.INFO),  # the copy's documents are not the project's
        ("README.md", Severity.ERROR),
        ("third_party/lib/faq.rst", Severity.INFO),  # an example command in the copy's FAQ
        ("third_party/lib/B.MDX", Severity.INFO),  # any document kind change detection knows
    ]
    assert "sharness 0.3.0" in kept[0].extra["vendored"]
    assert "vendored" not in kept[1].extra
    # a configured severity still wins
    raised = build_policy(root, RulesConfig(severity={"shellcheck/": "warning"})).for_step("s")
    assert raised.apply([_warning("tests/sharness.sh")])[0].severity is Severity.WARNING


def test_copyright_holders_are_normalised() -> None:
    text = "# Copyright (C) 2012 - 2018 Jason A. Donenfeld <x@y>. All Rights Reserved.\n"
    assert copyright_holders(text) == {"jason a donenfeld"}
    # licence prose that mentions the word is no holder
    assert copyright_holders("the copyright holder saying it may be distributed") == set()
