"""The notice settings page, /oma/ilmoitukset/, and following or muting a network from its front page: who may do
what, the defaults shown, saving exactly the rows that differ from the defaults, junk refused with nothing
changed, and a fixed number of queries however many networks and rooms."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.data import delete_account, export_user_data
from accounts.models import User
from discussions import actions as discussion_actions
from discussions.models import Room, RoomAttention
from notices import actions
from notices.models import DEFAULT_DELIVERY, Attention, Delivery, DigestSettings, Kind, NetworkAttention, Preference
from tests.conftest import ROLES, assert_queries, client_for, queries_for, refused
from tests.factories import make_membership, make_network

pytestmark = pytest.mark.django_db

URL = reverse("notice-settings")
MEMBER_ROLES = ("member", "contact", "facilitator")
# Queries of the page at both sizes: the session and the person, the memberships, the choices per kind, the digest's
# frequency, the muted networks, the rooms followed or muted; and the base template's seven (the site, the header's
# networks, the menu, the site settings).
PAGE_QUERIES = 14


def defaults_posted(networks=(), rooms=()):
    """The form as it is first shown: every default, each network followed, each room as it is."""
    data = {f"kind-{kind.value}": delivery.value for kind, delivery in DEFAULT_DELIVERY.items()}
    data.update({"frequency": "daily", "language": settings.LANGUAGE_CODE})
    data.update({f"network-{network.pk}": "follow" for network in networks})
    data.update({f"room-{room.pk}": level for room, level in rooms})
    return data


def snapshot():
    """Everything the page may change, to compare before and after a refusal."""
    return (
        sorted(Preference.objects.values_list("user_id", "kind", "delivery")),
        sorted(DigestSettings.objects.values_list("user_id", "frequency")),
        sorted(NetworkAttention.objects.values_list("user_id", "network_id", "level")),
        sorted(RoomAttention.objects.values_list("user_id", "room_id", "level")),
        sorted(User.objects.values_list("pk", "language")),
    )


def checked(content, name):
    """The value of the checked radio button `name` in the page."""
    found = re.findall(rf'<input type="radio" name="{re.escape(name)}" value="([^"]+)"[^>]*\bchecked\b', content)
    assert len(found) == 1, (name, found)
    return found[0]


@pytest.mark.parametrize("role", ROLES)
def test_the_page_is_for_everyone_signed_in_with_their_own_networks(client, network_people, role):
    network, other_network, people = network_people
    response = client_for(client, people[role]).get(URL)
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response.url
        return
    assert response.status_code == 200
    content = response.content.decode()
    assert "<fieldset" in content and "<legend" in content
    assert (f'name="network-{network.pk}"' in content) == (role in MEMBER_ROLES)
    assert (f'name="network-{other_network.pk}"' in content) == (role == "other_member")
    if role in ("outsider", "staff"):
        assert "Et ole minkään verkoston jäsen." in content


@pytest.mark.parametrize("role", ROLES)
def test_saving_follows_the_permission_matrix(client, network_people, role):
    network, other_network, people = network_people
    user = people[role]
    own = {"other_member": [other_network], **{name: [network] for name in MEMBER_ROLES}}.get(role, [])
    data = {**defaults_posted(own), "kind-mention": "never", "frequency": "weekly"}
    data.update({f"network-{theirs.pk}": "mute" for theirs in own})
    response = client_for(client, user).post(URL, data)
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response.url
        assert snapshot()[0] == []
        return
    assert response.status_code == 302 and response.url == URL
    assert list(Preference.objects.values_list("user", "kind", "delivery")) == [(user.pk, "mention", "never")]
    assert DigestSettings.objects.get(user=user).frequency == "weekly"
    assert list(NetworkAttention.objects.values_list("user", "network", "level")) == [
        (user.pk, theirs.pk, "mute") for theirs in own
    ]
    assert "Ilmoitusasetuksesi on tallennettu." in client.get(URL).content.decode()


def test_the_defaults_are_shown_and_the_language_falls_back_to_the_sites(client, network_people):
    network, _other, people = network_people
    member = people["member"]
    member.language = ""
    member.save()
    content = client_for(client, member).get(URL).content.decode()
    for kind, delivery in DEFAULT_DELIVERY.items():
        assert checked(content, f"kind-{kind.value}") == delivery.value
    assert checked(content, "frequency") == "daily"
    assert checked(content, "language") == settings.LANGUAGE_CODE
    assert checked(content, f"network-{network.pk}") == "follow"
    # Muting silences room messages and workshop news: the page says so, and what still comes.
    assert "uudet viestit seuraamissani huoneissa, työpajojen uutiset" in content
    assert "Maininnat, vastaukset viesteihisi, tehtävät ja muistutukset tulevat silti" in content


def test_saving_stores_only_what_differs_from_the_defaults(client, network_people):
    network, _other, people = network_people
    member = people["member"]
    second = make_network(network.get_parent(), "Toinen verkosto")
    make_membership(second, member)
    general = discussion_actions.ensure_general_room(network)
    followed = discussion_actions.ensure_general_room(second)
    discussion_actions.set_room_attention(member, general, "mute")
    discussion_actions.set_room_attention(member, followed, "follow")
    other_member = people["contact"]
    Preference.objects.create(user=other_member, kind=Kind.MENTION, delivery=Delivery.NEVER)
    client_for(client, member)

    content = client.get(URL).content.decode()
    assert checked(content, f"room-{general.pk}") == "mute" and checked(content, f"room-{followed.pk}") == "follow"

    data = defaults_posted([network, second], [(general, "network"), (followed, "follow")])
    data.update(
        {
            "kind-room_messages": "now",
            "kind-reminder": "never",
            "frequency": "weekly",
            "language": "sv",
            f"network-{second.pk}": "mute",
        }
    )
    assert client.post(URL, data).status_code == 302
    assert sorted(Preference.objects.filter(user=member).values_list("kind", "delivery")) == [
        ("reminder", "never"),
        ("room_messages", "now"),
    ]
    assert DigestSettings.objects.get(user=member).frequency == "weekly"
    member.refresh_from_db()
    assert member.language == "sv"
    assert list(NetworkAttention.objects.values_list("user", "network", "level")) == [(member.pk, second.pk, "mute")]
    assert list(RoomAttention.objects.values_list("room", "level")) == [(followed.pk, "follow")]  # the mute is reset
    # Someone else's choices are not touched.
    assert list(Preference.objects.filter(user=other_member).values_list("kind", "delivery")) == [("mention", "never")]

    # Back to the defaults: the rows go (the digest's row stays, it remembers when the last digest went).
    data = defaults_posted([network, second], [(followed, "network")])
    data["language"] = "sv"
    assert client.post(URL, data).status_code == 302
    assert not Preference.objects.filter(user=member).exists()
    assert not NetworkAttention.objects.exists() and not RoomAttention.objects.exists()
    assert DigestSettings.objects.get(user=member).frequency == "daily"


def test_the_language_shown_by_default_is_not_stored_as_a_choice(client, network_people):
    _network, _other, people = network_people
    outsider = people["outsider"]
    outsider.language = ""
    outsider.save()
    assert client_for(client, outsider).post(URL, defaults_posted()).status_code == 302
    outsider.refresh_from_db()
    assert outsider.language == ""
    assert not DigestSettings.objects.exists()


def junk(network, other_network, other_room):
    return {
        "an unknown delivery": {"kind-mention": "sometimes"},
        "an unknown kind": {"kind-gossip": "now"},
        "an empty delivery": {"kind-reply": ""},
        "an unknown frequency": {"frequency": "hourly"},
        "an unknown language": {"language": "de"},
        "an unknown level": {f"network-{network.pk}": "loud"},
        "a network one is not a member of": {f"network-{other_network.pk}": "mute"},
        "a network that does not exist": {"network-999999": "mute"},
        "a room of another network": {f"room-{other_room.pk}": "mute"},
    }


JUNK = [
    "an unknown delivery",
    "an unknown kind",
    "an empty delivery",
    "an unknown frequency",
    "an unknown language",
    "an unknown level",
    "a network one is not a member of",
    "a network that does not exist",
    "a room of another network",
]


@pytest.mark.parametrize("case", JUNK)
def test_junk_is_refused_with_a_message_and_nothing_changes(client, network_people, case):
    network, other_network, people = network_people
    member = people["member"]
    other_room = discussion_actions.ensure_general_room(other_network)
    data = {**defaults_posted([network]), "kind-mention": "never", f"network-{network.pk}": "mute"}
    data.update(junk(network, other_network, other_room)[case])
    before = snapshot()
    response = client_for(client, member).post(URL, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'class="form-errors" role="alert"' in content
    assert "Valitse jokin" in content or "Mitään ei muutettu." in content
    assert snapshot() == before


def test_staff_outside_networks_choose_no_network(client, network_people):
    network, _other, people = network_people
    staff = people["staff"]
    before = snapshot()
    response = client_for(client, staff).post(URL, {**defaults_posted(), f"network-{network.pk}": "mute"})
    assert response.status_code == 400 and snapshot() == before
    refused("not_member", actions.set_network_attention, staff, network, "mute")
    refused("not_member", actions.set_preferences, staff, networks={network.pk: "mute"})


def test_the_actions_refuse_what_the_form_would_not_send(network_people):
    network, other_network, people = network_people
    member = people["member"]
    before = snapshot()
    refused("invalid", actions.set_preferences, member, deliveries={"gossip": "now"})
    refused("invalid", actions.set_preferences, member, deliveries={"mention": "loudly"})
    refused("invalid", actions.set_preferences, member, deliveries={"mention": ["now"]})
    refused("invalid", actions.set_preferences, member, frequency="hourly")
    refused("invalid", actions.set_preferences, member, language="de")
    refused("invalid", actions.set_preferences, member, followed={"planet": {1: "mute"}})
    # A refusal late in the list leaves the earlier, valid choices unsaved too.
    refused(
        "not_member",
        actions.set_preferences,
        member,
        deliveries={"mention": "never"},
        networks={network.pk: "mute", other_network.pk: "mute"},
    )
    other_room = discussion_actions.ensure_general_room(other_network)
    refused(
        "forbidden",
        actions.set_preferences,
        member,
        deliveries={"mention": "never"},
        followed={"room": {other_room.pk: "mute"}},
    )
    refused("invalid", actions.set_network_attention, member, network, "network")
    assert snapshot() == before


def test_a_left_network_is_no_longer_offered(client, network_people):
    network, _other, people = network_people
    member = people["member"]
    membership = member.memberships.get(network=network)
    membership.left = membership.joined
    membership.save()
    assert f'name="network-{network.pk}"' not in client_for(client, member).get(URL).content.decode()
    refused("not_member", actions.set_network_attention, member, network, "mute")


def grow(index, user, count):
    """`count` more networks of the person's, each muted, with a general room they followed."""
    for _ in range(count):
        network = make_network(index)
        make_membership(network, user)
        actions.set_network_attention(user, network, "mute")
        discussion_actions.set_room_attention(user, discussion_actions.ensure_general_room(network), "follow")


