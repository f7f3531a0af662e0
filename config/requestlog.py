"""One log line per request and per websocket connect and close, each with its request id (core.logs).

`RequestLogMiddleware` (the second middleware, after config.ops) gives the request its id, returns it as
X-Request-ID, logs the request's line and times it in the request latency histogram by view name.
`WebsocketLog` wraps the websocket application in config/asgi.py: a line when the socket is accepted and one
when it closes (with the close code and how long it was open); every line the consumer logs meanwhile carries
the socket's id. Neither logs a query string, a cookie, a user or what was said.
"""

import logging
import time

from django.conf import settings

from core import metrics
from core.logs import REQUEST_ID, loggable_path, request_id

logger = logging.getLogger(__name__)


def view_name(request) -> str:
    """The label of the latency histogram: the URL pattern's view name, never the URL itself."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if request.path.startswith(settings.STATIC_URL):
        return "static"  # answered by whitenoise before URL resolution
    return "unresolved"


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id(request.headers.get("X-Request-ID"))
        token = REQUEST_ID.set(request.request_id)
        try:
            response = self.get_response(request)
            seconds = time.monotonic() - started
            view = view_name(request)
            metrics.REQUEST_SECONDS.labels(view).observe(seconds)
            metrics.RESPONSES.labels(f"{response.status_code // 100}xx").inc()
            response.headers["X-Request-ID"] = request.request_id
            fields = {"method": request.method, "path": loggable_path(request), "view": view}
            fields |= {"status": response.status_code, "ms": round(seconds * 1000, 1)}
            logger.info("request", extra={"fields": fields})
            return response
        finally:
            REQUEST_ID.reset(token)


class WebsocketLog:
    """ASGI middleware for websockets: the connect and close lines, and the socket's request id."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        # This frame lives as long as the socket: it keeps no more than it needs (no copy of the headers).
        incoming = next((value for name, value in scope.get("headers", []) if name == b"x-request-id"), b"")
        token = REQUEST_ID.set(request_id(incoming.decode("latin1")))
        path = scope.get("path", "")
        opened = None
        close_code = None

        async def logged_send(message):
            nonlocal opened, close_code
            kind = message["type"]
            if kind == "websocket.accept":
                opened = time.monotonic()
                logger.info("websocket.connect", extra={"fields": {"path": path}})
            elif kind == "websocket.close" and close_code is None:
                close_code = message.get("code", 1000)
            await send(message)

        async def logged_receive():
            nonlocal close_code
            message = await receive()
            if message["type"] == "websocket.disconnect" and close_code is None:
                close_code = message.get("code", 1005)
            return message

        try:
            return await self.application(scope, logged_receive, logged_send)
        finally:
            fields = {"path": path, "code": close_code}
            if opened is None:
                fields["refused"] = "handshake"
            else:
                fields["seconds"] = round(time.monotonic() - opened, 1)
            logger.info("websocket.close", extra={"fields": fields})
            REQUEST_ID.reset(token)
