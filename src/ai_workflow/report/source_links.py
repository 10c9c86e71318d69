"""Where a finding's file and line can be opened: a URL template for the HTML report.

`report.source_url` wins (placeholders `{path}`, `{line}`, `{commit}`, `{branch}`); else one is
derived from the git remote when it is on GitHub, GitLab or Bitbucket (at the run's commit, so a
CI artifact links to the code it checked); else the report links to the files relative to itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ai_workflow.gitutil import GitError, git

_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!/).+)$")
"""`git@github.com:owner/repo.git`: the scp-like syntax of ssh remotes."""

HOST_SUFFIXES = (
    ("github", "/blob/{commit}/{path}#L{line}"),
    ("gitlab", "/-/blob/{commit}/{path}#L{line}"),
    ("bitbucket", "/src/{commit}/{path}#lines-{line}"),
)
"""Forges by a word of their host name (github.com, gitlab.example.org), and their file URLs."""


@dataclass(frozen=True)
class SourceLinks:
    """`template` has `{path}` and `{line}` left for the viewer; None means relative links."""

    template: str | None
    origin: str  # how the template was chosen, for the report's header

    def to_dict(self) -> dict[str, str | None]:
        return {"template": self.template, "origin": self.origin}


def source_links(
    target: Path, configured: str | None, commit: str | None, branch: str | None
) -> SourceLinks:
    if configured:
        return SourceLinks(_fill(configured, commit, branch), "report.source_url")
    remote = _remote_url(target)
    base = web_base(remote) if remote else None
    if base is None or not commit:
        return SourceLinks(None, "files next to this report (no GitHub/GitLab remote)")
    host = urlsplit(base).hostname or ""
    suffix = next((fmt for name, fmt in HOST_SUFFIXES if name in host), None)
    if suffix is None:
        return SourceLinks(None, f"files next to this report ({host} is not a known forge)")
    template = base + suffix.replace("{path}", _repo_prefix(target) + "{path}", 1)
    return SourceLinks(_fill(template, commit, branch), f"the git remote, at commit {commit[:12]}")


def _fill(template: str, commit: str | None, branch: str | None) -> str | None:
    """`{commit}` and `{branch}` filled in now; None when the run does not know one it needs."""
    if ("{commit}" in template and not commit) or ("{branch}" in template and not branch):
        return None
    return template.replace("{commit}", commit or "").replace("{branch}", branch or "")


def web_base(remote: str) -> str | None:
    """The https address of a repository from its remote URL (ssh, scp-like or http), without
    any credentials the URL carries; None for a local path."""
    match = _SCP_LIKE.match(remote)
    if match and "://" not in remote:
        host, path = match.group("host"), match.group("path")
    else:
        parts = urlsplit(remote)
        if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    path = path.strip("/").removesuffix(".git")
    if not path:
        return None
    return f"https://{host}/{path}"


def _remote_url(target: Path) -> str | None:
    try:
        names = git(target, "remote").split()
        if not names:
            return None
        name = "origin" if "origin" in names else names[0]
        return git(target, "remote", "get-url", name).strip() or None
    except GitError:
        return None


def _repo_prefix(target: Path) -> str:
    """The target's directory inside its repository (`sub/dir/`), since findings' paths are
    relative to the target."""
    try:
        return git(target, "rev-parse", "--show-prefix").strip()
    except GitError:
        return ""
