"""Participant figures: a network's for its facilitators (and the programme office), as a page with charts and
tables, a CSV file and an XLSX workbook; and the pieces the whole programme's page reuses (services.views.figures,
which adds the services' figures to it).

The gender and role breakdown (the ESR figures) is only ever computed for the programme office: a
facilitator's page and downloads have no trace of it. How the figures are counted is in workshops.figures,
which counts are hidden in workshops.disclosure. Each view runs a fixed number of queries whatever the
number of networks, workshops, members and registrations.
"""

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.charts import BarChart
from networks.decorators import facilitator_required

from .. import exports
from ..disclosure import Suppressed
from ..figures import format_percentage, network_breakdown
from ..figures import network_figures as compute_network_figures


def shown(count, share=""):
    """A count as the chart's table shows it: "6 (75,0 %)", "6" without a share, "< 5" or "salattu" hidden."""
    if isinstance(count, Suppressed) or share == "":
        return str(count)
    return f"{count} ({format_percentage(share)})"


def bar_length(count):
    """A hidden count draws no bar: its length would give it away."""
    return 0 if isinstance(count, Suppressed) else count


def breakdown_chart(breakdown, chart_id, title, label_heading, bars):
    """A chart of the breakdown's counts `bars` [(label, cell, the count it is a share of or None)]."""
    chart = BarChart(
        id=chart_id,
        title=title,
        value_heading=_("Henkilöitä (osuus vastanneista)"),
        label_heading=label_heading,
    )
    for label, cell, of in bars:
        count = breakdown.count(cell)
        chart.add(label, bar_length(count), shown(count, breakdown.share(cell, of) if of else ""))
    return chart


def gender_chart(breakdown):
    bars = [
        (_("Naiset"), "women", "gender_answered"),
        (_("Miehet"), "men", "gender_answered"),
        (_("Muu"), "other_gender", "gender_answered"),
        (_("Ei tietoa"), "gender_unknown", None),
    ]
    return breakdown_chart(breakdown, "chart-gender", _("Osallistujat sukupuolen mukaan"), _("Sukupuoli"), bars)


def role_chart(breakdown):
    bars = [
        (_("Työntekijät ja esihenkilöt"), "employees_and_supervisors", "role_answered"),
        (_("Johtajat"), "managers", "role_answered"),
        (_("Ei tietoa"), "role_unknown", None),
    ]
    return breakdown_chart(breakdown, "chart-role", _("Osallistujat aseman mukaan"), _("Asema"), bars)


def attendance_chart(workshops):
    chart = BarChart(
        id="chart-attendance",
        title=_("Osallistuneet työpajoittain"),
        value_heading=_("Osallistui"),
        label_heading=_("Työpaja"),
    )
    for workshop in workshops:
        chart.add(f"{workshop.number}. {workshop.title}", workshop.attended, str(workshop.attended))
    return chart


def networks_chart(networks):
    chart = BarChart(
        id="chart-networks",
        title=_("Osallistujat verkostoittain"),
        value_heading=_("Osallistujia"),
        label_heading=_("Verkosto"),
    )
    for network in networks:
        chart.add(network.title, network.people.participants, str(network.people.participants))
    return chart


def breakdown_rows(breakdown):
    """The breakdown for the page's table: (label, count as shown, share as shown or "")."""
    return [
        (label, str(count), "" if share == "" else format_percentage(share)) for label, count, share in breakdown.rows()
    ]


def network_row(row, breakdown):
    """A network in the programme's table, with its shares as shown."""
    return {
        "network": row,
        "women": format_percentage(breakdown.share("women", "gender_answered")),
        "employees_and_supervisors": format_percentage(breakdown.share("employees_and_supervisors", "role_answered")),
        "managers": format_percentage(breakdown.share("managers", "role_answered")),
    }


def download_name(what):
    return f"osallistujaluvut-{what}-{timezone.localdate().isoformat()}"


def _network(access):
    """The network's figures, and its breakdown for the programme office only (None for facilitators)."""
    figures = compute_network_figures(access.network)
    breakdown = network_breakdown(access.network, figures.people) if access.is_staff else None
    return figures, breakdown


@require_safe
@facilitator_required
def network_figures(request, access):
    figures, breakdown = _network(access)
    charts = [gender_chart(breakdown), role_chart(breakdown)] if breakdown else []
    context = {
        "access": access,
        "active_tab": "figures",
        "figures": figures,
        "summary": figures.summary(),
        "breakdown": breakdown_rows(breakdown) if breakdown else None,
        "charts": [*charts, attendance_chart(figures.workshops)],
    }
    return TemplateResponse(request, "workshops/figures/network.html", context)


@require_safe
@never_cache
@facilitator_required
def network_figures_csv(request, access):
    tables = exports.network_tables(*_network(access))
    return exports.csv_response(tables, download_name(access.network.slug))


@require_safe
@never_cache
@facilitator_required
def network_figures_xlsx(request, access):
    tables = exports.network_tables(*_network(access))
    return exports.xlsx_response(tables, download_name(access.network.slug))
