"""The production configuration end to end: PostgreSQL, Redis and two daphne processes.

The site is migrated and loaded with the demo content on a fresh PostgreSQL database, then served
by two daphne processes sharing Redis, exactly as site/deploy/ describes (the fixtures are in conftest.py).
"""

import urllib.request
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.integration


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.status, response.headers, response.read().decode()


@pytest.mark.parametrize("path", ["/", "/verkostot/", "/verkostot/lean/", "/saavutettavuusseloste/"])
def test_both_processes_serve_the_demo_site(two_servers, path):
    for base in two_servers:
        status, headers, body = get(base + path)
        assert status == 200
        assert "Content-Security-Policy" in headers
        assert "Verkostamo" in body


def test_static_files_are_served_by_whitenoise_with_hashed_names(two_servers):
    _status, _headers, body = get(two_servers[0] + "/")
    css = next(part.split('"')[0] for part in body.split('href="') if part.startswith("/static/css/site."))
    assert css != "/static/css/site.css", "production serves hashed, cacheable file names"
    status, headers, _body = get(two_servers[1] + css)
    assert status == 200
    assert "max-age" in headers.get("Cache-Control", "")


def test_finnish_full_text_search_on_postgresql(two_servers):
    """PostgreSQL's Finnish configuration stems words: an inflected form finds the base form."""
    _status, _headers, body = get(two_servers[0] + "/haku/?q=Lean")
    assert "Leanin avulla" in body
    _status, _headers, body = get(two_servers[1] + "/haku/?q=" + quote("ikäjohtamisesta"))
    assert "Ikäjohtaminen" in body
