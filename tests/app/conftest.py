"""Fixtures of the AppTests and the cached-layer tests."""

import pytest


@pytest.fixture
def cached(app_env):
    from ui import cached

    cached.clear()
    yield cached
    cached.clear()
