"""Statistics helpers (not yet covered by tests)."""

from collections.abc import Sequence


def spread(values: Sequence[float]) -> float:
    """Return the difference between the largest and the smallest value."""
    return max(values) - min(values)


def midrange(values: Sequence[float]):
    return (max(values) + min(values)) / 2
