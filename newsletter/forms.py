"""The newsletter's forms: subscribing (the address by the one rule, core.addresses), a subscriber's language, and
the admin's test sending."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.addresses import AddressField


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Uutiskirjeen kieli"), choices=settings.LANGUAGES, widget=forms.RadioSelect)


class SubscribeForm(LanguageForm):
    email = AddressField()

    field_order = ["email", "language"]


class TestSendForm(forms.Form):
    language = forms.ChoiceField(label=_("Kieli"), choices=settings.LANGUAGES)
