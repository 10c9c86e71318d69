"""The remote layer of the caches: signed, content-addressed entries in Redis (or Valkey, or a
Redis Cluster) shared by every runner of a team.

An entry's Redis key is `<prefix>:<namespace>:<kind>:<content key>` (a step fingerprint, an AI
request key). Its value is `MAGIC + HMAC-SHA256 + zlib(JSON)`; the signature covers the Redis key
and the compressed body, so an entry is only ever used under the key it was written for, by a
holder of the team's secret. An entry without a valid signature is refused and counted, and so
is one whose body does not name its own kind, key and namespace. Strings in an entry are
redacted (`ai.redact`) before it leaves the machine. Entries expire after the TTL; one over the
size cap is not written.

The remote cache is an accelerator, never a reason to fail: the first connection error or
timeout (bounded by `cache.remote_timeout_s`, without retries) turns it off for the rest of the
run with one warning, and the run goes on with the local cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import threading
import time
import warnings
import zlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from ai_workflow.ai.cache import canonical_json
from ai_workflow.ai.redact import redact
from ai_workflow.checkout import map_strings
from ai_workflow.engine import records
from ai_workflow.remote.settings import RemoteSettings

MAGIC = b"awc1"
SIG_BYTES = 32
ENTRY_SCHEMA = "ai-workflow/remote-entry@1"
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # a signed entry still never inflates past this
REJECTIONS = ("unsigned", "bad_signature", "damaged")


class RemoteUnavailable(Exception):
    """redis-py is not installed."""


Client = Any  # redis.Redis or redis.cluster.RedisCluster (typed loosely: an optional extra)


def connect(settings: RemoteSettings) -> Client:
    """A client with bounded timeouts and no retries (a slow server costs one timeout)."""
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.cluster import RedisCluster
        from redis.retry import Retry
    except ImportError:
        raise RemoteUnavailable(
            "cache.remote needs redis-py: pip install 'ai-workflow[redis]'"
        ) from None
    options: dict[str, Any] = {
        "socket_connect_timeout": settings.timeout_s,
        "socket_timeout": settings.timeout_s,
        "retry": Retry(NoBackoff(), 0),
    }
    if settings.password is not None:
        options["password"] = settings.password
    if settings.ca_file is not None and settings.url.startswith("rediss:"):
        options["ssl_ca_certs"] = settings.ca_file
    if settings.cluster:
        return RedisCluster.from_url(settings.url, **options)
    return redis.Redis.from_url(settings.url, **options)


def redacted(value: Any) -> Any:
    """`value` with every string redacted (keys of mappings too). Each distinct string once:
    step data repeats paths by the thousand (20x faster on a 190 kB test_generation entry)."""
    done: dict[str, str] = {}

    def one(text: str) -> str:
        clean = done.get(text)
        if clean is None:
            clean = done[text] = redact(text).text
        return clean

    return map_strings(value, one)


class RemoteCache:
    """Thread-safe; connects on first use. `get` and `put` never raise."""

    def __init__(
        self, settings: RemoteSettings, connector: Callable[[RemoteSettings], Client] = connect
    ) -> None:
        self.settings = settings
        self._connector = connector
        self._client: Client | None = None
        self._lock = threading.Lock()
        self._down: str | None = None
        self._counts: Counter[str] = Counter()
        self._saved_s = 0.0
        self._busy_s = 0.0

    @property
    def writable(self) -> bool:
        return self.settings.mode == "read-write"

    def redis_key(self, kind: str, key: str) -> str:
        return f"{self.settings.prefix}:{self.settings.namespace}:{kind}:{key}"

    # ------------------------------------------------------------------ entries

    def get(self, kind: str, key: str) -> Any | None:
        """The payload stored under (kind, key), or None (absent, refused, remote down)."""
        rkey = self.redis_key(kind, key)
        raw = self._call(lambda client: client.get(rkey))
        if raw is None:
            if self._down is None:
                self._count("misses")
            return None
        self._count(bytes_read=len(raw))
        payload = self._open(rkey, kind, key, raw)
        self._count("hits" if payload is not None else "misses")
        return payload

    def put(self, kind: str, key: str, payload: Any) -> bool:
        """Store a payload (redacted, signed); False when read-only, too large or down."""
        if not self.writable:
            self._count("writes_skipped_read_only")
            return False
        if self._down is not None:
            return False
        rkey = self.redis_key(kind, key)
        value = self.seal(rkey, kind, key, payload)
        if len(value) > self.settings.max_entry_bytes:
            self._count("writes_skipped_too_large")
            return False
        done = self._call(lambda client: client.set(rkey, value, ex=self.settings.ttl_s))
        if not done:
            return False
        self._count("writes", bytes_written=len(value))
        return True

    def ping(self) -> float | None:
        """Round-trip time of a PING in seconds, or None (with the one warning) when down."""
        start = time.monotonic()
        answered = self._call(lambda client: client.ping())
        return time.monotonic() - start if answered else None

    def note_saved(self, seconds: float) -> None:
        """Time a remote hit saved (the original duration of what it replaced)."""
        with self._lock:
            self._saved_s += max(0.0, seconds)

    def seal(self, rkey: str, kind: str, key: str, payload: Any) -> bytes:
        body = {
            "schema": ENTRY_SCHEMA,
            "namespace": self.settings.namespace,
            "kind": kind,
            "key": key,
            "created": round(time.time(), 3),
            "payload": redacted(payload),
        }
        compressed = zlib.compress(canonical_json(body).encode("utf-8"), 6)
        return MAGIC + self._sign(rkey, compressed) + compressed

    def _sign(self, rkey: str, compressed: bytes) -> bytes:
        message = rkey.encode("utf-8") + b"\0" + compressed
        return hmac.new(self.settings.key, message, hashlib.sha256).digest()

    def _open(self, rkey: str, kind: str, key: str, raw: bytes) -> Any | None:
        """The payload of a stored value if its signature and body hold; else counted, None."""
        if not isinstance(raw, bytes) or not raw.startswith(MAGIC) or len(raw) <= 36:
            return self._reject("unsigned")
        signature, compressed = raw[4 : 4 + SIG_BYTES], raw[4 + SIG_BYTES :]
        if not hmac.compare_digest(signature, self._sign(rkey, compressed)):
            return self._reject("bad_signature")
        try:
            inflater = zlib.decompressobj()
            text = inflater.decompress(compressed, MAX_INFLATED_BYTES)
            body = records.loads(text) if not inflater.unconsumed_tail else None
        except (zlib.error, ValueError):
            body = None
        expected = (ENTRY_SCHEMA, self.settings.namespace, kind, key)
        if (
            not isinstance(body, dict)
            or tuple(body.get(f) for f in ("schema", "namespace", "kind", "key")) != expected
        ):
            return self._reject("damaged")
        return body.get("payload")

    def _reject(self, why: str) -> Any:
        """Count a refused entry; None."""
        self._count(f"rejected_{why}")
        return None

    # ------------------------------------------------------------------ the connection

    def _call(self, operation: Callable[[Client], Any]) -> Any:
        """`operation` on the client; None (and the remote off for this run) on any failure."""
        if self._down is not None:
            return None
        start = time.monotonic()
        try:
            with self._lock:
                if self._client is None:
                    self._client = self._connector(self.settings)
                client = self._client
            return operation(client)
        except Exception as exc:  # redis-py's errors, OSError, a missing extra: never fatal
            self._fail(exc)
            return None
        finally:
            with self._lock:
                self._busy_s += time.monotonic() - start

    def _fail(self, exc: Exception) -> None:
        with self._lock:
            if self._down is not None:
                return
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            if isinstance(exc, RemoteUnavailable):
                self._down = f"{detail}; this run uses the local cache only"
            else:
                self._down = (
                    f"the remote cache {self.settings.shown_url} is unreachable or too slow "
                    f"({type(exc).__name__}: {detail}); this run goes on with the local cache"
                )
            self._counts["errors"] += 1
        warnings.warn(self._down, stacklevel=4)

    def _count(self, *names: str, **amounts: int) -> None:
        with self._lock:
            self._counts.update(names)
            self._counts.update(amounts)

    # ------------------------------------------------------------------ reporting

    def stats(self) -> dict[str, Any]:
        with self._lock:
            counts = dict(self._counts)
            saved, busy, down = self._saved_s, self._busy_s, self._down
        return {
            "url": self.settings.shown_url,
            "mode": self.settings.mode,
            "mode_reason": self.settings.why_mode,
            "namespace": self.settings.namespace,
            "hits": counts.get("hits", 0),
            "misses": counts.get("misses", 0),
            "writes": counts.get("writes", 0),
            "writes_skipped_read_only": counts.get("writes_skipped_read_only", 0),
            "writes_skipped_too_large": counts.get("writes_skipped_too_large", 0),
            "rejected": {why: counts.get(f"rejected_{why}", 0) for why in REJECTIONS},
            "bytes_read": counts.get("bytes_read", 0),
            "bytes_written": counts.get("bytes_written", 0),
            "time_saved_s": round(saved, 3),
            "time_s": round(busy, 3),
            "available": down is None,
            "warning": down,
        }

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):  # closing a dead connection may fail
                client.close()
