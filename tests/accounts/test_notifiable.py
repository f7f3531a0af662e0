"""Who may be told of network activity at all is decided in one place, accounts.models: the queryset method
for many people and the property for one loaded person give the same answer (what each wants to hear is their
notice settings' business: tests/notices)."""

import pytest
from django.utils import timezone

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_queryset_and_the_property_agree():
    people = {
        "active": make_user(),
        "staff": make_user(is_staff=True),
        "inactive": make_user(is_active=False),
        "deleted": make_user(deleted=timezone.now()),
    }

    notifiable = set(User.objects.filter(pk__in=[user.pk for user in people.values()]).notifiable())

    assert notifiable == {people["active"], people["staff"]}
    assert {user for user in people.values() if user.is_notifiable} == notifiable
