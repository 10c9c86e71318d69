"""What the shared team cache is set to for one run: URL, mode, namespace, signing key.

The mode `auto` reads the CI's environment: a build of a pull request (or merge request) only
reads the remote cache, so code nobody has reviewed cannot plant results for trusted branches;
every other build (and a developer's machine) reads and writes. Entries are signed with the key
in `AI_WORKFLOW_CACHE_KEY` (`cache.remote_key_env`); without it the remote cache is off, since
unsigned entries are never used.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from ai_workflow.config import Config, safe_url
from ai_workflow.gitutil import GitError, git

MIN_KEY_CHARS = 16

Mode = Literal["read-write", "read-only"]


def _set(value: str) -> bool:
    return bool(value.strip())


def _not_false(value: str) -> bool:
    return value.strip().lower() not in ("", "false")


PULL_REQUEST_SIGNALS: tuple[tuple[str | None, str, Callable[[str], bool]], ...] = (
    # (variable that must be set for the rule to apply, variable, test of its value)
    (None, "GITHUB_EVENT_NAME", lambda v: v in ("pull_request", "pull_request_target")),
    (None, "CI_MERGE_REQUEST_IID", _set),  # GitLab
    (None, "BUILDKITE_PULL_REQUEST", _not_false),
    (None, "CIRCLE_PULL_REQUEST", _set),
    (None, "TRAVIS_PULL_REQUEST", _not_false),
    (None, "SYSTEM_PULLREQUEST_PULLREQUESTID", _set),  # Azure Pipelines
    (None, "BITBUCKET_PR_ID", _set),
    ("JENKINS_URL", "CHANGE_ID", _set),  # Jenkins multibranch
)


def pull_request_build(environ: Mapping[str, str]) -> str | None:
    """`VAR=value` of the variable that says this is a CI build of a pull request, or None."""
    for guard, var, test in PULL_REQUEST_SIGNALS:
        if guard is not None and not environ.get(guard):
            continue
        value = environ.get(var)
        if value is not None and test(value):
            return f"{var}={value[:60]}"
    return None


@dataclass(frozen=True)
class RemoteSettings:
    url: str
    mode: Mode
    why_mode: str  # "configured" or the pull-request variable that made it read-only
    cluster: bool
    namespace: str
    prefix: str
    ttl_s: int
    max_entry_bytes: int
    timeout_s: float
    key: bytes
    password: str | None
    ca_file: str | None = None  # for rediss://, relative to the target

    @property
    def shown_url(self) -> str:
        return safe_url(self.url)


def resolve_settings(
    target: Path, config: Config, environ: Mapping[str, str]
) -> RemoteSettings | str | None:
    """The settings; None when no remote cache is configured (or it is off); a message when one
    is configured but cannot be used (no signing key)."""
    cache = config.cache
    if not cache.remote or cache.remote_mode == "off":
        return None
    key = environ.get(cache.remote_key_env, "")
    if len(key) < MIN_KEY_CHARS:
        state = "is not set" if not key else f"is shorter than {MIN_KEY_CHARS} characters"
        return (
            f"the remote cache {safe_url(cache.remote)} is off: {cache.remote_key_env} {state} "
            "(entries are signed with it; set the same secret on every runner)"
        )
    mode: Mode = "read-write"
    why = "configured"
    if cache.remote_mode == "read-only":
        mode = "read-only"
    elif cache.remote_mode == "auto":
        signal = pull_request_build(environ)
        if signal is not None:
            mode, why = "read-only", f"pull request build ({signal})"
    password = environ.get(cache.remote_password_env) if cache.remote_password_env else None
    return RemoteSettings(
        url=cache.remote,
        mode=mode,
        why_mode=why,
        cluster=cache.remote_cluster,
        namespace=cache.remote_namespace or repository_namespace(target, config),
        prefix=cache.remote_prefix,
        ttl_s=max(1, round(cache.remote_ttl_hours * 3600)),
        max_entry_bytes=cache.remote_max_entry_kb * 1024,
        timeout_s=cache.remote_timeout_s,
        key=key.encode("utf-8"),
        password=password or None,
        ca_file=str(target / cache.remote_ca_file) if cache.remote_ca_file else None,
    )


def repository_namespace(target: Path, config: Config) -> str:
    """The same for every clone of one repository: its `origin` URL (normalised, so that the
    https and ssh spellings agree), else its root commit (not in a shallow clone, where the
    root is wherever the history was cut), else the project's name."""
    identity = _origin(target) or _root_commit(target) or (config.project.name or target.name)
    return f"repo-{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:16]}"


def _origin(target: Path) -> str | None:
    try:
        url = git(target, "config", "--get", "remote.origin.url").strip()
    except GitError:
        return None
    if not url:
        return None
    scp = re.match(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$", url)  # git@host:owner/repo.git
    if scp and "://" not in url:
        host, path = scp.group(1), scp.group(2)
    else:
        parts = urlsplit(url)
        host, path = (parts.hostname or ""), parts.path
    path = path.strip("/").removesuffix(".git")
    return f"{host.lower()}/{path}" if host else path


def _root_commit(target: Path) -> str | None:
    try:
        if git(target, "rev-parse", "--is-shallow-repository").strip() == "true":
            return None
        roots = sorted(git(target, "rev-list", "--max-parents=0", "HEAD").split())
    except GitError:
        return None
    return roots[0] if roots else None
