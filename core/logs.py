"""Log lines: a request id on every line, JSON or readable text, and no personal data.

The request id of the request or websocket being served lives in a context variable (`REQUEST_ID`), so every
line logged while serving it carries the id, whichever module logs it. It comes from the reverse proxy's
X-Request-ID when there is a trusted proxy (TRUSTED_PROXY_COUNT) and the value is well formed, else it is made
here; config.requestlog sets it and returns it in the response, and a websocket consumer that is a `LoggedSocket`
sets it when the socket connects.

What must never reach a log: message text, e-mail addresses, names, session keys, query strings, and the tokens
and keys in some URLs (an invitation's token, an e-mail confirmation key, a password reset key). The request
lines hold only the method, the path with those URL parts replaced, the view's name, the status and the time;
every formatted line is also scrubbed of anything shaped like an e-mail address, tracebacks included, in case
an exception's text quotes one (a database's unique-key error does).
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
# nginx's $request_id is 32 hex digits; load balancers use UUIDs. Anything else is replaced by our own.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
EMAIL_ADDRESS = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# URL parameters that are secrets: the invitation's token, allauth's confirmation and password reset keys.
SECRET_URL_PARAMETERS = ("token", "key", "uidb36", "uidb64")
REDACTED = "[redacted]"

socket_logger = logging.getLogger(__name__)


def request_id(incoming: str | None) -> str:
    """The proxy's X-Request-ID when a proxy is trusted and the value well formed; else a new id."""
    if incoming and settings.ALLAUTH_TRUSTED_PROXY_COUNT > 0 and WELL_FORMED_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def scope_header(scope: dict, name: bytes) -> str:
    """An ASGI scope's header (lower-case name), decoded; empty if missing."""
    return next((value for key, value in scope.get("headers", []) if key == name), b"").decode("latin1")


def log_socket_closed(path: str, code: int, opened: float | None) -> None:
    """The websocket's close line: its code and how long it was open (`refused=handshake` if never accepted)."""
    fields: dict[str, object] = {"path": path, "code": code}
    if opened is None:
        fields["refused"] = "handshake"
    else:
        fields["seconds"] = round(time.monotonic() - opened, 1)
    socket_logger.info("websocket.close", extra={"fields": fields})


class LoggedSocket:
    """A websocket consumer's connect and close lines, and its request id on every line logged while it serves.

    In the consumer, not in an ASGI middleware around it: a middleware's frame, its wrapped send and receive and
    a coroutine per received message would live as long as the socket (about 1 KiB each, bench/fanout.py).
    The id is set in the consumer's own task when the socket connects, so it stays for the socket's handlers.
    """

    opened: float | None = None  # when the socket was accepted (time.monotonic)
    close_code: int | None = None  # the code the socket closed with, ours or the client's

    async def websocket_connect(self, message):
        REQUEST_ID.set(request_id(scope_header(self.scope, b"x-request-id")))
        await super().websocket_connect(message)

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol, headers)
        self.opened = time.monotonic()
        socket_logger.info("websocket.connect", extra={"fields": {"path": self.scope.get("path", "")}})

    async def close(self, code=None, reason=None):
        if self.close_code is None:
            self.close_code = code or 1000
        await super().close(code, reason)

    async def websocket_disconnect(self, message):
        if self.close_code is None:
            self.close_code = message.get("code", 1005)
        try:
            await super().websocket_disconnect(message)
        finally:
            log_socket_closed(self.scope.get("path", ""), self.close_code, self.opened)


def loggable_path(request) -> str:
    """The request's path (never its query string) with secret URL parameters replaced."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if any(secret in name for secret in SECRET_URL_PARAMETERS) and isinstance(value, str) and value:
                path = path.replace(value, REDACTED)
    return path


def scrub(text: str) -> str:
    return EMAIL_ADDRESS.sub("[email]", text)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class RedactRequestPath(logging.Filter):
    """Django's own request lines ("Not Found: /kutsu/<token>/") name the raw path: replace it with the loggable
    one, as in our request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path") and isinstance(record.args, tuple):
            path = loggable_path(request)
            record.args = tuple(path if arg == request.path else arg for arg in record.args)
        return True


class TextFormatter(logging.Formatter):
    """`2026-12-04 19:08:00,123 INFO config.requestlog [3f2a…] request GET / status=200 …`, for people."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        line = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            first, newline, rest = line.partition("\n")
            line = first + "".join(f" {name}={text_value(value)}" for name, value in fields.items()) + newline + rest
        return scrub(line)


def text_value(value: object) -> str:
    """A field as it reads in a text line; quoted and escaped when it has spaces or control characters (a path is
    decoded: `/%0Aforged` must not start a line of its own)."""
    text = str(value)
    return text if text.isprintable() and " " not in text else json.dumps(text, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json): time, level, logger, request_id, message, the record's
    `fields` and an exception's traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, ensure_ascii=False, default=str))
