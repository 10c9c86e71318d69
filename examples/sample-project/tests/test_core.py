import pytest

from minicalc import add, mean, subtract


def test_add() -> None:
    assert add(2, 3) == 5


def test_subtract() -> None:
    assert subtract(5, 3) == 2


def test_mean() -> None:
    assert mean([1, 2, 3]) == 2.0


def test_mean_of_nothing() -> None:
    with pytest.raises(ValueError):
        mean([])
