"""The forms of the sparring days: the coach's day log, the participants' anonymous feedback, and the applicant's
consent that turns the sparring into a Tekojen Tori draft.

A form checks only its own fields' types; whether the day adds up and may be logged is decided by
services.days (the form shows its refusal at the field it is about), the act's rules by tori.actions.
"""

from dataclasses import fields

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tori.models import Sector
from workshops.forms.feedback import DONT_KNOW, agreement_or_none, overall_grade_field
from workshops.models import Feedback

from .days import DAY_FIELDS, DayInput
from .examples import ExampleInput
from .models import SparringDay, SparringFeedback, SparringRequest


def count_field(label, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Anna luku (0, jos ei yhtään)."),
            "invalid": _("Anna kokonaisluku."),
            "min_value": _("Luku ei voi olla negatiivinen."),
        },
    )


class DayForm(forms.Form):
    date = forms.DateField(
        label=_("Päivämäärä"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Anna sparrauspäivän päivämäärä."), "invalid": _("Anna kelvollinen päivämäärä.")},
    )
    online = forms.BooleanField(label=_("Pidettiin etänä"), required=False)
    place = forms.CharField(
        label=_("Paikka"),
        max_length=SparringDay._meta.get_field("place").max_length,
        required=False,
        help_text=_("Esim. ”Kunnantalo, Hämeenkyrö”. Ei tarvita, jos päivä pidettiin etänä."),
    )
    participants = count_field(_("Osallistujia yhteensä"))
    women = count_field(_("Naisia"))
    men = count_field(_("Miehiä"))
    other_gender = count_field(_("Muu sukupuoli"))
    gender_untold = count_field(_("Sukupuoli ei tiedossa"))
    employees = count_field(_("Työntekijöitä"))
    supervisors = count_field(_("Esihenkilöitä"))
    managers = count_field(_("Johtajia"))
    report = forms.CharField(
        label=_("Lyhyt raportti"),
        max_length=SparringDay._meta.get_field("report").max_length,
        help_text=_("Mitä päivänä tehtiin? Raportti näkyy myös hakijalle."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Kirjoita lyhyt raportti sparrauspäivästä.")},
    )
    outcome = forms.CharField(
        label=_("Mitä saatiin aikaan"),
        max_length=SparringDay._meta.get_field("outcome").max_length,
        required=False,
        help_text=_("Tulos tai sovitut seuraavat askeleet. Tuloksesta voi tehdä työpaikan luvalla kehittämisteon."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    GENDERS = ("women", "men", "other_gender", "gender_untold")
    ROLES = ("employees", "supervisors", "managers")

    @property
    def gender_fields(self):
        return [self[name] for name in self.GENDERS]

    @property
    def role_fields(self):
        return [self[name] for name in self.ROLES]

    def input(self) -> DayInput:
        return DayInput(**{name: self.cleaned_data[name] for name in DAY_FIELDS})


def day_initial(day: SparringDay) -> dict[str, object]:
    return {name: getattr(day, name) for name in DAY_FIELDS}


class FeedbackForm(forms.Form):
    """The anonymous feedback on a sparring day: the overall grade, one statement and free text."""

    overall = overall_grade_field(_("Kokonaisarvio sparrauspäivästä"))
    useful = forms.TypedChoiceField(
        label=SparringFeedback._meta.get_field("useful").verbose_name,
        choices=[*Feedback.Agreement.choices, (DONT_KNOW, _("En osaa sanoa"))],
        coerce=agreement_or_none,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Valitse yksi vaihtoehdoista.")},
    )
    comment = forms.CharField(
        label=_("Terveiset sparraajalle"),
        help_text=_(
            "Mikä auttoi, mitä olisit kaivannut? Palaute tallennetaan ilman nimeäsi, ja sparraaja näkee sen vasta, "
            "kun palaute on sulkeutunut."
        ),
        required=False,
        max_length=SparringFeedback._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def answers(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in ("overall", "useful", "comment")}


class ExampleForm(forms.Form):
    """The applicant's part of the draft act: its title, sector and how to copy it, and the consent."""

    title = forms.CharField(
        label=_("Teon otsikko"),
        max_length=255,
        help_text=_("Lyhyt ja kuvaava. Voit muuttaa sitä vielä luonnoksessa."),
        error_messages={"required": _("Kirjoita teolle otsikko.")},
    )
    sector = forms.ChoiceField(
        label=_("Toimiala"),
        choices=[("", "—"), *Sector.choices],
        error_messages={"required": _("Valitse toimiala.")},
    )
    how_to_copy = forms.CharField(
        label=_("Näin kopioit tämän"),
        max_length=4000,
        help_text=_("Mitä toisen työpaikan kannattaa tehdä ensin, ja mitä välttää?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Kerro lyhyesti, miten toinen työpaikka voi kopioida teon.")},
    )
    consent = forms.BooleanField(
        label=_("Työpaikka on antanut luvan julkaista sparrauksen tuloksen Tekojen Torilla"),
        error_messages={
            "required": _("Tekoa ei voi tehdä ilman työpaikan lupaa julkaisuun. Pyydä lupa ja merkitse se tähän.")
        },
    )
    consent_given_by = forms.CharField(
        label=_("Luvan antaja"),
        max_length=200,
        help_text=_("Esim. ”Kunnanjohtaja Maija Meikäläinen”."),
        error_messages={"required": _("Kerro, kuka työpaikalla antoi luvan.")},
    )
    consent_date = forms.DateField(
        label=_("Luvan päivämäärä"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Anna luvan päivämäärä."), "invalid": _("Anna kelvollinen päivämäärä.")},
    )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Kirjoita teolle otsikko."), code="required")
        return title

    def clean_consent_date(self):
        value = self.cleaned_data["consent_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Luvan päivämäärä ei voi olla tulevaisuudessa."), code="future")
        return value

    def input(self) -> ExampleInput:
        return ExampleInput(**{field.name: self.cleaned_data[field.name] for field in fields(ExampleInput)})


def example_initial(sparring: SparringRequest) -> dict[str, object]:
    """A title to start from, and the sector when the whole organisation took part."""
    whole = sparring.scope in (SparringRequest.Scope.MUNICIPALITY, SparringRequest.Scope.SEVERAL)
    return {"title": sparring.unit, "sector": Sector.WHOLE_ORGANISATION if whole else ""}
