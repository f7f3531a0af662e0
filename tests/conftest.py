import os

import pytest

from tests.factories import build_site


@pytest.fixture
def site_tree(db):
    """(home, network index) of a fresh site."""
    return build_site()


def unavailable(message):
    """A needed service is missing: skip locally, but fail in CI, which must provide everything."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_env(name, what):
    """The value of the environment variable `name`, which points a test at a service such as PostgreSQL."""
    value = os.environ.get(name)
    if not value:
        unavailable(f"{what} is not available: set {name} (.ci/run does)")
    return value
