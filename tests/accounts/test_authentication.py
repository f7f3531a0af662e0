"""Sign-up, verification, sign-in, sign-out, password reset and rate limits through allauth's pages."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from tests.accounts.helpers import PASSWORD, assert_fits_the_csp, link_in, sign_in, signed_in_user_id
from tests.factories import make_membership, make_network

pytestmark = pytest.mark.django_db


def test_sign_up_verify_and_sign_in(client, site_tree):
    response = client.post(
        "/tili/signup/", {"email": "Uusi.Jasen@Example.fi", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/tili/confirm-email/"
    assert "Vahvista sähköpostiosoitteesi" in assert_fits_the_csp(client.get(response.url))
    user = get_user_model().objects.get(email__iexact="uusi.jasen@example.fi")
    assert signed_in_user_id(client) is None, "mandatory verification: not signed in before confirming"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject.startswith("[Verkostamo] ")

    # Not verified yet: signing in sends the person to verify first.
    client.logout()
    response = sign_in(client, user.email)
    assert response.status_code == 302 and response.url == "/tili/confirm-email/"
    assert signed_in_user_id(client) is None

    confirm_path = link_in(mail.outbox[0], "/tili/confirm-email/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "<form" in assert_fits_the_csp(page)
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = sign_in(client, "uusi.jasen@example.fi")
    assert response.status_code == 302
    assert response.url == "/tili/tervetuloa/"  # the first sign-in asks for what the profile lacks
    assert signed_in_user_id(client) == str(user.pk)


def test_sign_up_refuses_a_weak_password_in_finnish(client, site_tree):
    response = client.post("/tili/signup/", {"email": "heikko@example.fi", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="heikko@example.fi").exists()
    html = response.content.decode()
    assert "Salasana on liian lyhyt: siinä pitää olla vähintään 10 merkkiä." in html
    assert "Tämä salasana on kokonaan numeerinen." in html


def test_sign_in_with_a_wrong_password_is_refused(client, verified_user):
    response = sign_in(client, verified_user.email, "väärä-salasana")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "Annettu sähköposti tai salasana ei ole oikein." in response.content.decode()


def test_sign_in_lands_on_the_start_page(client, verified_user):
    response = sign_in(client, verified_user.email)
    assert response.status_code == 302
    assert response.url == "/oma/"
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_failed_sign_ins_are_rate_limited_per_address(client, verified_user):
    for _attempt in range(5):
        sign_in(client, verified_user.email, "väärä-salasana")
    # Even the right password is refused until the limit has passed.
    response = sign_in(client, verified_user.email)
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "Liian monta virheellistä kirjautumisyritystä" in response.content.decode()


def test_sign_in_posts_are_rate_limited_per_ip_with_a_429_page(client, site_tree):
    statuses = [sign_in(client, f"ei-ketaan-{n}@example.fi", "väärä-salasana").status_code for n in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    response = sign_in(client, "ei-ketaan@example.fi", "väärä-salasana")
    assert response.status_code == 429
    assert "Liian monta yritystä" in response.content.decode()


def test_password_reset_by_email(client, verified_user):
    response = client.post("/tili/password/reset/", {"email": verified_user.email})
    assert response.status_code == 302
    assert_fits_the_csp(client.get(response.url))
    assert len(mail.outbox) == 1
    reset_path = link_in(mail.outbox[0], "/tili/password/reset/key/")
    response = client.get(reset_path)
    assert response.status_code == 302  # allauth moves the key into the session, then shows the form
    form_path = response.url
    assert 'name="password1"' in assert_fits_the_csp(client.get(form_path))
    response = client.post(form_path, {"password1": "Uusi-salasana-2025", "password2": "Uusi-salasana-2025"})
    assert response.status_code == 302
    client.logout()
    assert sign_in(client, verified_user.email).status_code == 200  # the old password no longer works
    response = sign_in(client, verified_user.email, "Uusi-salasana-2025")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_sign_out_needs_a_post(client, verified_user):
    client.force_login(verified_user)
    response = client.get("/tili/logout/")
    assert response.status_code == 200
    assert signed_in_user_id(client) == str(verified_user.pk)
    response = client.post("/tili/logout/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_account_pages_are_in_the_site_layout_and_finnish(client, site_tree):
    for path, heading in [
        ("/tili/login/", "Kirjaudu sisään"),
        ("/tili/signup/", "Luo tunnus"),
        ("/tili/password/reset/", "Salasanan uusiminen"),
    ]:
        html = assert_fits_the_csp(client.get(path))
        assert f"<h1>{heading}</h1>" in " ".join(html.split()).replace("<h1> ", "<h1>").replace(" </h1>", "</h1>")
        assert 'class="site-header"' in html
        assert "css/account.css" in html


def test_header_menu_signed_out_and_signed_in(client, site_tree, verified_user):
    _home, index = site_tree
    network = make_network(index, "Lean-verkosto")
    other = make_network(index, "LATU-verkosto")
    make_membership(network, verified_user)
    html = client.get("/").content.decode()
    assert 'href="/tili/login/"' in html and "Luo tunnus" in html
    assert "Kirjaudu ulos" not in html

    client.force_login(verified_user)
    html = client.get("/").content.decode()
    assert "Maija Meikäläinen" in html
    assert 'href="/tili/profiili/"' in html
    assert f'href="/verkostot/{network.slug}/tila/"' in html
    assert f'href="/verkostot/{other.slug}/tila/"' not in html
    assert 'action="/tili/logout/"' in html and "Kirjaudu ulos" in html


def test_wagtail_admin_signs_in_through_allauth(client, site_tree):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/tili/login/")
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == "/tili/login/?next=/admin/pages/"


def test_changing_the_email_address_takes_effect_once_verified(client, verified_user):
    client.force_login(verified_user)
    response = client.post("/tili/email/", {"action_add": "", "email": "maija.uusi@example.fi"})
    assert response.status_code == 302
    html = assert_fits_the_csp(client.get("/tili/email/"))
    assert 'value="maija.uusi@example.fi"' in html and 'id="pending-email"' in html and " hidden>" in html
    verified_user.refresh_from_db()
    assert verified_user.email == "maija.meikalainen@example.fi", "unchanged until verified"
    confirmation = next(m for m in mail.outbox if m.to == ["maija.uusi@example.fi"])
    client.post(link_in(confirmation, "/tili/confirm-email/"))
    verified_user.refresh_from_db()
    assert verified_user.email == "maija.uusi@example.fi"
    assert list(EmailAddress.objects.filter(user=verified_user).values_list("email", flat=True)) == [
        "maija.uusi@example.fi"
    ]
    client.logout()
    assert sign_in(client, "maija.uusi@example.fi").status_code == 302
