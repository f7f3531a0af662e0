"""What came of a sparring, as a Tekojen Tori draft (services.examples): the draft is pre-filled from the request
and its days, made by tori.actions' rules (the consent, the organisation), only by the applicant who still
represents the organisation, and only once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Membership
from services import examples
from services.models import SparringRequest
from tests.conftest import client_for, refused
from tests.factories import make_tori
from tests.services.days_helpers import make_day, sparring_people_of
from tori.models import ActPage


@pytest.fixture
def sparring_days(network_people):
    network, _other, _people = network_people
    sparring, people = sparring_people_of(network_people)
    make_tori(network.get_parent().get_parent())
    first = make_day(sparring, days_ago=9, report="Kuvasimme laskujen kierron.", outcome="Turhat vaiheet löytyivät.")
    second = make_day(
        sparring, days_ago=2, report="Kokeilimme uutta kiertoa.", outcome="Laskut kiertävät nyt kahdessa vaiheessa."
    )
    return sparring, [first, second], people


def example_post(**overrides):
    data = {
        "title": "Laskujen kierto puolittui",
        "sector": "talous",
        "how_to_copy": "Kuvatkaa prosessi ensin yhdessä seinälle.",
        "consent": "on",
        "consent_given_by": "Talousjohtaja Hanna Hakija",
        "consent_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def example_input(**overrides):
    values = {
        "title": "Laskujen kierto puolittui",
        "sector": "talous",
        "how_to_copy": "Kuvatkaa prosessi ensin.",
        "consent": True,
        "consent_given_by": "Talousjohtaja",
        "consent_date": timezone.localdate(),
    }
    values.update(overrides)
    return examples.ExampleInput(**values)


def test_the_applicant_gets_a_draft_pre_filled_from_the_sparring(client, sparring_days):
    sparring, (first, second), people = sparring_days
    applicant = client_for(client, people["applicant"])
    form = applicant.get(reverse("sparring-to-act", args=[sparring.pk]))
    assert form.status_code == 200 and 'value="Talouspalvelut"' in form.content.decode()

    response = applicant.post(reverse("sparring-to-act", args=[sparring.pk]), example_post())
    act = ActPage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tori-act", args=[act.pk])
    sparring.refresh_from_db()
    assert sparring.act_id == act.pk
    draft = act.get_latest_revision_as_object()
    assert (draft.title, draft.sector, draft.how_to_copy) == (
        "Laskujen kierto puolittui",
        "talous",
        "Kuvatkaa prosessi ensin yhdessä seinälle.",
    )
    assert draft.summary == "Laskut kiertävät nyt kahdessa vaiheessa."
    assert draft.problem == sparring.goals
    assert draft.actions == (
        f"{first.date:%-d.%-m.%Y}: Kuvasimme laskujen kierron.\n\n{second.date:%-d.%-m.%Y}: Kokeilimme uutta kiertoa."
    )
    assert draft.result == "Turhat vaiheet löytyivät.\n\nLaskut kiertävät nyt kahdessa vaiheessa."
    assert (draft.by_management, draft.by_supervisors, draft.by_staff) == (True, False, True)
    assert draft.organisation == sparring.organisation and draft.network is None
    assert (draft.contact_name, draft.contact_title, draft.contact_email) == (
        "Hanna Hakija",
        "talousjohtaja",
        "hakija@example.fi",
    )
    assert (draft.consent_given_by, draft.consent_date) == (
        "Talousjohtaja Hanna Hakija",
        timezone.localdate() - timedelta(days=1),
    )
    assert (act.owner, act.live, draft.consent_recorded_by) == (people["applicant"], False, people["applicant"])

    tori_form = applicant.get(response["Location"], follow=True)
    html = tori_form.content.decode()
    assert tori_form.status_code == 200 and "Teon luonnos tehtiin sparrauksen tiedoista." in html
    assert "Laskut kiertävät nyt kahdessa vaiheessa." in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": None}, "Tekoa ei voi tehdä ilman työpaikan lupaa julkaisuun."),
        ({"consent_given_by": ""}, "Kerro, kuka työpaikalla antoi luvan."),
        ({"consent_date": ""}, "Anna luvan päivämäärä."),
        (
            {"consent_date": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "Luvan päivämäärä ei voi olla tulevaisuudessa.",
        ),
        ({"title": "   "}, "Kirjoita teolle otsikko."),
        ({"sector": ""}, "Valitse toimiala."),
        ({"how_to_copy": ""}, "Kerro lyhyesti, miten toinen työpaikka voi kopioida teon."),
    ],
)
def test_consent_and_the_applicants_part_are_required_and_nothing_is_stored_without(
    client, sparring_days, overrides, message
):
    sparring, _days, people = sparring_days
    response = client_for(client, people["applicant"]).post(
        reverse("sparring-to-act", args=[sparring.pk]), example_post(**overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Luonnosta ei tehty." in html and message in html
    assert ActPage.objects.count() == 0
    sparring.refresh_from_db()
    assert sparring.act_id is None


def test_the_action_refuses_without_consent_too(sparring_days, finnish):
    sparring, _days, people = sparring_days
    refused("no_consent", examples.make_example, people["applicant"], sparring, example_input(consent=False), "fi")
    refused(
        "no_consent", examples.make_example, people["applicant"], sparring, example_input(consent_given_by=" "), "fi"
    )
    assert ActPage.objects.count() == 0


def test_not_twice_a_second_time_leads_to_the_same_draft(client, sparring_days):
    sparring, _days, people = sparring_days
    applicant = client_for(client, people["applicant"])
    url = reverse("sparring-to-act", args=[sparring.pk])
    first = applicant.post(url, example_post())
    act = ActPage.objects.get()
    for response in (applicant.get(url), applicant.post(url, example_post(title="Toinen otsikko"))):
        assert response.status_code == 302 and response["Location"] == reverse("tori-act", args=[act.pk])
    assert first["Location"] == reverse("tori-act", args=[act.pk])
    assert ActPage.objects.count() == 1
    assert examples.make_example(people["applicant"], sparring, example_input(), "fi") == (act, False)
    assert ActPage.objects.count() == 1
    days_page = applicant.get(reverse("sparring-days", args=[sparring.pk])).content.decode()
    assert reverse("tori-act", args=[act.pk]) in days_page and f'href="{url}"' not in days_page


def test_an_applicant_who_no_longer_represents_the_organisation_is_refused(client, sparring_days, finnish):
    sparring, _days, people = sparring_days
    Membership.objects.filter(user=people["applicant"]).update(left=timezone.now())
    response = client_for(client, people["applicant"]).post(
        reverse("sparring-to-act", args=[sparring.pk]), example_post()
    )
    assert response.status_code == 403
    assert "et edusta sitä enää missään verkostossa" in response.content.decode()
    refused("organisation", examples.make_example, people["applicant"], sparring, example_input(), "fi")
    assert ActPage.objects.count() == 0


def test_a_sparring_without_an_outcome_or_not_accepted_is_refused(client, sparring_days, finnish):
    sparring, days, people = sparring_days
    for day in days:
        day.outcome = ""
        day.save()
    response = client_for(client, people["applicant"]).get(reverse("sparring-to-act", args=[sparring.pk]))
    assert response.status_code == 403 and "Teon pohjaksi tarvitaan sparrauksen tulos." in response.content.decode()
    assert (
        f'href="{reverse("sparring-to-act", args=[sparring.pk])}"'
        not in client.get(reverse("sparring-days", args=[sparring.pk])).content.decode()
    )
    sparring.status = SparringRequest.Status.ON_HOLD
    sparring.save()
    refused("not_accepted", examples.make_example, people["applicant"], sparring, example_input(), "fi")
    assert ActPage.objects.count() == 0


def test_long_reports_are_cut_to_fit_the_act(sparring_days):
    sparring, days, people = sparring_days
    for n, day in enumerate([*days, make_day(sparring, days_ago=1)]):
        day.report = f"{n} " + "raportti " * 330
        day.outcome = "tulos " * 490
        day.save()
    act, made = examples.make_example(people["applicant"], sparring, example_input(), "fi")
    draft = act.get_latest_revision_as_object()
    assert made and len(draft.summary) <= 300 and len(draft.actions) <= 6000 and len(draft.result) <= 4000
