"""The team cache's configuration, mode, namespace and entry format (no server needed)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.cli import main
from ai_workflow.config import Config, load_config
from ai_workflow.remote.cache import MAGIC, SIG_BYTES, RemoteCache
from ai_workflow.remote.settings import (
    RemoteSettings,
    pull_request_build,
    repository_namespace,
    resolve_settings,
)
from tests.helpers import make_repo
from tests.remote.conftest import TEAM_KEY

KEY_ENV = {"AI_WORKFLOW_CACHE_KEY": TEAM_KEY}


def _config(**cache: Any) -> Config:
    return Config.model_validate({"cache": cache})


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    "url",
    [
        "redis://localhost:6379/0",
        "rediss://cache.example.com:6380/2",
        "redis://:secret@10.0.0.5",
        "unix:///run/redis/redis.sock",
        "redis://[::1]:6379/0",
        "",
    ],
)
def test_valid_urls(url: str) -> None:
    assert _config(remote=url).cache.remote == (url or None)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://localhost:6379", "unsupported scheme http:"),
        ("localhost:6379", "unsupported scheme localhost:"),
        ("redis://localhost:99999/0", "not a valid URL"),
        ("redis:///0", "no host"),
        ("redis://localhost:6379/cache", "the database must be a number"),
        ("unix://relative.sock", "absolute socket path"),
    ],
)
def test_a_bad_url_exits_2_with_a_clear_message(
    url: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = make_repo(tmp_path / "p", {"README.md": "# p\n"})
    (target / ".workflow-config.yaml").write_text(
        f"project:\n  name: p\ncache:\n  remote: '{url}'\n", encoding="utf-8"
    )
    assert main(["run", "--target", str(target), "--auto", "--steps", "pre_analysis"]) == 2
    err = capsys.readouterr().err
    assert ".workflow-config.yaml, line 4: cache.remote" in err and problem in err
    assert "Traceback" not in err and "redis://host:6379/0" in err  # says what would do


def test_the_environment_variable_is_checked_and_never_shows_a_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = make_repo(tmp_path / "p", {"README.md": "# p\n"})
    monkeypatch.setenv("AI_WORKFLOW_REMOTE_CACHE", "redis://:hunter2@host:6379/db0")
    assert main(["run", "--target", str(target), "--auto", "--steps", "pre_analysis"]) == 2
    err = capsys.readouterr().err
    assert "environment: cache.remote" in err and "hunter2" not in err and ":***@" in err


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "p", {"README.md": "# p\n"})
    (target / ".workflow-config.yaml").write_text(
        "cache:\n  remote: redis://file-host/0\n", encoding="utf-8"
    )
    env = {"AI_WORKFLOW_REMOTE_CACHE": "redis://env-host/1"}
    assert load_config(target, environ=env).cache.remote == "redis://env-host/1"
    assert load_config(target, environ={}).cache.remote == "redis://file-host/0"
    assert load_config(target, environ={"AI_WORKFLOW_REMOTE_CACHE": ""}).cache.remote is None


@pytest.mark.parametrize(
    ("cache", "message"),
    [
        ({"remote_mode": "write"}, "cache.remote_mode"),
        ({"remote_ttl_hours": 0}, "cache.remote_ttl_hours"),
        ({"remote_max_entry_kb": True}, "cache.remote_max_entry_kb"),
        ({"remote_key_env": "NOT A NAME"}, "cache.remote_key_env"),
        ({"remote_timeot_s": 1}, "did you mean 'cache.remote_timeout_s'"),
    ],
)
def test_other_bad_values_name_their_key(
    cache: dict[str, Any], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = make_repo(tmp_path / "p", {"README.md": "# p\n"})
    lines = "".join(
        f"  {k}: {v if not isinstance(v, bool) else 'true'}\n" for k, v in cache.items()
    )
    (target / ".workflow-config.yaml").write_text(f"cache:\n{lines}", encoding="utf-8")
    assert main(["run", "--target", str(target), "--auto"]) == 2
    assert message in capsys.readouterr().err


# --------------------------------------------------------------------------- mode and key


@pytest.mark.parametrize(
    ("environ", "signal"),
    [
        ({"GITHUB_EVENT_NAME": "pull_request"}, "GITHUB_EVENT_NAME=pull_request"),
        ({"GITHUB_EVENT_NAME": "pull_request_target"}, "GITHUB_EVENT_NAME"),
        ({"CI_MERGE_REQUEST_IID": "17"}, "CI_MERGE_REQUEST_IID=17"),
        ({"BUILDKITE_PULL_REQUEST": "42"}, "BUILDKITE_PULL_REQUEST"),
        ({"JENKINS_URL": "http://j", "CHANGE_ID": "3"}, "CHANGE_ID=3"),
        ({"SYSTEM_PULLREQUEST_PULLREQUESTID": "9"}, "SYSTEM_PULLREQUEST_PULLREQUESTID"),
    ],
)
def test_pull_request_builds_are_recognised(environ: dict[str, str], signal: str) -> None:
    found = pull_request_build(environ)
    assert found is not None and signal in found


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"GITHUB_EVENT_NAME": "push"},
        {"BUILDKITE_PULL_REQUEST": "false"},
        {"TRAVIS_PULL_REQUEST": "false"},
        {"CHANGE_ID": "3"},  # not Jenkins: someone else's variable
        {"CI_MERGE_REQUEST_IID": ""},
    ],
)
def test_other_builds_are_trusted(environ: dict[str, str]) -> None:
    assert pull_request_build(environ) is None


def test_mode_and_key(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "p", {"README.md": "# p\n"})
    url = "redis://localhost/0"
    assert resolve_settings(target, _config(), KEY_ENV) is None
    assert resolve_settings(target, _config(remote=url, remote_mode="off"), KEY_ENV) is None
    no_key = resolve_settings(target, _config(remote=url), {})
    assert isinstance(no_key, str) and "AI_WORKFLOW_CACHE_KEY is not set" in no_key
    short = resolve_settings(target, _config(remote=url), {"AI_WORKFLOW_CACHE_KEY": "abc"})
    assert isinstance(short, str) and "shorter than 16" in short
    pr = {**KEY_ENV, "GITHUB_EVENT_NAME": "pull_request"}
    auto = resolve_settings(target, _config(remote=url), pr)
    forced = resolve_settings(target, _config(remote=url, remote_mode="read-write"), pr)
    assert isinstance(auto, RemoteSettings) and auto.mode == "read-only"
    assert isinstance(forced, RemoteSettings) and forced.mode == "read-write"
    own_env = _config(remote=url, remote_key_env="TEAM_KEY", remote_password_env="REDIS_PW")
    custom = resolve_settings(target, own_env, {"TEAM_KEY": TEAM_KEY, "REDIS_PW": "pw"})
    assert isinstance(custom, RemoteSettings) and custom.password == "pw"


# --------------------------------------------------------------------------- namespace


def _with_origin(root: Path, url: str) -> Path:
    repo = make_repo(root, {"README.md": f"# {root.name}\n"})
    subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", url], check=True)
    return repo


def test_the_namespace_is_one_per_repository(tmp_path: Path) -> None:
    config = Config()
    https = _with_origin(tmp_path / "a", "https://github.com/Team/Project.git")
    ssh = _with_origin(tmp_path / "b", "git@github.com:Team/Project.git")
    other = _with_origin(tmp_path / "c", "https://github.com/Team/Other.git")
    assert repository_namespace(https, config) == repository_namespace(ssh, config)
    assert repository_namespace(https, config) != repository_namespace(other, config)
    # Without a remote: the root commit, the same in every full clone.
    plain = make_repo(tmp_path / "plain", {"README.md": "# x\n"})
    copy = tmp_path / "copy"
    subprocess.run(["git", "clone", "-q", str(plain), str(copy)], check=True)
    subprocess.run(["git", "-C", str(copy), "remote", "remove", "origin"], check=True)
    assert repository_namespace(plain, config) == repository_namespace(copy, config)
    named = Config.model_validate({"project": {"name": "demo"}})  # no git at all: the name
    (tmp_path / "elsewhere").mkdir()
    assert repository_namespace(tmp_path, named) == repository_namespace(
        tmp_path / "elsewhere", named
    )
    assert repository_namespace(tmp_path, named) != repository_namespace(tmp_path, config)
    custom = resolve_settings(https, _config(remote="redis://h/0", remote_namespace="t"), KEY_ENV)
    assert isinstance(custom, RemoteSettings) and custom.namespace == "t"


# --------------------------------------------------------------------------- entries


def _remote(**over: Any) -> RemoteCache:
    values: dict[str, Any] = {
        "url": "redis://localhost/0", "mode": "read-write", "why_mode": "configured",
        "cluster": False, "namespace": "repo-x", "prefix": "ai-workflow", "ttl_s": 60,
        "max_entry_bytes": 1 << 20, "timeout_s": 1.0, "key": TEAM_KEY.encode(),
        "password": None, **over,
    }  # fmt: skip
    return RemoteCache(RemoteSettings(**values))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(alphabet="abc xyz_-.,"),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text("abcd", max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(payload=JSON, flip=st.integers(min_value=0))
def test_an_entry_opens_only_unchanged_under_its_own_key(payload: Any, flip: int) -> None:
    remote = _remote()
    rkey = remote.redis_key("step", "k1")
    value = remote.seal(rkey, "step", "k1", payload)
    assert value.startswith(MAGIC)
    assert remote._open(rkey, "step", "k1", value) == payload
    damaged = bytearray(value)
    damaged[len(MAGIC) + flip % (len(value) - len(MAGIC))] ^= 0x20
    assert remote._open(rkey, "step", "k1", bytes(damaged)) is None
    other = remote.redis_key("step", "k2")  # copied under another key: refused
    assert remote._open(other, "step", "k2", value) is None
    assert _remote(key=b"another-key-0123456789")._open(rkey, "step", "k1", value) is None
    assert _remote(namespace="repo-y")._open(rkey, "step", "k1", value) is None


def test_rejections_are_counted() -> None:
    remote = _remote()
    rkey = remote.redis_key("ai", "k")
    assert remote._open(rkey, "ai", "k", b'{"payload": 1}') is None
    assert remote._open(rkey, "ai", "k", MAGIC + bytes(SIG_BYTES) + b"x" * 10) is None
    assert remote.stats()["rejected"] == {"unsigned": 1, "bad_signature": 1, "damaged": 0}


def test_read_only_and_oversized_entries_are_not_written() -> None:
    def never(settings: RemoteSettings) -> Any:
        raise AssertionError("no connection expected")

    read_only = RemoteCache(_remote(mode="read-only").settings, connector=never)
    assert read_only.put("step", "k", {"a": 1}) is False
    tiny = RemoteCache(_remote(max_entry_bytes=64).settings, connector=never)
    assert tiny.put("step", "k", {"text": "x" * 10_000 + "".join(map(str, range(500)))}) is False
    assert read_only.stats()["writes_skipped_read_only"] == 1
    assert tiny.stats()["writes_skipped_too_large"] == 1


def test_without_redis_py_one_warning_and_no_failure() -> None:
    from ai_workflow.remote.cache import RemoteUnavailable

    def missing(settings: RemoteSettings) -> Any:
        raise RemoteUnavailable("cache.remote needs redis-py: pip install 'ai-workflow[redis]'")

    remote = RemoteCache(_remote().settings, connector=missing)
    with pytest.warns(UserWarning, match=r"ai-workflow\[redis\]") as caught:
        assert remote.get("ai", "k") is None
        assert remote.put("ai", "k", {"a": 1}) is False
        assert remote.get("ai", "k2") is None
    assert len(caught) == 1 and remote.stats()["available"] is False
