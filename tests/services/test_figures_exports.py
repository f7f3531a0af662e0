"""The programme's downloads hold the services' figures per year as the page shows them: the CSV file (a byte order
mark, semicolons, decimal commas) and the XLSX workbook parsed back, hidden counts and shares as "< 5" and
"salattu", text that could start a formula neutralised."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from networks.models import NetworkPage
from tests.conftest import client_for
from tests.factories import make_network, make_organisation
from tests.services.test_figures import known, sparring_day, sparring_request  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

BREAKDOWN = [
    "Toteutuneita päiviä",
    "Organisaatioita",
    "Osallistujia",
    "Naisia",
    "Naisia (%)",
    "Työntekijöitä ja esihenkilöitä",
    "Työntekijöitä ja esihenkilöitä (%)",
    "Johtajia",
    "Johtajia (%)",
]


@pytest.fixture
def sparring_only(network_people):
    """Sparring days big enough to show every count (2024: 40 people, 2025: 60), and a training, not yet held,
    whose name would start a formula."""
    network, _other, people = network_people
    make_network(network.get_parent(), "=Koulutus", kind=NetworkPage.Kind.TRAINING)
    request = sparring_request(make_organisation("Nilakka"))
    sparring_day(request, date(2024, 10, 1), 20, 10, 5, 5, 15, 10, 10)
    sparring_day(request, date(2025, 3, 1), 30, 15, 5, 10, 25, 15, 10)
    return people["staff"]


def read_csv(response):
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def table_rows(rows, title, header):
    """The rows of the CSV download's table `title` (under its header)."""
    start = rows.index([title])
    assert rows[start + 1] == header
    table = []
    for row in rows[start + 2 :]:
        if not row:
            break
        table.append(row)
    return table


def test_the_csv_holds_the_services_and_the_years(client, sparring_only):
    rows = read_csv(client_for(client, sparring_only).get(reverse("programme-figures-csv")))

    services = {row[0]: row[1:] for row in table_rows(rows, "Palvelut yhteensä", ["Palvelu", *BREAKDOWN])}
    assert list(services) == ["Verkostot", "Koulutukset", "Sparraus", "Sparraus + koulutus", "Kaikki palvelut"]
    # 100 people on two days: 50 of 85 who told are women, 65 of 85 employees or supervisors, 20 of 85 managers.
    assert services["Sparraus + koulutus"] == ["2", "1", "100", "50", "58,8", "65", "76,5", "20", "23,5"]
    # No network held: nothing to count, every count below five.
    assert services["Verkostot"] == ["0", "0", "0", "< 5", "salattu", "< 5", "salattu", "< 5", "salattu"]

    years = {row[0]: row[1:] for row in table_rows(rows, "Kaikki palvelut vuosittain", ["Vuosi", *BREAKDOWN])}
    assert list(years) == ["2024", "2025", "Kaikki vuodet"]
    # 2024: 20 of 35 who told are women, 25 of 35 employees or supervisors, 10 of 35 managers.
    assert years["2024"] == ["1", "1", "40", "20", "57,1", "25", "71,4", "10", "28,6"]
    assert years["2025"] == ["1", "1", "60", "30", "60,0", "40", "80,0", "10", "20,0"]

    each = table_rows(rows, "Palvelut vuosittain", ["Vuosi", "Palvelu", *BREAKDOWN[:3]])
    assert [row[:2] for row in each] == [
        [year, service]
        for year in ("2024", "2025")
        for service in ("Verkostot", "Koulutukset", "Sparraus", "Sparraus + koulutus", "Kaikki palvelut")
    ]
    assert each[2] == ["2024", "Sparraus", "1", "1", "40"]
    # The training's name is text, never a formula.
    assert ["'=Koulutus", "0", "0", "salattu", "salattu", "salattu", "0"] in rows


def test_the_csv_shows_hidden_counts_as_the_page(client, known):  # noqa: F811 - the fixture
    client = client_for(client, known["people"]["staff"])
    page = client.get(reverse("programme-figures")).context
    rows = read_csv(client.get(reverse("programme-figures-csv")))

    services = {row[0]: row[1:] for row in table_rows(rows, "Palvelut yhteensä", ["Palvelu", *BREAKDOWN])}
    assert services["Kaikki palvelut"] == ["7", "4", "47", "33", "salattu", "38", "salattu", "salattu", "salattu"]
    assert services["Koulutukset"][7:] == ["< 5", "salattu"]
    shown = {row["heading"]: row for row in page["service_totals"]}
    assert (shown["Kaikki palvelut"]["women"], shown["Koulutukset"]["managers"]) == ("33 (salattu)", "< 5")
    years = {row[0]: row[1:] for row in table_rows(rows, "Kaikki palvelut vuosittain", ["Vuosi", *BREAKDOWN])}
    assert years["2024"][2:] == ["20", "14", "salattu", "salattu", "salattu", "< 5", "salattu"]


def test_the_workbook_holds_the_same_figures(client, sparring_only):
    response = client_for(client, sparring_only).get(reverse("programme-figures-xlsx"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))

    assert workbook.sheetnames[-4:] == ["Palvelut", "Vuodet", "Palvelut vuosittain", "Tapahtumat"]
    services = list(workbook["Palvelut"].iter_rows(values_only=True))
    assert list(services[0]) == ["Palvelu", *BREAKDOWN]
    by_service = {row[0]: row[1:] for row in services[1:]}
    assert by_service["Sparraus + koulutus"] == (2, 1, 100, 50, 58.8, 65, 76.5, 20, 23.5)
    assert by_service["Koulutukset"] == (0, 0, 0, "< 5", "salattu", "< 5", "salattu", "< 5", "salattu")
    years = {row[0]: row[1:] for row in workbook["Vuodet"].iter_rows(values_only=True)}
    assert years[2024] == (1, 1, 40, 20, 57.1, 25, 71.4, 10, 28.6)
    assert years["Kaikki vuodet"][:3] == (2, 1, 100)
    # Numbers are numbers: the shares with one decimal.
    assert workbook["Vuodet"].cell(row=2, column=6).number_format == "0.0"
    each = list(workbook["Palvelut vuosittain"].iter_rows(values_only=True))
    assert each[3] == (2024, "Sparraus", 1, 1, 40)
    networks = list(workbook["Verkostot"].iter_rows(values_only=True))
    assert "'=Koulutus" in [row[0] for row in networks]
