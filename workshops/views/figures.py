"""Participant figures: a network's for its facilitators (and the programme office), the whole programme's for
the programme office only; each as a page with charts and tables, a CSV file and an XLSX workbook.

How the figures are counted is in workshops.figures. Each view runs a fixed number of queries whatever the
number of networks, workshops, members and registrations.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from home.charts import BarChart
from networks.decorators import facilitator_required

from .. import exports
from ..figures import format_percentage
from ..figures import network_figures as compute_network_figures
from ..figures import programme_figures as compute_programme_figures


def staff_required(view):
    """Anonymous → sign-in; signed in but not programme office staff → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def with_share(count, percent):
    """ "6 (75,0 %)" """
    return f"{count} ({format_percentage(percent)})"


def gender_chart(people):
    chart = BarChart(
        id="chart-gender",
        title=_("Osallistujat sukupuolen mukaan"),
        value_heading=_("Henkilöitä (osuus vastanneista)"),
        label_heading=_("Sukupuoli"),
    )
    chart.add(_("Naiset"), people.women, with_share(people.women, people.women_percent))
    chart.add(_("Miehet"), people.men, with_share(people.men, people.men_percent))
    chart.add(_("Muu"), people.other_gender, with_share(people.other_gender, people.other_gender_percent))
    chart.add(_("Ei tietoa"), people.gender_unknown, str(people.gender_unknown))
    return chart


def role_chart(people):
    chart = BarChart(
        id="chart-role",
        title=_("Osallistujat aseman mukaan"),
        value_heading=_("Henkilöitä (osuus vastanneista)"),
        label_heading=_("Asema"),
    )
    chart.add(
        _("Työntekijät ja esihenkilöt"),
        people.employees_and_supervisors,
        with_share(people.employees_and_supervisors, people.employees_and_supervisors_percent),
    )
    chart.add(_("Johtajat"), people.managers, with_share(people.managers, people.managers_percent))
    chart.add(_("Ei tietoa"), people.role_unknown, str(people.role_unknown))
    return chart


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


def summary_rows(figures):
    """The headline figures for the page's table: (label, count, share as shown or "")."""
    return [
        (label, count, "" if percent == "" else format_percentage(percent))
        for label, count, percent in figures.summary()
    ]


def network_rows(figures):
    return [
        {
            "network": row,
            "women": format_percentage(row.people.women_percent),
            "employees_and_supervisors": format_percentage(row.people.employees_and_supervisors_percent),
            "managers": format_percentage(row.people.managers_percent),
        }
        for row in figures.networks
    ]


def download_name(what):
    return f"osallistujaluvut-{what}-{timezone.localdate().isoformat()}"


@require_safe
@facilitator_required
def network_figures(request, access):
    figures = compute_network_figures(access.network)
    context = {
        "access": access,
        "active_tab": "figures",
        "figures": figures,
        "summary": summary_rows(figures),
        "charts": [gender_chart(figures.people), role_chart(figures.people), attendance_chart(figures.workshops)],
    }
    return TemplateResponse(request, "workshops/figures/network.html", context)


@require_safe
@never_cache
@facilitator_required
def network_figures_csv(request, access):
    figures = compute_network_figures(access.network)
    return exports.csv_response(exports.network_tables(figures), download_name(access.network.slug))


@require_safe
@never_cache
@facilitator_required
def network_figures_xlsx(request, access):
    figures = compute_network_figures(access.network)
    return exports.xlsx_response(exports.network_tables(figures), download_name(access.network.slug))


@require_safe
@staff_required
def programme_figures(request):
    figures = compute_programme_figures()
    context = {
        "figures": figures,
        "summary": summary_rows(figures),
        "network_rows": network_rows(figures),
        "charts": [networks_chart(figures.networks), gender_chart(figures.people), role_chart(figures.people)],
    }
    return TemplateResponse(request, "workshops/figures/programme.html", context)


@require_safe
@never_cache
@staff_required
def programme_figures_csv(request):
    return exports.csv_response(exports.programme_tables(compute_programme_figures()), download_name("ohjelma"))


@require_safe
@never_cache
@staff_required
def programme_figures_xlsx(request):
    return exports.xlsx_response(exports.programme_tables(compute_programme_figures()), download_name("ohjelma"))
