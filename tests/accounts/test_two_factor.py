"""Two-factor authentication (TOTP and recovery codes) through allauth's pages in our layout."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache

from tests.accounts.helpers import PASSWORD, sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db


def current_code(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def activate_totp(client, user):
    client.force_login(user)
    response = client.post("/tili/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/tili/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, allowed by img-src data:
    assert "<script" not in html and "style=" not in html
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/tili/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    return secret


def test_activating_totp_then_signing_in_asks_for_the_code(client, verified_user):
    secret = activate_totp(client, verified_user)
    assert set(Authenticator.objects.filter(user=verified_user).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    profile = client.get("/tili/profiili/").content.decode()
    assert "Käytössä (todennussovellus)." in profile
    client.post("/tili/logout/")
    cache.clear()  # the activation code may not be reused within its period

    response = sign_in(client, verified_user.email)
    assert response.status_code == 302
    assert response.url == "/tili/2fa/authenticate/"
    assert signed_in_user_id(client) is None
    page = client.get("/tili/2fa/authenticate/")
    assert page.status_code == 200
    assert "<script" not in page.content.decode()

    response = client.post(
        "/tili/2fa/authenticate/", {"code": "000000" if current_code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert signed_in_user_id(client) is None

    response = client.post("/tili/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert response.url == "/oma/"
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_recovery_codes_page_has_no_inline_script(client, verified_user):
    activate_totp(client, verified_user)
    client.post("/tili/reauthenticate/", {"password": PASSWORD})
    response = client.get("/tili/2fa/recovery-codes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="recovery_codes"' in html
    assert "<script" not in html and "style=" not in html
