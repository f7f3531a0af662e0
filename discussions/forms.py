"""The discussion's forms for the pages that work without JavaScript.

They only shape the input: the rules (empty, too long, closed room, rate limit, whose message) live in
discussions.actions, whose ActionError the views attach to these forms.
"""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import MAX_CLIENT_ID_LENGTH
from .models import Report
from .reports import MAX_NOTE_LENGTH, MAX_TEXT_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Viesti"),
        strip=False,  # whitespace only is refused by actions.validate_body, in the same words
        error_messages={"required": _("Viesti on tyhjä.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Voit käyttää **lihavointia**, *kursiivia*, luetteloita, lainauksia (>) ja linkkejä."),
    )
    # Generated on the server for every new form, so submitting the same form twice stores one message.
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=MAX_CLIENT_ID_LENGTH)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @staticmethod
    def new_client_id():
        return uuid.uuid4().hex


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Viesti"),
        strip=False,
        error_messages={"required": _("Viesti on tyhjä.")},
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Syy"),
        max_length=300,
        required=False,
        help_text=_("Näytetään viestin paikalla kaikille huoneen lukijoille."),
    )


class RoomForm(forms.Form):
    title = forms.CharField(
        label=_("Aiheen otsikko"), max_length=200, error_messages={"required": _("Anna aiheelle otsikko.")}
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Syy"),
        choices=[("", _("Valitse syy")), *Report.Reason.choices],
        error_messages={"required": _("Valitse ilmoituksen syy."), "invalid_choice": _("Valitse ilmoituksen syy.")},
    )
    text = forms.CharField(
        label=_("Lisätietoja fasilitaattorille"),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vain verkoston fasilitaattorit ja ohjelmatoimisto näkevät ilmoituksen ja sen, kuka sen teki."),
    )


class HandleReportForm(forms.Form):
    """A facilitator's decision on a reported message: hide it (the note is shown in its place) or dismiss."""

    decision = forms.ChoiceField(choices=[("hide", _("Piilota viesti")), ("dismiss", _("Hylkää ilmoitus"))])
    note = forms.CharField(label=_("Perustelu"), max_length=MAX_NOTE_LENGTH, required=False)
