import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.origins import SameOriginValidator
from discussions.routing import websocket_urlpatterns


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def connect():
    """connect(user, network) → a WebsocketCommunicator through the real ASGI stack (origin check, session
    auth). Tests disconnect what they open."""

    async def open_socket(user, network, origin=b"http://localhost", expect_close=None):
        headers = [(b"host", b"localhost"), (b"origin", origin), (b"accept-language", b"fi")]
        if user is not None:
            cookie = await sync_to_async(session_cookie)(user)
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        application = SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        communicator = WebsocketCommunicator(application, f"/ws/networks/{network.slug}/", headers=headers)
        connected, _subprotocol = await communicator.connect()
        return communicator, connected

    return open_socket
