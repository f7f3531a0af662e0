"""The organiser's list of an event's registrations, its exports and attendance, and the registrant's cancel link:
the permission matrix, the attacks (another event's ids, forged keys), exports parsed back, constant queries."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import GroupPagePermission

from events import registrations
from events.models import EventRegistration
from events.wagtail_hooks import event_header_button
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.events.factories import make_event, make_registration
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = ("event-registrations", "event-registrations-csv", "event-registrations-xlsx")


def expected_status(role):
    return {"anonymous": 302, "staff": 200}.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_the_organisers_pages_matrix(client, event_index, network_people, role, name):
    _network, _other, people = network_people
    event = make_event(event_index)
    make_registration(event)
    response = client_for(client, people[role]).get(reverse(name, args=[event.pk]))
    assert response.status_code == expected_status(role)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
def test_marking_attendance_matrix(client, event_index, network_people, role):
    _network, _other, people = network_people
    event = make_event(event_index, days_from_now=-1)
    registration = make_registration(event)
    url = reverse("event-attendance", args=[event.pk])
    response = client_for(client, people[role]).post(url, {"people": [registration.pk], "attended": [registration.pk]})
    if role == "staff":
        assert response.url == reverse("event-registrations", args=[event.pk])
    else:
        assert response.status_code == expected_status(role)
    registration.refresh_from_db()
    assert registration.attended is (True if role == "staff" else None)


def editor_of(page):
    """A person whom Wagtail lets edit `page` (and its subtree): an editors' group with admin access."""
    group = Group.objects.create(name="Tapahtumien toimittajat")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=page, permission=Permission.objects.get(codename="change_page")
    )
    user = make_user("toimittaja@example.fi")
    user.groups.add(group)
    return user


def test_whoever_may_edit_the_event_may_see_its_list(client, event_index):
    event = make_event(event_index)
    other_index_event = make_event(event_index)
    editor = editor_of(event)
    client.force_login(editor)
    assert client.get(reverse("event-registrations", args=[event.pk])).status_code == 200
    assert client.get(reverse("event-registrations", args=[other_index_event.pk])).status_code == 403
    [button] = event_header_button(event, editor, "edit")
    assert button.url == reverse("event-registrations", args=[event.pk])
    assert list(event_header_button(other_index_event, editor, "edit")) == []
    assert list(event_header_button(event_index, editor, "edit")) == []


def test_an_id_that_is_no_event_is_404(client, event_index, network_people):
    _network, _other, people = network_people
    client.force_login(people["staff"])
    assert client.get(reverse("event-registrations", args=[event_index.pk])).status_code == 404
    assert client.get(reverse("event-registrations", args=[999999])).status_code == 404


def test_the_list_shows_places_line_and_needs(client, event_index, network_people):
    _network, _other, people = network_people
    event = make_event(event_index, capacity=1)
    make_registration(event, name="Aino Aalto", diet="Kasvis", accessibility="Induktiosilmukka")
    make_registration(event, name="Eero Esimerkki", waitlisted=True)
    client.force_login(people["staff"])
    page = client.get(reverse("event-registrations", args=[event.pk])).content.decode()
    assert page.index("Aino Aalto") < page.index("Jonossa: 1") < page.index("Eero Esimerkki")
    assert "Kasvis" in page and "Induktiosilmukka" in page
    assert "Läsnäolon voi merkitä vasta, kun tapahtuma on alkanut." in page
    assert 'name="attended"' not in page


def test_attendance_for_another_events_registration_changes_nothing(client, event_index, network_people):
    _network, _other, people = network_people
    event = make_event(event_index, days_from_now=-1)
    other = make_event(event_index, days_from_now=-1)
    own, foreign = make_registration(event), make_registration(other)
    client.force_login(people["staff"])
    url = reverse("event-attendance", args=[event.pk])
    response = client.post(url, {"people": [own.pk, foreign.pk], "attended": [own.pk, foreign.pk]}, follow=True)
    assert "1 rivi ohitettiin" in response.content.decode()
    own.refresh_from_db()
    foreign.refresh_from_db()
    assert own.attended is True and foreign.attended is None
    response = client.post(url, {"people": ["x"], "attended": ["99999999999999999999"]}, follow=True)
    assert "Läsnäoloa ei tallennettu" in response.content.decode()
    assert client.get(url).status_code == 405


