"""The services' demo content: the services page in the menu after the Tori, the pool (13 coaches, 3 trainers), the
budgets, the programme's sparring examples as accepted requests with their days, one pending and one on-hold
request, the coaches' accounts; loaded idempotently, a broken file writing nothing."""

import json
import shutil

import pytest
from django.urls import reverse
from wagtail.models import Locale, PageLogEntry, Revision

from core.demo import DemoContentError, default_content_dir, load_demo_content
from home.models import HomePage
from services import requests as actions
from services.models import Expert, ServicesPage, SparringBudget, SparringDay, SparringRequest
from tests.conftest import client_for
from tests.factories import make_user

Status = SparringRequest.Status
SEEDS = {
    "Hämeenkyrön kunta": "Fiksu kuntatyö",
    "Tyrnävän kunta": "Työsuojelurahastosta",
    "Järvi-Seudun koulutuskuntayhtymä": "Perustettiin tiimit",
    "Askolan kunta": "alihankkijoiden tukipalvelut",
    "JIK-peruspalveluliikelaitoskuntayhtymä": "henkilöstöä osallistaen",
    "Lemin kunta": "palaverikäytäntöjen kehittäminen",
    "Pielaveden kunta": "virtuaalikirjastoa",
    "Laukaan kunta": "vanhuspalvelun muutosta",
    "Satakunnan sairaanhoitopiiri": "jalkauttamiseen ja seurantaan",
    "Pelastuslaitosten kumppanuusverkosto": "muutoksen visio",
}


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (ServicesPage, Expert, SparringBudget, SparringRequest, SparringDay, Revision, PageLogEntry)
    }


@pytest.fixture
def loaded(db):
    load_demo_content()
    return snapshot()


def test_the_services_page_comes_after_the_tori_in_the_menu(loaded, client):
    home = HomePage.objects.get(locale=Locale.get_default())
    slugs = [page.slug for page in home.get_children().live().in_menu()]
    assert slugs.index("palvelut") == slugs.index("tekojen-tori") + 1
    page = ServicesPage.objects.get()
    html = client.get(page.url).content.decode()
    assert f'href="{page.url}"' in html.split('class="main-nav"')[1]  # the main menu links to it
    assert "Aino Kallioniemi" in html and "Anu Korpela" in html


def test_the_pool_and_the_budgets(loaded):
    experts = Expert.objects.filter(active=True)
    assert experts.filter(is_coach=True).count() == 13
    assert experts.filter(is_trainer=True, is_coach=False).count() == 3
    assert all(expert.bio and expert.themes and expert.regions for expert in experts)
    assert sorted(SparringBudget.objects.values_list("year", flat=True)) == [2024, 2025, 2026]
    for budget in SparringBudget.objects.all():
        assert actions.budget_status(budget.year).used <= budget.days


def test_the_programmes_examples_are_accepted_requests_with_their_days(loaded):
    for organisation, outcome in SEEDS.items():
        sparring_request = SparringRequest.objects.get(organisation__name=organisation, status=Status.ACCEPTED)
        assert sparring_request.coach.is_coach and sparring_request.applicant is None
        days = list(sparring_request.days.all())
        assert 1 <= len(days) <= sparring_request.days_granted
        for day in days:
            assert day.report and day.participants > 0
            assert day.women + day.men + day.other_gender + day.gender_untold == day.participants
            assert day.employees + day.supervisors + day.managers <= day.participants
        assert outcome in days[-1].outcome, organisation
    nilakka = SparringRequest.objects.get(organisation__name="Pielaveden kunta")
    assert nilakka.scope == SparringRequest.Scope.SEVERAL and "Keitele" in nilakka.unit
    assert SparringDay.objects.filter(online=True).exists()


def test_one_pending_and_one_on_hold_request(loaded):
    pending = SparringRequest.objects.get(status=Status.PENDING)
    on_hold = SparringRequest.objects.get(status=Status.ON_HOLD)
    assert pending.coach is None and pending.days_granted is None and not pending.days.exists()
    assert on_hold.decision_reason and on_hold.decided is not None


def test_running_twice_changes_nothing(loaded):
    report = load_demo_content()
    assert not report.changed, report.summary()
    assert snapshot() == loaded


def test_the_office_s_decisions_are_kept_by_a_reload(loaded):
    """The pending request is the demo's visitors' to decide: a reload does not undo the office's decision."""
    pending = SparringRequest.objects.get(status=Status.PENDING)
    actions.decide(pending, Status.ON_HOLD, make_user("toimisto@example.fi", is_staff=True))
    assert not load_demo_content().changed
    assert SparringRequest.objects.get(pk=pending.pk).status == Status.ON_HOLD


def test_a_site_loaded_before_the_services_gets_the_page_after_the_tori(loaded):
    home = HomePage.objects.get(locale=Locale.get_default())
    ServicesPage.objects.get().move(home, pos="first-child")
    report = load_demo_content()
    slugs = list(home.get_children().values_list("slug", flat=True))
    assert slugs[slugs.index("tekojen-tori") + 1] == "palvelut"
    assert "moved the services page after the Tori" in report.notes
    assert not load_demo_content().changed


def test_the_coaches_accounts_come_with_the_demo_accounts(db, client):
    first = load_demo_content(users=True)
    assert not load_demo_content(users=True).changed
    assert ("aino.kallioniemi@demo.verkostamo.fi", "coach Aino Kallioniemi in the sparring pool") in first.demo_accounts
    coach = Expert.objects.get(name="Aino Kallioniemi")
    assert coach.user is not None and coach.user.email == "aino.kallioniemi@demo.verkostamo.fi"
    assert all(day.logged_by == coach.user for day in SparringDay.objects.filter(request__coach=coach))
    html = client_for(client, coach.user).get(reverse("sparring-mine")).content.decode()
    assert "Hämeenkyrön kunta: Johtoryhmä ja esihenkilöt" in html


def copy_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content)
    return content, json.loads((content / "services.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("breakage", ["counts", "coach", "organisation", "budget", "theme"])
def test_broken_services_content_writes_nothing(loaded, tmp_path, breakage):
    content, data = copy_content(tmp_path)
    data["experts"][0]["bio"] = "Tätä ei kirjoiteta."
    accepted = data["requests"][0]
    if breakage == "counts":
        accepted["days"][0]["women"] += 1
    elif breakage == "coach":
        accepted["coach"] = "Ei Tällaista"
    elif breakage == "organisation":
        data["requests"].append({**accepted, "organisation": "Ei tällaista kuntaa"})
    elif breakage == "budget":
        data["budgets"][0]["days"] = 1
    else:
        data["experts"][1]["themes"] = ["tuntematon"]
    (content / "services.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DemoContentError):
        load_demo_content(content)
    assert snapshot() == loaded
    assert Expert.objects.get(name=data["experts"][0]["name"]).bio != "Tätä ei kirjoiteta."
