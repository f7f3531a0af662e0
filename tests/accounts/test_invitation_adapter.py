"""The account adapter and invitations: an invited address needs no second verification, and the person
comes back to the invitation after signing up or in."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from accounts.adapter import AccountAdapter
from networks.actions import create_invitation, revoke_invitation
from networks.models import Membership
from networks.views.invitations import SESSION_KEY as INVITATION_SESSION_KEY
from networks.views.invitations import pending_invitation_path
from tests.accounts.helpers import PASSWORD, sign_in, signed_in_user_id
from tests.factories import make_network, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(site_tree):
    _home, index = site_tree
    network = make_network(index, "Lean-verkosto")
    invitation, token = create_invitation(network, "Kutsuttu@Example.fi", "member", make_organisation(), make_user())
    mail.outbox.clear()
    return invitation, token


def request_with_session():
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = make_user(welcomed=timezone.now())
    return request


def test_the_configured_adapter_is_ours_and_has_allauths_stash_api():
    adapter = get_adapter()
    assert isinstance(adapter, AccountAdapter)
    for name in ("stash_verified_email", "unstash_verified_email", "is_email_verified"):
        assert callable(getattr(adapter, name))


def test_adapter_redirects_to_an_open_invitation(invitation):
    invitation, token = invitation
    request = request_with_session()
    adapter = AccountAdapter(request)
    assert adapter.is_open_for_signup(request)
    adapter.stash_verified_email(request, invitation.email)
    assert adapter.is_email_verified(request, "KUTSUTTU@example.fi")
    assert not adapter.is_email_verified(request, "joku.muu@example.fi")

    assert adapter.get_signup_redirect_url(request) == "/oma/"
    request.session[INVITATION_SESSION_KEY] = token
    assert adapter.get_signup_redirect_url(request) == f"/kutsu/{token}/"
    request.user = make_user()
    assert adapter.get_login_redirect_url(request) == f"/kutsu/{token}/"


def test_adapter_forgets_a_closed_invitation(invitation):
    invitation, token = invitation
    request = request_with_session()
    request.session[INVITATION_SESSION_KEY] = token
    revoke_invitation(invitation)
    assert pending_invitation_path(request) is None
    assert INVITATION_SESSION_KEY not in request.session
    request.session[INVITATION_SESSION_KEY] = "no-such-token"
    assert AccountAdapter(request).get_signup_redirect_url(request) == "/oma/"


def test_invited_person_signs_up_without_a_verification_step(client, invitation):
    invitation, token = invitation
    page = client.get(f"/kutsu/{token}/")
    assert page.status_code == 200
    assert client.session[INVITATION_SESSION_KEY] == token

    signup = client.get("/tili/signup/")
    assert 'value="kutsuttu@example.fi"' in signup.content.decode()  # prefilled with the invited address

    response = client.post(
        "/tili/signup/", {"email": "kutsuttu@example.fi", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == f"/kutsu/{token}/"
    user = get_user_model().objects.get(email="kutsuttu@example.fi")
    assert signed_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified
    assert mail.outbox == [], "no verification e-mail for an address the invitation already proved"

    # Back on the invitation page the person accepts it.
    response = client.post(f"/kutsu/{token}/")
    assert response.status_code == 302
    assert Membership.objects.active().filter(user=user, network=invitation.network).exists()


def test_signing_up_with_another_address_still_needs_verification(client, invitation):
    _invitation, token = invitation
    client.get(f"/kutsu/{token}/")
    response = client.post(
        "/tili/signup/", {"email": "toinen@example.fi", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/tili/confirm-email/"
    user = get_user_model().objects.get(email="toinen@example.fi")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("toinen@example.fi", False)
    ]
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["toinen@example.fi"]


def test_existing_member_signs_in_and_returns_to_the_invitation(client, invitation, verified_user):
    _invitation, token = invitation
    client.get(f"/kutsu/{token}/")
    response = sign_in(client, verified_user.email)
    assert response.status_code == 302
    assert response.url == f"/kutsu/{token}/"


def test_sign_in_without_an_invitation_goes_to_the_start_page(client, verified_user):
    response = sign_in(client, verified_user.email)
    assert response.url == "/oma/"
