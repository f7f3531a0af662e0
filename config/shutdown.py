"""A daphne process told to stop (SIGTERM) says goodbye to its websockets with 1012 (service restart).

Left to itself, daphne stops its reactor at once on SIGTERM and the clients see their sockets drop (1006) with no
close frame. Here SIGTERM instead
1. stops listening, so the load balancer sends new connections to the other processes;
2. sends every open websocket a close frame with 1012 — the browser client reconnects at once, with jitter, and
   syncs what it missed (docs/realtime.md);
3. waits, at most SHUTDOWN_GRACE_SECONDS, until the sockets' disconnects have run (`drained`: groups left,
   presence written), then stops the reactor as daphne would. A second SIGTERM stops at once.

autobahn's `sendClose` accepts only 1000 and 3000-4999 from applications, which is why the frame is sent through
the protocol's `sendCloseFrame`, as daphne itself does for 1011.
"""

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from django.conf import settings

logger = logging.getLogger(__name__)

CLOSE_SERVICE_RESTART = 1012


def install(drained: Callable[[float], Awaitable[None]]) -> None:
    """Takes over SIGTERM once daphne's reactor runs. Does nothing outside daphne (tests, other servers)."""
    if "twisted.internet.reactor" not in sys.modules or "daphne.server" not in sys.modules:
        return
    from twisted.internet import reactor

    stopping = []

    def on_sigterm(signum, frame):
        if stopping:
            reactor.callFromThread(reactor.stop)
            return
        stopping.append(True)
        reactor.callFromThread(lambda: asyncio.ensure_future(stop(reactor, drained)))

    # After daphne's reactor has installed its own handlers, which stop at once.
    reactor.callWhenRunning(signal.signal, signal.SIGTERM, on_sigterm)


async def stop(reactor, drained: Callable[[float], Awaitable[None]]) -> None:
    try:
        websockets = say_goodbye(reactor)
        logger.warning("Stopping: closed %s websockets with %s", websockets, CLOSE_SERVICE_RESTART)
        await drained(settings.SHUTDOWN_GRACE_SECONDS)
    finally:
        reactor.stop()


def say_goodbye(reactor) -> int:
    """Stops listening and sends every open websocket a 1012 close frame; how many were open."""
    from autobahn.websocket.protocol import WebSocketProtocol
    from twisted.internet.tcp import Port

    closed = 0
    for reader in reactor.getReaders():
        if isinstance(reader, Port):
            reader.stopListening()
            continue
        protocol = getattr(reader, "protocol", None)
        if isinstance(protocol, WebSocketProtocol) and protocol.state == WebSocketProtocol.STATE_OPEN:
            protocol.sendCloseFrame(code=CLOSE_SERVICE_RESTART)
            # From now on daphne drops what the consumer still sends (a fan-out frame arriving before the client's
            # close answer), as it does for any closed socket, instead of raising in the consumer.
            protocol.server.protocol_disconnected(protocol)
            closed += 1
    return closed
