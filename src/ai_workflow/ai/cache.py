"""The AI response cache: diskcache (SQLite, process-safe) under `.ai_workflow/ai_cache/`.

Key: SHA-256 of the canonical JSON of the full request (provider, base_url, model, generation
parameters, messages, prompt-template version) plus a key-schema version. Values are JSON text
(never pickles), each keeping the response, token usage, model, created and last-access times.
Entries expire after the TTL; the store keeps under its size limit by evicting the least
recently used entries.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache

from ai_workflow.ai.providers.base import ChatRequest, ChatResponse

KEY_SCHEMA = "ai-workflow/ai-cache-key@1"
EVICTION_POLICY = "least-recently-used"
SQLITE_TIMEOUT_S = 60


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cache_key(request: ChatRequest) -> str:
    material = {"schema": KEY_SCHEMA, **request.key_material()}
    return hashlib.sha256(canonical_json(material).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedAnswer:
    response: ChatResponse
    created: float
    last_access: float
    template: str

    @property
    def tokens(self) -> int:
        return self.response.tokens_in + self.response.tokens_out


class ResponseCache:
    """Thread- and process-safe. Opened lazily: nothing is created until first used."""

    def __init__(self, directory: Path, *, ttl_s: float, max_bytes: int) -> None:
        self.directory = directory
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._store: diskcache.Cache | None = None
        self._lock = threading.Lock()

    def _open(self) -> diskcache.Cache:
        with self._lock:
            if self._store is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                store = diskcache.Cache(
                    str(self.directory),
                    timeout=SQLITE_TIMEOUT_S,
                    size_limit=self.max_bytes,
                    eviction_policy=EVICTION_POLICY,
                )
                store.expire(retry=True)  # expired entries are pruned on every open
                self._store = store
            return self._store

    def get(self, key: str) -> CachedAnswer | None:
        """The stored answer, or None (absent, expired or unreadable). Records the access."""
        store = self._open()
        found = store.get(key, default=None, expire_time=True, retry=True)
        raw, expire_at = found if isinstance(found, tuple) else (None, None)
        entry = _decode(raw, key)
        if entry is None:
            if raw is not None:
                store.delete(key, retry=True)  # unreadable: drop it rather than serve it
            return None
        now = time.time()
        remaining = (expire_at - now) if expire_at is not None else None
        if remaining is not None and remaining <= 0:
            return None
        entry["last_access"] = now
        store.set(key, canonical_json(entry), expire=remaining, retry=True)
        return CachedAnswer(
            response=ChatResponse.from_dict(entry["response"]),
            created=float(entry["created"]),
            last_access=now,
            template=str(entry.get("template", "")),
        )

    def put(self, key: str, request: ChatRequest, response: ChatResponse) -> bool:
        """Store a complete answer; errors, refusals and truncated answers are refused."""
        if not response.cacheable:
            return False
        now = time.time()
        entry = {
            "key": key,
            "provider": request.provider,
            "model": response.model or request.model,
            "template": request.template,
            "created": now,
            "last_access": now,
            "usage": {"tokens_in": response.tokens_in, "tokens_out": response.tokens_out},
            "response": response.to_dict(),
        }
        self._open().set(key, canonical_json(entry), expire=self.ttl_s, retry=True)
        return True

    def stats(self) -> dict[str, Any]:
        if self._store is None and not (self.directory / "cache.db").is_file():
            return {"entries": 0, "size_bytes": 0, "directory": str(self.directory)}
        store = self._open()
        return {
            "entries": len(store),
            "size_bytes": int(store.volume()),
            "directory": str(self.directory),
        }

    def prune(self) -> int:
        """Remove expired entries, then evict to the size limit; the number removed."""
        store = self._open()
        return int(store.expire(retry=True)) + int(store.cull(retry=True))

    def clear(self) -> int:
        return int(self._open().clear(retry=True))

    def entries(self) -> list[dict[str, Any]]:
        """Metadata of every live entry (no response text), newest first."""
        store = self._open()
        out = []
        for key in list(store.iterkeys()):
            entry = _decode(store.get(key, retry=True), key)
            if entry is not None:
                entry.pop("response", None)
                out.append(entry)
        return sorted(out, key=lambda e: e.get("created", 0), reverse=True)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def _decode(raw: Any, key: str) -> dict[str, Any] | None:
    if not isinstance(raw, str):
        return None
    try:
        entry = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    if not isinstance(entry.get("response"), dict) or "text" not in entry["response"]:
        return None
    return entry