def test_the_pages_queries_do_not_grow_with_networks_and_rooms(client, network_people):
    network, _other, people = network_people
    member = people["member"]
    Preference.objects.create(user=member, kind=Kind.TASKS, delivery=Delivery.DIGEST)
    DigestSettings.objects.create(user=member, frequency="weekly")
    client_for(client, member)
    grow(network.get_parent(), member, 1)
    small = queries_for(client, URL)
    grow(network.get_parent(), member, 8)
    large = queries_for(client, URL)
    assert Room.objects.filter(attention__user=member).count() == 9
    assert_queries(PAGE_QUERIES, small=small, large=large)


# -- the network's front page --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_following_or_muting_from_the_networks_front_page(client, network_people, role):
    network, _other, people = network_people
    url = reverse("notice-network-attention", args=[network.slug])
    client_for(client, people[role])
    response = client.post(url, {"level": "mute"})
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response.url
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response.url == reverse("space", args=[network.slug])
    muted = role in MEMBER_ROLES
    assert NetworkAttention.objects.filter(network=network, level=Attention.MUTE).exists() == muted
    assert client.get(url).status_code in (302, 403, 405)
    if role in MEMBER_ROLES:
        page = client.get(reverse("space", args=[network.slug])).content.decode()
        assert "Verkosto on hiljennetty." in page
        assert checked(page, "level") == "mute"
        assert client.post(url, {"level": "follow"}).status_code == 302
        assert not NetworkAttention.objects.exists()
    elif role == "staff":
        page = client.get(reverse("space", args=[network.slug])).content.decode()
        assert "Voit valita ilmoitukset vain verkostoista, joiden jäsen olet." in page
        assert 'name="level"' not in page  # no form for a network one hears nothing of


