"""Who may be e-mailed about network activity is decided in one place, accounts.models: the queryset method
for many people and the property for one loaded person give the same answer."""

import pytest
from django.utils import timezone

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_queryset_and_the_property_agree():
    people = {
        "daily": make_user(discussion_email="daily"),
        "mentions": make_user(discussion_email="mentions"),
        "never": make_user(discussion_email="never"),
        "inactive": make_user(is_active=False),
        "deleted": make_user(deleted=timezone.now()),
    }

    notifiable = set(User.objects.filter(pk__in=[user.pk for user in people.values()]).notifiable())

    assert notifiable == {people["daily"], people["mentions"]}
    assert {user for user in people.values() if user.is_notifiable} == notifiable
