import re

from django.contrib.auth import SESSION_KEY

PASSWORD = "Kunta-salasana-2024"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/tili/login/", {"login": email, "password": password, **extra})


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def link_in(message, prefix):
    """The path of the first link in an e-mail body that starts with `prefix` (e.g. /tili/confirm-email/)."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^\s]*)", message.body)
    assert match, f"no {prefix} link in: {message.body}"
    return match.group(1)


def assert_fits_the_csp(response):
    """The page has no inline script or style: the content security policy would block them."""
    html = response.content.decode()
    assert "<script" not in html, "inline or external script on an account page"
    assert "style=" not in html and "<style" not in html, "inline style on an account page"
    return html
