"""The AI response cache: diskcache (SQLite, process-safe) under `.ai_workflow/ai_cache/`.

Key: SHA-256 of the canonical JSON of the full request (provider, base_url, model, generation
parameters, messages, prompt-template version) plus a key-schema version. Values are JSON text
(never pickles), each keeping the response, token usage, model, created and last-access times,
and read back only through their schema (`CacheEntry`): a damaged entry is a miss, dropped with
a warning. Entries expire after the TTL; the store keeps under its size limit by evicting the
least recently used entries.

A damaged store (truncated, garbage, not a database, or not even a directory) never stops a run
or the `cache` command: the SQLite header is checked on open and every operation is guarded;
the damaged store is moved aside as `ai_cache.corrupt-<time>` with one warning and a fresh one
is used. If even that fails, the cache is off for the rest of the run (a warning says so).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import struct
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import diskcache
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ai_workflow.ai.providers.base import ChatRequest, ChatResponse
from ai_workflow.engine import records
from ai_workflow.textfiles import read_head

if TYPE_CHECKING:
    from ai_workflow.remote import RemoteCache

KEY_SCHEMA = "ai-workflow/ai-cache-key@1"
EVICTION_POLICY = "least-recently-used"
REMOTE_KIND = "ai"  # the kind of AI answers in the shared team cache (`ai_workflow.remote`)
SQLITE_TIMEOUT_S = 60
DB_FILE = "cache.db"  # diskcache's database file in the cache directory
SQLITE_MAGIC = b"SQLite format 3\0"
DAMAGE_CODES = frozenset({11, 14, 26})  # SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_NOTADB
DAMAGE_WORDS = ("malformed", "not a database", "no such table", "no such column", "encrypted")

T = TypeVar("T")


def canonical_json(data: Any) -> str:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def cache_key(request: ChatRequest) -> str:
    material = {"schema": KEY_SCHEMA, **request.key_material()}
    return hashlib.sha256(canonical_json(material).encode("utf-8")).hexdigest()


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="allow")


class _Response(_Strict):
    text: str
    model: str | None = None
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)
    finish_reason: str | None = None
    truncated: bool = False
    refused: bool = False
    usage_estimated: bool = False


class _Usage(_Strict):
    tokens_in: int = Field(ge=0)
    tokens_out: int = Field(ge=0)


class CacheEntry(_Strict):
    """What one cached answer must look like to be served."""

    key: str
    provider: str
    model: str | None = None
    template: str = ""
    created: float = Field(ge=0)
    last_access: float = Field(ge=0)
    elapsed_s: float = Field(default=0.0, ge=0)  # how long the provider took to answer
    usage: _Usage
    response: _Response


@dataclass(frozen=True)
class CachedAnswer:
    response: ChatResponse
    created: float
    last_access: float
    template: str
    source: str = "local"  # or "remote": the shared team cache

    @property
    def tokens(self) -> int:
        return self.response.tokens_in + self.response.tokens_out


class CacheDamaged(Exception):
    """The store cannot be used even after it was replaced by a fresh one."""


class _DamagedStore(sqlite3.DatabaseError):
    """What the checks on open found wrong with the store."""


def is_damage(exc: BaseException) -> bool:
    """Whether an SQLite error says the database itself is damaged (not busy or locked)."""
    if isinstance(exc, _DamagedStore):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in DAMAGE_CODES:
        return True
    return any(word in str(exc).lower() for word in DAMAGE_WORDS)


HEADER_SETTLE_S = (0.1, 0.3, 0.6)


def settled_header_problem(db_file: Path) -> str | None:
    """`header_problem`, asked again after short waits: another process writing the database
    (its first pages, or a checkpoint that updated the page count in the header before the
    pages) shows a passing state that is no damage; only a problem that stays is one."""
    problem = header_problem(db_file)
    for wait in HEADER_SETTLE_S:
        if problem is None:
            return None
        time.sleep(wait)
        problem = header_problem(db_file)
    return problem


def header_problem(db_file: Path) -> str | None:
    """What is wrong with an SQLite file (no regular file, no SQLite header, shorter than its
    page count says), or None; an empty or absent file is a new database."""
    try:
        info = os.lstat(db_file)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size == 0:
        return None
    header = read_head(db_file, 100)
    if header is None or len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "not a database"
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    changes, pages = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if page_size < 512 or info.st_size % page_size:
        return "truncated"
    if changes == valid_for and pages and info.st_size < pages * page_size:
        return "truncated"
    return None


class ResponseCache:
    """Thread- and process-safe. Opened lazily: nothing is created until first used. With a
    `remote` (the shared team cache), a local miss is looked up there and a remote hit is
    written locally; what is stored goes to both."""

    def __init__(
        self,
        directory: Path,
        *,
        ttl_s: float,
        max_bytes: int,
        remote: RemoteCache | None = None,
    ) -> None:
        self.directory = directory
        self.remote = remote
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._store: diskcache.Cache | None = None
        self._lock = threading.RLock()
        self._disabled: str | None = None  # why the cache is off for the rest of this run

    # ------------------------------------------------------------------ the store

    def _open(self) -> diskcache.Cache:
        with self._lock:
            if self._disabled is not None:
                raise CacheDamaged(self._disabled)
            if self._store is None:
                try:
                    self._store = self._open_store()
                except (sqlite3.Error, OSError) as exc:
                    if not is_damage(exc):  # (a permission problem, a full disk: not damage)
                        self._disable(f"the AI cache in {self.directory} cannot be used: {exc}")
                        raise CacheDamaged(str(exc)) from None
                    self._replace(exc)
                    self._store = self._open_store_or_disable()
            return self._store

    def _open_store(self) -> diskcache.Cache:
        """Open (creating it if needed) after checking the directory and the file header."""
        if os.path.lexists(self.directory) and (
            self.directory.is_symlink() or not self.directory.is_dir()
        ):
            raise _DamagedStore("it is no directory")
        problem = settled_header_problem(self.directory / DB_FILE)
        if problem is not None:
            raise _DamagedStore(f"{DB_FILE}: {problem}")
        self.directory.mkdir(parents=True, exist_ok=True)
        store = diskcache.Cache(
            str(self.directory),
            timeout=SQLITE_TIMEOUT_S,
            size_limit=self.max_bytes,
            eviction_policy=EVICTION_POLICY,
        )
        try:
            store.expire(retry=True)  # expired entries are pruned on every open
        except BaseException:
            store.close()
            raise
        return store

    def _open_store_or_disable(self) -> diskcache.Cache:
        try:
            return self._open_store()
        except (sqlite3.Error, OSError) as exc:
            self._disable(f"the AI cache in {self.directory} cannot be used: {exc}")
            raise CacheDamaged(str(self._disabled)) from None

    def _replace(self, exc: BaseException) -> None:
        """Move the damaged store aside (one warning) so that a fresh one is opened."""
        if self._store is not None:
            with contextlib.suppress(Exception):  # closing a damaged database may fail too
                self._store.close()
            self._store = None
        if not os.path.lexists(self.directory):
            return
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        records.quarantine(self.directory, f"is damaged ({reason}); a fresh cache is used")

    def _guarded(self, operation: Callable[[diskcache.Cache], T], fallback: T) -> T:
        """`operation` on the store. On damage the store is replaced and it runs once more;
        on any other SQLite failure (or damage again) the cache is off: `fallback`."""
        for attempt in (1, 2):
            try:
                store = self._open()
            except CacheDamaged:
                return fallback
            try:
                return operation(store)
            except sqlite3.Error as exc:
                with self._lock:
                    if attempt == 2 or not is_damage(exc):
                        self._disable(f"the AI cache in {self.directory} failed: {exc}")
                        return fallback
                    if self._store is store:  # (another thread may have replaced it already)
                        self._replace(exc)
        return fallback

    def _disable(self, why: str) -> None:
        if self._disabled is None:
            self._disabled = why
            warnings.warn(f"{why}; the cache is off for this run", stacklevel=5)

    # ------------------------------------------------------------------ entries

    def get(self, key: str) -> CachedAnswer | None:
        """The stored answer, or None (absent, expired or damaged). Records the access."""
        local = self._guarded(lambda store: self._get(store, key), None)
        return local if local is not None or self.remote is None else self._get_remote(key)

    def _get_remote(self, key: str) -> CachedAnswer | None:
        """A signed answer of the team cache, written to the local cache as it is used."""
        assert self.remote is not None
        payload = self.remote.get(REMOTE_KIND, key)
        if not isinstance(payload, dict):
            return None
        entry = self._decode(canonical_json(payload), key)
        if entry is None:
            return None
        now = time.time()
        entry["last_access"] = now
        text = canonical_json(entry)
        self._guarded(lambda store: store.set(key, text, expire=self.ttl_s, retry=True), False)
        self.remote.note_saved(float(entry.get("elapsed_s", 0.0)))
        return CachedAnswer(
            response=ChatResponse.from_dict(entry["response"]),
            created=float(entry["created"]),
            last_access=now,
            template=str(entry.get("template", "")),
            source="remote",
        )

    def _get(self, store: diskcache.Cache, key: str) -> CachedAnswer | None:
        try:
            found = store.get(key, default=None, expire_time=True, retry=True)
        except OSError as exc:  # a value file of diskcache's that is gone or damaged
            self._drop(store, key, f"its value cannot be read ({exc.strerror or exc})")
            return None
        raw, expire_at = found if isinstance(found, tuple) else (None, None)
        if raw is None:
            return None
        entry = self._decode(raw, key)
        if entry is None:
            store.delete(key, retry=True)  # damaged: drop it rather than serve it
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

    def put(
        self, key: str, request: ChatRequest, response: ChatResponse, elapsed_s: float = 0.0
    ) -> bool:
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
            "elapsed_s": round(max(0.0, elapsed_s), 3),
            "usage": {"tokens_in": response.tokens_in, "tokens_out": response.tokens_out},
            "response": response.to_dict(),
        }
        text = canonical_json(entry)
        stored = self._guarded(
            lambda store: bool(store.set(key, text, expire=self.ttl_s, retry=True)), False
        )
        if self.remote is not None:
            self.remote.put(REMOTE_KIND, key, entry)
        return stored

    def stats(self) -> dict[str, Any]:
        empty = {"entries": 0, "size_bytes": 0, "directory": str(self.directory)}
        directory_ok = not os.path.lexists(self.directory) or self.directory.is_dir()
        if self._store is None and directory_ok and not os.path.lexists(self.directory / DB_FILE):
            return empty  # nothing stored yet: create nothing
        return self._guarded(
            lambda store: {
                "entries": len(store),
                "size_bytes": int(store.volume()),
                "directory": str(self.directory),
            },
            empty,
        )

    def prune(self) -> int:
        """Remove expired entries, then evict to the size limit; the number removed."""
        return self._guarded(
            lambda store: int(store.expire(retry=True)) + int(store.cull(retry=True)), 0
        )

    def clear(self) -> int:
        """Drop every entry; a damaged store is replaced (and its entries so dropped)."""
        return self._guarded(lambda store: int(store.clear(retry=True)), 0)

    def damaged_copies(self) -> list[Path]:
        """Damaged stores moved aside earlier (`ai_cache.corrupt-*`)."""
        return sorted(self.directory.parent.glob(f"{self.directory.name}.corrupt-*"))

    def remove_damaged_copies(self) -> int:
        removed = 0
        for path in self.damaged_copies():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
        return removed

    def entries(self) -> list[dict[str, Any]]:
        """Metadata of every live entry (no response text), newest first."""

        def collect(store: diskcache.Cache) -> list[dict[str, Any]]:
            out = []
            for key in list(store.iterkeys()):
                try:
                    raw = store.get(key, retry=True)
                except OSError:
                    continue
                entry = self._decode(raw, key) if raw is not None else None
                if entry is not None:
                    entry.pop("response", None)
                    out.append(entry)
            return sorted(out, key=lambda e: float(e["created"]), reverse=True)

        return self._guarded(collect, [])

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._store.close()
                self._store = None

    # ------------------------------------------------------------------ helpers

    def _decode(self, raw: Any, key: str) -> dict[str, Any] | None:
        """The entry if it is a valid `CacheEntry` for `key`; else a warning and None."""
        where = f"{self.directory / DB_FILE}, entry {key[:16]}"
        try:
            entry = records.loads(raw) if isinstance(raw, str | bytes) else None
        except ValueError:
            entry = None
        if not isinstance(entry, dict):
            warnings.warn(f"{where}: skipped a damaged AI cache entry (no JSON)", stacklevel=4)
            return None
        try:
            CacheEntry.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            warnings.warn(
                f"{where}: skipped a damaged AI cache entry ({field}: {first['msg']})",
                stacklevel=4,
            )
            return None
        if entry["key"] != key:
            warnings.warn(f"{where}: skipped an AI cache entry of another key", stacklevel=4)
            return None
        return entry

    def _drop(self, store: diskcache.Cache, key: str, why: str) -> None:
        warnings.warn(
            f"{self.directory / DB_FILE}, entry {key[:16]}: skipped a damaged AI cache entry "
            f"({why})",
            stacklevel=4,
        )
        with contextlib.suppress(OSError):
            store.delete(key, retry=True)
