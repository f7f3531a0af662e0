from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, resolve
from django.utils import translation

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


def path_language(path: str, urlconf=None) -> str | None:
    """The language a path is served in by its address, or None when the address does not say.

    "/sv/…" and "/en/…" say it with their prefix. An unprefixed path says Finnish (settings.LANGUAGE_CODE) only
    when the i18n patterns serve it (the public pages and the site search, config/urls.py); every other path
    (the admin, accounts, member spaces…) is None: its language is the person's (cookie, Accept-Language).
    """
    language = translation.get_language_from_path(path)
    if language:
        return language
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return None
    # ResolverMatch.tried ends with the chain of patterns that matched: the first is the top-level one.
    if match.tried and isinstance(match.tried[-1][0].pattern, LocalePrefixPattern):
        return settings.LANGUAGE_CODE
    return None


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with Finnish forced only on the unprefixed addresses of the public pages.

    Once i18n_patterns(prefix_default_language=False) is used, Django's middleware activates LANGUAGE_CODE for
    *every* path without a language prefix, so the admin, the accounts and the member spaces would ignore the
    language chosen with the switcher. Here only the paths the i18n patterns serve get their language from the
    address; the rest keep the cookie / Accept-Language, as before the public pages had prefixes.

    process_response is Django's: it redirects a 404 to a prefixed path only with prefix_default_language=True,
    which is not used here, so it only adds Content-Language and Vary: Accept-Language.
    """

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        language = path_language(request.path_info, urlconf)
        if language is None:
            language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
