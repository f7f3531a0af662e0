"""One rule for an address typed without an account (core.addresses): an event registration and a newsletter
subscription accept and refuse the same addresses, with the same message, and store them the same way."""

import pytest

from core.addresses import DISPOSABLE, INVALID, clean_address
from events.forms import RegistrationForm
from newsletter.forms import SubscribeForm


def registration(address):
    return RegistrationForm({"name": "Maija Meikäläinen", "organisation": "Oulun kaupunki", "email": address})


def subscription(address):
    return SubscribeForm({"email": address, "language": "fi"})


ACCEPTED = {
    "maija.meikalainen@ouka.fi": "maija.meikalainen@ouka.fi",
    "  Maija.Meikalainen@OUKA.fi ": "maija.meikalainen@ouka.fi",
    "kunteko+uutiskirje@keva.fi": "kunteko+uutiskirje@keva.fi",
}
REFUSED = {
    "": None,  # required: Django's own message
    "maija": INVALID,
    "maija@": INVALID,
    "maija@localhost": INVALID,
    "maija@ouka..fi": INVALID,
    "<script>alert(1)</script>@ouka.fi": INVALID,
    "maija@mailinator.com": DISPOSABLE,
    "maija@MAILINATOR.com": DISPOSABLE,
    "maija@mx.yopmail.com": DISPOSABLE,
}


@pytest.mark.parametrize("address", ACCEPTED)
@pytest.mark.parametrize("form", [registration, subscription])
def test_both_forms_accept_and_store_the_same_address(form, address):
    bound = form(address)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["email"] == ACCEPTED[address] == clean_address(address)


@pytest.mark.parametrize("address", REFUSED)
def test_both_forms_refuse_with_the_same_message(address):
    errors = [form(address).errors.get("email") for form in (registration, subscription)]

    assert errors[0] and errors[0] == errors[1]
    if REFUSED[address] is not None:
        assert errors[0] == [str(REFUSED[address])]
