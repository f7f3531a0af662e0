"""Inviting people by e-mail, and what the invitation link does in every state."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from networks.actions import accept_invitation, create_invitation, revoke_invitation
from networks.models import Invitation, Membership
from tests.conftest import client_for
from tests.factories import make_membership, make_organisation, make_user

pytestmark = pytest.mark.django_db


def messages_of(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def invite(client, network, emails, role="member", organisation=None):
    """Posts the invitation form. The e-mail is sent after the commit, which a test's transaction never
    reaches, so the on-commit callbacks are run here."""
    data = {"emails": emails, "role": role}
    if organisation is not None:
        data["organisation"] = organisation.pk
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("manage-invitations", args=[network.slug]), data)


def link_in(message):
    return re.search(r"https?://\S+/kutsu/\S+/", message.body).group(0)


# ---------- Sending invitations ----------


def test_invites_many_addresses_at_once_with_role_and_organisation(client, network_people):
    network, _other, people = network_people
    organisation = make_organisation("Kemin kaupunki")
    client = client_for(client, people["facilitator"])

    response = invite(
        client,
        network,
        "Anna@Example.fi, ben@example.fi\n\ncecilia@example.fi;anna@example.fi",
        "contact",
        organisation,
    )

    assert response.status_code == 302
    invitations = Invitation.objects.filter(network=network).order_by("email")
    assert [i.email for i in invitations] == ["anna@example.fi", "ben@example.fi", "cecilia@example.fi"]
    assert {(i.role, i.organisation_id, i.invited_by_id) for i in invitations} == {
        ("contact", organisation.pk, people["facilitator"].pk)
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.fi", "ben@example.fi", "cecilia@example.fi"]
    assert "3 osoitteeseen" in messages_of(response)


def test_invitations_beyond_the_hourly_limit_invite_nobody_and_say_when(client, network_people, settings):
    """The flood: a facilitator's account (or a stolen one) sends invitation after invitation."""
    settings.INVITATIONS_PER_HOUR = 5
    network, other, people = network_people
    make_membership(other, people["facilitator"], "facilitator")
    client = client_for(client, people["facilitator"])
    assert invite(client, network, "a@example.fi, b@example.fi, c@example.fi").status_code == 302
    Invitation.objects.update(created=timezone.now() - timedelta(minutes=50))
    assert invite(client, other, "d@example.fi").status_code == 302  # the limit counts all networks together

    response = invite(client, network, "e@example.fi, f@example.fi")

    assert response.status_code == 429
    content = response.content.decode()
    assert "Olet lähettänyt viimeisen tunnin aikana 4 kutsua; tunnissa voi lähettää enintään 5." in content
    assert "Yritä uudelleen 10 minuutin kuluttua." in content  # when the oldest leaves the hour
    assert "e@example.fi, f@example.fi" in content  # the addresses are kept in the form
    assert Invitation.objects.count() == 4
    assert len(mail.outbox) == 4

    assert invite(client, network, "e@example.fi").status_code == 302  # one more still fits
    Invitation.objects.update(created=timezone.now() - timedelta(hours=1, seconds=1))
    assert invite(client, network, "f@example.fi, g@example.fi").status_code == 302


def test_the_email_names_the_network_and_carries_a_working_link(client, network_people):
    network, _other, people = network_people
    invite(client_for(client, people["facilitator"]), network, "uusi@example.fi")

    (message,) = mail.outbox
    assert network.title in message.subject
    assert "\n" not in message.subject
    assert network.title in message.body
    link = link_in(message)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    response = client.get("/" + path)
    assert response.status_code == 200
    assert "Luo tunnus" in response.content.decode()


def test_any_invalid_address_invites_nobody_and_names_it(client, network_people):
    network, _other, people = network_people
    client = client_for(client, people["facilitator"])

    response = invite(client, network, "hyva@example.fi\nei-osoite\ntoinen@@example.fi")

    assert response.status_code == 200
    content = response.content.decode()
    assert "ei-osoite" in content and "toinen@@example.fi" in content
    assert "ketään ei kutsuttu" in content
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_emails_helptext id_emails_error"' in content
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_empty_list_and_bogus_role_are_refused(client, network_people):
    network, _other, people = network_people
    client = client_for(client, people["facilitator"])
    assert invite(client, network, " ,\n ").status_code == 200
    assert invite(client, network, "a@example.fi", role="owner").status_code == 200
    assert not Invitation.objects.exists()


