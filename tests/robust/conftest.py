from tests.engine.conftest import custom_repo

__all__ = ["custom_repo"]