def test_an_unknown_level_from_the_front_page_changes_nothing(client, network_people):
    network, _other, people = network_people
    url = reverse("notice-network-attention", args=[network.slug])
    response = client_for(client, people["member"]).post(url, {"level": "loud"}, follow=True)
    assert "Valitse, seuraatko verkostoa vai hiljennätkö sen." in response.content.decode()
    assert not NetworkAttention.objects.exists()


# -- links, the data export, deleting the account -----------------------------------------------------------------


def test_the_start_page_and_the_profile_link_to_the_settings(client, network_people):
    _network, _other, people = network_people
    client_for(client, people["member"])
    for page in (reverse("start"), reverse("account_profile")):
        assert f'href="{URL}"' in client.get(page).content.decode()


def test_the_choices_are_in_the_own_data_export_and_go_with_the_account(network_people):
    network, _other, people = network_people
    member = people["member"]
    room = discussion_actions.ensure_general_room(network)
    actions.set_preferences(
        member, deliveries={"mention": "never"}, frequency="weekly", language="en", networks={network.pk: "mute"}
    )
    discussion_actions.set_room_attention(member, room, "follow")
    data = export_user_data(member)
    notices = data["notice_settings"]
    assert {"kind": "mention", "delivery": "never", "chosen": True} in notices["deliveries"]
    assert {"kind": "reply", "delivery": "now", "chosen": False} in notices["deliveries"]
    assert notices["digest_frequency"] == "weekly" and notices["email_language"] == "en"
    assert notices["networks"] == [{"network": network.title, "level": "mute"}]
    assert data["room_attention"] == [{"network": network.title, "room": room.title, "level": "follow"}]

    delete_account(member)
    assert snapshot()[:4] == ([], [], [], [])
