"""The forms of public events: registering (anyone, without an account) and the organiser's attendance list. A form
decides what it can from its own input — the address through the one rule for typed addresses
(core.addresses.AddressField) — and events.registrations the rest."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.addresses import AddressField
from workshops.forms.rsvp import UserIdsField

from .models import EventRegistration

MAX_ID = 2**31 - 1


def text_field(model_field: str, label, required=True, help_text="", message=""):
    max_length = EventRegistration._meta.get_field(model_field).max_length
    errors = {"max_length": _("Teksti on liian pitkä: enintään %(limit_value)d merkkiä.")}
    if message:
        errors["required"] = message
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text, error_messages=errors
    )


class RegistrationForm(forms.Form):
    name = text_field("name", _("Nimi"), message=_("Kirjoita nimesi."))
    organisation = text_field(
        "organisation",
        _("Organisaatio"),
        help_text=_("Esimerkiksi kunta, kuntayhtymä tai yritys, jota edustat."),
        message=_("Kirjoita organisaatiosi nimi."),
    )
    email = AddressField(help_text=_("Vahvistus ja peruutuslinkki lähetetään tähän osoitteeseen."))
    diet = text_field(
        "diet",
        _("Erityisruokavalio"),
        required=False,
        help_text=_("Jos tapahtumassa tarjoillaan, mitä meidän pitää huomioida?"),
    )
    accessibility = text_field(
        "accessibility",
        _("Saavutettavuustarpeet"),
        required=False,
        help_text=_("Esimerkiksi induktiosilmukka, tulkkaus, esteetön pääsy tai avustaja."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "registration-%s")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    def clean(self):
        cleaned = super().clean()
        for name in ("name", "organisation", "diet", "accessibility"):
            if name in cleaned:
                cleaned[name] = " ".join(cleaned[name].split())  # one line of plain text
        for name in ("name", "organisation"):
            if name in cleaned and not cleaned[name]:
                self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned


class RegistrationIdsField(UserIdsField):
    """Registration ids (posted as repeated values): positive integers within the database's range."""

    def to_python(self, value):
        ids = super().to_python(value)
        if any(item > MAX_ID for item in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class AttendanceForm(forms.Form):
    """The organiser's list: every registration listed (`people`, hidden fields) and the checked ones (`attended`).
    Whether an id is the event's registration is the action's decision (others are skipped)."""

    people = RegistrationIdsField(required=False)
    attended = RegistrationIdsField(required=False)
