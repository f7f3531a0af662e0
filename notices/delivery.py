"""Telling people of news: one call records the notice for each person and e-mails those who want it at once.

`notify(users, kind, …)` decides per person (notices.preferences.deliveries: their choice for the kind, the
network's and room's mute):

- NOW: a `Notice` recorded as delivered and an e-mail queued on commit — unless the person already had an
  immediate e-mail in the same `scope` (e.g. "room:12") within NOTICE_EMAIL_CAP_SECONDS (an hour): then the notice stays
  pending and comes in their digest. An empty scope has no cap.
- DIGEST: a pending `Notice`; the digest (notices.digest) sends it.
- NEVER: nothing is recorded (so a later notice of another kind about the same item may still reach them:
  someone who chose "never" for mentions still sees the message among a followed room's news).

A notice is recorded once per (person, key): a second call with the same key tells nobody twice, and the kinds
that share a key (a mention, a reply and a followed room's news of one message are all "message:<id>") reach a
person once, by the first kind notified. Callers serialise the notices of one item themselves (a room's row lock,
a WorkshopMailing record). `notify` makes the same few queries whatever the number of people.

Every e-mail sent from here is bulk mail: it carries List-Unsubscribe for its kind (notices.unsubscribe) and is
rendered in the recipient's language (core.email.send_to_users). `payload` is plain data, stored with the notice:
what the template needs, datetimes included (`plain` / `revived`), never model instances.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.email import send_to_users
from networks.models import NetworkPage

from .models import Delivery, Kind, Notice
from .preferences import deliveries
from .unsubscribe import Links

DATETIME = "$datetime"


def plain(value: Any) -> Any:
    """`value` as JSON: datetimes tagged so that `revived` gives them back; anything else JSON cannot hold is an
    error (a model instance does not belong in a notice)."""
    if isinstance(value, datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"A notice's payload holds plain data, not {type(value).__name__}.")


def revived(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {DATETIME}:
            return datetime.fromisoformat(value[DATETIME])
        return {key: revived(item) for key, item in value.items()}
    if isinstance(value, list):
        return [revived(item) for item in value]
    return value


def settings_url() -> str:
    """The notice settings page (notices.views), linked from every notice e-mail."""
    return settings.WAGTAILADMIN_BASE_URL + reverse("notice-settings")


def notice_context(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """What a notice's template sees: the payload, and the link to the settings page."""
    return {**revived(payload), "kind": kind, "settings_url": settings_url()}


@dataclass
class Told:
    """Whom `notify` reached: e-mailed at once (`now`), or pending for their digest (`later`); user ids."""

    now: list[int] = field(default_factory=list)
    later: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.now) + len(self.later)


def notify(
    users: Iterable[User] | QuerySet[User],
    kind: Kind,
    *,
    network: NetworkPage | None,
    key: str,
    template: str,
    payload: Mapping[str, Any],
    scope: str = "",
    unmuted: Collection[int] = (),
) -> Told:
    """Records a notice of `kind` about `network` for each active person among `users` who wants it and has not
    had this `key` yet, and e-mails (on commit) those who want it at once and have not had an immediate e-mail in
    `scope` within NOTICE_EMAIL_CAP_SECONDS. `unmuted`: people who hear of this even if they muted the network
    (they follow the room). At most five queries (the insert batched by the database's limits), however many
    people."""
    people = {user.pk: user for user in users if user.is_active and user.deleted is None}
    if not people:
        return Told()
    network_id = network.pk if network is not None else None
    decided = deliveries(people, kind, network_id, unmuted)
    wanting = [pk for pk, delivery in decided.items() if delivery != Delivery.NEVER]
    if not wanting:
        return Told()
    known = set(Notice.objects.filter(user_id__in=wanting, key=key).values_list("user_id", flat=True))
    fresh = [pk for pk in wanting if pk not in known]
    now = timezone.now()
    at_once = [pk for pk in fresh if decided[pk] == Delivery.NOW]
    if at_once and scope:
        capped = set(
            Notice.objects.filter(
                user_id__in=at_once,
                scope=scope,
                via=Notice.Via.NOW,
                delivered__gte=now - timedelta(seconds=settings.NOTICE_EMAIL_CAP_SECONDS),
            ).values_list("user_id", flat=True)
        )
        at_once = [pk for pk in at_once if pk not in capped]
    told = Told(now=at_once, later=[pk for pk in fresh if pk not in set(at_once)])
    stored = plain(payload)
    sending = set(told.now)
    Notice.objects.bulk_create(
        [
            Notice(
                user_id=pk,
                kind=kind,
                network_id=network_id,
                scope=scope,
                key=key,
                template=template,
                payload=stored,
                delivered=now if pk in sending else None,
                via=Notice.Via.NOW if pk in sending else "",
            )
            for pk in fresh
        ],
        ignore_conflicts=True,
    )
    links = Links(kind)
    send_to_users(
        [people[pk] for pk in told.now],
        template,
        notice_context(kind, stored),
        context_for=links.context,
        headers_for=links.headers,
    )
    return told


def withdraw(user_id: int, scope: str, up_to: int) -> int:
    """Withdraws the person's pending notices in `scope` whose payload's `seq` is at most `up_to` — the messages of
    a room they have now read — so that their digest does not list them; one query. Returns how many."""
    return Notice.objects.filter(user_id=user_id, scope=scope, delivered__isnull=True, payload__seq__lte=up_to).update(
        delivered=timezone.now(), via=Notice.Via.WITHDRAWN
    )
