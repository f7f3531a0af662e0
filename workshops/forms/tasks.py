"""Forms of workshop tasks: the facilitator's task form and a member's answer with its files.

Times are entered and shown in Helsinki time (a `datetime-local` input has no time zone); answer files go
through the same check as the network's materials (networks.documents.check_upload), each named in its
error so that the person knows which file to fix.
"""

import os
from datetime import timedelta

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.documents import accept_attribute, allowed_extensions, check_upload

from ..models import Task

HELSINKI = "Europe/Helsinki"
# The due date is a real date: not before the programme, not decades ahead (and never out of datetime's range).
EARLIEST_YEAR = 2000
LATEST_YEARS_AHEAD = 5
MAX_FILES_PER_ANSWER = 10
MARKDOWN_HELP = _(
    "Voit muotoilla tekstiä: **lihavointi**, *kursiivi*, luettelo (rivin alkuun - tai 1.), lainaus (rivin alkuun >) "
    "ja linkki [teksti](https://…). Tyhjä rivi aloittaa uuden kappaleen."
)


class HelsinkiDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown in Helsinki time, whatever time zone is active."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y klo %H.%M"]

    def to_python(self, value):
        with timezone.override(HELSINKI):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(HELSINKI):
            return super().prepare_value(value)


class TaskForm(forms.ModelForm):
    """A facilitator creates or edits a task. What a task's answers lock (who answers, private answers) is
    decided when it is saved (workshops.answers.check_task_change)."""

    due = HelsinkiDateTimeField(
        label=_("Palautettava viimeistään"),
        help_text=_("Päivä ja kellonaika Suomen aikaa. Vastauksia voi palauttaa ja muokata tähän asti."),
        error_messages={
            "required": _("Anna palautuksen takaraja: päivä ja kellonaika."),
            "invalid": _("Anna takaraja muodossa pp.kk.vvvv tt:mm, esimerkiksi 15.3.2030 16:00."),
        },
    )

    class Meta:
        model = Task
        fields = ["kind", "title", "instructions", "due", "answered_by", "answers_visible"]
        widgets = {
            "kind": forms.RadioSelect,
            "answered_by": forms.RadioSelect,
            "instructions": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "kind": _("Ennakkotehtävä tehdään ennen työpajaa, välitehtävä työpajan jälkeen ennen seuraavaa."),
            "instructions": MARKDOWN_HELP,
            "answered_by": _(
                "Organisaation yhteisen vastauksen voi kirjoittaa ja muokata kuka tahansa organisaation jäsenistä."
            ),
            "answers_visible": _(
                "Muuten vastaukset näkevät vain vastaaja itse (tai hänen organisaationsa) ja fasilitaattorit."
            ),
        }
        error_messages = {
            "kind": {
                "required": _("Valitse tehtävän laji: ennakkotehtävä tai välitehtävä."),
                "invalid_choice": _("Valitse tehtävän laji: ennakkotehtävä tai välitehtävä."),
            },
            "answered_by": {
                "required": _("Valitse, kuka vastaa: jokainen jäsen itse vai organisaatio yhdessä."),
                "invalid_choice": _("Valitse, kuka vastaa: jokainen jäsen itse vai organisaatio yhdessä."),
            },
            "title": {"required": _("Anna tehtävälle otsikko.")},
            "instructions": {"required": _("Kirjoita ohjeet: mitä jäsenten pitää tehdä ja palauttaa.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autocomplete"] = "off"

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due is None:
            return due
        now = timezone.now()
        if due.year < EARLIEST_YEAR or due.year > now.year + LATEST_YEARS_AHEAD:
            raise forms.ValidationError(
                _("Tarkista vuosiluku: takarajan pitää olla vuosien %(first)s ja %(last)s välillä."),
                code="year",
                params={"first": EARLIEST_YEAR, "last": now.year + LATEST_YEARS_AHEAD},
            )
        if self.instance.pk is None and due <= now + timedelta(minutes=1):
            raise forms.ValidationError(
                _("Takarajan pitää olla tulevaisuudessa, jotta jäsenet ehtivät vastata."), code="past"
            )
        return due


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """Zero or more uploaded files. Each is checked by the form, which names the file in its errors."""

    widget = MultipleFileInput

    def to_python(self, data):
        if not data:
            return []
        if not isinstance(data, list | tuple):
            data = [data]
        return [uploaded for uploaded in data if hasattr(uploaded, "name") and hasattr(uploaded, "size")]

    def bound_data(self, data, initial):
        return data


def display_name(name):
    """The file's own name, as shown and offered on download: without folders, at most 255 characters."""
    name = os.path.basename((name or "").replace("\\", "/")).strip() or "tiedosto"
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        name = stem[: 255 - len(extension[:20])] + extension[:20]
    return name


class AnswerForm(forms.Form):
    """A member's answer: text and, optionally, files (several at once). Nothing is saved unless every file
    passes; the answer needs text or at least one file."""

    text = forms.CharField(
        label=_("Vastaus"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        required=False,
        help_text=MARKDOWN_HELP,
        error_messages={"max_length": _("Vastaus on liian pitkä: enintään %(limit_value)d merkkiä.")},
    )
    files = MultipleFileField(label=_("Liitä tiedostoja"), required=False)
    # When the answer was last saved, as the person saw it: an answer changed since then is not overwritten.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, existing_files=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_files = existing_files
        field = self.fields["files"]
        field.widget.attrs["accept"] = accept_attribute()
        field.help_text = _(
            "Voit valita useita tiedostoja kerralla, enintään %(count)s tiedostoa vastausta kohden. "
            "Sallitut tiedostotyypit: %(types)s. Enimmäiskoko %(size)s tiedostoa kohden."
        ) % {
            "count": MAX_FILES_PER_ANSWER,
            "types": ", ".join(allowed_extensions()),
            "size": filesizeformat(settings.UPLOAD_MAX_BYTES),
        }

    def clean_files(self):
        files = self.cleaned_data["files"]
        errors = []
        for uploaded in files:
            name = display_name(uploaded.name)
            if not uploaded.size:
                errors.append(
                    forms.ValidationError(
                        _("%(name)s: tiedosto on tyhjä. Valitse tiedosto, jossa on sisältöä."),
                        code="empty",
                        params={"name": name},
                    )
                )
                continue
            try:
                check_upload(uploaded)
            except forms.ValidationError as error:
                errors.extend(
                    forms.ValidationError(
                        _("%(name)s: %(error)s"), code=error.code, params={"name": name, "error": message}
                    )
                    for message in error.messages
                )
        if self.existing_files + len(files) > MAX_FILES_PER_ANSWER:
            if self.existing_files:
                message = _(
                    "Vastauksessa voi olla enintään %(limit)s tiedostoa, ja siinä on jo %(existing)s. "
                    "Poista ensin tiedostoja tai yhdistä niitä."
                )
            else:
                message = _("Vastaukseen voi liittää enintään %(limit)s tiedostoa. Yhdistä tiedostoja.")
            errors.append(
                forms.ValidationError(
                    message, code="too_many", params={"limit": MAX_FILES_PER_ANSWER, "existing": self.existing_files}
                )
            )
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text") or ""
        if "text" in cleaned and "files" in cleaned and not text.strip() and not cleaned["files"]:
            if not self.existing_files:
                self.add_error("text", _("Kirjoita vastaus tai liitä vähintään yksi tiedosto."))
        return cleaned
