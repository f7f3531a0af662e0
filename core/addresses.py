"""The one rule for an e-mail address typed by someone without an account (an event registration, a newsletter
subscription): the same address is accepted or refused the same way everywhere, with the same message (in a form,
`AddressField`).

An address is normalised (surrounding space removed, lower-cased) and then refused when it is not
an address at all, when its domain is one of the well-known throwaway services (a registration or subscription
there reaches nobody a week later), or when its domain has no dot (a local name).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Services that hand out addresses which expire within minutes or days. A short list of the common ones: the
# rule is there to catch the obvious, not to judge anyone's provider.
DISPOSABLE_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "discard.email",
        "dispostable.com",
        "emailondeck.com",
        "fakeinbox.com",
        "getnada.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "maildrop.cc",
        "mailinator.com",
        "mailnesia.com",
        "mintemail.com",
        "mohmal.com",
        "sharklasers.com",
        "temp-mail.org",
        "tempmail.com",
        "tempmail.net",
        "throwawaymail.com",
        "trashmail.com",
        "yopmail.com",
    }
)

REQUIRED = _("Kirjoita sähköpostiosoitteesi.")
INVALID = _("Tarkista sähköpostiosoite: se ei ole muotoa nimi@esimerkki.fi.")
DISPOSABLE = _("Käytä pysyvää sähköpostiosoitetta: kertakäyttöisiin osoitteisiin ei voi lähettää viestejä myöhemmin.")


def normalise_address(value: str) -> str:
    """The address as stored and compared: without surrounding space, in lower case (providers treat the local
    part case-blind, and so one person cannot register twice as Maija@ and maija@)."""
    return value.strip().lower()


def clean_address(value: str) -> str:
    """The normalised address, or ValidationError (code "invalid" or "disposable") with the Finnish message."""
    address = normalise_address(value)
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(INVALID, code="invalid") from None
    domain = address.rpartition("@")[2]
    if "." not in domain:
        raise ValidationError(INVALID, code="invalid")
    if domain in DISPOSABLE_DOMAINS or any(domain.endswith(f".{known}") for known in DISPOSABLE_DOMAINS):
        raise ValidationError(DISPOSABLE, code="disposable")
    return address


class AddressField(forms.CharField):
    """The form field of such an address: the same label, messages and cleaning in every form that asks for one."""

    widget = forms.EmailInput(attrs={"autocomplete": "email"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sähköpostiosoite"))
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("error_messages", {"required": REQUIRED})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return clean_address(value) if value else value
