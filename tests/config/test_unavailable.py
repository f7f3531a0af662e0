"""A database that does not answer gives a friendly 503 with Retry-After, never a 500, and needs no database to
render it."""

import pytest
from django.db import OperationalError
from django.test import Client

from config.unavailable import RETRY_AFTER_SECONDS


def unreachable(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.content.decode()
    assert "Palvelu on hetken poissa käytöstä" in body
    assert 'class="site-header"' in body and "css/site" in body


@pytest.mark.django_db
def test_a_page_whose_view_cannot_reach_the_database_is_a_503(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("wagtail.models.Site.find_for_request", unreachable)
    with django_assert_num_queries(0):
        response = Client(raise_request_exception=False).get("/")
    assert_friendly_503(response)


@pytest.mark.django_db
def test_a_middleware_that_cannot_reach_the_database_is_a_503_too(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("config.middleware.SecurityHeadersMiddleware.__call__", unreachable)
    with django_assert_num_queries(0):
        response = Client(raise_request_exception=False).get("/")
    assert_friendly_503(response)


@pytest.mark.django_db
def test_other_failures_are_still_a_500(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("wagtail.models.Site.find_for_request", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
