"""A person's e-mail language: their choice, else the language they used the site in when they signed in."""

import pytest
from django.conf import settings

from tests.accounts.helpers import sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db


def test_signing_in_in_swedish_sets_the_language_once(client, verified_user):
    user = verified_user
    user.language = ""
    user.save()
    assert user.email_language == settings.LANGUAGE_CODE
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    sign_in(client, user.email)
    assert signed_in_user_id(client) == str(user.pk)
    user.refresh_from_db()
    assert user.language == "sv" and user.email_language == "sv"

    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in(client, user.email)
    user.refresh_from_db()
    assert user.language == "sv"  # chosen once; only the person changes it afterwards
