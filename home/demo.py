"""The home app's demo content, from ``site.json``: the home page, the default Site pointing at it (Wagtail's
welcome page deleted), the site settings and the standard pages (about, accessibility statement, privacy notice).

``site.json`` holds ``site`` (site name, and hostname/port used only if no default Site exists), ``settings``
(SiteSettings), ``home`` (the HomePage), ``pages`` (StandardPages under home) and ``network_index``, which the
networks app loads. The steps run between the networks app's organisations and its network index, and the
standard pages after the index, so that a new site's menu keeps its order (core.demo loads them; the orders are
listed in docs/architecture.md).
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

from core.demo import DemoContentError, page_values, steps

from .models import HomePage, SiteSettings, StandardPage

# The page Wagtail's initial migration creates under the root ("Welcome to your new Wagtail site!").
WELCOME_PAGE_SLUG = "home"


def home_page():
    """The home page (max_count = 1, whatever its slug; the original, if it has been translated)."""
    return HomePage.objects.first()


@steps.register("home page", order=200, files=("site.json",))
def load_home_page(load):
    root = Page.get_first_root_node()
    if root is None:
        raise DemoContentError("The page tree has no root page: run migrations first.")
    spec = load.read("site.json")["home"]
    values = page_values(spec, intro=spec.get("intro", ""), body=spec.get("body", []))
    load.sync_page("home page", root, HomePage, values, existing=home_page())


@steps.register("site", order=210, files=("site.json",))
def load_site(load):
    """Point the default Site at the home page; create it (localhost:80 unless told) if there is none."""
    spec = load.read("site.json").get("site", {})
    values = {"site_name": spec.get("site_name", "Verkostamo"), "root_page": home_page(), "is_default_site": True}
    lookup = {"hostname": spec.get("hostname", "localhost"), "port": spec.get("port", 80)}
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.filter(**lookup).first()
    load.sync_object("site", Site, site, lookup, values)
    delete_welcome_page(load)


def delete_welcome_page(load):
    """Delete the plain Page Wagtail's initial migration created, once no Site uses it as root."""
    page_type = ContentType.objects.get_for_model(Page)
    welcome = Page.objects.filter(depth=2, content_type=page_type, slug=WELCOME_PAGE_SLUG, numchild=0)
    unused = [page for page in welcome if not Site.objects.filter(root_page=page).exists()]
    for page in unused:
        page.delete()
    if unused:
        load.report.note("deleted Wagtail's welcome page")


@steps.register("site settings", order=220, files=("site.json",))
def load_site_settings(load):
    spec = load.read("site.json").get("settings", {})
    values = {
        "footer_text": spec.get("footer_text", ""),
        "contact_email": spec.get("contact_email", ""),
        "contact_phone": spec.get("contact_phone", ""),
        "address": spec.get("address", ""),
        "social_links": spec.get("social_links", []),
    }
    site = Site.objects.get(is_default_site=True)
    existing = SiteSettings.objects.filter(site=site).first()
    load.sync_object("site settings", SiteSettings, existing, {"site": site}, values)


@steps.register("standard pages", order=240, files=("site.json",))
def load_standard_pages(load):
    home = home_page()
    for spec in load.read("site.json").get("pages", []):
        values = page_values(spec, intro=spec.get("intro", ""), body=spec["body"])
        load.sync_page("standard pages", home, StandardPage, values)
