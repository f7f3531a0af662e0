"""Each language has its own addresses: Finnish unprefixed, Swedish under /sv/, English under /en/.

The demo content has Swedish and English versions of the home page, the about page, the accessibility statement,
the network index and two networks (latu, lean); the rest exist only in Finnish and say so under /sv/ and /en/.
"""

import re
from xml.etree import ElementTree

from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Locale, Page

from config.middleware import path_language
from core.demo import load_demo_content
from home.models import HomePage, StandardPage
from networks.models import NetworkPage
from tests.factories import make_membership, make_user
from tori.models import TopList

NOTICE = {
    "fi": "Sivu on saatavilla vain suomeksi",
    "sv": "Sidan finns bara på finska",
    "en": "This page is only available in Finnish",
}
HOST = "http://localhost"


def links(html, rel):
    """{hreflang or rel: href} of the <link rel=…> elements of a page."""
    found = {}
    for tag in re.findall(r"<link [^>]*>", html):
        if f'rel="{rel}"' in tag:
            language = re.search(r'hreflang="([^"]+)"', tag)
            found[language.group(1) if language else rel] = re.search(r'href="([^"]+)"', tag).group(1)
    return found


class LanguageAddressesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo_content()
        cls.locales = {locale.language_code: locale for locale in Locale.objects.all()}
        cls.latu = NetworkPage.objects.get(locale__language_code="fi", slug="latu", locale=cls.locales["fi"])
        cls.tuju = NetworkPage.objects.get(locale__language_code="fi", slug="tuju", locale=cls.locales["fi"])

    def get(self, url, **kwargs):
        return self.client.get(url, HTTP_HOST="localhost", **kwargs)

    def test_the_demo_has_swedish_and_english_versions(self):
        for language in ("sv", "en"):
            locale = self.locales[language]
            for page in (HomePage.objects.get(locale=self.locales["fi"]), self.latu):
                self.assertTrue(page.get_translation(locale).live)
            self.assertEqual(StandardPage.objects.live().filter(locale=locale).count(), 2)
            self.assertEqual(NetworkPage.objects.live().filter(locale=locale).count(), 2)

    def test_each_language_has_its_prefix(self):
        for url, language, title in (
            ("/", "fi", "KunTeko-ohjelman verkostot"),
            ("/sv/", "sv", "KunTeko-programmets nätverk"),
            ("/en/", "en", "the networks of the KunTeko programme"),
            ("/verkostot/latu/", "fi", "Henkilöstölähtöinen tuloksellisuus"),
            ("/sv/verkostot/latu/", "sv", "Personalbaserad resultatrikedom"),
            ("/en/verkostot/latu/", "en", "Staff-driven productivity"),
            ("/en/saavutettavuusseloste/", "en", "Accessibility statement"),
            ("/sv/tietoa/", "sv", "Om programmet"),
        ):
            with self.subTest(url):
                response = self.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'<html lang="{language}"')
                self.assertContains(response, title)
                self.assertNotContains(response, NOTICE[language])
                # The translated content is in the page's language: <main> needs no lang of its own.
                self.assertNotRegex(response.content.decode(), r'<main id="main"[^>]* lang=')

    def test_pages_link_to_their_translations_in_the_language(self):
        self.assertEqual(self.latu.get_translation(self.locales["sv"]).url, "/sv/verkostot/latu/")
        self.assertEqual(self.latu.url, "/verkostot/latu/")
        html = self.get("/sv/").content.decode()
        self.assertIn('href="/sv/verkostot/"', html)  # the main menu, in Swedish
        self.assertIn('href="/sv/saavutettavuusseloste/"', html)  # the footer: translated
        self.assertIn('href="/sv/tietosuojaseloste/"', html)  # not translated: the Finnish page under /sv/

    def test_old_unprefixed_links_keep_working_in_finnish(self):
        # Whatever language the person picked before: the address says Finnish.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
        response = self.get("/verkostot/latu/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="fi"')
        self.assertContains(response, "Henkilöstölähtöinen tuloksellisuus")
        self.assertEqual(response["Content-Language"], "fi")

    def test_a_page_without_translation_says_so_in_the_language(self):
        for language in ("sv", "en"):
            with self.subTest(language):
                response = self.get(f"/{language}/verkostot/tuju/")
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertIn(f'<html lang="{language}"', html)
                self.assertIn(NOTICE[language], html)
                self.assertRegex(html, rf'<p class="message message--language" lang="{language}">')
                self.assertRegex(html, r'<main id="main"[^>]* lang="fi"')  # the content is Finnish
                self.assertIn(self.tuju.title, html)
                self.assertEqual(links(html, "canonical"), {"canonical": f"{HOST}/verkostot/tuju/"})
                self.assertEqual(
                    links(html, "alternate"), {"fi": f"{HOST}/verkostot/tuju/", "x-default": f"{HOST}/verkostot/tuju/"}
                )
        finnish = self.get("/verkostot/tuju/")
        self.assertNotContains(finnish, NOTICE["fi"])
        self.assertNotContains(finnish, "message--language")

    def test_a_page_that_does_not_exist_is_404_in_every_language(self):
        for url in ("/ei-tallaista-sivua/", "/sv/ei-tallaista-sivua/", "/en/verkostot/ei-ole/"):
            with self.subTest(url):
                self.assertEqual(self.get(url).status_code, 404)

    def test_hreflang_alternates_and_canonical(self):
        expected = {
            "fi": f"{HOST}/verkostot/latu/",
            "sv": f"{HOST}/sv/verkostot/latu/",
            "en": f"{HOST}/en/verkostot/latu/",
            "x-default": f"{HOST}/verkostot/latu/",
        }
        for url in ("/verkostot/latu/", "/sv/verkostot/latu/", "/en/verkostot/latu/"):
            with self.subTest(url):
                html = self.get(url).content.decode()
                self.assertEqual(links(html, "alternate"), expected)
                self.assertEqual(links(html, "canonical"), {"canonical": f"{HOST}{url}"})

    def test_the_sitemap_lists_every_translation(self):
        response = self.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
        tree = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
        locations = [loc.text for loc in tree.findall("s:url/s:loc", namespaces)]
        # every live page, and the Tori's TOP lists (routes of the Tori index: all of the demo's have live acts)
        pages = Page.objects.live().public().filter(depth__gt=1).count()
        self.assertEqual(len(locations), pages + TopList.objects.count())
        for url in ("/", "/sv/", "/en/", "/verkostot/latu/", "/sv/verkostot/latu/", "/en/verkostot/lean/"):
            self.assertIn(f"{HOST}{url}", locations)
        self.assertNotIn(f"{HOST}/sv/verkostot/tuju/", locations)  # no Swedish page of its own
        latu = next(
            url
            for url in tree.findall("s:url", namespaces)
            if url.find("s:loc", namespaces).text.endswith("/sv/verkostot/latu/")
        )
        alternates = {link.get("hreflang"): link.get("href") for link in latu.findall("x:link", namespaces)}
        self.assertEqual(alternates["en"], f"{HOST}/en/verkostot/latu/")
        self.assertEqual(alternates["x-default"], f"{HOST}/verkostot/latu/")

    def switch(self, page, language, next_url):
        return self.client.post(
            reverse("set_language"), {"language": language, "next": next_url, "page": page.pk}, HTTP_HOST="localhost"
        )

    def test_the_switcher_goes_to_the_translation_and_sets_the_cookie(self):
        swedish = self.latu.get_translation(self.locales["sv"])
        for page, language, next_url, target in (
            (self.latu, "sv", "/verkostot/latu/", "/sv/verkostot/latu/"),
            (self.latu, "en", "/verkostot/latu/", "/en/verkostot/latu/"),
            (swedish, "fi", "/sv/verkostot/latu/", "/verkostot/latu/"),
            (swedish, "en", "/sv/verkostot/latu/", "/en/verkostot/latu/"),
            (self.tuju, "sv", "/verkostot/tuju/", "/sv/verkostot/tuju/"),  # no translation: Finnish, with the notice
            (self.tuju, "fi", "/en/verkostot/tuju/", "/verkostot/tuju/"),
        ):
            with self.subTest(f"{next_url} → {language}"):
                response = self.switch(page, language, next_url)
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], target)
                self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, language)

    def test_the_switcher_form_names_the_served_page(self):
        html = self.get("/sv/verkostot/latu/").content.decode()
        swedish = self.latu.get_translation(self.locales["sv"])
        self.assertIn(f'<input name="page" type="hidden" value="{swedish.pk}">', html)

    def test_the_switcher_elsewhere_keeps_the_address_and_sets_the_cookie(self):
        response = self.client.post(reverse("set_language"), {"language": "sv", "next": "/oma/"}, HTTP_HOST="localhost")
        self.assertEqual(response["Location"], "/oma/")
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "sv")
        # The search is a public page with addresses per language.
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": "/haku/?q=lean"}, HTTP_HOST="localhost"
        )
        self.assertEqual(response["Location"], "/en/haku/?q=lean")
        self.assertEqual(self.get("/en/haku/", data={"q": "lean"}).status_code, 200)

    def test_the_switcher_ignores_a_page_it_may_not_show(self):
        self.tuju.unpublish()
        response = self.switch(self.tuju, "sv", "/verkostot/tuju/")
        self.assertEqual(response["Location"], "/sv/verkostot/tuju/")  # Django's translate_url, not the page's

    def test_the_member_space_follows_the_cookie_unprefixed(self):
        member = make_user()
        make_membership(self.latu, member)
        self.client.force_login(member)
        self.client.post(reverse("set_language"), {"language": "sv", "next": "/"}, HTTP_HOST="localhost")
        response = self.get(reverse("space", args=["latu"]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="sv"')
        self.assertEqual(response.context["network"].pk, self.latu.pk)  # the Finnish network
        self.assertEqual(self.get("/tili/login/").status_code, 302)  # signed in: accounts unprefixed too
        self.assertEqual(self.get("/sv/verkostot/latu/tila/").status_code, 404)  # no prefixed member spaces


def test_path_language():
    assert path_language("/sv/verkostot/latu/") == "sv"
    assert path_language("/en/") == "en"
    assert path_language("/verkostot/latu/") == "fi"
    assert path_language("/haku/") == "fi"
    assert path_language("/") == "fi"
    for unprefixed in ("/oma/", "/tili/login/", "/admin/", "/verkostot/latu/tila/", "/sitemap.xml", "/i18n/setlang/"):
        assert path_language(unprefixed) is None, unprefixed


class TranslatedIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo_content()

    def test_a_translated_index_lists_every_network_once(self):
        finnish = self.client.get("/verkostot/", HTTP_HOST="localhost").content.decode()
        for language in ("sv", "en"):
            with self.subTest(language):
                html = self.client.get(f"/{language}/verkostot/", HTTP_HOST="localhost").content.decode()
                cards = re.findall(r'<h3 class="card__title"( lang="fi")?><a href="([^"]+)">', html)
                self.assertEqual(len(cards), len(re.findall(r'<h3 class="card__title"', finnish)))
                links = {href: marked for marked, href in cards}
                self.assertEqual(len(links), len(cards))
                self.assertTrue(all(href.startswith(f"/{language}/verkostot/") for href in links), links)
                self.assertEqual(links[f"/{language}/verkostot/latu/"], "")  # translated: in the language
                self.assertEqual(links[f"/{language}/verkostot/tuju/"], ' lang="fi"')  # only in Finnish


class SearchInALanguageTests(TestCase):
    """The site search lists each page once: in the language of the search where it has that translation."""

    @classmethod
    def setUpTestData(cls):
        load_demo_content()

    def test_a_translated_network_is_found_once_in_the_searchs_language(self):
        for prefix, language in (("", "fi"), ("/sv", "sv"), ("/en", "en")):
            response = self.client.get(f"{prefix}/haku/?q=latu", HTTP_HOST="localhost")
            found = [page for page in response.context["results"] if page.translation_key == latu_translation_key()]
            self.assertEqual(len(found), 1, language)
            self.assertEqual(found[0].locale.language_code, language)


def latu_translation_key():
    return NetworkPage.objects.get(locale__language_code="fi", slug="latu").translation_key
