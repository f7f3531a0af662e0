"""E-mail from the site: one template per e-mail, in the recipient's language, sent by the task worker.

Each e-mail is `templates/email/<name>.txt` (autoescape off): its first line is the subject, the rest the plain-text
body. The HTML part is that same text escaped, its addresses made links, in `email/layout.html`, so the two parts
never say different things and user text is never marked safe.

- To people with an account, `send_to_users`: each message rendered in the person's language
  (`User.email_language`) and the site's time zone, with headers of its own (e.g. List-Unsubscribe, notices).
- To bare addresses (an invitation to someone without an account yet, an act's contact person),
  `send_templated_email`: in the language active when called; a caller that may write to an account's address
  asks `language_of_address` first (invitations).

Messages are rendered when queued (the worker needs no request or language) and queued only once the surrounding
transaction has committed, so nobody is told of something that was rolled back. Each recipient gets a message of
their own: members never see each other's addresses.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task


@dataclass(frozen=True)
class Email:
    """One rendered message to one address, as the task worker gets it (plain data)."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: list[str] = field(default_factory=list)
    # (file name, text content, MIME type), e.g. an event's .ics: plain data, as the task worker gets it.
    attachments: list[tuple[str, str, str]] = field(default_factory=list)

    def message(self, connection=None) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject,
            self.text,
            settings.DEFAULT_FROM_EMAIL,
            [self.to],
            headers=self.headers or None,
            reply_to=self.reply_to or None,
            connection=connection,
        )
        message.attach_alternative(self.html, "text/html")
        for name, content, mimetype in self.attachments:
            message.attach(name, content, mimetype)
        return message


@task()
def send_email_task(messages: list[dict[str, Any]]) -> None:
    """Sends the rendered messages (`Email` as dicts) over one connection."""
    with get_connection() as connection:
        connection.send_messages([Email(**message).message(connection) for message in messages])


def render_email(template_name: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of `email/<template_name>.txt` in the active language."""
    context = {"site_url": settings.WAGTAILADMIN_BASE_URL, **context}
    subject, _blank, body = render_to_string(f"email/{template_name}.txt", context).strip().partition("\n")
    subject, text = " ".join(subject.split()), body.strip() + "\n"
    html = render_to_string("email/layout.html", {"subject": subject, "text": text})
    return subject, text, html


def queue(emails: list[Email]) -> None:
    """Hands the messages to the task worker once the surrounding transaction commits (one task for them all)."""
    if emails:
        payload = [asdict(email) for email in emails]
        transaction.on_commit(lambda: send_email_task.enqueue(payload))


def language_of_address(address: str) -> str | None:
    """The language chosen by the account with this address (`User.language`), if there is one; else None, and
    the caller writes in the language of the moment. One query."""
    language = get_user_model().objects.filter(email__iexact=address).values_list("language", flat=True).first()
    return language or None


def send_templated_email(
    recipients: Iterable[str],
    template_name: str,
    context: Mapping[str, Any],
    reply_to: Iterable[str] | None = None,
    attachments: Iterable[tuple[str, str, str]] | None = None,
) -> None:
    """Queues `email/<template_name>.txt` to bare addresses on commit, in the active language; with `reply_to` (a
    list of addresses), answers go there instead of to the site's no-reply sender; `attachments` are (file name,
    text, MIME type). For people with an account use `send_to_users`, which writes to each in their own language."""
    reply = list(reply_to or [])
    files = list(attachments or [])
    emails = []
    for address in (address for address in recipients if address):
        subject, text, html = render_email(template_name, context)
        emails.append(Email(to=address, subject=subject, text=text, html=html, reply_to=reply, attachments=files))
    queue(emails)


def send_to_users(
    users: Iterable[Any],
    template_name: str,
    context: Mapping[str, Any],
    *,
    headers_for: Callable[[Any], dict[str, str]] | None = None,
    context_for: Callable[[Any], Mapping[str, Any]] | None = None,
    reply_to: Iterable[str] | None = None,
) -> int:
    """Queues `email/<template_name>.txt` on commit to each of `users`, rendered in their language and the site's
    time zone with `user` (and `context_for(user)`) in the context and `headers_for(user)` as headers. Users without
    an address are skipped; returns how many messages were queued. No queries of its own."""
    reply = list(reply_to or [])
    people = sorted((user for user in users if user.email), key=lambda user: user.email_language)
    emails = []
    with timezone.override(settings.TIME_ZONE):
        for user in people:
            with translation.override(user.email_language):
                extra = context_for(user) if context_for else {}
                subject, text, html = render_email(template_name, {**context, **extra, "user": user})
                headers = headers_for(user) if headers_for else {}
            emails.append(Email(to=user.email, subject=subject, text=text, html=html, headers=headers, reply_to=reply))
    queue(emails)
    return len(emails)
