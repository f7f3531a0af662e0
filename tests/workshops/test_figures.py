"""Participant figures: counted right on a known data set (with "prefer not to say"); a facilitator's page and
downloads have no gender or role at all, the programme office's hide every count below five and whatever
would give one away; the CSV file and the workbook hold what the page shows; only facilitators and the
programme office see the figures, and the queries stay constant as the data grows."""

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import NetworkPage
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_network, make_organisation, make_user, make_workshop
from tests.workshops.test_disclosure import compositions
from workshops.exports import neutralise
from workshops.figures import BREAKDOWN_ROWS, format_percentage, network_figures, percentage, programme_figures
from workshops.models import Registration

# Queries pinned at both data sizes (tests.conftest.assert_queries).
QUERIES = {
    ("network-figures", "facilitator"): 15,
    ("network-figures-csv", "facilitator"): 8,
    ("network-figures-xlsx", "facilitator"): 8,
    ("network-figures", "staff"): 20,
    ("network-figures-csv", "staff"): 13,
    ("network-figures-xlsx", "staff"): 13,
    # The programme's page and downloads (services.views.figures) add the services' figures: one query for the
    # sparring days, one for the public events per year (tests/services/test_figures.py pins them with sparring days
    # and trainings too).
    ("programme-figures", "staff"): 16,
    ("programme-figures-csv", "staff"): 9,
    ("programme-figures-xlsx", "staff"): 9,
}


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


@pytest.fixture
def larger(network_people):
    """28 people attended a workshop of the matrix's network yesterday: 12 women, 9 men, 1 of another gender
    and 6 who did not say (4 chose so, 2 never answered); 14 employees, 6 supervisors, 6 managers, 2 unknown.
    The victim (another gender, a manager) was there too but is not marked yet."""
    network, _other, people = network_people
    organisations = [make_organisation("Sipoo"), make_organisation("Kerava")]
    workshop = workshop_titled(network, "Aloitus", days_from_now=-1, number=1)
    genders = ["woman"] * 12 + ["man"] * 9 + ["other"] + ["undisclosed"] * 4 + [""] * 2
    roles = ["employee"] * 14 + ["supervisor"] * 6 + ["manager"] * 6 + [""] * 2
    attendees = []
    for number, (gender, role) in enumerate(zip(genders, roles, strict=True)):
        user = make_user(f"osallistuja{number}@example.fi", gender=gender, role_category=role)
        make_membership(network, user, "member", organisations[number % 2])
        attend(workshop, user)
        attendees.append(user.pk)
    victim = make_user("uhri@example.fi", gender="other", role_category="manager")
    make_membership(network, victim, "member", organisations[0])
    attend(workshop, victim, attended=None)
    return {"network": network, "workshop": workshop, "people": people, "attendees": attendees, "victim": victim}


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
    assert people.share("women", "gender_answered") == Decimal("75.0")  # 6 / 8: undisclosed and blank left out
    assert people.share("men", "gender_answered") == Decimal("25.0")
    assert (people.employees, people.supervisors, people.managers, people.role_unknown) == (5, 2, 2, 1)
    assert people.share("employees_and_supervisors", "role_answered") == Decimal("77.8")  # 7 / 9: blank left out
    assert people.share("managers", "role_answered") == Decimal("22.2")
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
    assert people.share("women", "gender_answered") == Decimal("66.7")  # 6 / 9
    assert (people.employees_and_supervisors, people.managers, people.role_unknown) == (7, 3, 1)
    assert people.share("employees_and_supervisors", "role_answered") == Decimal("70.0")  # 7 / 10
    assert people.share("managers", "role_answered") == Decimal("30.0")
    # Sipoo, Kerava, and Vantaa (the shared woman's organisation in B); A's four and B's manager have none.
    assert (people.organisations, people.without_organisation) == (3, 5)
    assert figures.workshops_held == 3

    rows = {row.title: row for row in figures.networks}
    assert sorted(rows) == ["LATU-verkosto", "Lean-verkosto"]
    assert rows["Lean-verkosto"].people.participants == 10
    assert rows["Lean-verkosto"].workshops_held == 2
    latu = rows["LATU-verkosto"]
    assert (latu.people.participants, latu.people.organisations, latu.people.without_organisation) == (2, 1, 1)
    assert latu.people.share("women", "gender_answered") == Decimal("50.0")
    assert latu.people.share("managers", "role_answered") == Decimal("50.0")
    assert latu.workshops_held == 1


