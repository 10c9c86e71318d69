"""`ai-workflow cache stats|clear|prune`: inspect and manage the AI response cache.

They work on a damaged cache too: it is moved aside with a warning and a fresh one is used
(see `ai.cache`); `clear` also removes the damaged copies moved aside earlier. `stats` also
shows the shared team cache (`cache.remote`: reachable or not) and, from the recorded runs,
local and remote hits, bytes transferred and time saved.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from ai_workflow.ai.cache import EVICTION_POLICY, ResponseCache
from ai_workflow.app import load_target_config
from ai_workflow.cli import add_target
from ai_workflow.config import AIConfig, Config
from ai_workflow.engine.metrics import read_history
from ai_workflow.errors import UsageError
from ai_workflow.remote import RemoteCache, RemoteSettings
from ai_workflow.remote.settings import resolve_settings
from ai_workflow.workdir import workdir

NAME = "cache"
HELP = "show, prune or clear the AI response cache of a target"
ACTIONS = ("stats", "clear", "prune")
ACTIONS_HELP = (
    "stats: entries, size and settings; prune: drop expired entries and evict to the size "
    "limit; clear: drop every entry"
)
MB = 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=ACTIONS, help=ACTIONS_HELP)
    parser.set_defaults(cache_parser=parser)
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def open_cache(target: Path, ai: AIConfig) -> tuple[ResponseCache, dict[str, Any]]:
    cache = ResponseCache(
        workdir(target) / "ai_cache",
        ttl_s=ai.cache_ttl_hours * 3600,
        max_bytes=int(ai.cache_max_mb * MB),
    )
    settings = {
        "ttl_hours": ai.cache_ttl_hours,
        "max_mb": ai.cache_max_mb,
        "eviction_policy": EVICTION_POLICY,
    }
    return cache, settings


def _stats(cache: ResponseCache, settings: dict[str, Any]) -> dict[str, Any]:
    stats = cache.stats()
    entries = cache.entries() if cache.directory.is_dir() else []
    saved = sum(e["usage"]["tokens_in"] + e["usage"]["tokens_out"] for e in entries)
    by_model: dict[str, int] = {}
    for entry in entries:
        model = str(entry.get("model") or "default")
        by_model[model] = by_model.get(model, 0) + 1
    return {
        **stats,
        "settings": settings,
        "tokens_stored": saved,
        "by_model": by_model,
        "oldest": min((e["created"] for e in entries), default=None),
        "newest": max((e["created"] for e in entries), default=None),
        "damaged_copies": [p.name for p in cache.damaged_copies()],
    }


def usage(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Cache use over the recorded runs: local and remote hits, bytes, time saved."""
    totals = dict.fromkeys(
        ("ai_local_hits", "ai_remote_hits", "steps_reused", "remote_hits", "remote_misses",
         "bytes_read", "bytes_written"), 0
    )  # fmt: skip
    saved = 0.0
    for run in history:
        ai = _mapping(run.get("ai"))
        remote_hits = _number(ai.get("remote_hits"))
        totals["ai_remote_hits"] += remote_hits
        totals["ai_local_hits"] += max(0, _number(ai.get("cache_hits")) - remote_hits)
        steps = run["steps"] if isinstance(run.get("steps"), list) else []
        totals["steps_reused"] += sum(
            1 for s in steps if isinstance(s, dict) and s.get("status") == "reused"
        )
        remote = _mapping(run.get("remote_cache"))
        for key, name in (("remote_hits", "hits"), ("remote_misses", "misses")):
            totals[key] += _number(remote.get(name))
        for key in ("bytes_read", "bytes_written"):
            totals[key] += _number(remote.get(key))
        saved += float(_number(remote.get("time_saved_s"), float))
    return {"runs": len(history), **totals, "remote_time_saved_s": round(saved, 3)}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any, kind: type = int) -> Any:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return kind(value) if ok else kind(0)


def remote_status(target: Path, config: Config) -> dict[str, Any] | None:
    """The configured team cache and whether it answers now; None when none is set."""
    settings = resolve_settings(target, config, os.environ)
    if settings is None:
        return None
    if isinstance(settings, str):
        return {"usable": False, "problem": settings}
    remote = RemoteCache(settings)
    try:
        seconds = remote.ping()
    finally:
        remote.close()
    return {"usable": seconds is not None, **_describe(settings)} | (
        {"ping_ms": round(seconds * 1000, 2)}
        if seconds is not None
        else {"problem": remote.stats()["warning"]}
    )


