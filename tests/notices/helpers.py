"""Reading the e-mails back as a mail client would: the bytes on the wire parsed, headers and both parts."""

import email
from dataclasses import dataclass
from email import policy

from django.core import mail


@dataclass
class Parsed:
    to: str
    subject: str
    headers: email.message.EmailMessage
    text: str
    html: str


def parse(message) -> Parsed:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "an e-mail has a plain-text and an HTML part"
    return Parsed(
        to=str(parsed["To"]).strip(),
        subject=str(parsed["Subject"]).strip(),
        headers=parsed,
        text=text.get_content(),
        html=html.get_content(),
    )


def emails_to(user) -> list[Parsed]:
    return [parse(message) for message in mail.outbox if message.to == [user.email]]


def never(user, *kinds):
    """The person chose "never" for these kinds of notice."""
    from notices.models import Delivery, Preference

    for kind in kinds:
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": Delivery.NEVER})
    return user
