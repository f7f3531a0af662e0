"""Subscribing with double opt-in, confirming, unsubscribing and forgetting addresses (docs/newsletter.md).

`subscribe` gives its caller the same outcome whatever the address's state — nothing, or the same RateLimited
for too many attempts from one IP address — so that the page never tells anyone whether an address subscribes.
What it does depends on the state, and it sends nothing within the cooling period of the previous e-mail to the
address (`NEWSLETTER_COOLING_SECONDS`):

- a new address becomes pending and gets the confirmation link, in the language chosen;
- a pending address gets the link again (the same link), in the language now chosen;
- an unsubscribed address becomes pending again with a new key (its old links no longer work) and gets a link;
- an active address gets a note that it already subscribes, with the link to its subscription page.

Only the link makes an address active (`confirm`), and only within `NEWSLETTER_CONFIRM_DAYS`. Every link carries the
subscriber's key, a secret that never expires; a forged or unknown key changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.email import send_templated_email
from core.errors import ActionError
from core.ratelimit import RateLimit

from .links import confirm_url, unsubscribe_url
from .models import Subscriber, subscriber_key

Status = Subscriber.Status


class LinkInvalid(ActionError):
    code = "link_invalid"
    message = _("Linkki on virheellinen, joten mitään ei muutettu. Tarkista, että kopioit koko osoitteen viestistä.")


class LinkExpired(ActionError):
    code = "link_expired"
    message = _("Vahvistuslinkki on vanhentunut. Tilaa uutiskirje uudelleen, niin saat uuden linkin.")


class SubscriptionEnded(ActionError):
    code = "unsubscribed"
    message = _("Tämä tilaus on peruttu, joten sitä ei voi vahvistaa. Voit tilata uutiskirjeen uudelleen.")


def subscribe_rate() -> RateLimit:
    attempts, seconds = settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT
    return RateLimit("newsletter-subscribe", limit=attempts, window=seconds)


def cooled(subscriber: Subscriber, now: datetime) -> bool:
    """Whether the cooling period since the last e-mail to the address is over."""
    last = subscriber.confirmation_sent
    return last is None or now - last >= timedelta(seconds=settings.NEWSLETTER_COOLING_SECONDS)


def subscribe(address: str, language: str, client: str | None, now: datetime | None = None) -> None:
    """Subscribes `address` (cleaned: core.addresses.clean_address) in `language`, asked from the IP address
    `client`. Raises RateLimited for too many attempts from one address, else returns nothing, whatever happened."""
    subscribe_rate().hit(client or "unknown", reason=_("Liian monta tilausta lyhyessä ajassa."))
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=address).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=address, language=language, created=now, confirmation_sent=now
                    )
            except IntegrityError:
                return  # the same address at the same moment: the other request sent the link
            send_confirmation(subscriber)
            return
        if not cooled(subscriber, now):
            return
        subscriber.confirmation_sent = now
        if subscriber.status == Status.ACTIVE:
            subscriber.save(update_fields=["confirmation_sent"])
            with translation.override(subscriber.language):
                send_templated_email(
                    [subscriber.email], "newsletter/already", {"manage_url": unsubscribe_url(subscriber.key)}
                )
            return
        if subscriber.status == Status.UNSUBSCRIBED:
            subscriber.status = Status.PENDING
            subscriber.key = subscriber_key()
            subscriber.created = now
        subscriber.language = language
        subscriber.save(update_fields=["confirmation_sent", "status", "key", "created", "language"])
        send_confirmation(subscriber)


def send_confirmation(subscriber: Subscriber) -> None:
    with translation.override(subscriber.language):
        send_templated_email(
            [subscriber.email],
            "newsletter/confirm",
            {
                "confirm_url": confirm_url(subscriber.key),
                "unsubscribe_url": unsubscribe_url(subscriber.key),
                "days": settings.NEWSLETTER_CONFIRM_DAYS,
            },
        )


def by_key(key: str) -> Subscriber:
    """The subscriber whose link this is, locked (inside a transaction); LinkInvalid for an unknown key."""
    subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
    if subscriber is None:
        raise LinkInvalid()
    return subscriber


def confirmation_refusal(subscriber: Subscriber, now: datetime) -> ActionError | None:
    """Why the confirmation link cannot be used (or None): the subscription was cancelled, or the link is older
    than NEWSLETTER_CONFIRM_DAYS. An active subscriber's link is fine: confirming twice changes nothing."""
    if subscriber.status == Status.UNSUBSCRIBED:
        return SubscriptionEnded()
    sent = subscriber.confirmation_sent or subscriber.created
    if subscriber.status == Status.PENDING and now - sent > timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS):
        return LinkExpired()
    return None


@transaction.atomic
def confirm(key: str, now: datetime | None = None) -> Subscriber:
    """Makes the subscription of the link's key active (the double opt-in's second step)."""
    now = now or timezone.now()
    subscriber = by_key(key)
    refusal = confirmation_refusal(subscriber, now)
    if refusal is not None:
        raise refusal
    if subscriber.status == Status.PENDING:
        subscriber.status = Status.ACTIVE
        subscriber.confirmed = now
        subscriber.save(update_fields=["status", "confirmed"])
    return subscriber


@transaction.atomic
def unsubscribe(key: str, now: datetime | None = None) -> Subscriber:
    """Ends the subscription of the link's key, pending or active; again changes nothing."""
    subscriber = by_key(key)
    if subscriber.status != Status.UNSUBSCRIBED:
        subscriber.status = Status.UNSUBSCRIBED
        subscriber.unsubscribed = now or timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed"])
    return subscriber


@transaction.atomic
def change_language(key: str, language: str) -> Subscriber:
    """The language of the subscriber's e-mails; a cancelled subscription has none to change."""
    subscriber = by_key(key)
    if subscriber.status == Status.UNSUBSCRIBED:
        raise SubscriptionEnded(message=_("Tämä tilaus on peruttu, joten sen kieltä ei voi muuttaa."))
    if language not in dict(settings.LANGUAGES):
        raise ActionError("invalid_language", _("Valitse kieli luettelosta."))
    subscriber.language = language
    subscriber.save(update_fields=["language"])
    return subscriber


@dataclass(frozen=True)
class Forgotten:
    pending: int
    unsubscribed: int


def forget_stale(now: datetime | None = None) -> Forgotten:
    """Deletes the addresses kept for no purpose: pending ones whose link has expired, and unsubscribed ones
    NEWSLETTER_FORGET_DAYS after they left. Their deliveries stay without the address, so an issue's counts hold."""
    now = now or timezone.now()
    pending = (
        Subscriber.objects.filter(
            status=Status.PENDING, confirmation_sent__lt=now - timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
        )
        .delete()[1]
        .get(Subscriber._meta.label, 0)
    )
    left = (
        Subscriber.objects.filter(
            status=Status.UNSUBSCRIBED, unsubscribed__lt=now - timedelta(days=settings.NEWSLETTER_FORGET_DAYS)
        )
        .delete()[1]
        .get(Subscriber._meta.label, 0)
    )
    return Forgotten(pending, left)
