"""The answer to "are you coming?" and the facilitator's attendance list."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Registration


class SingleRadioSelect(forms.RadioSelect):
    """Radio buttons that take exactly one posted value: several values for the name count as none."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist") and len(data.getlist(name)) > 1:
            return None
        return super().value_from_datadict(data, files, name)


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Tuletko työpajaan?"),
        choices=Registration.Response.choices,
        widget=SingleRadioSelect,
        error_messages={
            "required": _("Valitse, tuletko: kyllä, ehkä tai en."),
            "invalid_choice": _("Valitse, tuletko: kyllä, ehkä tai en."),
        },
    )


class UserIdsField(forms.Field):
    """A list of user ids (posted as repeated values): positive integers, duplicates removed."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Lomakkeessa oli virheellinen henkilön tunniste.")}

    def to_python(self, value):
        if not value:
            return set()
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            ids = {int(item) for item in value}
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(item <= 0 for item in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class AttendanceForm(forms.Form):
    """`people`: everyone listed on the page (hidden fields); `attended`: the checked ones."""

    people = UserIdsField(required=False)
    attended = UserIdsField(required=False)
