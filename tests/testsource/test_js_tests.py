"""JavaScript/TypeScript tests and their verdicts (tree-sitter), helpers followed."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ai_workflow.steps import test_review
from ai_workflow.techstack import is_test_path
from ai_workflow.testsource import treesitter
from ai_workflow.testsource.readers import ProjectTests
from tests.helpers import make_repo, step_context, write_files

SOURCES = {
    "package.json": json.dumps({"name": "app", "main": "index.js", "dependencies": {"qs": "1"}}),
    "index.js": "module.exports = require('./lib/app');\n",
    "lib/app.js": "exports.create = function create() { return {}; };\n",
}


def verdicts(root: Path, files: dict[str, str], path: str) -> dict[str, bool | None]:
    everything = {**SOURCES, **{k: textwrap.dedent(v) for k, v in files.items()}}
    write_files(root, everything)
    project = ProjectTests(root, sorted(everything), is_test_path)
    language = "typescript" if path.endswith(".ts") else "javascript"
    return {t.name: t.asserts for t in project.tests(path, language) or []}


def test_assertion_styles(tmp_path: Path) -> None:
    files = {
        "test/styles.test.js": """
            const assert = require('node:assert');
            const request = require('supertest');
            const app = require('..');
            const { strictEqual } = require('assert');

            it('assert', () => { assert.strictEqual(app.create(), 1); });
            it('destructured assert', () => { strictEqual(1, 1); });
            it('expect', () => { expect(app.create()).toBe(1); });
            it('supertest chain', (done) => { request(app).get('/').expect(200, done); });
            it('should', () => { app.create().should.eql({}); });
            it('throws on failure', () => { if (!app.create()) throw new Error('x'); });
            test('node:test context', (t) => { t.assert.ok(app.create()); });
            it('done handed to the code', function (done) { app.create().close(done); });
            it('done as a callback property', function (done) { app.handle({ end: done }); });
            it('done called with an error', function (done) { done(new Error('no')); });
            it('calls the code only', () => { app.create(); });
            it('done called bare', function (done) { app.create(); done(); });
            """
    }
    assert verdicts(tmp_path, files, "test/styles.test.js") == {
        "assert": True,
        "destructured assert": True,
        "expect": True,
        "supertest chain": True,
        "should": True,
        "throws on failure": True,
        "node:test context": True,
        "done handed to the code": True,
        "done as a callback property": True,
        "done called with an error": True,
        "calls the code only": False,
        "done called bare": False,
    }


def test_must_chains_assert_a_property_or_title_named_so_does_not(tmp_path: Path) -> None:
    """json-stringify-safe's `json.must.eql(...)` (Must.js, mocha's `--require must`) and
    `demand(x).eql(...)` after `require('must')` assert; a test titled 'must ...' that only
    calls the code, or reads a property that merely starts with must, does not."""
    files = {
        "test/must.test.js": """
            const demand = require('must');
            const app = require('..');
            function jsonify(obj) { return JSON.stringify(obj); }

            it('must chain', () => { app.create().must.eql(jsonify({})); });
            it('must on a call result', () => { jsonify(app.create()).must.be.a.string(); });
            it('demand', () => { demand(app.create()).eql({}); });
            it('must stringify, in the title only', () => { jsonify(app.create()); });
            it('mustache property', () => { app.create().mustache.render(); });
            """
    }
    assert verdicts(tmp_path, files, "test/must.test.js") == {
        "must chain": True,
        "must on a call result": True,
        "demand": True,
        "must stringify, in the title only": False,
        "mustache property": False,
    }


def test_must_property_asserts_only_where_must_js_is_in_use(tmp_path: Path) -> None:
    """Without Must.js (no `must` dependency, no `require('must')`), `.must` is a property like
    any other: an Elasticsearch query builder's test that pushes onto `query.bool.must` and
    checks nothing asserts nothing. Where the project declares `must` (json-stringify-safe's
    devDependencies, mocha's `--require must`), `json.must.eql(...)` asserts."""
    files = {
        "test/query.test.js": """
            const app = require('..');

            it('adds a term', () => { const q = app.create(); q.query.bool.must.push(1); });
            """
    }
    assert verdicts(tmp_path / "plain", files, "test/query.test.js") == {"adds a term": False}
    manifest = {"name": "app", "main": "index.js", "devDependencies": {"must": "0.13"}}
    files = {
        "package.json": json.dumps(manifest),
        "test/json.test.js": """
            const app = require('..');

            it('stringifies', () => { JSON.stringify(app.create()).must.eql('{}'); });
            """,
    }
    assert verdicts(tmp_path / "declared", files, "test/json.test.js") == {"stringifies": True}


def test_helpers_are_followed_and_local_wrappers_are_not_tests(tmp_path: Path) -> None:
    files = {
        "test/support/utils.js": """
            var assert = require('node:assert');
            exports.expectBody = function (res) { assert.ok(res.body); };
            exports.shouldHaveBody = shouldHaveBody;
            exports.quiet = function quiet(x) { return x; };
            class Page {
              shows(text) { assert.ok(this.body.includes(text)); }
              visit(url) { return url; }
            }
            exports.Page = Page;
            function shouldHaveBody(res) { assert.ok(res); }
            """,
        "test/helpers.test.js": """
            var app = require('../lib/app');
            var utils = require('./support/utils');
            var { quiet } = require('./support/utils');

            function checkCreated(value) {
              expect(value).toBeDefined();
            }

            function build() { return app.create(); }

            function test(factory) {
              it('runs inside a wrapper', function () { checkCreated(factory()); });
            }

            test(app.create);
            test(build);

            it('local helper asserts', () => { checkCreated(app.create()); });
            it('local helper does not', () => { build(); });
            it('imported helper', () => { utils.expectBody(app.create()); });
            it('imported helper by name', () => { utils.shouldHaveBody(app.create()); });
            it('imported quiet helper', () => { quiet(app.create()); });
            it('page object checks', () => { new utils.Page().shows('hi'); });
            it('page object visits', () => { new utils.Page().visit('/'); });
            """,
    }
    assert verdicts(tmp_path, files, "test/helpers.test.js") == {
        "runs inside a wrapper": True,
        "local helper asserts": True,
        "local helper does not": False,
        "imported helper": True,
        "imported helper by name": True,
        "imported quiet helper": False,
        "page object checks": True,
        "page object visits": False,
    }


def test_unresolvable_calls_and_parse_errors_are_not_judged(tmp_path: Path) -> None:
    files = {
        "test/open.test.js": """
            const app = require('../lib/app');
            it('calls a global set up elsewhere', () => { renderAndCheck(app); });
            it('calls a callable in a variable', () => { const go = app.create; go(); });
            it('calls a missing helper file', () => { require('./gone').run(); });
            it.skip('skipped', () => {});
            it('pending');
            test('options skip', { skip: true }, () => {});
            it('broken', () => { app.create(( });
            """
    }
    found = verdicts(tmp_path, files, "test/open.test.js")
    assert found["calls a global set up elsewhere"] is None
    assert found["calls a callable in a variable"] is None
    assert found["calls a missing helper file"] is None
    assert found["broken"] is None
    project = ProjectTests(tmp_path, sorted({**SOURCES, **files}), is_test_path)
    tests = project.tests("test/open.test.js", "javascript") or []
    assert {t.name for t in tests if t.skipped} == {"skipped", "pending", "options skip"}


def test_a_method_picked_at_run_time_is_not_judged(tmp_path: Path) -> None:
    """argparse.js registers each test method of a class as `it(method, () => this[method]())`:
    what runs is known only at run time; a literal subscript is an ordinary method call."""
    files = {
        "test/cases.test.js": """
            const app = require('../lib/app');
            class Case {
              run() {
                for (const method of ['test_a', 'test_b']) {
                  it(method, () => this[method]());
                }
              }
            }
            it('literal subscript of the code', () => { app['create'](); });
            it('literal subscript of a check', () => { app['assertValid'](); });
            """
    }
    assert verdicts(tmp_path, files, "test/cases.test.js") == {
        "it": None,
        "literal subscript of the code": False,
        "literal subscript of a check": True,
    }


def test_typescript(tmp_path: Path) -> None:
    files = {
        "src/sum.ts": "export const sum = (a: number, b: number): number => a + b;\n",
        "test/sum.spec.ts": """
            import { sum } from '../src/sum';
            import { describe, expect, it } from 'vitest';

            const check = (value: number): void => { expect(value).toBe(3); };

            describe('sum', () => {
              it('adds', () => { check(sum(1, 2)); });
              it('runs', async () => { await Promise.resolve(sum(1, 2)); });
            });
            """,
    }
    assert verdicts(tmp_path, files, "test/sum.spec.ts") == {"adds": True, "runs": False}


def test_without_a_grammar_nothing_is_judged_or_called_untested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken install (no JavaScript grammar) reports nothing it could not read."""
    files = {
        **SOURCES,
        "test/app.test.js": "const app = require('..');\nit('runs', () => { app.create(); });\n",
    }
    root = make_repo(tmp_path / "js", files)
    monkeypatch.setitem(treesitter.GRAMMARS, "javascript", ("no_such_grammar", "language"))
    treesitter._parser.cache_clear()
    try:
        outcome = test_review.run(step_context(root, test_review.SPEC))
    finally:
        monkeypatch.undo()
        treesitter._parser.cache_clear()
    assert [f.rule for f in outcome.findings] == []
    assert any("tree-sitter grammar not installed" in n for n in outcome.skipped_checks)
    assert any("import graph is incomplete" in n for n in outcome.skipped_checks)
    with_grammar = test_review.run(step_context(root, test_review.SPEC))
    assert [f.rule for f in with_grammar.findings] == ["tests/no-assertions"]


def test_a_test_asserts_through_the_subtests_of_its_context(tmp_path: Path) -> None:
    """tape's test/promises/subTests.js: `t.test('...', function (st) { st.ok(true); })`, a
    subtest on the test's own context, asserts through its own context `st`. A test whose
    subtests only call the code still asserts nothing."""
    files = {
        "test/sub.test.js": """
            var test = require('tape');
            var app = require('..');

            test('asserting subtests', function (t) {
                t.test('first', function (q) { setTimeout(function () { q.ok(true); q.end(); }); });
                t.test('second', function (st) { st.plan(1); st.equal(app.create(), 1); });
            });
            test('subtests that only call', function (t) {
                t.test('first', function (q) { app.create(); });
            });
            """
    }
    assert verdicts(tmp_path, files, "test/sub.test.js") == {
        "asserting subtests": True,
        "subtests that only call": False,
    }
