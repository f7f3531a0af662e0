import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.errors import ActionError
from tests.factories import build_site


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Finnish: a request through LocaleMiddleware leaves its language active in the
    thread, which would otherwise leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


ROLES = ("anonymous", "outsider", "other_member", "member", "contact", "facilitator", "staff")


@pytest.fixture
def network_people(site_tree):
    """A network, another network, and one person in each role of the permission matrix.

    Returns (network, other_network, people) where people maps each name in ROLES to a user
    (None for anonymous).
    """
    from tests.factories import make_membership, make_network, make_organisation, make_user

    _home, index = site_tree
    organisation = make_organisation("Sipoon kunta")
    network = make_network(index, "Lean-verkosto", organisations=[organisation])
    other_network = make_network(index, "LATU-verkosto")
    people = {
        "anonymous": None,
        "outsider": make_user("ulkopuolinen@example.fi"),
        "other_member": make_membership(other_network, make_user("toinen@example.fi")).user,
        "member": make_membership(network, make_user("jasen@example.fi"), "member", organisation).user,
        "contact": make_membership(network, make_user("yhteys@example.fi"), "contact", organisation).user,
        "facilitator": make_membership(network, make_user("fasilitaattori@example.fi"), "facilitator").user,
        "staff": make_user("ohjelmatoimisto@example.fi", is_staff=True),
    }
    return network, other_network, people


def client_for(client, user):
    """The test client signed in as `user` (or anonymous for None)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def finnish():
    """Finnish, the source language, active in the test's thread whatever an earlier test left active: for
    tests that read messages made outside a request."""
    with translation.override("fi"):
        yield


def refused(code, action, *args, **kwargs):
    """Runs an action, which must refuse with an ActionError of `code` and a message, and must have queued
    nothing for after the commit (no e-mail, no news to open connections); returns the refusal."""
    with TestCase.captureOnCommitCallbacks() as queued, pytest.raises(ActionError) as refusal:
        action(*args, **kwargs)
    assert refusal.value.code == code, refusal.value.message
    assert str(refusal.value.message)
    assert queued == []
    return refusal.value


def assert_queries(expected, **measured):
    """Pins the queries of a page or an action measured at two (or more) data sizes: the same at every size
    (nothing grows with the data) and exactly `expected`, so that a regression adding a query everywhere
    shows too. E.g. assert_queries(7, small=small, large=large); `expected` may be a list or tuple."""
    assert all(value == expected for value in measured.values()), (
        f"expected {expected} queries at every size, measured {measured}"
    )


def queries_for(client, url):
    """Queries of one GET of `url`, after a first request has warmed what is filled once per process."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


ADMIN_ROLES = (*ROLES, "superuser")


@pytest.fixture
def admin_people(network_people):
    """network_people with a superuser added: the roles of the Wagtail admin's matrix (ADMIN_ROLES)."""
    from tests.factories import make_user

    network, other_network, people = network_people
    people = {**people, "superuser": make_user("paakayttaja@example.fi", is_staff=True, is_superuser=True)}
    return network, other_network, people