def test_no_answers_give_no_percentage(site_tree):
    _home, index = site_tree
    network = make_network(index)
    workshop = make_workshop(network, days_from_now=-1)
    attend(workshop, make_user(gender="undisclosed"))
    attend(workshop, make_user())

    people = network_figures(network).people

    assert people.participants == 2
    assert people.gender_answered == 0 and people.share("women", "gender_answered") is None
    assert people.role_answered == 0 and people.share("managers", "role_answered") is None

    empty = network_figures(make_network(index)).people
    assert empty.participants == 0 and empty.share("women", "gender_answered") is None


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


# ---------- What a facilitator sees: no gender or role at all ----------

# Every label of the gender and role breakdown, on the page, in the charts and in the downloads.
BREAKDOWN_LABELS = [str(label) for label, _cell, _of in BREAKDOWN_ROWS] + [
    "Sukupuoli ja asema",
    "Osallistujat sukupuolen mukaan",
    "Osallistujat aseman mukaan",
    "Naiset",
    "Johtajat",
]


def test_a_facilitator_sees_participants_organisations_and_attendance_only(client, known):
    network = known["network"]
    client = client_for(client, known["people"]["facilitator"])

    page = client.get(reverse("network-figures", args=[network.slug]))
    rows = read_csv(client.get(reverse("network-figures-csv", args=[network.slug])))
    workbook = read_workbook(client.get(reverse("network-figures-xlsx", args=[network.slug])))

    content = page.content.decode()
    assert page.context["breakdown"] is None
    assert "Osallistujien sukupuoli- ja asemajakauma näkyy vain ohjelmatoimistolle" in content
    assert 'id="chart-attendance-caption"' in content
    assert "chart-gender" not in content and "chart-role" not in content
    assert "75,0" not in content
    for label in BREAKDOWN_LABELS:
        assert label not in content, label
        assert not any(label in cell for row in rows for cell in row), label
    assert workbook.sheetnames == ["Yhteenveto", "Työpajat"]
    summary = sheet_rows(workbook["Yhteenveto"])
    assert [row[0] for row in summary[3:]] == [
        "Luku",
        "Osallistujia",
        "Organisaatioita",
        "Osallistujia ilman organisaatiota",
        "Pidettyjä työpajoja",
    ]
    assert summary[4:] == [
        ("Osallistujia", 10),
        ("Organisaatioita", 2),
        ("Osallistujia ilman organisaatiota", 4),
        ("Pidettyjä työpajoja", 2),
    ]


def test_the_facilitators_attack_learns_nothing_of_gender_or_role(client, larger):
    """Read the figures, mark one more person attended, read again: a facilitator's page and downloads change
    in their numbers only (participants, attendance), never show a gender or a role; the programme office's
    show the newcomer's gender and role among "< 5" and hidden counts that nothing shown gives away."""
    network, workshop, people, victim = larger["network"], larger["workshop"], larger["people"], larger["victim"]
    facilitator = client_for(client, people["facilitator"])
    before = facilitator_view(facilitator, network)
    attendees = [*larger["attendees"], victim.pk]

    url = reverse("workshop-attendance", args=[network.slug, workshop.pk])
    marked = facilitator.post(url, {"people": attendees, "attended": attendees}, follow=True)

    assert marked.redirect_chain == [(url, 302)]
    assert Registration.objects.get(workshop=workshop, user=victim).attended is True
    after = facilitator_view(facilitator, network)
    assert (before["summary"]["Osallistujia"], after["summary"]["Osallistujia"]) == ("28", "29")
    assert before["summary"]["Organisaatioita"] == after["summary"]["Organisaatioita"] == "2"
    for view in (before, after):
        for label in BREAKDOWN_LABELS:
            assert label not in view["page"] + view["csv"] + view["xlsx"], label
    # Apart from the numbers, nothing changed: no new row, label or chart.
    for part in ("page", "csv", "xlsx"):
        assert without_numbers(before[part]) == without_numbers(after[part]), part

    # The programme office: the newcomer ("muu sukupuoli", a manager) is inside counts that stay hidden.
    staff = client_for(client, people["staff"])
    rows = breakdown_rows_of(read_csv(staff.get(reverse("network-figures-csv", args=[network.slug]))))
    assert rows["Muu sukupuoli"] == ("< 5", "salattu")
    assert rows["Miehiä"] == ("salattu", "salattu")
    assert rows["Johtajia"] == ("salattu", "salattu")
    assert rows["Asema: ei tietoa"] == ("< 5", "")
    assert rows["Naisia"] == ("12", "52,2")  # 12 / 23
    assert readable_from(rows, 29) == set()
    workbook = read_workbook(staff.get(reverse("network-figures-xlsx", args=[network.slug])))
    xlsx_rows = {row[0]: row[1:] for row in sheet_rows(workbook["Sukupuoli ja asema"])[1:]}
    assert xlsx_rows["Muu sukupuoli"] == ("< 5", "salattu")
    assert xlsx_rows["Naisia"] == (12, 52.2)
    assert xlsx_rows["Johtajia"] == ("salattu", "salattu")
    page = staff.get(reverse("network-figures", args=[network.slug])).content.decode()
    assert re.search(r"Muu sukupuoli</th>\s*<td[^>]*>&lt; 5</td>\s*<td[^>]*>salattu</td>", page)
    assert "Miehet</th><td>salattu</td>" in page  # the chart's table
    assert "Muu</th><td>&lt; 5</td>" in page


