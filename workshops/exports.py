"""The participant figures (workshops.figures) as downloads: a CSV file for Finnish Excel and an XLSX workbook.

Both hold the same tables as the page: the headline figures ("Yhteenveto"), for the programme office the
gender and role breakdown ("Sukupuoli ja asema", its hidden counts as "< 5" or "salattu", as on the page),
attendance per workshop ("Työpajat") and, for the programme, one row per network ("Verkostot").

- CSV: UTF-8 with a byte order mark (so that Excel reads it as UTF-8), semicolons between fields and
  decimal commas, as Excel expects in Finnish; the tables one after another, each under its title.
- XLSX: one sheet per table, numbers as numbers and dates as dates.
- Text that a person typed (workshop and network titles) could start a formula in a spreadsheet: every
  text cell that starts with = + - @ (or a tab or carriage return) gets an apostrophe in front.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .figures import NO_PERCENTAGE, PROGRAMME

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell that a spreadsheet would not take as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Table:
    """A titled table: the header and rows of plain values (str, int, Decimal, date, datetime; None for a
    percentage no one answered; workshops.disclosure.Suppressed for a hidden count or share)."""

    def __init__(self, sheet, title, header, rows, preamble=()):
        self.sheet = sheet
        self.title = title
        self.preamble = list(preamble)  # (label, value) lines above the header
        self.header = header
        self.rows = rows


def summary_table(figures, what):
    preamble = [
        (_("Osallistujaluvut"), what),
        (_("Laskettu"), timezone.localtime(figures.computed).replace(tzinfo=None, microsecond=0)),
    ]
    rows = [[str(label), count] for label, count in figures.summary()]
    return Table(_("Yhteenveto"), _("Yhteenveto"), [_("Luku"), _("Määrä")], rows, preamble)


def breakdown_table(breakdown):
    """The gender and role breakdown, hidden counts and shares as the page shows them ("< 5", "salattu")."""
    rows = [[str(label), count, share] for label, count, share in breakdown.rows()]
    header = [_("Luku"), _("Määrä"), _("Osuus vastanneista (%)")]
    return Table(_("Sukupuoli ja asema"), _("Sukupuoli ja asema"), header, rows)


def workshops_table(figures, with_network=False):
    header = [_("Nro"), _("Työpaja"), _("Päivä"), _("Tila"), _("Ilmoittautuneita"), _("Jonossa"), _("Osallistui")]
    rows = []
    for workshop in figures.workshops:
        row = [
            workshop.number,
            workshop.title,
            workshop.date,
            str(workshop.status),
            workshop.registered,
            workshop.waitlisted,
            workshop.attended,
        ]
        rows.append([workshop.network_title, *row] if with_network else row)
    if with_network:
        header = [_("Verkosto"), *header]
    return Table(_("Työpajat"), _("Osallistuminen työpajoittain"), header, rows)


def networks_table(figures):
    header = [
        _("Verkosto"),
        _("Osallistujia"),
        _("Organisaatioita"),
        _("Naisia (%)"),
        _("Työntekijöitä ja esihenkilöitä (%)"),
        _("Johtajia (%)"),
        _("Pidettyjä työpajoja"),
    ]
    rows = []
    for row in figures.networks:
        breakdown = figures.breakdowns[row.pk]
        rows.append(
            [
                row.title,
                row.people.participants,
                row.people.organisations,
                breakdown.share("women", "gender_answered"),
                breakdown.share("employees_and_supervisors", "role_answered"),
                breakdown.share("managers", "role_answered"),
                row.workshops_held,
            ]
        )
    return Table(_("Verkostot"), _("Verkostot"), header, rows)


def network_tables(figures, breakdown=None):
    """The network's tables; the breakdown's only for the programme office (`breakdown` None otherwise)."""
    tables = [summary_table(figures, figures.network.title)]
    if breakdown is not None:
        tables.append(breakdown_table(breakdown))
    return [*tables, workshops_table(figures)]


def programme_tables(figures):
    return [
        summary_table(figures, _("Koko ohjelma")),
        breakdown_table(figures.breakdowns[PROGRAMME]),
        networks_table(figures),
        workshops_table(figures, with_network=True),
    ]


# ---------- CSV ----------


def csv_value(value):
    if value is None:
        return NO_PERCENTAGE
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_response(tables, filename):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        for label, value in table.preamble:
            writer.writerow([csv_value(label), csv_value(value)])
        if table.preamble:
            writer.writerow([])
        writer.writerow([csv_value(table.title)])
        writer.writerow([csv_value(heading) for heading in table.header])
        for row in table.rows:
            writer.writerow([csv_value(value) for value in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    return response


# ---------- XLSX ----------


def xlsx_value(value):
    if value is None:
        return NO_PERCENTAGE
    if isinstance(value, Decimal | int | float | date):
        return value
    return neutralise(str(value))


def number_format(value):
    if isinstance(value, Decimal):
        return "0.0"
    if isinstance(value, datetime):
        return "d.m.yyyy h:mm"
    if isinstance(value, date):
        return "d.m.yyyy"
    return None


def write_cell(sheet, row, column, value, bold=False):
    if value == "":  # no share to show: an empty cell
        return None
    cell = sheet.cell(row=row, column=column, value=xlsx_value(value))
    style = number_format(value)
    if style:
        cell.number_format = style
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_response(tables, filename):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(str(table.sheet))
        row = 1
        for label, value in table.preamble:
            write_cell(sheet, row, 1, label, bold=True)
            write_cell(sheet, row, 2, value)
            row += 1
        if table.preamble:
            row += 1
        for column, heading in enumerate(table.header, start=1):
            write_cell(sheet, row, column, heading, bold=True)
        sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
        for values in table.rows:
            row += 1
            for column, value in enumerate(values, start=1):
                write_cell(sheet, row, column, value)
        widths = [
            max((len(str(r[i])) for r in [table.header, *table.rows]), default=8) for i in range(len(table.header))
        ]
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
    return response
