from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_network, make_workshop
from workshops.models import WorkshopPage

pytestmark = pytest.mark.django_db


def test_end_must_follow_start():
    start = timezone.now()
    page = WorkshopPage(title="Työpaja", slug="t", number=1, start=start, end=start - timedelta(hours=1), place="Turku")
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "end" in error.value.message_dict


def test_place_or_online_link_is_required():
    start = timezone.now()
    page = WorkshopPage(title="Työpaja", slug="t", number=1, start=start, end=start + timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "place" in error.value.message_dict


def test_an_online_workshop_needs_no_place():
    start = timezone.now()
    page = WorkshopPage(
        title="Työpaja",
        slug="t",
        number=1,
        start=start,
        end=start + timedelta(hours=1),
        online_url="https://example.org/",
    )
    page.clean()


def test_workshop_page_shows_helsinki_time_and_its_network(client, site_tree):
    _home, index = site_tree
    network = make_network(index, title="Lean-verkosto")
    workshop = make_workshop(network, place="Sipoon kunnantalo")
    workshop.start = datetime(2027, 2, 3, 7, 0, tzinfo=UTC)  # 09:00 in Helsinki
    workshop.end = workshop.start + timedelta(hours=3)
    workshop.save_revision().publish()

    response = client.get(workshop.url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "09:00" in content
    assert "Lean-verkosto" in content
    assert "Sipoon kunnantalo" in content
