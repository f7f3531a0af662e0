"""Oma Verkostamo, the personal start page: what it shows each kind of person, where signing in lands, the
first sign-in's questions, and its queries whatever the number of networks."""

import uuid
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from discussions import actions as discussion_actions
from discussions.models import Room
from networks.models import Invitation, JoinRequest
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user, make_workshop
from workshops.models import Registration, Submission, Task

START = "/oma/"


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    """The tests write many messages as one person; the rate limits live in the cache."""
    settings.DISCUSSION_RATE_LIMIT = (100_000, 10)
    cache.clear()


def general_room(network):
    return Room.objects.get(network=network, kind=Room.Kind.GENERAL)


def say(network, author, body, reply_to=None):
    message, _created = discussion_actions.create_message(
        general_room(network), author, body, uuid.uuid4().hex, reply_to.pk if reply_to else None
    )
    return message


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def named(email, first, last):
    return make_user(email, first_name=first, last_name=last)


@pytest.mark.parametrize("role", ROLES)
def test_the_start_page_is_for_the_signed_in_and_shows_their_own_networks_only(client, network_people, role):
    network, other, people = network_people
    response = client_for(client, people[role]).get(START)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "Oma Verkostamo" in page
    assert (f'id="network-{network.pk}-heading"' in page) == (role in ("member", "contact", "facilitator"))
    assert (f'id="network-{other.pk}-heading"' in page) == (role == "other_member")


def test_a_member_sees_each_network_with_what_waits_there(client, site_tree):
    _home, index = site_tree
    organisation = make_organisation("Sipoon kunta")
    lean = make_network(index, "Lean-verkosto", organisations=[organisation])
    latu = make_network(index, "LATU-verkosto")
    other = make_network(index, "Muiden verkosto")
    me = named("minna@example.fi", "Minna", "Mäkinen")
    colleague = named("kalle@example.fi", "Kalle", "Koski")
    make_membership(lean, me, organisation=organisation)
    make_membership(latu, me)
    make_membership(lean, colleague)
    make_membership(other, colleague)

    workshop = make_workshop(lean, days_from_now=5, title="Arvovirtakuvaus")
    make_workshop(lean, days_from_now=40, title="Myöhempi työpaja")
    Registration.objects.create(workshop=workshop, user=me, response=Registration.Response.YES)
    answered = Task.objects.create(
        workshop=workshop, title="Prosessikartta", instructions="x", due=timezone.now() + timedelta(days=2)
    )
    Submission.objects.create(task=answered, user=me, text="Tehty")
    Task.objects.create(
        workshop=workshop, title="Ennakkokysely", instructions="x", due=timezone.now() + timedelta(days=3)
    )
    Task.objects.create(
        workshop=workshop, title="Mennyt tehtävä", instructions="x", due=timezone.now() - timedelta(days=1)
    )

    mine = say(lean, me, "Miten laskujen käsittely onnistui teillä?")
    say(lean, colleague, "Hei @minna.mäkinen, katsoitko arvovirtaa?")
    say(lean, colleague, "Meillä 120 tunnista 29 tuntiin.", reply_to=mine)
    say(other, colleague, "Tätä ei kuulu näkyä.")

    page = client_for(client, me).get(START).content.decode()

    assert "Lean-verkosto" in page and "LATU-verkosto" in page
    assert "Muiden verkosto" not in page and "Tätä ei kuulu näkyä" not in page
    assert "Arvovirtakuvaus" in page and "Myöhempi työpaja" not in page
    assert "Olet ilmoittautunut." in page
    assert "Prosessikartta" in page and "Ennakkokysely" in page and "Mennyt tehtävä" not in page
    assert page.count("Vastattu") == 1
    assert "Kalle Koski mainitsi sinut" in page
    assert "Kalle Koski vastasi viestiisi" in page
    assert "Meillä 120 tunnista 29 tuntiin." in page
    assert "2 uutta" in page  # my own message is read; the colleague's two are not
    assert "Seuraavaa työpajaa ei ole vielä julkaistu." in page  # LATU has none, said quietly


def test_reading_the_room_clears_it_from_the_start_page(client, site_tree):
    _home, index = site_tree
    network = make_network(index, "Lean-verkosto")
    me, colleague = make_user(), make_user()
    make_membership(network, me)
    make_membership(network, colleague)
    message = say(network, colleague, "Uusi viesti")
    client_for(client, me)
    assert "1 uusi" in client.get(START).content.decode()
    discussion_actions.mark_read(me, general_room(network), message.seq)
    page = client.get(START).content.decode()
    assert "1 uusi" not in page and "Olet lukenut kaikki viestit." in page
    assert "Maininnat ja vastaukset" not in page  # nothing to show: no empty panel before the networks


