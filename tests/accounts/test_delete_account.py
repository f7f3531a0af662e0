"""Deleting one's account: confirmed with the password, anonymised, memberships and groups gone."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model

from networks.actions import create_invitation, request_to_join
from networks.models import Invitation, JoinRequest, Membership
from tests.accounts.helpers import PASSWORD, sign_in, signed_in_user_id
from tests.factories import make_membership, make_network, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(site_tree, verified_user):
    _home, index = site_tree
    sipoo = make_organisation("Sipoon kunta")
    verified_user.organisation = sipoo
    verified_user.job_title = "Lähihoitaja"
    verified_user.role_category = "employee"
    verified_user.gender = "woman"
    verified_user.save()
    lean = make_network(index, "Lean-verkosto")
    latu = make_network(index, "LATU-verkosto")
    tuju = make_network(index, "TUJU-verkosto", status="haku")
    make_membership(lean, verified_user, "member", sipoo)
    make_membership(latu, verified_user, "facilitator")
    request_to_join(tuju, verified_user, sipoo, "Haluamme mukaan.")
    create_invitation(tuju, verified_user.email, "member", sipoo, make_user())
    Authenticator.objects.create(user=verified_user, type=Authenticator.Type.TOTP, data={"secret": "X"})
    assert verified_user.groups.count() == 3  # lean members, latu members, latu facilitators
    return verified_user


def test_delete_page_explains_and_asks_for_the_password(client, member):
    client.force_login(member)
    response = client.get("/tili/poista/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mitä poistaminen tarkoittaa" in html
    assert "poistettu käyttäjä" in html
    assert 'type="password"' in html and 'name="password"' in html
    assert 'method="post"' in html


def test_wrong_password_changes_nothing(client, member):
    client.force_login(member)
    response = client.post("/tili/poista/", {"password": "väärä-salasana"})
    assert response.status_code == 200
    assert "Salasana ei ole oikein. Tiliä ei poistettu." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active and member.deleted is None
    assert member.email == "maija.meikalainen@example.fi" and member.first_name == "Maija"
    assert Membership.objects.active().filter(user=member).count() == 2
    assert member.groups.count() == 3
    assert JoinRequest.objects.filter(user=member, status="pending").exists()
    assert EmailAddress.objects.filter(user=member).exists()
    assert signed_in_user_id(client) == str(member.pk)


def test_missing_password_changes_nothing(client, member):
    client.force_login(member)
    response = client.post("/tili/poista/", {})
    assert "Kirjoita salasanasi vahvistukseksi." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active


def test_get_never_deletes(client, member):
    client.force_login(member)
    client.get("/tili/poista/", {"password": PASSWORD})
    member.refresh_from_db()
    assert member.is_active


def test_right_password_anonymises_the_account(client, member):
    user_id = member.pk
    client.force_login(member)
    response = client.post("/tili/poista/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "Tilisi on poistettu." in response.content.decode()
    assert signed_in_user_id(client) is None

    user = get_user_model().objects.get(pk=user_id)
    assert user.email == f"poistettu-{user_id}@poistettu.invalid"
    assert (user.first_name, user.last_name, user.job_title, user.role_category, user.gender) == ("",) * 5
    assert user.organisation is None
    assert user.deleted is not None
    assert not user.is_active and not user.has_usable_password()
    assert user.display_name == "poistettu käyttäjä"
    assert str(user) == "poistettu käyttäjä"

    # Memberships ended (kept as history), and the Wagtail groups went with them.
    memberships = Membership.objects.filter(user=user)
    assert memberships.count() == 2
    assert all(m.left is not None for m in memberships)
    assert user.groups.count() == 0
    assert not JoinRequest.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    invitation = Invitation.objects.get()
    assert invitation.revoked is not None
    assert invitation.email == user.email
    assert not Invitation.objects.filter(email__icontains="maija").exists()


def test_a_deleted_account_cannot_sign_in(client, member):
    client.force_login(member)
    client.post("/tili/poista/", {"password": PASSWORD})
    response = sign_in(client, "maija.meikalainen@example.fi")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    deleted = get_user_model().objects.get(pk=member.pk)
    assert sign_in(client, deleted.email).status_code == 200
    assert signed_in_user_id(client) is None


def test_the_address_can_sign_up_again_after_deletion(client, member):
    client.force_login(member)
    client.post("/tili/poista/", {"password": PASSWORD})
    response = client.post(
        "/tili/signup/",
        {"email": "maija.meikalainen@example.fi", "password1": "Uusi-alku-2025", "password2": "Uusi-alku-2025"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="maija.meikalainen@example.fi", is_active=True).exists()


def test_staff_lose_their_staff_rights_on_deletion(client, verified_user):
    verified_user.is_staff = True
    verified_user.save()
    assert verified_user.groups.filter(name="Ohjelmatoimisto").exists()
    client.force_login(verified_user)
    client.post("/tili/poista/", {"password": PASSWORD})
    verified_user.refresh_from_db()
    assert not verified_user.is_staff
    assert verified_user.groups.count() == 0


def test_delete_needs_sign_in(client, site_tree):
    response = client.post("/tili/poista/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/tili/login/")


def test_password_guessing_on_the_delete_page_is_rate_limited(client, member):
    client.force_login(member)
    for _attempt in range(10):
        client.post("/tili/poista/", {"password": "arvaus"})
    response = client.post("/tili/poista/", {"password": PASSWORD})
    assert "Liian monta yritystä." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active and member.deleted is None
