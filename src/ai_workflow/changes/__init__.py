"""Smart execution: git change detection, classification, impact, skip policy, fingerprints."""

from __future__ import annotations

from ai_workflow.changes.classify import CATEGORIES, Classifier
from ai_workflow.changes.detect import Base, ChangeSet, detect_changes
from ai_workflow.changes.plan import Decision, SmartPlan, build_skip_policy

__all__ = [
    "CATEGORIES",
    "Base",
    "ChangeSet",
    "Classifier",
    "Decision",
    "SmartPlan",
    "build_skip_policy",
    "detect_changes",
]
