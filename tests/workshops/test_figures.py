"""Participant figures: counted right on a known data set (with "prefer not to say"), the CSV file and the
workbook hold the same figures, only facilitators and the programme office see them, and the queries stay
constant as the data grows."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import NetworkPage
from tests.conftest import ROLES, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user, make_workshop
from workshops.exports import neutralise
from workshops.figures import format_percentage, network_figures, percentage, programme_figures
from workshops.models import Registration

pytestmark = pytest.mark.django_db

YES, MAYBE, NO = Registration.Response.YES, Registration.Response.MAYBE, Registration.Response.NO

# The ten people who attend network A: (gender, role category, organisation key in A).
# Organisation keys: "sipoo" and "kerava" are the membership's; "profile" only on the profile (which never counts);
# None: no organisation.
A_PEOPLE = [
    ("woman", "employee", "sipoo"),
    ("woman", "employee", "sipoo"),
    ("woman", "employee", "sipoo"),
    ("woman", "supervisor", "kerava"),
    ("woman", "supervisor", "kerava"),
    ("woman", "manager", "kerava"),
    ("man", "employee", "profile"),
    ("man", "manager", "profile"),
    ("undisclosed", "employee", None),
    ("", "", None),
]


def workshop_titled(network, title, **fields):
    workshop = make_workshop(network, **fields)
    workshop.title = title
    workshop.save()
    return workshop


def attend(workshop, user, response=YES, attended=True, waitlisted=False):
    return Registration.objects.create(
        workshop=workshop, user=user, response=response, attended=attended, waitlisted=waitlisted
    )


@pytest.fixture
def known(network_people):
    """Network A (the matrix's network) and B with a known set of attendances; see A_PEOPLE."""
    network, other, people = network_people
    sipoo, kerava, profile_org, vantaa = (make_organisation(n) for n in ("Sipoo", "Kerava", "Profiilikunta", "Vantaa"))
    organisations = {"sipoo": sipoo, "kerava": kerava, "profile": None, None: None}
    attendees = []
    for number, (gender, role, organisation) in enumerate(A_PEOPLE):
        user = make_user(
            f"osallistuja{number}@example.fi",
            gender=gender,
            role_category=role,
            # The profile's organisation differs from the membership's: the membership's counts.
            organisation=profile_org if organisation is not None else None,
        )
        if organisation == "profile":
            user.organisation = make_organisation(f"Profiili {number}")
            user.save()
        make_membership(network, user, "member", organisations[organisation])
        attendees.append(user)

    first = workshop_titled(network, "Aloitus", days_from_now=-14, number=1)
    second = workshop_titled(network, '=HYPERLINK("https://example.org")', days_from_now=-7, number=2)
    upcoming = workshop_titled(network, "Kolmas", days_from_now=7, number=3, capacity=2)
    cancelled = workshop_titled(network, "Peruttu paja", days_from_now=-21, number=4, cancelled=True)
    draft = workshop_titled(network, "Luonnos", days_from_now=-3, number=5, live=False)

    for user in attendees[:8]:
        attend(first, user)
    attend(first, make_user("tuli-ei@example.fi", gender="woman"), attended=False)  # said yes, did not come
    attend(second, attendees[0])  # a second workshop: still one person
    attend(second, attendees[8], response="")  # marked attended without having answered
    attend(second, attendees[9])
    attend(second, make_user("ei-merkitty@example.fi", gender="man"), attended=None)
    attend(draft, make_user("luonnos@example.fi", gender="man", role_category="manager"))
    attend(upcoming, make_user("u1@example.fi"), attended=None)
    attend(upcoming, make_user("u2@example.fi"), attended=None)
    attend(upcoming, make_user("u3@example.fi"), attended=None, waitlisted=True)
    attend(upcoming, make_user("u4@example.fi"), response=MAYBE, attended=None)
    attend(upcoming, make_user("u5@example.fi"), response=NO, attended=None)

    # Network B: one of A's women (another organisation there) and a manager without an organisation.
    b_workshop = workshop_titled(other, "B:n aloitus", days_from_now=-10, number=1)
    make_membership(other, attendees[0], "member", vantaa)
    attend(b_workshop, attendees[0])
    attend(b_workshop, make_user("b-johtaja@example.fi", gender="man", role_category="manager"))

    # A network taken offline: its attendances count nowhere.
    hidden = make_network(network.get_parent(), "Piilotettu verkosto")
    hidden_workshop = make_workshop(hidden, days_from_now=-5)
    hidden.unpublish()
    attend(hidden_workshop, make_user("piilo@example.fi", gender="woman"))

    return {
        "network": network,
        "other": other,
        "people": people,
        "workshops": [first, second, upcoming, cancelled],
    }


# ---------- Computation ----------


def test_percentage_rounds_half_up_and_never_divides_by_zero():
    assert percentage(6, 8) == Decimal("75.0")
    assert percentage(7, 9) == Decimal("77.8")
    assert percentage(1, 8) == Decimal("12.5")
    assert percentage(1, 16) == Decimal("6.3")  # 6.25, half up
    assert percentage(0, 0) is None
    assert format_percentage(Decimal("76.7")) == "76,7\xa0%"
    assert format_percentage(None) == "–"


def test_network_figures_on_a_known_data_set(known):
    figures = network_figures(known["network"])
    people = figures.people

    assert people.participants == 10  # not the no-show, not the unmarked, not the draft's
    assert (people.women, people.men, people.other_gender, people.gender_unknown) == (6, 2, 0, 2)
    assert people.women_percent == Decimal("75.0")  # 6 / 8: the undisclosed and the blank are left out
    assert people.men_percent == Decimal("25.0")
    assert (people.employees, people.supervisors, people.managers, people.role_unknown) == (5, 2, 2, 1)
    assert people.employees_and_supervisors_percent == Decimal("77.8")  # 7 / 9: the blank role is left out
    assert people.managers_percent == Decimal("22.2")
    # Sipoo and Kerava from memberships; the profile's organisation never counts, so four people have none.
    assert (people.organisations, people.without_organisation) == (2, 4)

    rows = {w.number: w for w in figures.workshops}
    assert sorted(rows) == [1, 2, 3, 4]  # the draft is not there
    assert (rows[1].registered, rows[1].waitlisted, rows[1].attended) == (9, 0, 8)
    assert (rows[2].registered, rows[2].waitlisted, rows[2].attended) == (3, 0, 3)
    assert (rows[3].registered, rows[3].waitlisted, rows[3].attended) == (2, 1, 0)
    assert (rows[4].registered, rows[4].waitlisted, rows[4].attended) == (0, 0, 0)
    assert [str(rows[n].status) for n in (1, 3, 4)] == ["Pidetty", "Tulossa", "Peruttu"]
    assert figures.workshops_held == 2


def test_programme_counts_each_person_once(known):
    figures = programme_figures()
    people = figures.people

    # A's ten and B's manager; A's woman who also attended in B is counted once; the hidden network's not at all.
    assert people.participants == 11
    assert (people.women, people.men, people.gender_unknown) == (6, 3, 2)
    assert people.women_percent == Decimal("66.7")  # 6 / 9
    assert (people.employees_and_supervisors, people.managers, people.role_unknown) == (7, 3, 1)
    assert people.employees_and_supervisors_percent == Decimal("70.0")  # 7 / 10
    assert people.managers_percent == Decimal("30.0")
    # Sipoo, Kerava, and Vantaa (the shared woman's organisation in B); A's four and B's manager have none.
    assert (people.organisations, people.without_organisation) == (3, 5)
    assert figures.workshops_held == 3

    rows = {row.title: row for row in figures.networks}
    assert sorted(rows) == ["LATU-verkosto", "Lean-verkosto"]
    assert rows["Lean-verkosto"].people.participants == 10
    assert rows["Lean-verkosto"].workshops_held == 2
    latu = rows["LATU-verkosto"]
    assert (latu.people.participants, latu.people.organisations, latu.people.without_organisation) == (2, 1, 1)
    assert latu.people.women_percent == Decimal("50.0")
    assert latu.people.employees_and_supervisors_percent == Decimal("50.0")
    assert latu.people.managers_percent == Decimal("50.0")
    assert latu.workshops_held == 1


def test_no_answers_give_no_percentage(site_tree):
    _home, index = site_tree
    network = make_network(index)
    workshop = make_workshop(network, days_from_now=-1)
    attend(workshop, make_user(gender="undisclosed"))
    attend(workshop, make_user())

    people = network_figures(network).people

    assert people.participants == 2
    assert people.gender_answered == 0 and people.women_percent is None
    assert people.role_answered == 0 and people.managers_percent is None

    empty = network_figures(make_network(index)).people
    assert empty.participants == 0 and empty.women_percent is None


def test_a_membership_that_ended_still_names_the_organisation(site_tree):
    from networks.actions import end_membership

    _home, index = site_tree
    network = make_network(index)
    workshop = make_workshop(network, days_from_now=-1)
    user = make_user(gender="woman")
    end_membership(make_membership(network, user, "member", make_organisation("Entinen")))
    attend(workshop, user)

    assert network_figures(network).people.organisations == 1


def test_a_translated_network_is_one_network(known):
    from wagtail.models import Locale

    network = known["network"]
    translation = network.copy_for_translation(Locale.objects.create(language_code="sv"), copy_parents=True)
    translation.save_revision().publish()
    assert NetworkPage.objects.live().public().filter(translation_key=network.translation_key).count() == 2

    rows = programme_figures().networks

    assert [row.title for row in rows] == ["LATU-verkosto", "Lean-verkosto"]
    assert next(row for row in rows if row.title == "Lean-verkosto").pk == network.pk


# ---------- Pages ----------


def test_network_page_shows_the_figures_charts_and_how_they_are_counted(client, known):
    network, people = known["network"], known["people"]
    response = client_for(client, people["facilitator"]).get(reverse("network-figures", args=[network.slug]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "75,0\xa0%" in content
    assert "6 (75,0\xa0%)" in content  # the gender chart's table
    assert 'class="chart__svg"' in content and "<caption" in content
    assert 'scope="row"' in content and 'scope="col"' in content
    assert "Miten luvut lasketaan" in content
    assert reverse("network-figures-csv", args=[network.slug]) in content
    assert reverse("network-figures-xlsx", args=[network.slug]) in content
    assert 'aria-current="page"' in content
    assert "Luonnos" not in content
    assert "style=" not in content


def test_network_page_with_no_answers_shows_a_dash(client, network_people):
    network, _other, people = network_people
    attend(make_workshop(network, days_from_now=-1), make_user(gender="undisclosed"))
    response = client_for(client, people["staff"]).get(reverse("network-figures", args=[network.slug]))
    content = response.content.decode()
    assert re.search(r"Naisia</th>\s*<td[^>]*>0</td>\s*<td[^>]*>–</td>", content)
    assert "0,0\xa0%" not in content


def test_programme_page_lists_every_network(client, known):
    response = client_for(client, known["people"]["staff"]).get(reverse("programme-figures"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "66,7\xa0%" in content
    assert "Lean-verkosto" in content and "LATU-verkosto" in content
    assert "Piilotettu verkosto" not in content
    assert reverse("network-figures", args=[known["network"].slug]) in content
    assert reverse("programme-figures-csv") in content and reverse("programme-figures-xlsx") in content
    assert "style=" not in content


# ---------- Downloads ----------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+358 40 123", "'+358 40 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tpiilo", "'\tpiilo"),
        ("Lean – aloitus", "Lean – aloitus"),
        (5, 5),
    ],
)
def test_text_that_would_start_a_formula_is_neutralised(value, expected):
    assert neutralise(value) == expected


def read_csv(response):
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def row_for(rows, label):
    return next(row for row in rows if row and row[0] == label)


def test_network_csv_holds_the_figures(client, known):
    network = known["network"]
    response = client_for(client, known["people"]["facilitator"]).get(
        reverse("network-figures-csv", args=[network.slug])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"osallistujaluvut-{network.slug}-{timezone.localdate().isoformat()}.csv" in disposition
    rows = read_csv(response)
    assert row_for(rows, "Osallistujaluvut") == ["Osallistujaluvut", "Lean-verkosto"]
    assert row_for(rows, "Osallistujia")[:2] == ["Osallistujia", "10"]
    assert row_for(rows, "Organisaatioita")[:2] == ["Organisaatioita", "2"]
    assert row_for(rows, "Naisia") == ["Naisia", "6", "75,0"]
    assert row_for(rows, "Sukupuoli: ei tietoa")[:2] == ["Sukupuoli: ei tietoa", "2"]
    assert row_for(rows, "Työntekijöitä ja esihenkilöitä yhteensä") == [
        "Työntekijöitä ja esihenkilöitä yhteensä",
        "7",
        "77,8",
    ]
    assert row_for(rows, "Johtajia") == ["Johtajia", "2", "22,2"]
    assert row_for(rows, "Asema: ei tietoa")[:2] == ["Asema: ei tietoa", "1"]
    assert row_for(rows, "Pidettyjä työpajoja")[:2] == ["Pidettyjä työpajoja", "2"]

    header = row_for(rows, "Nro")
    assert header == ["Nro", "Työpaja", "Päivä", "Tila", "Ilmoittautuneita", "Jonossa", "Osallistui"]
    workshops = {row[0]: row for row in rows[rows.index(header) + 1 :]}
    first = known["workshops"][0]
    assert sorted(workshops) == ["1", "2", "3", "4"]
    assert workshops["1"] == ["1", "Aloitus", timezone.localdate(first.start).isoformat(), "Pidetty", "9", "0", "8"]
    # A title that would start a formula is neutralised.
    assert workshops["2"][1] == '\'=HYPERLINK("https://example.org")'
    assert workshops["3"][3:] == ["Tulossa", "2", "1", "0"]
    assert workshops["4"][3:] == ["Peruttu", "0", "0", "0"]


def test_csv_shows_a_dash_when_no_one_answered(client, network_people):
    network, _other, people = network_people
    attend(make_workshop(network, days_from_now=-1), make_user(gender="undisclosed"))
    rows = read_csv(client_for(client, people["staff"]).get(reverse("network-figures-csv", args=[network.slug])))
    assert row_for(rows, "Naisia") == ["Naisia", "0", "–"]


def test_network_xlsx_holds_the_same_figures(client, known):
    network = known["network"]
    response = client_for(client, known["people"]["staff"]).get(reverse("network-figures-xlsx", args=[network.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"osallistujaluvut-{network.slug}-" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Yhteenveto", "Työpajat"]

    summary = {row[0]: row[1:] for row in workbook["Yhteenveto"].iter_rows(values_only=True) if row[0]}
    assert summary["Osallistujaluvut"][0] == "Lean-verkosto"
    assert summary["Osallistujia"][0] == 10
    assert summary["Organisaatioita"][0] == 2
    assert summary["Osallistujia ilman organisaatiota"][0] == 4
    assert summary["Naisia"] == (6, 75.0)
    assert summary["Miehiä"] == (2, 25.0)
    assert summary["Sukupuoli: ei tietoa"][0] == 2
    assert summary["Työntekijöitä ja esihenkilöitä yhteensä"] == (7, 77.8)
    assert summary["Johtajia"] == (2, 22.2)
    assert summary["Asema: ei tietoa"][0] == 1
    assert summary["Pidettyjä työpajoja"][0] == 2

    sheet = workbook["Työpajat"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nro", "Työpaja", "Päivä", "Tila", "Ilmoittautuneita", "Jonossa", "Osallistui")
    by_number = {row[0]: row for row in rows[1:]}
    assert sorted(by_number) == [1, 2, 3, 4]
    first = known["workshops"][0]
    assert by_number[1][:2] == (1, "Aloitus")
    assert by_number[1][2].date() == timezone.localdate(first.start)
    assert by_number[1][3:] == ("Pidetty", 9, 0, 8)
    assert by_number[3][3:] == ("Tulossa", 2, 1, 0)
    assert by_number[4][1::2] == ("Peruttu paja", "Peruttu", 0)
    # Text, never a formula.
    formula_row = next(index for index, row in enumerate(rows, start=1) if row[0] == 2)
    cell = sheet.cell(row=formula_row, column=2)
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("https://example.org")'


def test_programme_downloads_hold_the_same_figures(client, known):
    client = client_for(client, known["people"]["staff"])
    rows = read_csv(client.get(reverse("programme-figures-csv")))
    assert row_for(rows, "Osallistujaluvut") == ["Osallistujaluvut", "Koko ohjelma"]
    assert row_for(rows, "Osallistujia")[:2] == ["Osallistujia", "11"]
    assert row_for(rows, "Naisia") == ["Naisia", "6", "66,7"]
    assert row_for(rows, "Verkostoja")[:2] == ["Verkostoja", "2"]
    assert row_for(rows, "Lean-verkosto") == ["Lean-verkosto", "10", "2", "75,0", "77,8", "22,2", "2"]
    assert row_for(rows, "LATU-verkosto") == ["LATU-verkosto", "2", "1", "50,0", "50,0", "50,0", "1"]

    response = client.get(reverse("programme-figures-xlsx"))
    assert f"osallistujaluvut-ohjelma-{timezone.localdate().isoformat()}.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Yhteenveto", "Verkostot", "Työpajat"]
    summary = {row[0]: row[1:] for row in workbook["Yhteenveto"].iter_rows(values_only=True) if row[0]}
    assert summary["Osallistujia"][0] == 11
    assert summary["Naisia"] == (6, 66.7)
    assert summary["Johtajia"] == (3, 30.0)
    networks = list(workbook["Verkostot"].iter_rows(values_only=True))
    assert networks[0][0] == "Verkosto"
    assert networks[1:] == [
        ("LATU-verkosto", 2, 1, 50.0, 50.0, 50.0, 1),
        ("Lean-verkosto", 10, 2, 75.0, 77.8, 22.2, 2),
    ]
    workshops = list(workbook["Työpajat"].iter_rows(values_only=True))
    assert workshops[0][0] == "Verkosto"
    assert len(workshops) == 1 + 5  # A's four live workshops and B's one


# ---------- Who may see them ----------

NETWORK_URLS = ["network-figures", "network-figures-csv", "network-figures-xlsx"]
PROGRAMME_URLS = ["programme-figures", "programme-figures-csv", "programme-figures-xlsx"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NETWORK_URLS)
def test_network_figures_permission_matrix(client, network_people, role, name):
    network, _other, people = network_people
    url = reverse(name, args=[network.slug])
    client = client_for(client, people[role])

    response = client.get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
        assert "networks/space/not_member.html" in [t.name for t in response.templates]
    elif role in ("member", "contact"):
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert client.post(url).status_code == 405


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PROGRAMME_URLS)
def test_programme_figures_permission_matrix(client, network_people, role, name):
    _network, _other, people = network_people
    url = reverse(name)
    client = client_for(client, people[role])

    response = client.get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role == "staff":
        assert response.status_code == 200
        assert client.post(url).status_code == 405
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", NETWORK_URLS)
def test_a_facilitator_sees_only_their_own_network(client, network_people, name):
    network, other, _people = network_people
    facilitator_of_other = make_membership(other, make_user(), "facilitator").user
    client = client_for(client, facilitator_of_other)
    assert client.get(reverse(name, args=[other.slug])).status_code == 200
    assert client.get(reverse(name, args=[network.slug])).status_code == 403


def test_figures_tab_only_for_facilitators(client, network_people):
    network, _other, people = network_people
    space = reverse("space", args=[network.slug])
    figures = reverse("network-figures", args=[network.slug])
    assert figures not in client_for(client, people["member"]).get(space).content.decode()
    assert figures in client_for(client, people["facilitator"]).get(space).content.decode()


# ---------- Queries ----------


def grow(network, other, size):
    """`size` more organisations, members, workshops and attendances in each network, and `size` more networks
    with a workshop and an attendee."""
    for _ in range(size):
        extra = make_network(network.get_parent())
        attend(make_workshop(extra, days_from_now=-1), make_user(gender="woman"))
    for target in (network, other):
        workshops = [make_workshop(target, days_from_now=-7 * (day + 1)) for day in range(size)]
        for n in range(size):
            user = make_user(gender=("woman", "man", "undisclosed", "")[n % 4], role_category="employee")
            make_membership(target, user, "member", make_organisation())
            for workshop in workshops:
                attend(workshop, user, attended=bool(n % 3))


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("network-figures", "facilitator"),
        ("network-figures-csv", "facilitator"),
        ("network-figures-xlsx", "facilitator"),
        ("programme-figures", "staff"),
        ("programme-figures-csv", "staff"),
        ("programme-figures-xlsx", "staff"),
    ],
)
def test_queries_stay_constant_when_members_grow(client, network_people, name, who):
    network, other, people = network_people
    url = reverse(name, args=[network.slug]) if name.startswith("network") else reverse(name)
    client = client_for(client, people[who])
    grow(network, other, 2)
    small = queries_for(client, url)

    grow(network, other, 8)
    large = queries_for(client, url)

    assert large == small, f"{name}: {small} queries with little data, {large} with more"