def facilitator_view(client, network):
    """The network's figures as a facilitator reads them: the summary, and the page and downloads as text."""
    page = client.get(reverse("network-figures", args=[network.slug])).content.decode()
    rows = read_csv(client.get(reverse("network-figures-csv", args=[network.slug])))
    workbook = read_workbook(client.get(reverse("network-figures-xlsx", args=[network.slug])))
    cells = [str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]
    return {
        "page": re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", page),
        "csv": "\n".join(";".join(row) for row in rows),
        "xlsx": ";".join(cells),
        "summary": {row[0]: row[1] for row in rows if len(row) == 2},
    }


def without_numbers(text):
    return re.sub(r"\d+", "#", text)


# ---------- What the programme office sees: the breakdown, small counts hidden ----------


def test_the_programme_office_sees_the_breakdown_with_small_counts_hidden(client, larger):
    network = larger["network"]
    response = client_for(client, larger["people"]["staff"]).get(reverse("network-figures", args=[network.slug]))

    content = response.content.decode()
    rows = {label: (count, share) for label, count, share in response.context["breakdown"]}
    assert rows["Naisia"] == ("12", "54,5\xa0%")  # 12 / 22: the six who did not say are left out
    assert rows["Muu sukupuoli"] == ("< 5", "salattu")
    assert rows["Miehiä"] == ("salattu", "salattu")  # 22 - 12 - 9 would give the one away
    assert rows["Sukupuoli: ei tietoa"] == ("6", "")
    assert rows["Työntekijöitä"] == ("14", "salattu")  # its share would tell how many told their role
    assert rows["Johtajia"] == ("salattu", "salattu")
    assert rows["Asema: ei tietoa"] == ("< 5", "")
    assert "Sukupuoli ja asema" in content
    assert "Alle viiden hengen luvut näytetään muodossa &lt; 5, ja luku on salattu" in content
    assert 'id="chart-gender-caption"' in content and 'id="chart-role-caption"' in content
    assert "style=" not in content


def test_the_programme_page_hides_small_counts_of_the_programme_and_each_network(client, known):
    response = client_for(client, known["people"]["staff"]).get(reverse("programme-figures"))

    assert response.status_code == 200
    content = response.content.decode()
    rows = {label: (count, share) for label, count, share in response.context["breakdown"]}
    assert rows["Naisia"] == ("6", "salattu")
    assert rows["Miehiä"] == ("< 5", "salattu")
    assert rows["Muu sukupuoli"] == ("< 5", "salattu")
    assert "66,7" not in content  # 6 / 9 women would tell how many told their gender
    networks = {row["network"].title: row for row in response.context["network_rows"]}
    assert networks["LATU-verkosto"]["women"] == "salattu"  # one woman of two
    assert networks["Lean-verkosto"]["managers"] == "salattu"
    assert "Lean-verkosto" in content and "LATU-verkosto" in content
    assert "Piilotettu verkosto" not in content
    assert reverse("network-figures", args=[known["network"].slug]) in content
    assert reverse("programme-figures-csv") in content and reverse("programme-figures-xlsx") in content
    assert "style=" not in content


def test_what_everyone_has_in_common_is_hidden_too(client, network_people):
    """Six employees, none of whom told their gender: showing "6" anywhere would tell each one's answer."""
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-1)
    for _person in range(6):
        attend(workshop, make_user(gender="undisclosed", role_category="employee"))

    response = client_for(client, people["staff"]).get(reverse("network-figures", args=[network.slug]))

    rows = {label: (count, share) for label, count, share in response.context["breakdown"]}
    assert rows["Sukupuoli: ei tietoa"] == ("salattu", "")
    assert rows["Naisia"] == ("< 5", "salattu")
    assert rows["Työntekijöitä"] == ("salattu", "salattu")
    assert rows["Esihenkilöitä"] == ("< 5", "salattu")
    content = response.content.decode()
    assert "100,0\xa0%" not in content and "0,0\xa0%" not in content


