"""The programme's figures as downloads (workshops.exports: CSV for Finnish Excel, an XLSX workbook, text that
could start a formula neutralised): the workshops' tables, then the services' per year ("Palvelut vuosittain"),
hidden counts and shares shown as on the page ("< 5", "salattu"), and the public events per year."""

from django.utils.translation import gettext as _

from workshops import exports

from .figures import ALL_YEARS


def year_label(year):
    return _("Kaikki vuodet") if year is ALL_YEARS else year


BREAKDOWN_HEADER = [
    _("Toteutuneita päiviä"),
    _("Organisaatioita"),
    _("Osallistujia"),
    _("Naisia"),
    _("Naisia (%)"),
    _("Työntekijöitä ja esihenkilöitä"),
    _("Työntekijöitä ja esihenkilöitä (%)"),
    _("Johtajia"),
    _("Johtajia (%)"),
]


def with_breakdown(row):
    """A row's days, organisations, participants and its breakdown's counts and their shares side by side."""
    breakdown = row.breakdown
    return [
        row.days,
        row.people.organisations,
        row.people.participants,
        breakdown.count("women"),
        breakdown.share("women", "gender_answered"),
        breakdown.count("employees_and_supervisors"),
        breakdown.share("employees_and_supervisors", "role_answered"),
        breakdown.count("managers"),
        breakdown.share("managers", "role_answered"),
    ]


def services_tables(services):
    """The services over all the years, the whole programme each year (both with their breakdown), and each
    service each year (days, organisations, participants)."""
    totals = [[str(row.label), *with_breakdown(row)] for row in services.services()]
    years = [[year_label(row.year), *with_breakdown(row)] for row in services.by_year()]
    each = [
        [year, str(row.label), row.days, row.people.organisations, row.people.participants]
        for year, rows in services.years_and_services()
        for row in rows
    ]
    return [
        exports.Table(_("Palvelut"), _("Palvelut yhteensä"), [_("Palvelu"), *BREAKDOWN_HEADER], totals),
        exports.Table(_("Vuodet"), _("Kaikki palvelut vuosittain"), [_("Vuosi"), *BREAKDOWN_HEADER], years),
        exports.Table(
            _("Palvelut vuosittain"),
            _("Palvelut vuosittain"),
            [_("Vuosi"), _("Palvelu"), *BREAKDOWN_HEADER[:3]],
            each,
        ),
    ]


def events_table(events):
    """The public events per year: held, people with a place, attended (events.figures)."""
    rows = [[row.year, row.events, row.registered, row.attended] for row in events]
    header = [_("Vuosi"), _("Tapahtumia"), _("Ilmoittautuneita"), _("Osallistuneita")]
    return exports.Table(_("Tapahtumat"), _("Tapahtumat vuosittain"), header, rows)


def programme_tables(figures, services, events):
    return [*exports.programme_tables(figures), *services_tables(services), events_table(events)]
