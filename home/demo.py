"""The home app's demo content, from ``site.json``: the home page, the default Site pointing at it (Wagtail's
welcome page deleted), the site settings and the standard pages (about, accessibility statement, privacy notice).

``translations.json`` holds, per language code (sv, en), the Swedish and English versions of some pages:
``home``, ``network_index`` (the networks app's), ``pages`` and ``networks`` (each a list; ``source`` names the
Finnish page by its slug, the other keys are page fields that replace the Finnish ones). Each is the Finnish
page's translation (same translation_key, under the translation of its parent, same slug except the home page's).

``site.json`` holds ``site`` (site name, and hostname/port used only if no default Site exists), ``settings``
(SiteSettings), ``home`` (the HomePage), ``pages`` (StandardPages under home) and ``network_index``, which the
networks app loads. The steps run between the networks app's organisations and its network index, and the
standard pages after the index, so that a new site's menu keeps its order (core.demo loads them; the orders are
listed in docs/architecture.md).
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page, Site

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


def translated_locales(load):
    """The Locale of each language in translations.json, created if missing (the translations' step does)."""
    locales = {}
    for language in load.read("translations.json"):
        existing = Locale.objects.filter(language_code=language).first()
        locales[language] = load.sync_object("locales", Locale, existing, {"language_code": language}, {})
    return locales


@steps.register("page translations", order=245, files=("site.json", "translations.json"))
def load_page_translations(load):
    """The Swedish and English home page and standard pages (translations.json)."""
    home = home_page()
    root = Page.get_first_root_node()
    finnish = {spec["slug"]: spec for spec in load.read("site.json").get("pages", [])}
    for language, locale in translated_locales(load).items():
        content = load.read("translations.json")[language]
        spec = {**load.read("site.json")["home"], **content["home"]}
        values = page_values(spec, intro=spec.get("intro", ""), body=spec.get("body", []))
        translated_home = load.sync_page(
            "translations",
            root,
            HomePage,
            values,
            existing=home.get_translation_or_none(locale),
            translation_of=home,
            locale=locale,
        )
        for translated in content.get("pages", []):
            source = StandardPage.objects.child_of(home).filter(slug=translated["source"]).first()
            if source is None or translated["source"] not in finnish:
                raise DemoContentError(f"Translation of {translated['source']!r}: no such page in site.json.")
            spec = {**finnish[translated["source"]], **translated}
            values = page_values(spec, intro=spec.get("intro", ""), body=spec["body"])
            load.sync_page("translations", translated_home, StandardPage, values, translation_of=source, locale=locale)
