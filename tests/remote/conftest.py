"""A redis-server for the session (skipped, saying why, only where the binary cannot exist)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ai_workflow.remote.settings import PULL_REQUEST_SIGNALS
from tests.remote.redis_server import NO_SERVER, RedisServer, redis_binary, start_redis

TEAM_KEY = "team-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if redis_binary() is None:
        pytest.skip(NO_SERVER)
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_db(redis_server: RedisServer) -> RedisServer:
    """The session's server, emptied for this test."""
    redis_server.client().flushall()
    return redis_server


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests decide themselves whether they look like a pull-request build."""
    for guard, var, _ in PULL_REQUEST_SIGNALS:
        monkeypatch.delenv(var, raising=False)
        if guard:
            monkeypatch.delenv(guard, raising=False)
