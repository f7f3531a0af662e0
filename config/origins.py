"""This site's own origin, as the browser sees it: for the websocket handshake's origin check and the CSP.

Channels' AllowedHostsOriginValidator compares host names only, so a page of an allowed host served over
plain http, or from another port, could open a socket with the visitor's cookies. Here an Origin must be
exactly this site's origin — scheme, host and port — derived the way Django derives an HTTP request's: the
Host header (which must be in ALLOWED_HOSTS) and whether the connection is secure, either TLS at daphne or
the trusted reverse proxy's SECURE_PROXY_SSL_HEADER (X-Forwarded-Proto behind nginx, production.py).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port, validate_host

from core.logs import REQUEST_ID, log_socket_closed, request_id, scope_header

DEFAULT_PORTS = {"http": 80, "https": 443}


def websocket_origin(request):
    """The websocket origin of the site that answered `request` (ws://host:port or wss://host), or None."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


def allowed_hosts():
    if settings.DEBUG and not settings.ALLOWED_HOSTS:  # as Django's HttpRequest.get_host() does
        return [".localhost", "127.0.0.1", "[::1]"]
    return settings.ALLOWED_HOSTS


def origin_parts(scheme, netloc):
    """(scheme, host, port) with the default port filled in, or None for anything malformed."""
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None or parts.path:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def is_secure(scope, headers):
    if scope.get("scheme") in ("https", "wss"):
        return True
    if settings.SECURE_PROXY_SSL_HEADER:
        name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        header = name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin1")
        value = headers.get(header)
        if value is not None:
            return value.decode("latin1").split(",", 1)[0].strip() == secure_value
    return False


def own_origin(scope):
    """The site's origin for this handshake, from its Host header and security, or None if the host is not ours."""
    headers = dict(scope.get("headers", []))
    host = headers.get(b"host", b"").decode("latin1")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, allowed_hosts()):
        return None
    return origin_parts("https" if is_secure(scope, headers) else "http", host)


def request_origin(scope):
    """The handshake's Origin header as (scheme, host, port); None if missing, repeated or malformed."""
    values = [value for name, value in scope.get("headers", []) if name == b"origin"]
    if len(values) != 1:
        return None
    parts = urlsplit(values[0].decode("latin1"))
    if parts.path or parts.query or parts.fragment:
        return None
    return origin_parts(parts.scheme, parts.netloc)


class SameOriginValidator:
    """ASGI middleware for websockets: refuses the handshake unless the Origin is this site's own origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator is for websocket connections only")
        expected = own_origin(scope)
        if expected is None or request_origin(scope) != expected:
            await receive()  # websocket.connect
            await send({"type": "websocket.close"})  # before accepting: the handshake is refused (HTTP 403)
            token = REQUEST_ID.set(request_id(scope_header(scope, b"x-request-id")))
            log_socket_closed(scope.get("path", ""), 1000, opened=None)
            REQUEST_ID.reset(token)
            return None
        return await self.application(scope, receive, send)
