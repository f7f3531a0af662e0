"""An event's registrations as downloads for the organiser (workshops.exports: CSV for Finnish Excel, an XLSX
workbook, every text cell that could start a formula neutralised — names and organisations are typed by anyone).

One table: who holds a place, then the waiting list in order, with what each person told (diet, accessibility
needs), when they registered (Helsinki time) and whether they attended. The file name is the event's slug.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from workshops import exports
from workshops.calendar import HELSINKI

from .models import EventRegistration


def local(moment):
    """A naive Helsinki time, as spreadsheets take it."""
    return timezone.localtime(moment, timezone=ZoneInfo(HELSINKI)).replace(tzinfo=None, microsecond=0)


def attended_label(value):
    if value is None:
        return ""
    return _("Kyllä") if value else _("Ei")


def registrations_table(event):
    header = [
        _("Nimi"),
        _("Organisaatio"),
        _("Sähköposti"),
        _("Erityisruokavalio"),
        _("Saavutettavuustarpeet"),
        _("Kieli"),
        _("Ilmoittautunut"),
        _("Tila"),
        _("Osallistui"),
    ]
    rows = []
    line = 0
    for registration in EventRegistration.objects.filter(event=event).order_by("waitlisted", "created", "pk"):
        if registration.waitlisted:
            line += 1
            status = _("Jonossa (%(position)d.)") % {"position": line}
        else:
            status = _("Paikka")
        rows.append(
            [
                registration.name,
                registration.organisation,
                registration.email,
                registration.diet,
                registration.accessibility,
                registration.language,
                local(registration.created),
                status,
                attended_label(registration.attended),
            ]
        )
    preamble = [
        (_("Tapahtuma"), event.title),
        (_("Alkaa"), local(event.start)),
        (_("Laskettu"), local(timezone.now())),
    ]
    return exports.Table(_("Ilmoittautuneet"), _("Ilmoittautuneet"), header, rows, preamble)


def filename(event):
    return f"{slugify(event.slug) or 'tapahtuma'}-ilmoittautuneet"


def csv_response(event):
    return exports.csv_response([registrations_table(event)], filename(event))


def xlsx_response(event):
    return exports.xlsx_response([registrations_table(event)], filename(event))
