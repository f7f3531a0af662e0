"""The websocket handshake accepts only this site's own origin: scheme, host and port, behind the proxy too."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import RequestFactory

from config.origins import SameOriginValidator, websocket_origin


async def accepting(scope, receive, send):
    """A websocket application that accepts every connection (and needs no database)."""
    await receive()
    await send({"type": "websocket.accept"})
    while (await receive())["type"] != "websocket.disconnect":
        pass


async def handshake(headers, scheme="ws"):
    communicator = WebsocketCommunicator(SameOriginValidator(accepting), "/ws/networks/lean/", headers)
    communicator.scope["scheme"] = scheme
    connected, _subprotocol = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = ["verkostamo.example.fi", "localhost"]
    settings.SECURE_PROXY_SSL_HEADER = None


@pytest.mark.parametrize(
    ("host", "origin", "accepted"),
    [
        (b"localhost", b"http://localhost", True),
        (b"localhost:8000", b"http://localhost:8000", True),
        (b"localhost", b"http://localhost:80", True),  # the default port, spelled out
        (b"LOCALHOST:8000", b"http://localhost:8000", True),
        (b"localhost:8000", b"https://localhost:8000", False),  # another scheme
        (b"localhost:8000", b"http://localhost:8001", False),  # another port
        (b"localhost:8000", b"http://localhost", False),
        (b"localhost", b"http://evil.example", False),
        (b"localhost", b"http://localhost.evil.example", False),
        (b"localhost", b"http://sub.localhost", False),
        (b"localhost", b"null", False),
        (b"localhost", b"http://localhost/path", False),
        (b"localhost", b"http://user@localhost", False),
        (b"localhost", b"http://localhost:notaport", False),
        (b"evil.example", b"http://evil.example", False),  # the Host must be ours as well
        (b"", b"http://localhost", False),
    ],
)
@pytest.mark.asyncio
async def test_the_origin_must_be_the_sites_own(site, host, origin, accepted):
    assert await handshake([(b"host", host), (b"origin", origin)]) is accepted


@pytest.mark.asyncio
async def test_a_missing_or_repeated_origin_is_refused(site):
    assert not await handshake([(b"host", b"localhost")])
    assert not await handshake([(b"host", b"localhost"), (b"origin", b"http://localhost")] * 2)


@pytest.mark.asyncio
async def test_over_tls_the_origin_is_https(site):
    headers = [(b"host", b"verkostamo.example.fi")]
    assert await handshake([*headers, (b"origin", b"https://verkostamo.example.fi")], scheme="wss")
    assert not await handshake([*headers, (b"origin", b"http://verkostamo.example.fi")], scheme="wss")


@pytest.mark.asyncio
async def test_behind_the_trusted_proxy_its_forwarded_scheme_counts(site, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as in production.py
    headers = [(b"host", b"verkostamo.example.fi"), (b"x-forwarded-proto", b"https")]
    assert await handshake([*headers, (b"origin", b"https://verkostamo.example.fi")])
    # A page served over plain http of the same host cannot open the socket.
    assert not await handshake([*headers, (b"origin", b"http://verkostamo.example.fi")])
    plain = [(b"host", b"verkostamo.example.fi"), (b"x-forwarded-proto", b"http")]
    assert not await handshake([*plain, (b"origin", b"https://verkostamo.example.fi")])


@pytest.mark.asyncio
async def test_without_a_trusted_proxy_a_forwarded_scheme_is_ignored(site):
    headers = [(b"host", b"verkostamo.example.fi"), (b"x-forwarded-proto", b"https")]
    assert not await handshake([*headers, (b"origin", b"https://verkostamo.example.fi")])
    assert await handshake([*headers, (b"origin", b"http://verkostamo.example.fi")])


def test_the_csp_names_the_websocket_origin_the_page_came_from(settings):
    settings.ALLOWED_HOSTS = ["verkostamo.example.fi", "localhost"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    factory = RequestFactory()
    assert websocket_origin(factory.get("/", HTTP_HOST="localhost:8000")) == "ws://localhost:8000"
    secure = factory.get("/", HTTP_HOST="verkostamo.example.fi", HTTP_X_FORWARDED_PROTO="https")
    assert websocket_origin(secure) == "wss://verkostamo.example.fi"
    assert websocket_origin(factory.get("/", HTTP_HOST="evil.example")) is None