def test_a_facilitator_sees_what_needs_them_instead_of_member_prompts(client, site_tree):
    _home, index = site_tree
    network = make_network(index, "Lean-verkosto", status="haku")
    facilitator = make_user()
    make_membership(network, facilitator, "facilitator")
    members = [make_membership(network).user for _ in range(3)]
    workshop = make_workshop(network)
    Registration.objects.create(workshop=workshop, user=members[0], response=Registration.Response.NO)
    Registration.objects.create(workshop=workshop, user=facilitator, response=Registration.Response.YES)
    JoinRequest.objects.create(network=network, user=make_user(), organisation=make_organisation(), motivation="Mukaan")

    page = client_for(client, facilitator).get(START).content.decode()

    assert "2 jäsentä ei ole vielä kertonut, tulevatko" in page
    assert "Kerro, tuletko" not in page
    assert "1 liittymispyyntö odottaa sinua" in page
    assert reverse("manage-join-requests", args=[network.slug]) in page


def test_invitations_and_own_requests_wait_on_the_start_page(client, site_tree):
    _home, index = site_tree
    invited_to = make_network(index, "LATU-verkosto")
    applied_to = make_network(index, "Lean-verkosto", status="haku")
    me = make_user("tuomas@example.fi")
    Invitation.objects.create(
        network=invited_to, email="Tuomas@Example.fi", token_hash="a" * 64, expires=timezone.now() + timedelta(days=3)
    )
    Invitation.objects.create(
        network=invited_to, email="tuomas@example.fi", token_hash="b" * 64, expires=timezone.now() - timedelta(days=1)
    )
    JoinRequest.objects.create(network=applied_to, user=me, organisation=make_organisation(), motivation="Mukaan")

    page = client_for(client, me).get(START).content.decode()

    assert page.count("Sinut on kutsuttu verkostoon LATU-verkosto") == 1
    assert "Liittymispyyntösi verkostoon Lean-verkosto" in page
    assert "Et ole vielä minkään verkoston jäsen" in page


def test_hostile_text_stays_text(client, site_tree):
    _home, index = site_tree
    network = make_network(index, "Lean-verkosto")
    me = named("minna@example.fi", "Minna", "Mäkinen")
    make_membership(network, me)
    make_membership(network, named("x@example.fi", "<script>alert(1)</script>", "X"))
    author = network.memberships.exclude(user=me).get().user
    say(network, author, "@minna.mäkinen <img src=x onerror=alert(1)>")
    page = client_for(client, me).get(START).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page


def test_queries_do_not_grow_with_the_networks(client, site_tree):
    _home, index = site_tree
    me = named("minna@example.fi", "Minna", "Mäkinen")
    client_for(client, me)

    def add_network(role):
        network = make_network(index, organisations=[make_organisation()])
        make_membership(network, me, role)
        colleague = make_user()
        make_membership(network, colleague)
        workshop = make_workshop(network)
        Registration.objects.create(workshop=workshop, user=me, response=Registration.Response.MAYBE)
        Task.objects.create(workshop=workshop, title="T", instructions="x", due=timezone.now() + timedelta(days=2))
        JoinRequest.objects.create(network=network, user=make_user(), organisation=make_organisation(), motivation="M")
        mine = say(network, me, "Kysymys")
        say(network, colleague, "@minna.mäkinen vastaus", reply_to=mine)

    add_network("member")
    add_network("facilitator")
    small = queries_for(client, START)
    for role in ("member", "facilitator", "member", "facilitator"):
        add_network(role)
    large = queries_for(client, START)
    # 13 of the page's own (the session and user included) and 8 of the layout: menus, site settings.
    assert_queries(21, small=small, large=large)


def test_signing_in_lands_on_the_start_page(client, site_tree):
    user = make_user(
        "valmis@example.fi",
        first_name="Valmis",
        last_name="V",
        job_title="Kehittäjä",
        role_category="employee",
        gender="woman",
        organisation=make_organisation(),
    )
    verified(user)
    response = client.post(reverse("account_login"), {"login": "valmis@example.fi", "password": "salasana-123"})
    assert response.status_code == 302 and response.url == START


def test_the_first_sign_in_asks_only_what_is_missing_once(client, site_tree):
    user = verified(make_user("uusi@example.fi", first_name="Uuno", last_name="Uusi"))
    response = client.post(reverse("account_login"), {"login": "uusi@example.fi", "password": "salasana-123"})
    assert response.url == reverse("account_welcome")
    page = client.get(response.url).content.decode()
    assert 'name="job_title"' in page and 'name="gender"' in page
    assert 'name="first_name"' not in page and 'name="discussion_email"' not in page

    response = client.post(reverse("account_welcome"), {"job_title": "x" * 151})
    assert response.status_code == 200 and "Tietoja ei tallennettu" in response.content.decode()
    response = client.post(reverse("account_welcome"), {"job_title": "Palvelupäällikkö", "gender": "undisclosed"})
    assert response.url == START
    user.refresh_from_db()
    assert (user.job_title, user.gender, user.first_name) == ("Palvelupäällikkö", "undisclosed", "Uuno")

    client.logout()
    response = client.post(reverse("account_login"), {"login": "uusi@example.fi", "password": "salasana-123"})
    assert response.url == START  # asked once, though the role is still missing
    assert client.get(reverse("account_welcome")).url == START
