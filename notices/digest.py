"""The digest: one e-mail per person gathering every pending notice of all their networks.

`send_digests` (run by `manage.py send_digests`, daily: site/deploy/verkostamo-digest.timer) goes through the
people with pending notices whose digest is due (`DigestSettings`: daily or weekly, daily without a row; at most
one digest per local calendar day, or one per seven days) and, per person in a transaction of its own:

1. takes the person's DigestSettings row with `select_for_update(skip_locked=True)` — on PostgreSQL a second run
   going at the same time skips the person; on SQLite the whole database is the lock — and checks again that the
   digest is due (the other run may just have sent it);
2. reads their pending notices and claims them: an atomic `UPDATE … WHERE delivered IS
   NULL` marks them delivered via the digest, so a notice withdrawn meanwhile (the person read the message) is
   left out, and none can be claimed twice;
3. records `last_sent` and queues the e-mail (core.email, sent by the task worker once the transaction commits):
   grouped by network, then kind; each item is the subject line of its own e-mail in the person's language, with
   an excerpt and its link; at most `ITEMS_PER_GROUP` per group, the rest counted.

So each notice is e-mailed once, even when two runs overlap. The command renders the e-mails itself (the worker
only sends them); the queries per person are constant whatever the number of their notices or of the people.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from core.email import send_to_users
from networks.models import NetworkPage

from .delivery import notice_context, settings_url
from .models import DigestSettings, Kind, Notice
from .unsubscribe import DIGEST, Links

ITEMS_PER_GROUP = 20
# What one digest takes at most; anything older waits for the next one.
MAX_NOTICES = 2000
WEEK = timedelta(days=7)
KIND_ORDER = {kind: index for index, kind in enumerate(Kind.values)}


def is_due(row: DigestSettings, now: datetime) -> bool:
    """At most one daily digest per local calendar day, one weekly digest per seven days (by date, so that a run a
    few minutes earlier than the previous day's still sends)."""
    if row.last_sent is None:
        return True
    last = timezone.localdate(row.last_sent)
    today = timezone.localdate(now)
    if row.frequency == DigestSettings.Frequency.WEEKLY:
        return today - last >= WEEK
    return today > last


def pending(**filters) -> QuerySet[Notice]:
    return Notice.objects.filter(delivered__isnull=True, **filters)


def due_people(now: datetime) -> list[int]:
    """The ids of active people with pending notices whose digest is due; three queries (and the settings rows
    made for those who have none, in batches)."""
    waiting = User.objects.filter(
        Exists(pending(user=OuterRef("pk"))), is_active=True, deleted__isnull=True
    ).values_list("pk", flat=True)
    people = set(waiting)
    have = set(DigestSettings.objects.filter(user_id__in=people).values_list("user_id", flat=True))
    DigestSettings.objects.bulk_create(
        [DigestSettings(user_id=pk) for pk in sorted(people - have)], ignore_conflicts=True
    )
    rows = DigestSettings.objects.filter(user_id__in=people).only("user_id", "frequency", "last_sent")
    return sorted(row.user_id for row in rows if is_due(row, now))


@dataclass
class Group:
    label: str
    items: list[dict] = field(default_factory=list)
    more: int = 0


@dataclass
class Section:
    title: str
    groups: list[Group] = field(default_factory=list)


class Texts:
    """What a run's digests share: the networks' titles (one query, when the run starts) and the subject line of
    each notice's own e-mail, rendered once per item and language (the items of one message or workshop are the
    same for everyone: a subject never depends on the recipient)."""

    def __init__(self):
        self.cache: dict[tuple[str, str, str], str] = {}
        self.networks: dict[int, str] = dict(NetworkPage.objects.values_list("pk", "title"))

    def network(self, network_id: int | None) -> str:
        return self.networks.get(network_id, "Verkostamo") if network_id is not None else "Verkostamo"

    def subject(self, notice: Notice) -> str:
        language = translation.get_language()
        key = (language, notice.template, notice.key)
        if key not in self.cache:
            text = render_to_string(
                f"email/{notice.template}.txt",
                {"site_url": settings.WAGTAILADMIN_BASE_URL, **notice_context(notice.kind, notice.payload)},
            )
            self.cache[key] = " ".join(text.strip().partition("\n")[0].split())
        return self.cache[key]


def sections(notices: list[Notice], texts: Texts) -> list[Section]:
    """The notices grouped by network (the network-less ones last), then kind, in the active language."""
    by_network: dict[int | None, Section] = {}
    groups: dict[tuple[int | None, str], Group] = {}
    ordered = sorted(
        notices,
        key=lambda notice: (
            notice.network_id is None,
            texts.network(notice.network_id),
            notice.network_id or 0,
            KIND_ORDER.get(notice.kind, 99),
            notice.created,
            notice.pk,
        ),
    )
    for notice in ordered:
        section = by_network.get(notice.network_id)
        if section is None:
            section = by_network[notice.network_id] = Section(texts.network(notice.network_id))
        group = groups.get((notice.network_id, notice.kind))
        if group is None:
            group = groups[(notice.network_id, notice.kind)] = Group(str(Kind(notice.kind).label))
            section.groups.append(group)
        if len(group.items) >= ITEMS_PER_GROUP:
            group.more += 1
            continue
        payload = notice.payload
        group.items.append(
            {"subject": texts.subject(notice), "excerpt": payload.get("excerpt", ""), "url": payload.get("url", "")}
        )
    return list(by_network.values())


def send_digest(user_id: int, now: datetime, texts: Texts | None = None) -> int:
    """Sends the person's digest if it is due and anything is pending; returns the number of items it carried.
    Four queries, whatever the number of items (and the networks' titles, unless a run's `texts` has them)."""
    texts = texts or Texts()
    with transaction.atomic():
        row = (
            DigestSettings.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(user_id=user_id, user__is_active=True, user__deleted__isnull=True)
            .first()
        )
        if row is None or not is_due(row, now):
            return 0
        notices = list(pending(user_id=user_id).order_by("created", "pk")[:MAX_NOTICES])
        if not notices:
            return 0
        ids = [notice.pk for notice in notices]
        claimed = Notice.objects.filter(pk__in=ids, delivered__isnull=True).update(delivered=now, via=Notice.Via.DIGEST)
        if claimed != len(ids):  # some were withdrawn meanwhile
            mine = set(
                Notice.objects.filter(pk__in=ids, delivered=now, via=Notice.Via.DIGEST).values_list("pk", flat=True)
            )
            notices = [notice for notice in notices if notice.pk in mine]
        DigestSettings.objects.filter(pk=row.pk).update(last_sent=now)
        if not notices:
            return 0
        user = row.user
        links = Links(DIGEST)
        with translation.override(user.email_language), timezone.override(settings.TIME_ZONE):
            parts = sections(notices, texts)
        send_to_users(
            [user],
            "digest",
            {
                "sections": parts,
                "total": len(notices),
                "weekly": row.frequency == DigestSettings.Frequency.WEEKLY,
                "settings_url": settings_url(),
            },
            context_for=links.context,
            headers_for=links.headers,
        )
        return len(notices)


@dataclass
class Run:
    people: int = 0
    items: int = 0


def send_digests(now: datetime | None = None) -> Run:
    """Every due person's digest (see the module's docstring); returns how many people got one, with how many
    items in all."""
    now = now or timezone.now()
    run = Run()
    texts = Texts()
    for user_id in due_people(now):
        items = send_digest(user_id, now, texts)
        if items:
            run.people += 1
            run.items += items
    return run