def test_reinviting_an_existing_member_is_harmless(client, network_people):
    network, _other, people = network_people
    membership = Membership.objects.get(network=network, user=people["member"])
    client = client_for(client, people["facilitator"])

    response = invite(client, network, "JASEN@example.fi, uusi@example.fi", role="facilitator")

    assert [i.email for i in Invitation.objects.all()] == ["uusi@example.fi"]
    assert [m.to for m in mail.outbox] == [["uusi@example.fi"]]
    assert "jasen@example.fi on jo verkoston jäsen" in messages_of(response)
    membership.refresh_from_db()
    assert membership.role == "member" and membership.left is None


def test_a_member_of_another_network_is_invited(client, network_people):
    network, _other, people = network_people
    invite(client_for(client, people["facilitator"]), network, "toinen@example.fi")
    assert Invitation.objects.filter(network=network, email="toinen@example.fi").exists()


def test_reinviting_an_open_invitation_replaces_it(client, network_people):
    network, _other, people = network_people
    old, old_token = create_invitation(network, "uusi@example.fi", "member", None, people["facilitator"])
    client = client_for(client, people["facilitator"])

    response = invite(client, network, "uusi@example.fi", role="contact")

    old.refresh_from_db()
    assert old.revoked is not None
    new = Invitation.objects.exclude(pk=old.pk).get()
    assert new.is_open and new.role == "contact"
    assert "peruttiin ja tilalle lähetettiin uusi" in messages_of(response)
    assert client.get(reverse("invitation", args=[old_token])).status_code == 410


def test_invitations_page_lists_states_and_revokes(client, network_people):
    network, _other, people = network_people
    facilitator = people["facilitator"]
    open_one, _ = create_invitation(network, "auki@example.fi", "member", None, facilitator)
    used, used_token = create_invitation(network, "kaytetty@example.fi", "member", None, facilitator)
    accept_invitation(used_token, make_user("kaytetty@example.fi"))
    expired, _ = create_invitation(network, "vanha@example.fi", "member", None, facilitator)
    Invitation.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(days=1))
    client = client_for(client, facilitator)

    content = client.get(reverse("manage-invitations", args=[network.slug])).content.decode()
    for text in ("auki@example.fi", "kaytetty@example.fi", "vanha@example.fi", "Voimassa", "Käytetty", "Vanhentunut"):
        assert text in content
    assert content.count(reverse("manage-revoke-invitation", args=[network.slug, open_one.pk])) == 1
    assert reverse("manage-revoke-invitation", args=[network.slug, used.pk]) not in content

    response = client.post(reverse("manage-revoke-invitation", args=[network.slug, open_one.pk]))
    assert response.status_code == 302
    open_one.refresh_from_db()
    assert open_one.revoked is not None
    response = client.post(reverse("manage-revoke-invitation", args=[network.slug, used.pk]))
    assert "ei voi perua" in messages_of(response)
    used.refresh_from_db()
    assert used.revoked is None


# ---------- The invitation link ----------


@pytest.fixture
def invitation(network_people):
    network, _other, people = network_people
    organisation = make_organisation("Kemin kaupunki")
    invitation, token = create_invitation(
        network, "kutsuttu@example.fi", "contact", organisation, people["facilitator"]
    )
    mail.outbox.clear()
    return invitation, token


def test_anonymous_sees_the_network_and_inviter_and_links_to_sign_up_and_in(client, invitation):
    invitation, token = invitation
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 200
    content = response.content.decode()
    assert invitation.network.title in content
    assert invitation.invited_by.display_name in content
    assert "Luo tunnus" in content and "Kirjaudu sisään" in content
    assert reverse("account_signup") in content and reverse("account_login") in content
    assert client.session["invitation_token"] == token
    assert client.session["account_verified_email"] == "kutsuttu@example.fi"
    assert not Membership.objects.filter(user__email="kutsuttu@example.fi").exists()


def test_signed_in_accepts_with_a_button(client, invitation):
    invitation, token = invitation
    user = make_user("kutsuttu@example.fi")
    client = client_for(client, user)
    url = reverse("invitation", args=[token])

    response = client.get(url)
    assert response.status_code == 200
    assert "Liity verkostoon" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()  # a GET changes nothing

    session = client.session
    session["invitation_token"] = token
    session.save()
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("space", args=[invitation.network.slug])
    membership = Membership.objects.active().get(user=user, network=invitation.network)
    assert membership.role == "contact"
    assert membership.organisation == invitation.organisation
    invitation.refresh_from_db()
    assert invitation.accepted is not None and invitation.accepted_by == user
    assert "invitation_token" not in client.session
    assert user.groups.filter(pk=invitation.network.members_group_id).exists()
    assert client.get(response["Location"]).status_code == 200


