"""The newsletter's forms: subscribing (the address by the one rule, core.addresses), a subscriber's language, and
the admin's test sending."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.addresses import clean_address


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Uutiskirjeen kieli"), choices=settings.LANGUAGES, widget=forms.RadioSelect)


class SubscribeForm(LanguageForm):
    email = forms.CharField(
        label=_("Sähköpostiosoite"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["email", "language"]

    def clean_email(self):
        return clean_address(self.cleaned_data["email"])


class TestSendForm(forms.Form):
    language = forms.ChoiceField(label=_("Kieli"), choices=settings.LANGUAGES)
