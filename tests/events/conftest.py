import pytest
from django.core.cache import cache

from tests.events.factories import make_event_index


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits live in the cache (local memory in tests), which would otherwise carry over between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event_index(site_tree):
    home, _networks = site_tree
    return make_event_index(home)
