"""One log line per request, with its request id (core.logs).

`RequestLogMiddleware` (the second middleware, after config.ops) gives the request its id, returns it as
X-Request-ID, logs the request's line and times it in the request latency histogram by view name. A websocket's
connect and close lines come from its consumer (core.logs.LoggedSocket). Neither logs a query string, a cookie,
a user or what was said.
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
