"""The newsletter's pages: who may use which (a matrix over the roles, public and admin), the web version and the
archive (a draft is nobody's to read; queries do not grow with the issue), the items in each reader's language, the
admin's compose, preview and send pages, and the subscribers in the front page's key figures."""

import pytest
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Locale

from home.figures import key_figures
from newsletter import sending
from newsletter.content import IssueContent
from newsletter.models import Delivery, NewsletterIssue, Subscriber
from tests.conftest import ADMIN_ROLES, ROLES, client_for, queries_for
from tests.newsletter.conftest import make_issue, make_subscriber, make_subscribers

pytestmark = pytest.mark.django_db


def with_admin_access(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


def sent(issue):
    NewsletterIssue.objects.filter(pk=issue.pk).update(status=NewsletterIssue.Status.SENT)
    issue.refresh_from_db()
    return issue


@pytest.mark.parametrize("role", ROLES)
def test_the_public_pages_are_everyones(client, network_people, pages, role):
    _network, _other, people = network_people
    issue = sent(make_issue(pages))
    subscriber = make_subscriber("maija@example.fi")
    client_for(client, people[role])
    for url in (
        reverse("newsletter-subscribe"),
        reverse("newsletter-subscribed"),
        reverse("newsletter-archive"),
        reverse("newsletter-issue", args=[issue.pk]),
        reverse("newsletter-confirm", args=[subscriber.key]),
        reverse("newsletter-unsubscribe", args=[subscriber.key]),
    ):
        assert client.get(url).status_code == 200, url
    draft = make_issue(pages, subject="Luonnos")
    assert client.get(reverse("newsletter-issue", args=[draft.pk])).status_code == 404, "a draft has no web version"


ADMIN_PAGES = ("newsletter-admin-issue", "newsletter-admin-send")


@pytest.mark.parametrize("role", [*ADMIN_ROLES, "staff without admin access"])
def test_only_the_office_sends_and_sees_the_counts(client, admin_people, pages, role):
    """The office (staff with Wagtail's admin access) and superusers; a facilitator has admin access but is not
    staff; staff reach the admin only with admin access. A refused POST sends nothing and changes nothing."""
    _network, _other, people = admin_people
    user = people["staff" if role == "staff without admin access" else role]
    if role == "staff":
        with_admin_access(user)
    issue = make_issue(pages)
    make_subscribers(2)
    client_for(client, user)
    allowed = role in ("staff", "superuser")

    urls = [reverse(name, args=[issue.pk]) for name in ADMIN_PAGES] + [reverse("newsletter-admin-subscribers")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (200 if allowed else 302), url
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("newsletter-admin-test", args=[issue.pk]), {"language": "fi"})
        client.post(reverse("newsletter-admin-send", args=[issue.pk]))
    issue.refresh_from_db()
    if allowed:
        assert issue.status == NewsletterIssue.Status.SENT and Delivery.objects.count() == 2
    else:
        assert issue.status == NewsletterIssue.Status.DRAFT and not Delivery.objects.exists()
    # The issues themselves: Wagtail's snippet permissions (the office's group, superusers).
    response = client.get(reverse("wagtailsnippets_newsletter_newsletterissue:list"))
    assert (response.status_code == 200) == allowed


@pytest.fixture
def office_client(client, admin_people):
    return client_for(client, admin_people[2]["superuser"])


def test_the_send_page_confirms_and_an_issue_goes_once(office_client, pages):
    issue = make_issue(pages)
    make_subscribers(3)
    url = reverse("newsletter-admin-send", args=[issue.pk])

    page = office_client.get(url).content.decode()
    assert "3 tilaajalle" in page and "Lähetä tilaajille" in page
    assert NewsletterIssue.objects.get().status == NewsletterIssue.Status.DRAFT, "asking changes nothing"
    with TestCase.captureOnCommitCallbacks(execute=True):
        office_client.post(url)
        response = office_client.post(url, follow=True)
    assert "jo lähetetty" in response.content.decode()
    assert Delivery.objects.count() == 3
    assert "Lähetä tilaajille" not in office_client.get(url).content.decode()
    status = office_client.get(reverse("newsletter-admin-issue", args=[issue.pk])).content.decode()
    assert "Lähetetty" in status and "Jatka lähetystä" not in status


def test_a_sent_issue_is_not_edited(office_client, pages):
    issue = sent(make_issue(pages))
    url = reverse("wagtailsnippets_newsletter_newsletterissue:edit", args=[issue.pk])
    assert "Lähetyksen tila" in office_client.get(url).content.decode()
    office_client.post(url, {"subject": "Muutettu", "intro": "", "body-count": "0"})
    assert NewsletterIssue.objects.get().subject == issue.subject


def test_the_admin_composes_and_previews_an_issue(office_client, pages):
    response = office_client.get(reverse("wagtailsnippets_newsletter_newsletterissue:add"))
    assert response.status_code == 200
    issue = make_issue(pages)
    listing = office_client.get(reverse("wagtailsnippets_newsletter_newsletterissue:list")).content.decode()
    assert reverse("newsletter-admin-issue", args=[issue.pk]) in listing
    # Wagtail's preview shows the web version of what the edit form holds, before it is saved.
    preview = reverse("wagtailsnippets_newsletter_newsletterissue:preview_on_edit", args=[issue.pk])
    form = {"subject": "Esikatselu <b>", "intro": "Johdanto", "body-count": "0"}
    form.update(dict.fromkeys(("subject_sv", "intro_sv", "subject_en", "intro_en"), ""))
    assert office_client.post(preview, form).status_code == 200
    html = office_client.get(preview).content.decode()
    assert "Esikatselu &lt;b&gt;" in html and "Johdanto" in html
    assert NewsletterIssue.objects.get().subject == issue.subject


def test_the_web_version_in_a_readers_language(client, pages, finnish):
    sv = Locale.objects.create(language_code="sv")
    act = pages["act"]
    translated = act.copy_for_translation(sv, copy_parents=True)
    translated.title = "Fakturering på åtta dagar"
    translated.save_revision().publish()
    issue = sent(make_issue(pages, subject_sv="Nyhetsbrev 1/2027", intro_sv="Gott nytt år!"))

    html = client.get(reverse("newsletter-issue", args=[issue.pk]) + "?kieli=sv").content.decode()
    assert '<html lang="sv">' in html
    assert "Nyhetsbrev 1/2027" in html and "Gott nytt år!" in html
    assert "Fakturering på åtta dagar" in html, "the act's Swedish translation"
    # The article and the event exist only in Finnish: marked so, and linked under /sv/.
    assert f'<h2 lang="fi"><a href="http://127.0.0.1:8000/sv{pages["article"].url}">' in html
    assert "Kesätauko" in html, "a free text for everyone"

    html = client.get(reverse("newsletter-issue", args=[issue.pk]) + "?kieli=xx").content.decode()
    assert "Uutiskirje 1/2027" in html and "Laskutus kahdeksassa päivässä" in html


def test_items_leave_out_unpublished_pages_and_other_languages_texts(pages):
    body = [
        {"type": "article", "value": pages["article"].pk},
        {"type": "act", "value": pages["act"].pk},
        {"type": "text", "value": {"heading": "", "text": "Hej!", "language": "sv"}},
    ]
    issue = make_issue(body=body)
    pages["article"].unpublish()

    content = IssueContent(issue)
    assert [item.kind for item in content.items("fi")] == ["act"]
    assert [(item.kind, item.text) for item in content.items("sv")][1:] == [("text", "Hej!")]


def test_the_web_version_and_the_archive_do_not_grow_with_the_data(client, pages):
    issue = sent(make_issue(pages))
    small = {"issue": queries_for(client, reverse("newsletter-issue", args=[issue.pk]))}
    small["archive"] = queries_for(client, reverse("newsletter-archive"))
    small["subscribe"] = queries_for(client, reverse("newsletter-subscribe"))

    body = list(issue.body.raw_data) * 5
    NewsletterIssue.objects.filter(pk=issue.pk).update(body=body)
    for n in range(12):
        sent(make_issue(pages, subject=f"Uutiskirje {n}"))
    large = {"issue": queries_for(client, reverse("newsletter-issue", args=[issue.pk]))}
    large["archive"] = queries_for(client, reverse("newsletter-archive"))
    large["subscribe"] = queries_for(client, reverse("newsletter-subscribe"))

    assert (
        small
        == large
        == {"issue": PAGE_QUERIES["issue"], "archive": PAGE_QUERIES["archive"], "subscribe": PAGE_QUERIES["subscribe"]}
    )


# Pinned (the base layout's own queries included: the site settings, the menu, the footer's pages).
PAGE_QUERIES = {"issue": 13, "archive": 8, "subscribe": 7}


def test_hostile_text_in_an_issue_is_inert_on_the_web(client, pages):
    hostile = '<script>alert("x")</script>'
    issue = sent(make_issue(pages, subject=hostile, intro=hostile))
    html = client.get(reverse("newsletter-issue", args=[issue.pk])).content.decode()
    assert hostile not in html and "&lt;script&gt;" in html


def test_the_subscribers_are_a_key_figure(client, site_tree):
    home, _index = site_tree
    make_subscribers(3)
    make_subscriber("odottaa@example.fi", Subscriber.Status.PENDING)
    make_subscriber("perui@example.fi", Subscriber.Status.UNSUBSCRIBED)

    assert key_figures()["subscribers"] == 3
    html = client.get(home.url).content.decode()
    assert "Uutiskirjeen tilaajaa" in html
    assert reverse("newsletter-subscribe") in html, "the footer's link"


def test_the_office_sees_counts_not_addresses(office_client):
    make_subscribers(4)
    make_subscriber("odottaa@example.fi", Subscriber.Status.PENDING)
    html = office_client.get(reverse("newsletter-admin-subscribers")).content.decode()
    assert "tilaaja0@" not in html and "odottaa@" not in html
    assert "<td>4</td><td>1</td><td>0</td>" in html.replace(" ", "")


def test_a_stalled_sending_is_resumed_from_its_page(office_client, pages, settings):
    issue = make_issue(pages)
    make_subscribers(2)
    with TestCase.captureOnCommitCallbacks(execute=False):
        sending.start_sending(issue.pk, None)
    url = reverse("newsletter-admin-resume", args=[issue.pk])
    response = office_client.post(url, follow=True)
    assert "Lähetys etenee" in response.content.decode()

    settings.NEWSLETTER_STALL_SECONDS = 0
    assert "Jatka lähetystä" in office_client.get(reverse("newsletter-admin-issue", args=[issue.pk])).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        office_client.post(url)
    assert NewsletterIssue.objects.get().status == NewsletterIssue.Status.SENT
