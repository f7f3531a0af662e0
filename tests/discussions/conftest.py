import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import Client

from config.origins import SameOriginValidator
from discussions.routing import websocket_urlpatterns
from networks.access import forget_networks


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits, presence and access versions live in the cache, and each process remembers networks' slugs and
    states for a while: every test starts without them."""
    cache.clear()
    forget_networks()


def signed_in(user):
    """A test client signed in as `user` with a session of its own, as one browser is."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def connect():
    """connect(user, network, browser=None) → a WebsocketCommunicator through the real ASGI stack (origin check,
    the session cookie), with the session of `browser` (a signed-in test client) or a new one. Tests disconnect
    what they open."""

    async def open_socket(user, network, origin=b"http://localhost", browser=None):
        headers = [(b"host", b"localhost"), (b"origin", origin), (b"accept-language", b"fi")]
        if browser is None and user is not None:
            browser = await sync_to_async(signed_in)(user)
        if browser is not None:
            headers.append((b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode()))
        application = SameOriginValidator(URLRouter(websocket_urlpatterns))
        communicator = WebsocketCommunicator(application, f"/ws/networks/{network.slug}/", headers=headers)
        connected, _subprotocol = await communicator.connect()
        return communicator, connected

    return open_socket
