"""The AI response cache: keys, TTL, LRU size limit, corruption, parallel writers."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.ai.cache import ResponseCache, cache_key
from ai_workflow.ai.providers.base import ChatRequest, ChatResponse

REQUEST = ChatRequest(
    provider="openai",
    base_url="http://127.0.0.1:1/v1",
    model="m",
    system="sys",
    user="user",
    temperature=0.0,
    max_output_tokens=100,
    template="code_quality@1.1",
)
RESPONSE = ChatResponse(
    text='{"summary": "", "findings": []}', model="m", tokens_in=7, tokens_out=3
)


def _cache(path: Path, *, ttl_s: float = 3600, max_bytes: int = 50 * 1024 * 1024) -> ResponseCache:
    return ResponseCache(path, ttl_s=ttl_s, max_bytes=max_bytes)


CHANGES = {
    "provider": "anthropic",
    "base_url": None,
    "model": "m2",
    "system": "sys!",
    "user": "user!",
    "temperature": 0.5,
    "max_output_tokens": 101,
    "template": "code_quality@2.1",
}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_every_request_field_is_in_the_key(field: str) -> None:
    changed = dataclasses.replace(REQUEST, **{field: CHANGES[field]})
    assert cache_key(changed) != cache_key(REQUEST)
    assert cache_key(dataclasses.replace(REQUEST)) == cache_key(REQUEST)


@settings(max_examples=100, deadline=None)
@given(a=st.text(max_size=30), b=st.text(max_size=30))
def test_key_is_injective_on_messages(a: str, b: str) -> None:
    """No two different (system, user) pairs share a key (e.g. by concatenation)."""
    ka = cache_key(dataclasses.replace(REQUEST, system=a, user=b))
    kb = cache_key(dataclasses.replace(REQUEST, system=a + b, user=""))
    assert (ka == kb) is (b == "")


def test_round_trip_keeps_usage_model_and_times(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "c")
    key = cache_key(REQUEST)
    assert cache.get(key) is None
    before = time.time()
    assert cache.put(key, REQUEST, RESPONSE)
    time.sleep(0.05)
    hit = cache.get(key)
    assert hit is not None and hit.response == RESPONSE and hit.tokens == 10
    assert before <= hit.created < hit.last_access
    [entry] = cache.entries()
    assert entry["model"] == "m" and entry["usage"] == {"tokens_in": 7, "tokens_out": 3}
    assert entry["template"] == "code_quality@1.1" and entry["last_access"] == hit.last_access
    assert "response" not in entry
    assert cache.stats()["entries"] == 1 and cache.stats()["size_bytes"] > 0


def test_truncated_refused_and_empty_answers_are_not_stored(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "c")
    for bad in (
        dataclasses.replace(RESPONSE, truncated=True),
        dataclasses.replace(RESPONSE, refused=True),
        dataclasses.replace(RESPONSE, text="  "),
    ):
        assert not cache.put(cache_key(REQUEST), REQUEST, bad)
    assert cache.stats()["entries"] == 0


def test_expired_entries_miss_and_are_pruned(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "c", ttl_s=0.3)
    cache.put("k1", REQUEST, RESPONSE)
    key = cache_key(REQUEST)
    cache.put(key, REQUEST, RESPONSE)
    assert cache.get(key) is not None
    time.sleep(0.5)
    assert cache.get(key) is None
    assert cache.prune() >= 1
    assert cache.stats()["entries"] == 0


def test_least_recently_used_entries_are_evicted_at_the_size_limit(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "c", max_bytes=300_000)
    big = dataclasses.replace(RESPONSE, text="x" * 20_000)
    keys = [f"key{n}" for n in range(40)]
    for key in keys:
        cache.put(key, REQUEST, big)
        cache.get(keys[0])  # the first entry stays the most recently used
    cache.prune()
    store = cache._open()
    assert cache.stats()["entries"] < 40
    assert store.volume() <= 300_000 + 40_000  # within the limit (SQLite pages aside)
    assert keys[0] in store  # kept: used recently
    assert keys[1] not in store  # evicted: the least recently used
    assert keys[-1] in store  # kept: stored last


def test_a_corrupt_entry_is_a_miss_and_is_dropped(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "c")
    key = cache_key(REQUEST)
    cache._open().set(key, "{not json")
    assert cache.get(key) is None
    cache._open().set(key, json.dumps({"key": "someone-else", "response": {"text": "x"}}))
    assert cache.get(key) is None
    assert key not in cache._open()


def _writer(directory: str, worker: int, rounds: int) -> None:
    cache = ResponseCache(Path(directory), ttl_s=3600, max_bytes=50 * 1024 * 1024)
    for n in range(rounds):
        shared = dataclasses.replace(REQUEST, user=f"shared-{n % 10}")
        own = dataclasses.replace(REQUEST, user=f"w{worker}-{n}")
        for request in (shared, own):
            text = json.dumps({"summary": request.user, "findings": []})
            cache.put(cache_key(request), request, dataclasses.replace(RESPONSE, text=text))
            cache.get(cache_key(shared))
    cache.close()


def test_eight_parallel_writer_processes_leave_no_corrupt_entry(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(directory), w, 25)) for w in range(8)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    cache = _cache(directory)
    store = cache._open()
    keys = list(store.iterkeys())
    assert len(keys) == 10 + 8 * 25
    for key in keys:
        hit = cache.get(key)
        assert hit is not None, key
        request = dataclasses.replace(REQUEST, user=json.loads(hit.response.text)["summary"])
        assert cache_key(request) == key  # each entry answers its own request
    with sqlite3.connect(directory / "cache.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
