from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from config.media import serve_public_media
from home import views as home_views
from networks.chooser import VisibleChosenPagesView
from networks.urls import invitation_urlpatterns, office_patterns
from spaces import views as space_views
from workshops.urls import programme_patterns

urlpatterns = [
    # Wagtail's own sign-in would skip the second factor: everyone signs in through allauth.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # Wagtail's page chooser answers with the titles of any page ids it is given: ours only of visible pages.
    path("admin/choose-page/chosen-multiple/", require_admin_access(VisibleChosenPagesView.as_view())),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("haku/", home_views.search, name="search"),
    path("oma/", space_views.start, name="start"),
    # Accounts: our profile, data download and deletion, then allauth (sign-in, sign-up, e-mail,
    # password, two-factor authentication).
    path("tili/", include("accounts.urls")),
    path("tili/", include("allauth.urls")),
    # The member spaces sit under the network index's public address (the index's slug is "verkostot").
    path("verkostot/", include("spaces.urls")),
    path("luvut/", include(programme_patterns)),
    path("liittymispyynnot/", include(office_patterns)),
    *invitation_urlpatterns,
    path("sitemap.xml", sitemap),
    # Public images only, and only where the app serves media itself (SERVE_MEDIA); every other path under
    # /media/ is 404 in every mode. Private documents go through the checked view under /documents/.
    path("media/<path:path>", serve_public_media),
    path("", include(wagtail_urls)),
]

# A database that does not answer is a friendly 503 wherever it fails, a middleware included.
handler500 = "config.unavailable.server_error"
