"""Smart execution: git change detection, classification, impact, skip policy, fingerprints.

The engine calls `build_skip_policy` (before a run with `run.smart_execution`) and
`build_step_cache` (to reuse steps whose fingerprint is unchanged).
"""

from __future__ import annotations

from ai_workflow.changes.cache import FingerprintCache, build_step_cache
from ai_workflow.changes.classify import CATEGORIES, Classifier
from ai_workflow.changes.detect import Base, ChangeSet, detect_changes
from ai_workflow.changes.explain import Explanation, explain_step
from ai_workflow.changes.fingerprint import Fingerprint, cacheable
from ai_workflow.changes.plan import Decision, SmartPlan, build_skip_policy

__all__ = [
    "CATEGORIES",
    "Base",
    "ChangeSet",
    "Classifier",
    "Decision",
    "Explanation",
    "Fingerprint",
    "FingerprintCache",
    "SmartPlan",
    "build_skip_policy",
    "build_step_cache",
    "cacheable",
    "detect_changes",
    "explain_step",
]
