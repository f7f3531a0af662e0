"""The act page's extras: schema.org Article JSON-LD, "Kiinnostaa" once per person, the message to the contact person
(e-mailed with Reply-To the sender, the contact's address never shown, rate limited), the permission matrix of the
POST routes for every role, and the page's queries at 20 and 200 acts."""

import json
import re

import pytest
from django.core import mail
from django.test import Client

from core.ratelimit import RateLimited
from tests.conftest import ROLES, assert_queries, client_for, queries_for, refused
from tests.factories import make_act, make_organisation, make_user
from tests.tori.public_site import build_tori_site, published
from tori import interest
from tori.interest import CONTACT_RATE, express_interest, send_contact_message
from tori.models import Interest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tori_site(site_tree):
    return build_tori_site(site_tree)


ACT_PAGE_QUERIES = 23  # anonymous, at every size (tests.conftest.assert_queries)


def json_ld(html):
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1, scripts
    return json.loads(scripts[0])


def test_the_act_page_has_article_structured_data(client, tori_site):
    act = tori_site["invoices"]
    data = json_ld(client.get(act.url).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == act.title
    assert data["description"] == act.summary
    assert data["datePublished"].startswith(str(act.first_published_at.date()))
    assert "dateModified" in data
    assert data["author"] == {"@type": "Organization", "name": "Sipoon kunta"}
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"].startswith("Verkostamo")
    assert data["about"] == [{"@type": "Thing", "name": "Lean"}]
    assert "Lean" in data["keywords"]
    assert data["mainEntityOfPage"]["@id"] == "http://testserver" + act.url
    assert data["url"] == "http://testserver" + act.url


def test_a_hostile_title_stays_inert_in_the_structured_data(client, tori_site):
    title = '</script><script>alert("x")</script> & <!-- Laskut'
    act = make_act(tori_site["tori"], tori_site["sipoo"], title=title, summary="<b>lihava</b>")
    html = client.get(act.url).content.decode()
    assert "<script>alert" not in html
    assert "<!-- Laskut" not in html
    data = json_ld(html)
    assert data["headline"] == title
    assert data["description"] == "<b>lihava</b>"


def test_interest_once_per_person(client, tori_site):
    act = tori_site["invoices"]
    person = make_user("kiinnostunut@example.fi")
    first = express_interest(act, person)
    second = express_interest(act, person)
    assert (first.created, first.count) == (True, 1)
    assert (second.created, second.count) == (False, 1)
    assert Interest.objects.filter(act=act).count() == 1

    client_for(client, person)
    response = client.post(act.url + "kiinnostaa/", follow=True)
    html = response.content.decode()
    assert "Olit jo kertonut, että tämä kehittämisteko kiinnostaa sinua. Mikään ei muuttunut." in html
    assert "1 henkilö on kertonut, että tämä kiinnostaa." in html
    assert Interest.objects.filter(act=act).count() == 1

    other = make_user("toinenkin@example.fi")
    client_for(client, other)
    html = client.get(act.url).content.decode()
    assert 'action="' + act.url + 'kiinnostaa/"' in html
    response = client.post(act.url + "kiinnostaa/", follow=True)
    assert "Kiitos! Kerroit, että tämä kehittämisteko kiinnostaa sinua." in response.content.decode()
    assert "2 henkilöä on kertonut, että tämä kiinnostaa." in response.content.decode()
    assert "Olet kertonut, että tämä kiinnostaa sinua." in response.content.decode()


def test_anonymous_sees_a_sign_in_link_and_no_forms(client, tori_site):
    act = tori_site["invoices"]
    html = client.get(act.url).content.decode()
    assert "/tili/login/?next=" in html or "kirjaudu" in html.lower()
    assert "kiinnostaa/" not in html
    assert "viesti/" not in html


def test_unpublished_act_takes_nothing(tori_site):
    draft = tori_site["draft"]
    person = make_user()
    refused("not_published", express_interest, draft, person)
    refused("not_published", send_contact_message, draft, person, "Hei")
    assert not Interest.objects.exists()


def test_unpublished_act_routes_are_404(client, tori_site):
    draft = tori_site["draft"]
    client_for(client, make_user())
    base = f"{tori_site['tori'].url}{draft.slug}/"
    assert client.post(base + "kiinnostaa/").status_code == 404
    assert client.post(base + "viesti/", {"message": "Hei"}).status_code == 404
    assert len(mail.outbox) == 0


def test_the_message_goes_to_the_contact_with_reply_to_the_sender(
    client, tori_site, django_capture_on_commit_callbacks
):
    act = tori_site["invoices"]
    sender = make_user(
        "kysyja@example.fi", first_name="Kalle", last_name="Kysyjä", organisation=make_organisation("Oulun kaupunki")
    )
    client_for(client, sender)
    page = client.get(act.url).content.decode()
    assert act.contact_email not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(act.url + "viesti/", {"message": "Miten <b>aloititte</b>?"}, follow=True)
    html = response.content.decode()
    assert "Viestisi lähetettiin yhteyshenkilölle." in html
    assert act.contact_email not in html
    [email] = mail.outbox
    assert email.to == [act.contact_email]
    assert email.reply_to == ["kysyja@example.fi"]
    assert "Kalle Kysyjä (Oulun kaupunki)" in email.body
    assert "Miten <b>aloititte</b>?" in email.body
    assert act.title in email.subject
    assert "http://" in email.body and act.url in email.body


def test_the_message_is_rate_limited(client, tori_site, django_capture_on_commit_callbacks):
    act = tori_site["invoices"]
    sender = make_user("kiireinen@example.fi")
    client_for(client, sender)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(CONTACT_RATE.limit):
            assert client.post(act.url + "viesti/", {"message": f"Viesti {n}"}).status_code == 302
        response = client.post(act.url + "viesti/", {"message": "Vielä yksi"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Yritä uudelleen" in html and "kuluttua" in html
    assert "Vielä yksi" in html  # the message is kept in the form
    assert act.contact_email not in html
    assert len(mail.outbox) == CONTACT_RATE.limit
    refusal = refused("rate_limited", send_contact_message, act, sender, "Ja vielä")
    assert isinstance(refusal, RateLimited) and refusal.retry_after > 0


def test_message_refusals(client, tori_site):
    act = tori_site["invoices"]
    sender = make_user()
    refused("empty", send_contact_message, act, sender, "   ")
    refused("too_long", send_contact_message, act, sender, "x" * (interest.MAX_MESSAGE_LENGTH + 1))
    client_for(client, sender)
    response = client.post(act.url + "viesti/", {"message": ""})
    assert response.status_code == 400
    assert "Kirjoita viesti." in response.content.decode()
    response = client.post(act.url + "viesti/", {"message": "x" * (interest.MAX_MESSAGE_LENGTH + 1)})
    assert response.status_code == 400
    assert len(mail.outbox) == 0


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_post_routes(client, network_people, role, django_capture_on_commit_callbacks):
    from tests.factories import make_tori

    network, _other, people = network_people
    tori = make_tori(network.get_parent().get_parent())
    act = make_act(tori, make_organisation("Matriisikunta"), network=network, first_published_at=published(1))
    user = people[role]
    client_for(client, user)
    for route in ("kiinnostaa/", "viesti/"):
        assert client.get(act.url + route).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        interest_response = client.post(act.url + "kiinnostaa/")
        message_response = client.post(act.url + "viesti/", {"message": "Kerrotko lisää?"})
    if user is None:
        for response in (interest_response, message_response):
            assert response.status_code == 302
            assert response.url.startswith("/tili/login/")
        assert not Interest.objects.exists()
        assert len(mail.outbox) == 0
    else:
        assert interest_response.status_code == 302 and interest_response.url == act.url + "#kiinnostaa"
        assert message_response.status_code == 302 and message_response.url == act.url + "#viesti"
        assert Interest.objects.filter(act=act, user=user).count() == 1
        assert [email.to for email in mail.outbox] == [[act.contact_email]]


def grow(tori_site, count):
    from tori.models import ActPage

    for n in range(count - ActPage.objects.live().count()):
        act = make_act(
            tori_site["tori"], tori_site["sipoo"], themes=[tori_site["lean"]], first_published_at=published(n)
        )
        Interest.objects.create(act=act, user=make_user())


def test_act_page_queries_do_not_grow_with_the_acts(tori_site):
    act = tori_site["invoices"]
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(make_user())
    measured = {}
    for size in (20, 200):
        grow(tori_site, size)
        measured[f"anonymous {size}"] = queries_for(anonymous, act.url)
        measured[f"signed in {size}"] = queries_for(signed_in, act.url)
    assert_queries(ACT_PAGE_QUERIES, small=measured["anonymous 20"], large=measured["anonymous 200"])
    # The session, the user, whether they said "Kiinnostaa" and what the header shows a signed-in person.
    assert_queries(ACT_PAGE_QUERIES + 4, small=measured["signed in 20"], large=measured["signed in 200"])
