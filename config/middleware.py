from django.conf import settings

from .origins import websocket_origin


class SecurityHeadersMiddleware:
    """Adds the content security policy and a permissions policy.

    The public site's policy names this site's own websocket origin in connect-src (for the discussion), as
    the browser reached it; the Wagtail admin gets a policy of its own (ADMIN_CONTENT_SECURITY_POLICY),
    because its editor needs a little more than the public pages do.
    """

    ADMIN_PREFIX = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.ADMIN_PREFIX):
            policy = settings.ADMIN_CONTENT_SECURITY_POLICY
        else:
            origin = websocket_origin(request)
            policy = settings.CONTENT_SECURITY_POLICY.replace(" {websocket}", f" {origin}" if origin else "")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