def spreadsheet_rows(event, client):
    response = client.get(reverse("event-registrations-csv", args=[event.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'{event.slug}-ilmoittautuneet.csv"' in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_the_exports_parse_back_with_the_formula_guard(client, event_index, network_people):
    _network, _other, people = network_people
    event = make_event(event_index, capacity=1)
    make_registration(event, name='=HYPERLINK("http://paha.example")', organisation="+358 Kunta", diet="@SUM(A1)")
    make_registration(event, name="Eero Esimerkki", organisation="Oulu", waitlisted=True)
    client.force_login(people["staff"])
    rows = spreadsheet_rows(event, client)
    header = rows.index(
        [
            "Nimi",
            "Organisaatio",
            "Sähköposti",
            "Erityisruokavalio",
            "Saavutettavuustarpeet",
            "Kieli",
            "Ilmoittautunut",
            "Tila",
            "Osallistui",
        ]
    )
    first, second = rows[header + 1], rows[header + 2]
    assert first[:2] == ['\'=HYPERLINK("http://paha.example")', "'+358 Kunta"] and first[3] == "'@SUM(A1)"
    assert first[7] == "Paikka" and second[7] == "Jonossa (1.)"
    assert ["Tapahtuma", event.title] in rows

    response = client.get(reverse("event-registrations-xlsx", args=[event.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "Nimi")
    assert values[header + 1][0] == '\'=HYPERLINK("http://paha.example")'
    assert values[header + 2][:2] == ["Eero Esimerkki", "Oulu"]
    assert isinstance(values[header + 1][6], datetime)


def test_the_list_costs_the_same_queries_at_two_sizes(client, event_index, network_people):
    _network, _other, people = network_people
    event = make_event(event_index, capacity=20, days_from_now=-1 / 24)
    make_registration(event)
    client.force_login(people["staff"])
    url = reverse("event-registrations", args=[event.pk])
    small = queries_for(client, url)
    for n in range(40):
        make_registration(event, waitlisted=n >= 19)
    large = queries_for(client, url)
    # The event with its locale, the session and the person, the registrations and their counts; the rest is the
    # base template's (the site, the user menu, the main menu, the footer).
    assert_queries(12, small=small, large=large)


# ---------- the cancel link ----------


def test_the_cancel_link_asks_first_then_cancels(client, event_index, django_capture_on_commit_callbacks):
    event = make_event(event_index, capacity=1)
    registration = registrations.register(
        event,
        registrations.RegistrationInput(name="Aino", organisation="Oulu", email="aino@example.org"),
    ).registration
    waiting = make_registration(event, waitlisted=True, email="eero@example.org")
    url = reverse("event-cancel", args=[registration.key])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    assert "Peru ilmoittautuminen" in response.content.decode()
    assert EventRegistration.objects.filter(pk=registration.pk).exists()  # a look changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert "Ilmoittautumisesi on peruttu" in response.content.decode()
    assert not EventRegistration.objects.filter(pk=registration.pk).exists()
    waiting.refresh_from_db()
    assert not waiting.waitlisted
    assert [email.to for email in mail.outbox] == [["eero@example.org"]]
    again = client.post(url)
    assert again.status_code == 400


@pytest.mark.parametrize("key", ["x" * 32, "a" * 65, "%3Cscript%3E"])
def test_a_forged_cancel_link_says_so_and_changes_nothing(client, event_index, key):
    event = make_event(event_index)
    registration = make_registration(event)
    for method in (client.get, client.post):
        response = method(f"/ilmoittautumiset/peru/{key}/")
        assert response.status_code == 400
        assert "Peruutuslinkki on virheellinen" in response.content.decode()
    assert EventRegistration.objects.filter(pk=registration.pk).exists()


def test_cancelling_once_the_event_has_started_is_refused(client, event_index):
    event = make_event(event_index, days_from_now=-1 / 24)
    registration = make_registration(event)
    response = client.post(reverse("event-cancel", args=[registration.key]))
    assert response.status_code == 400
    assert "Tapahtuma on jo alkanut" in response.content.decode()
    assert EventRegistration.objects.filter(pk=registration.pk).exists()
    assert registration.event.start < timezone.now() + timedelta(seconds=1)
