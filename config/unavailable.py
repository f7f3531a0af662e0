"""A friendly 503 while the database does not answer, instead of a 500.

`DatabaseUnavailableMiddleware` answers a view that failed to reach the database; `server_error` (handler500) does
the same for a failure outside a view (a middleware's query), and is Django's own 500 page otherwise. (A discussion
socket reads the database only in its consumer, which answers `unavailable` itself.) The page (templates/503.html)
is the site's layout without anything that needs the database: no menus, no user, no site settings. `Retry-After`
tells browsers and crawlers when to come back. When the database answers again, the next request simply works:
connections are checked before use (CONN_HEALTH_CHECKS).
"""

import logging
import sys

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from core.outages import DATABASE_DOWN

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def service_unavailable(request, error):
    logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # logged above as what it is, not as a server error
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return service_unavailable(request, exception)
        return None


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        return service_unavailable(request, error)
    return defaults.server_error(request)
