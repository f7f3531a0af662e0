from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds the content security policy and a permissions policy to the public site.

    The Wagtail admin relies on inline scripts and styles of its own, so it is left to its defaults.
    """

    EXEMPT_PREFIXES = ("/admin/", "/django-admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
