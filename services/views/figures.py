"""The whole programme's figures for the programme office (/luvut/): the workshops' (workshops.figures: the
programme, its networks and trainings, each workshop) and the services' per year (services.figures), as a page
with charts and tables, a CSV file and an XLSX workbook. A fixed number of queries whatever the size of the data.
"""

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.charts import BarChart
from events.figures import events_by_year
from networks.decorators import staff_required
from workshops import exports as workshop_exports
from workshops.figures import PROGRAMME, programme_figures
from workshops.views.figures import (
    breakdown_rows,
    download_name,
    gender_chart,
    network_row,
    networks_chart,
    role_chart,
    shown,
)

from .. import exports
from ..figures import NETWORKS, SPARRING, TRAININGS, service_figures


def _figures():
    figures = programme_figures()
    return figures, service_figures(figures), events_by_year()


def service_row(row, heading):
    """A service (or the whole programme in a year) with its breakdown's counts and shares as shown, under its
    row header `heading`."""
    breakdown = row.breakdown
    return {
        "row": row,
        "heading": heading,
        "women": shown(breakdown.count("women"), breakdown.share("women", "gender_answered")),
        "employees_and_supervisors": shown(
            breakdown.count("employees_and_supervisors"), breakdown.share("employees_and_supervisors", "role_answered")
        ),
        "managers": shown(breakdown.count("managers"), breakdown.share("managers", "role_answered")),
    }


def services_chart(services):
    chart = BarChart(
        id="chart-services",
        title=_("Osallistujat palveluittain"),
        value_heading=_("Osallistujia"),
        label_heading=_("Palvelu"),
    )
    for row in services.services():
        if row.service in (NETWORKS, TRAININGS, SPARRING):
            chart.add(row.label, row.people.participants, str(row.people.participants))
    return chart


def years_chart(services):
    chart = BarChart(
        id="chart-years",
        title=_("Osallistujat vuosittain"),
        value_heading=_("Osallistujia"),
        label_heading=_("Vuosi"),
    )
    for row in services.by_year()[:-1]:
        chart.add(str(row.year), row.people.participants, str(row.people.participants))
    return chart


@require_safe
@staff_required
def programme_page(request):
    figures, services, events = _figures()
    breakdown = figures.breakdowns[PROGRAMME]
    context = {
        "figures": figures,
        "summary": figures.summary(),
        "breakdown": breakdown_rows(breakdown),
        "network_rows": [network_row(row, figures.breakdowns[row.pk]) for row in figures.networks],
        "service_totals": [service_row(row, row.label) for row in services.services()],
        "by_year": [service_row(row, exports.year_label(row.year)) for row in services.by_year()],
        "years_and_services": services.years_and_services(),
        "events_by_year": events,
        "charts": [
            networks_chart(figures.networks),
            gender_chart(breakdown),
            role_chart(breakdown),
            services_chart(services),
            years_chart(services),
        ],
    }
    return TemplateResponse(request, "services/figures/programme.html", context)


@require_safe
@never_cache
@staff_required
def programme_csv(request):
    return workshop_exports.csv_response(exports.programme_tables(*_figures()), download_name("ohjelma"))


@require_safe
@never_cache
@staff_required
def programme_xlsx(request):
    return workshop_exports.xlsx_response(exports.programme_tables(*_figures()), download_name("ohjelma"))
