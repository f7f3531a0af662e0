from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from config.media import serve_public_media
from home import views as home_views
from home.sitemap import TranslatedSitemap
from networks.chooser import VisibleChosenPagesView
from networks.urls import invitation_urlpatterns, office_patterns
from services import urls as services_urls
from spaces import views as space_views

urlpatterns = [
    # Wagtail's own sign-in would skip the second factor: everyone signs in through allauth.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # Wagtail's page chooser answers with the titles of any page ids it is given: ours only of visible pages.
    path("admin/choose-page/chosen-multiple/", require_admin_access(VisibleChosenPagesView.as_view())),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The switcher: on a public page, to its translation (home.views.set_language); the cookie as Django sets it.
    path("i18n/setlang/", home_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("oma/", space_views.start, name="start"),
    path("oma/ilmoitukset/", include("notices.urls")),
    path("oma/teot/", include("tori.urls")),
    path("oma/sparraus/", include(services_urls.mine_patterns)),
    path("sparraus/", include(services_urls.sparring_patterns)),
    # The one-step unsubscribe link of notice e-mails (RFC 8058; notices.unsubscribe).
    path("ilmoitukset/", include("notices.unsubscribe_urls")),
    # Public events: the cancel link of a registration, the organiser's list of registrations (events.views).
    path("ilmoittautumiset/", include("events.urls")),
    # The newsletter: subscribing and its confirmation, unsubscribing (RFC 8058), each issue's web version.
    path("uutiskirje/", include("newsletter.urls")),
    # Accounts: our profile, data download and deletion, then allauth (sign-in, sign-up, e-mail,
    # password, two-factor authentication).
    path("tili/", include("accounts.urls")),
    path("tili/", include("allauth.urls")),
    # The member spaces sit under the network index's public address (the index's slug is "verkostot").
    path("verkostot/", include("spaces.urls")),
    path("luvut/", include(services_urls.programme_patterns)),
    path("liittymispyynnot/", include(office_patterns)),
    *invitation_urlpatterns,
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": TranslatedSitemap}}),
    # Public images only, and only where the app serves media itself (SERVE_MEDIA); every other path under
    # /media/ is 404 in every mode. Private documents go through the checked view under /documents/.
    path("media/<path:path>", serve_public_media),
] + i18n_patterns(
    # The public pages and the site search have an address per language: Finnish unprefixed, /sv/ and /en/
    # (docs/architecture.md, "Languages"). Everything above stays unprefixed in the person's language.
    path("haku/", home_views.search, name="search"),
    *[pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) != "wagtail_serve"],
    # Wagtail's serve, falling back to the Finnish page where a page has no translation.
    re_path(serve_pattern, home_views.serve, name="wagtail_serve"),
    prefix_default_language=False,
)

# A database that does not answer is a friendly 503 wherever it fails, a middleware included.
handler500 = "config.unavailable.server_error"