def test_signed_in_with_another_address_may_accept_and_sees_the_invited_one(client, invitation):
    invitation, token = invitation
    user = make_user("eri.osoite@example.fi")
    client = client_for(client, user)
    response = client.get(reverse("invitation", args=[token]))
    assert "kutsuttu@example.fi" in response.content.decode()
    assert "eri.osoite@example.fi" in response.content.decode()
    client.post(reverse("invitation", args=[token]))
    assert Membership.objects.active().filter(user=user, network=invitation.network).exists()


def test_a_used_link_gives_a_clear_page(client, invitation):
    invitation, token = invitation
    user = make_user("kutsuttu@example.fi")
    client = client_for(client, user)
    client.post(reverse("invitation", args=[token]))

    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert "Kutsu on jo käytetty" in response.content.decode()
    assert reverse("space", args=[invitation.network.slug]) in response.content.decode()

    other = make_user()
    response = client_for(client, other).post(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert "Kutsu on jo käytetty" in response.content.decode()
    assert not Membership.objects.filter(user=other).exists()
    assert reverse("space", args=[invitation.network.slug]) not in response.content.decode()


@pytest.mark.parametrize("token", ["tampered", "x" * 500, "%00", "..", "a b"])
def test_a_tampered_link_gives_a_clear_page(client, invitation, token):
    _invitation, real = invitation
    memberships = Membership.objects.count()
    for path in (f"/kutsu/{token}/", f"/kutsu/{real[:-1]}/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Kutsulinkki ei kelpaa" in response.content.decode()
        response = client_for(client, make_user()).post(path)
        assert response.status_code == 404
        client.logout()
    assert Membership.objects.count() == memberships


def test_an_expired_link_gives_a_clear_page(client, invitation):
    invitation, token = invitation
    Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() - timedelta(minutes=1))
    for user in (None, make_user("kutsuttu@example.fi")):
        response = client_for(client, user).get(reverse("invitation", args=[token]))
        assert response.status_code == 410
        assert "Kutsu on vanhentunut" in response.content.decode()
        assert "uusi kutsu" in response.content.decode()
    response = client.post(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert not Membership.objects.filter(user__email="kutsuttu@example.fi").exists()


def test_a_revoked_link_gives_a_clear_page(client, invitation):
    invitation, token = invitation
    revoke_invitation(invitation)
    response = client_for(client, make_user("kutsuttu@example.fi")).post(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert "Kutsu on peruttu" in response.content.decode()
    assert not Membership.objects.filter(user__email="kutsuttu@example.fi").exists()


def test_revoked_between_page_and_button(client, invitation):
    invitation, token = invitation
    client = client_for(client, make_user("kutsuttu@example.fi"))
    assert client.get(reverse("invitation", args=[token])).status_code == 200
    revoke_invitation(invitation)
    response = client.post(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert "Kutsu on peruttu" in response.content.decode()


def test_an_existing_member_is_not_downgraded(client, network_people):
    network, _other, people = network_people
    _invitation, token = create_invitation(network, "fasilitaattori@example.fi", "member", None, people["staff"])
    client = client_for(client, people["facilitator"])
    response = client.get(reverse("invitation", args=[token]))
    assert "Olet jo tämän verkoston jäsen" in response.content.decode()
    client.post(reverse("invitation", args=[token]))
    assert Membership.objects.active().get(network=network, user=people["facilitator"]).role == "facilitator"


def test_an_invitation_for_another_network_joins_only_that_one(client, network_people):
    network, other, people = network_people
    _invitation, token = create_invitation(other, "kutsuttu@example.fi", "member", None, people["staff"])
    user = make_user("kutsuttu@example.fi")
    client_for(client, user).post(reverse("invitation", args=[token]))
    assert list(Membership.objects.filter(user=user).values_list("network_id", flat=True)) == [other.pk]


def test_invitation_pages_have_one_h1(client, invitation):
    invitation, token = invitation
    url = reverse("invitation", args=[token])
    pages = [client.get(url), client.get("/kutsu/tuntematon/")]
    client = client_for(client, make_user())
    pages.append(client.get(url))
    for response in pages:
        assert response.content.decode().count("<h1") == 1
