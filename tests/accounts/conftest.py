import pytest
from django.core.cache import cache

from tests.accounts.helpers import PASSWORD
from tests.factories import make_user


@pytest.fixture(autouse=True)
def clear_rate_limits():
    """allauth keeps its rate limits in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verified_user(db):
    """A person who has signed up, verified their address (as allauth records it) and signed in before."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    user = make_user(
        "maija.meikalainen@example.fi",
        password=PASSWORD,
        first_name="Maija",
        last_name="Meikäläinen",
        welcomed=timezone.now(),
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user
