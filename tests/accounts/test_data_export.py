"""Downloading one's own data as JSON."""

import json

import pytest
from allauth.account.models import EmailAddress

from accounts.data import EXPORTERS, export_user_data, register_exporter
from networks.actions import accept_invitation, create_invitation, end_membership, request_to_join
from tests.factories import make_membership, make_network, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_history(site_tree, verified_user):
    _home, index = site_tree
    sipoo = make_organisation("Sipoon kunta")
    verified_user.organisation = sipoo
    verified_user.job_title = "Kehittämispäällikkö"
    verified_user.role_category = "manager"
    verified_user.gender = "woman"
    verified_user.save()
    lean = make_network(index, "Lean-verkosto", organisations=[sipoo])
    latu = make_network(index, "LATU-verkosto")
    tuju = make_network(index, "TUJU-verkosto", status="haku")
    make_membership(lean, verified_user, "contact", sipoo)
    end_membership(make_membership(latu, verified_user))
    _invitation, token = create_invitation(lean, verified_user.email, "member", sipoo, make_user())
    request_to_join(tuju, verified_user, sipoo, "Haluamme kehittää tulevaisuuden työtä.")
    # Someone else's data must not leak into the export.
    stranger = make_user("muu@example.fi", first_name="Muu")
    make_membership(tuju, stranger)
    return verified_user, token


def test_export_downloads_as_a_json_attachment(client, person_with_history):
    user, _token = person_with_history
    client.force_login(user)
    response = client.get("/tili/omat-tiedot/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="verkostamo-omat-tiedot.json"'
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["service"] == "Verkostamo"
    profile = data["profile"]
    assert profile["email"] == user.email
    assert (profile["first_name"], profile["last_name"]) == ("Maija", "Meikäläinen")
    assert profile["organisation"] == "Sipoon kunta"
    assert profile["job_title"] == "Kehittämispäällikkö"
    assert profile["role_category"] == "manager"
    assert profile["gender"] == "woman"
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    memberships = {m["network"]: m for m in data["memberships"]}
    assert set(memberships) == {"Lean-verkosto", "LATU-verkosto"}
    assert memberships["Lean-verkosto"]["role"] == "contact"
    assert memberships["Lean-verkosto"]["organisation"] == "Sipoon kunta"
    assert memberships["Lean-verkosto"]["joined"] and memberships["Lean-verkosto"]["left"] is None
    assert memberships["LATU-verkosto"]["left"] is not None
    assert data["join_requests"][0]["network"] == "TUJU-verkosto"
    assert data["join_requests"][0]["motivation"] == "Haluamme kehittää tulevaisuuden työtä."
    assert data["join_requests"][0]["status"] == "pending"
    assert data["invitations_accepted"] == []
    assert data["two_factor_authentication"] == []
    assert "muu@example.fi" not in response.content.decode()


def test_export_lists_accepted_invitations(person_with_history):
    user, token = person_with_history
    accept_invitation(token, user)
    invitations = export_user_data(user)["invitations_accepted"]
    assert len(invitations) == 1
    assert invitations[0]["network"] == "Lean-verkosto"
    assert invitations[0]["accepted"]


def test_export_needs_sign_in(client, site_tree):
    response = client.get("/tili/omat-tiedot/")
    assert response.status_code == 302
    assert response.url.startswith("/tili/login/")


def test_other_features_can_add_to_the_export(verified_user):
    @register_exporter("example_feature")
    def export_messages(user):
        return [{"body": f"hei {user.first_name}"}]

    try:
        assert export_user_data(verified_user)["example_feature"] == [{"body": "hei Maija"}]
        with pytest.raises(ValueError):
            register_exporter("example_feature")(export_messages)
    finally:
        EXPORTERS.remove(("example_feature", export_messages))


def test_export_has_no_secrets(client, verified_user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=verified_user, type=Authenticator.Type.TOTP, data={"secret": "SALAINEN"})
    EmailAddress.objects.filter(user=verified_user).update(verified=True)
    client.force_login(verified_user)
    body = client.get("/tili/omat-tiedot/").content.decode()
    assert "SALAINEN" not in body
    assert "password" not in body
    assert json.loads(body)["two_factor_authentication"][0]["type"] == "totp"
