"""SIGTERM's goodbye (config/shutdown.py): stop listening, close every open websocket with 1012. The whole of it,
signal included, runs in tests/integration/test_restarts.py; here the parts, with stand-ins for daphne's reactor."""

import asyncio

from autobahn.twisted.websocket import WebSocketServerProtocol
from twisted.internet.tcp import Port

from config import shutdown


class Transport:
    def __init__(self, protocol):
        self.protocol = protocol


class Server:
    """daphne's server: which protocols it counts as disconnected (it drops what their consumers still send)."""

    def __init__(self):
        self.disconnected = []

    def protocol_disconnected(self, protocol):
        self.disconnected.append(protocol)


def websocket(state, server):
    protocol = object.__new__(WebSocketServerProtocol)
    protocol.server = server
    protocol.state = state
    protocol.closed_with = []
    protocol.sendCloseFrame = lambda code: protocol.closed_with.append(code)
    return protocol


def listening_port():
    port = object.__new__(Port)
    port.stopped = False

    def stop():
        port.stopped = True

    port.stopListening = stop
    return port


class Reactor:
    def __init__(self, readers):
        self.readers = readers
        self.stopped = False

    def getReaders(self):  # noqa: N802 - Twisted's name
        return self.readers

    def stop(self):
        self.stopped = True


def test_the_goodbye_stops_listening_and_closes_open_websockets_with_1012():
    port, server = listening_port(), Server()
    open_socket, closing_socket = (
        websocket(WebSocketServerProtocol.STATE_OPEN, server),
        websocket(WebSocketServerProtocol.STATE_CLOSING, server),
    )
    reactor = Reactor([port, Transport(open_socket), Transport(closing_socket), Transport(object())])
    assert shutdown.say_goodbye(reactor) == 1
    assert port.stopped
    assert open_socket.closed_with == [1012]
    assert closing_socket.closed_with == []
    assert server.disconnected == [open_socket], "a frame sent after the goodbye is dropped, not raised"


def test_stopping_waits_for_the_sockets_then_stops_the_reactor(settings):
    settings.SHUTDOWN_GRACE_SECONDS = 3
    reactor = Reactor([])
    waited = []

    async def drained(timeout):
        waited.append(timeout)

    asyncio.run(shutdown.stop(reactor, drained))
    assert waited == [3]
    assert reactor.stopped
