"""Every page type renders with the demo content, in every UI language, and errors look like the site."""

import pytest
from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.models import Locale, Page

from core.demo import load_demo_content
from home.models import HomePage, StandardPage
from networks.models import NetworkIndexPage, NetworkPage
from workshops.models import WorkshopPage


class DemoSiteRendersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo_content()

    def page_urls(self):
        finnish = {"locale": Locale.get_default()}  # the demo has Swedish and English versions of some pages too
        return {
            "home": HomePage.objects.get(**finnish).url,
            "standard": StandardPage.objects.live().filter(**finnish).first().url,
            "index": NetworkIndexPage.objects.get(**finnish).url,
            "network": NetworkPage.objects.live().filter(**finnish).first().url,
            "workshop": WorkshopPage.objects.live().first().url,
        }

    def test_every_page_type_renders(self):
        for name, url in self.page_urls().items():
            with self.subTest(name):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="fi"')
                self.assertContains(response, 'href="#main"')

    def test_every_live_page_renders(self):
        for page in Page.objects.live().filter(depth__gt=1).specific():
            with self.subTest(page.title):
                self.assertEqual(self.client.get(page.url).status_code, 200)

    def test_ui_language_follows_the_switcher(self):
        for language, word in (("sv", "Sök"), ("en", "Search")):
            with self.subTest(language):
                response = self.client.post(reverse("set_language"), {"language": language, "next": "/"}, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'<html lang="{language}"')
                self.assertContains(response, word)
                # The home page has a translation: its address and content are in the chosen language
                # (tests/home/test_languages.py: pages without one say so, their content marked Finnish).
                self.assertEqual(response.redirect_chain[-1][0], f"/{language}/")
                self.assertNotRegex(response.content.decode(), r'<main id="main"[^>]* lang=')

    def test_search_finds_public_pages(self):
        response = self.client.get(reverse("search"), {"q": "Lean"})
        self.assertEqual(response.status_code, 200)
        titles = [result.title for result in response.context["results"]]
        self.assertTrue(any("Lean" in title for title in titles), titles)

    def test_search_without_query_or_with_garbage_is_calm(self):
        for query in ({}, {"q": ""}, {"q": "x" * 5000}, {"q": "\"'<script>"}, {"q": "lean", "page": "zz"}):
            with self.subTest(query):
                self.assertEqual(self.client.get(reverse("search"), query).status_code, 200)

    def test_drafts_are_not_found_by_search(self):
        network = NetworkPage.objects.live().get(locale__language_code="fi", slug="lean", locale=Locale.get_default())
        network.unpublish()
        response = self.client.get(reverse("search"), {"q": "Leanin"})
        self.assertNotIn(network.pk, [result.pk for result in response.context["results"]])

    def test_404_page_is_in_the_site_look(self):
        response = self.client.get("/ei-tallaista-sivua/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, 'href="#main"', status_code=404)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_500_page_renders_without_a_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Verkostamo" in html
    assert "<html" in html