def _describe(settings: RemoteSettings) -> dict[str, Any]:
    return {
        "url": settings.shown_url,
        "mode": settings.mode,
        "mode_reason": settings.why_mode,
        "namespace": settings.namespace,
        "ttl_hours": settings.ttl_s / 3600,
        "max_entry_kb": settings.max_entry_bytes // 1024,
    }


def run(args: argparse.Namespace) -> int:
    if args.action is None:  # the actions and the usage, rather than argparse's bare complaint
        actions = ACTIONS_HELP.replace("; ", "\n  ")
        usage_line = args.cache_parser.format_usage().strip()
        raise UsageError(f"cache needs an action:\n  {actions}\n{usage_line}")
    target, config = load_target_config(args, lenient=True)
    cache, settings = open_cache(target, config.ai)
    try:
        if args.action == "stats":
            result: dict[str, Any] = {"action": "stats", **_stats(cache, settings)}
            result["remote"] = remote_status(target, config)
            result["usage"] = usage(read_history(target))
        elif args.action == "clear":
            removed = cache.clear() if os.path.lexists(cache.directory) else 0
            damaged = cache.remove_damaged_copies()
            result = {"action": "clear", "removed": removed, **cache.stats()}
            result["damaged_copies_removed"] = damaged
        else:
            removed = cache.prune() if os.path.lexists(cache.directory) else 0
            result = {"action": args.action, "removed": removed, **cache.stats()}
    finally:
        cache.close()
    print(json.dumps(result, indent=2) if args.json else _human(result))
    return 0


def _human(result: dict[str, Any]) -> str:
    size = f"{result['size_bytes'] / MB:.2f} MB"
    where = result["directory"]
    if result["action"] != "stats":
        verb = "cleared" if result["action"] == "clear" else "pruned"
        damaged = result.get("damaged_copies_removed")
        also = f" and {damaged} damaged copies" if damaged else ""
        return (
            f"AI cache {verb}: {result['removed']} entries{also} removed; "
            f"{result['entries']} left ({size}) in {where}"
        )
    settings = result["settings"]
    models = ", ".join(f"{m}: {n}" for m, n in sorted(result["by_model"].items())) or "-"
    lines = [
        f"AI cache: {where}",
        f"  entries        {result['entries']} ({models})",
        f"  size           {size} of {settings['max_mb']:g} MB "
        f"({settings['eviction_policy']} eviction)",
        f"  ttl            {settings['ttl_hours']:g} h",
        f"  tokens stored  {result['tokens_stored']} (what hits on these entries save)",
    ]
    if result["damaged_copies"]:
        copies = ", ".join(result["damaged_copies"])
        lines.append(f"  damaged copies {copies} ('cache clear' removes them)")
    return "\n".join([*lines, *_remote_lines(result.get("remote"), result.get("usage"))])


def _remote_lines(remote: dict[str, Any] | None, used: dict[str, Any] | None) -> list[str]:
    lines = []
    if remote is not None and "url" not in remote:
        lines.append(f"Team cache: {remote['problem']}")
    elif remote is not None:
        state = f"reachable ({remote['ping_ms']} ms)" if remote["usable"] else remote["problem"]
        lines += [
            f"Team cache: {remote['url']} ({remote['mode']}, namespace {remote['namespace']})",
            f"  state          {state}",
            f"  ttl / cap      {remote['ttl_hours']:g} h / {remote['max_entry_kb']} KB per entry",
        ]
    if used and used["runs"]:
        lines += [
            f"Recorded runs: {used['runs']}",
            f"  AI hits        local {used['ai_local_hits']}, remote {used['ai_remote_hits']}",
            f"  steps reused   {used['steps_reused']} (remote hits of steps and answers: "
            f"{used['remote_hits']}, misses {used['remote_misses']})",
            f"  transferred    {used['bytes_read'] / 1e3:.1f} kB read, "
            f"{used['bytes_written'] / 1e3:.1f} kB written",
            f"  time saved     {used['remote_time_saved_s']:.1f} s by remote hits",
        ]
    return lines