def test_how_it_is_counted_explains_the_rule(client, larger):
    network, people = larger["network"], larger["people"]
    staff = client_for(client, people["staff"]).get(reverse("network-figures", args=[network.slug])).content.decode()
    facilitator = client_for(client, people["facilitator"]).get(reverse("network-figures", args=[network.slug]))

    assert "Miten luvut lasketaan" in staff
    assert "alle viiden hengen luvut (0–4) näytetään muodossa &lt; 5 sivulla, kaavioissa ja ladattavissa" in staff
    assert "vähentämällä näytettyjä lukuja yhteissummasta" in staff
    assert "jäsenyyteensä merkitty organisaatio" in staff
    content = facilitator.content.decode()
    assert "Miten luvut lasketaan" in content
    assert "näkyy vain ohjelmatoimistolle" in content
    assert "&lt; 5" not in content


def test_pages_have_their_tables_and_charts(client, known):
    network, people = known["network"], known["people"]
    response = client_for(client, people["staff"]).get(reverse("network-figures", args=[network.slug]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="chart__svg"' in content and "<caption" in content
    assert 'scope="row"' in content and 'scope="col"' in content
    assert reverse("network-figures-csv", args=[network.slug]) in content
    assert reverse("network-figures-xlsx", args=[network.slug]) in content
    assert 'aria-current="page"' in content
    assert "Luonnos" not in content
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
    assert response.status_code == 200
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def row_for(rows, label):
    return next(row for row in rows if row and row[0] == label)


def breakdown_rows_of(rows):
    """The breakdown's rows of a CSV download: {label: (count, share)}."""
    header = rows.index(["Luku", "Määrä", "Osuus vastanneista (%)"])
    table = []
    for row in rows[header + 1 :]:
        if not row:
            break
        table.append(row)
    return {label: (count, share) for label, count, share in table}


def readable_from(rows, participants):
    """The hidden counts of a breakdown ({label: (count, share)} as downloaded) that a reader can pin down: every
    split of the participants into genders, and into roles, that fits the shown counts and shares is tried."""
    labels = {cell: str(label) for label, cell, _of in BREAKDOWN_ROWS}

    def fits(cells, of):
        for cell, value in cells.items():
            if cell not in labels:
                continue
            count, share = rows[labels[cell]]
            if count == "< 5":
                if value >= 5:
                    return False
            elif count == "salattu":
                if value < 5:
                    return False
            elif int(count) != value:
                return False
            if share not in ("", "salattu", "–") and percentage(value, cells[of]) != Decimal(share.replace(",", ".")):
                return False
        return True

    pinned = set()
    for split, of in ((gender_split, "gender_answered"), (role_split, "role_answered")):
        possible = defaultdict(set)
        for counts in compositions(participants):
            cells = split(counts)
            if fits(cells, of):
                for cell, value in cells.items():
                    possible[cell].add(value)
        pinned |= {
            labels[cell]
            for cell, values in possible.items()
            if cell in labels and rows[labels[cell]][0] in ("< 5", "salattu") and len(values) == 1
        }
    return pinned


def gender_split(counts):
    women, men, other, unknown = counts
    return {
        "women": women,
        "men": men,
        "other_gender": other,
        "gender_unknown": unknown,
        "gender_answered": women + men + other,
    }


def role_split(counts):
    employees, supervisors, managers, unknown = counts
    return {
        "employees": employees,
        "supervisors": supervisors,
        "employees_and_supervisors": employees + supervisors,
        "managers": managers,
        "role_unknown": unknown,
        "role_answered": employees + supervisors + managers,
    }


def test_network_csv_holds_the_figures(client, known):
    network = known["network"]
    response = client_for(client, known["people"]["facilitator"]).get(
        reverse("network-figures-csv", args=[network.slug])
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"osallistujaluvut-{network.slug}-{timezone.localdate().isoformat()}.csv" in disposition
    rows = read_csv(response)
    assert row_for(rows, "Osallistujaluvut") == ["Osallistujaluvut", "Lean-verkosto"]
    assert row_for(rows, "Luku") == ["Luku", "Määrä"]
    assert row_for(rows, "Osallistujia") == ["Osallistujia", "10"]
    assert row_for(rows, "Organisaatioita") == ["Organisaatioita", "2"]
    assert row_for(rows, "Osallistujia ilman organisaatiota") == ["Osallistujia ilman organisaatiota", "4"]
    assert row_for(rows, "Pidettyjä työpajoja") == ["Pidettyjä työpajoja", "2"]

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


def test_the_programme_offices_csv_holds_the_breakdown_as_the_page_shows_it(client, larger):
    network = larger["network"]
    rows = read_csv(
        client_for(client, larger["people"]["staff"]).get(reverse("network-figures-csv", args=[network.slug]))
    )

    assert row_for(rows, "Sukupuoli ja asema") == ["Sukupuoli ja asema"]
    breakdown = breakdown_rows_of(rows)
    assert list(breakdown) == [str(label) for label, _cell, _of in BREAKDOWN_ROWS]
    assert breakdown["Naisia"] == ("12", "54,5")
    assert breakdown["Muu sukupuoli"] == ("< 5", "salattu")
    assert breakdown["Sukupuoli: ei tietoa"] == ("6", "")
    assert readable_from(breakdown, 28) == set()


def test_network_xlsx_holds_the_same_figures(client, known):
    network = known["network"]
    response = client_for(client, known["people"]["staff"]).get(reverse("network-figures-xlsx", args=[network.slug]))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"osallistujaluvut-{network.slug}-" in response["Content-Disposition"]
    workbook = read_workbook(response)
    assert workbook.sheetnames == ["Yhteenveto", "Sukupuoli ja asema", "Työpajat"]

    summary = {row[0]: row[1:] for row in sheet_rows(workbook["Yhteenveto"]) if row[0]}
    assert summary["Osallistujaluvut"][0] == "Lean-verkosto"
    assert summary["Osallistujia"][0] == 10
    assert summary["Organisaatioita"][0] == 2
    assert summary["Osallistujia ilman organisaatiota"][0] == 4
    assert summary["Pidettyjä työpajoja"][0] == 2
    breakdown = {row[0]: row[1:] for row in sheet_rows(workbook["Sukupuoli ja asema"])}
    assert breakdown["Naisia"] == (6, "salattu")
    assert breakdown["Miehiä"] == ("< 5", "salattu")
    assert breakdown["Sukupuoli: ei tietoa"] == ("< 5", None)

    sheet = workbook["Työpajat"]
    rows = sheet_rows(sheet)
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
    assert row_for(rows, "Osallistujia") == ["Osallistujia", "11"]
    assert row_for(rows, "Verkostoja") == ["Verkostoja", "2"]
    assert breakdown_rows_of(rows)["Naisia"] == ("6", "salattu")
    assert breakdown_rows_of(rows)["Miehiä"] == ("< 5", "salattu")
    assert row_for(rows, "Lean-verkosto") == ["Lean-verkosto", "10", "2", "salattu", "salattu", "salattu", "2"]
    assert row_for(rows, "LATU-verkosto") == ["LATU-verkosto", "2", "1", "salattu", "salattu", "salattu", "1"]

    response = client.get(reverse("programme-figures-xlsx"))
    assert f"osallistujaluvut-ohjelma-{timezone.localdate().isoformat()}.xlsx" in response["Content-Disposition"]
    workbook = read_workbook(response)
    # Then the services' tables (tests/services/test_figures_exports.py).
    assert workbook.sheetnames[:4] == ["Yhteenveto", "Sukupuoli ja asema", "Verkostot", "Työpajat"]
    summary = {row[0]: row[1:] for row in sheet_rows(workbook["Yhteenveto"]) if row[0]}
    assert summary["Osallistujia"][0] == 11
    breakdown = {row[0]: row[1:] for row in sheet_rows(workbook["Sukupuoli ja asema"])}
    assert breakdown["Naisia"] == (6, "salattu")
    assert breakdown["Johtajia"] == ("< 5", "salattu")
    networks = sheet_rows(workbook["Verkostot"])
    assert networks[0][0] == "Verkosto"
    assert networks[1:] == [
        ("LATU-verkosto", 2, 1, "salattu", "salattu", "salattu", 1),
        ("Lean-verkosto", 10, 2, "salattu", "salattu", "salattu", 2),
    ]
    workshops = sheet_rows(workbook["Työpajat"])
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
        ("network-figures", "staff"),
        ("network-figures-csv", "staff"),
        ("network-figures-xlsx", "staff"),
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

    assert_queries(QUERIES[name, who], small=small, large=large)
