"""The profile page: what it asks, why, and that bad input changes nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import assert_queries
from tests.factories import make_membership, make_network, make_organisation, make_user

# Queries pinned at both data sizes (tests.conftest.assert_queries).
PROFILE_QUERIES = 11


pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Maija",
    "last_name": "Meikäläinen",
    "job_title": "Henkilöstöasiantuntija",
    "role_category": "supervisor",
    "gender": "undisclosed",
    "language": "sv",
}


def test_profile_needs_sign_in(client, site_tree):
    response = client.get("/tili/profiili/")
    assert response.status_code == 302
    assert response.url == "/tili/login/?next=/tili/profiili/"


def test_profile_page_says_why_each_field_is_asked(client, verified_user):
    client.force_login(verified_user)
    html = client.get("/tili/profiili/").content.decode()
    assert "Muille jäsenille näkyvät tiedot" in html
    assert "näkyvät niiden verkostojen jäsenille ja fasilitaattoreille" in html
    assert "Vain ohjelman tilastoihin" in html
    assert "Euroopan sosiaalirahastolle (ESR)" in html
    assert "niitä ei näytetä kenellekään" in html
    # Every field carries its own reason, linked to the control.
    for name in ("first_name", "last_name", "organisation", "job_title", "role_category", "gender"):
        assert f'id="id_{name}_helptext"' in html
    assert "En halua kertoa" in html and "Ei vastattu" in html
    for url in ("/tili/email/", "/tili/password/change/", "/tili/2fa/", "/tili/omat-tiedot/", "/tili/poista/"):
        assert f'href="{url}"' in html


def test_profile_edit_saves_and_confirms(client, verified_user):
    organisation = make_organisation("Sipoon kunta")
    client.force_login(verified_user)
    response = client.post("/tili/profiili/", {**VALID, "organisation": organisation.pk}, follow=True)
    assert response.redirect_chain == [("/tili/profiili/", 302)]
    assert "Tietosi on tallennettu." in response.content.decode()
    verified_user.refresh_from_db()
    assert verified_user.organisation == organisation
    assert verified_user.job_title == "Henkilöstöasiantuntija"
    assert verified_user.role_category == "supervisor"
    assert verified_user.gender == "undisclosed"
    assert verified_user.language == "sv" and verified_user.email_language == "sv"


def test_the_profile_shows_the_e_mail_language_and_links_the_notice_settings(client, verified_user):
    verified_user.language = ""
    verified_user.save()
    client.force_login(verified_user)
    html = client.get("/tili/profiili/").content.decode()
    assert re.search(r'<input[^>]*name="language" value="fi"[^>]*checked', html), "the default shown as chosen"
    assert 'href="/oma/ilmoitukset/"' in html
    assert 'name="discussion_email"' not in html


def test_gender_and_role_may_be_left_unanswered(client, verified_user):
    verified_user.gender = "woman"
    verified_user.role_category = "manager"
    verified_user.save()
    client.force_login(verified_user)
    response = client.post("/tili/profiili/", {**VALID, "gender": "", "role_category": ""})
    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.gender == ""
    assert verified_user.role_category == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation", "999999", "Valitse organisaatio luettelosta."),
        ("organisation", "kunta", "Valitse organisaatio luettelosta."),
        ("gender", "alien", "Valitse sukupuoli annetuista vaihtoehdoista tai jätä vastaamatta."),
        ("role_category", "boss", "Valitse asema annetuista vaihtoehdoista."),
        ("first_name", "  ", "Kirjoita etunimesi."),
        ("job_title", "x" * 151, "Tehtävänimike voi olla enintään 150 merkkiä."),
        ("language", "de", "Valitse jokin annetuista kielistä."),
    ],
)
def test_bad_profile_input_is_refused_with_a_finnish_error(client, verified_user, field, value, message):
    client.force_login(verified_user)
    before = (verified_user.first_name, verified_user.job_title, verified_user.gender, verified_user.organisation_id)
    response = client.post("/tili/profiili/", {**VALID, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Tietoja ei tallennettu." in html
    assert f'id="id_{field}_error"' in html
    verified_user.refresh_from_db()
    assert (verified_user.first_name, verified_user.job_title, verified_user.gender, verified_user.organisation_id) == (
        before
    )


def _profile_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tili/profiili/")
    assert response.status_code == 200
    return len(queries)


def test_profile_page_queries_do_not_grow_with_memberships(client, site_tree):
    _home, index = site_tree
    networks = [make_network(index) for _ in range(10)]
    for _ in range(3):
        make_organisation()
    few, many = make_user(), make_user()
    make_membership(networks[0], few)
    for network in networks:
        make_membership(network, many)
    html = client.get("/").content.decode()  # warm caches shared by both (site root, settings)
    assert html
    assert_queries(PROFILE_QUERIES, small=_profile_queries(client, few), large=_profile_queries(client, many))
    # The header lists all ten networks from that same number of queries.
    html = client.get("/tili/profiili/").content.decode()
    assert html.count("/tila/") == 10
