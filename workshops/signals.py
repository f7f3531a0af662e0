"""Workshop news when a workshop is published: new materials to the network's members, a cancellation or a change
of time or place to the people who said they are coming (yes or maybe). Each is a notice of the kind "workshop
news" (notices.delivery), at once or in the digest as each person chose, in their own language.

Each piece of news goes out once (workshops.notifications.mail_once, recorded as a WorkshopMailing):

- Materials: every block of `members_content` and `facilitator_notes` has a stable id (Wagtail keeps a
  block's id across edits). Each announced block is recorded under the key `block:<id>`; a publish that
  brings blocks not recorded yet sends one e-mail listing them (`materials:<hash of their ids>`) and
  records them. A republish without new blocks, or with edited old ones, sends nothing; a block is never
  announced twice, even if it is removed and restored. The person who published is not told.
- Cancellation: publishing the workshop as cancelled (before it has ended) tells the yes/maybe people,
  once (`cancelled`).
- Change: the published start, end, place and online link are compared with the previously published ones
  (read from the database just before the publish saves the page). A difference tells the yes/maybe
  people once per change (`changed:<revision>:<hash of the new time and place>`).

Those who chose "never" for workshop news, who muted the network, and those who have left it get none of these.
The e-mail is rendered in each recipient's language and the site's time zone, whoever publishes.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone, translation
from wagtail.signals import page_published

from notices.models import Kind

from .calendar import plain_text
from .models import Registration, WorkshopMailing, WorkshopPage
from .notifications import mail_once, member_users, news_scope, registrants, workshop_payload

SCHEDULE_FIELDS = ("start", "end", "place", "online_url")
MATERIAL_FIELDS = ("members_content", "facilitator_notes")
BLOCK_KEY = "block:"
COMING = (Registration.Response.YES, Registration.Response.MAYBE)


def digest(*parts):
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


# Materials


def material_blocks(workshop):
    """The blocks of the members' materials and the facilitator's notes that have an id."""
    for field in MATERIAL_FIELDS:
        for block in getattr(workshop, field):
            if block.id:
                yield block


def describe(block):
    """A line about a block for the e-mail: what it is (its label in the source language, which the e-mail
    translates into each recipient's) and its title (never the whole text)."""
    value = block.value
    if block.block_type == "document":
        title = value.title if value is not None else ""
    elif block.block_type == "link":
        title = value.get("title") or value.get("url")
    elif block.block_type == "video":
        title = getattr(value, "url", "")
    else:
        title = plain_text(getattr(value, "source", str(value)))
        title = title if len(title) <= 80 else title[:79].rstrip() + "…"
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(block.block.label)
    return {"kind": kind, "title": " ".join(str(title or "").split())}


def announce_materials(workshop, network, publisher_id=None):
    """E-mails the members about material blocks not announced before; returns the number of recipients,
    or None if there was nothing new."""
    announced = {
        key.removeprefix(BLOCK_KEY)
        for key in WorkshopMailing.objects.filter(workshop=workshop, key__startswith=BLOCK_KEY).values_list(
            "key", flat=True
        )
    }
    new = [block for block in material_blocks(workshop) if block.id not in announced]
    if not new:
        return None
    ids = sorted({block.id for block in new})
    with transaction.atomic():
        WorkshopMailing.objects.bulk_create(
            [WorkshopMailing(workshop=workshop, key=f"{BLOCK_KEY}{block_id}") for block_id in ids],
            ignore_conflicts=True,
        )
        members = member_users(network)
        if publisher_id is not None:
            members = members.exclude(pk=publisher_id)
        return mail_once(
            workshop,
            network,
            f"materials:{digest(*ids)[:40]}",
            members,
            Kind.WORKSHOP_NEWS,
            "workshop_materials",
            workshop_payload(workshop, network, materials=[describe(block) for block in new]),
            scope=news_scope(workshop),
        )


# Cancellation and changes


def announce_cancellation(workshop, network):
    return mail_once(
        workshop,
        network,
        "cancelled",
        registrants(workshop, network, response__in=COMING),
        Kind.WORKSHOP_NEWS,
        "workshop_cancelled",
        workshop_payload(workshop, network),
        scope=news_scope(workshop),
    )


def schedule(values):
    return tuple(values[field] for field in SCHEDULE_FIELDS)


def announce_change(workshop, network, previous, revision=None):
    """Tells the yes/maybe people that the time or place changed; None if it did not, or nobody is told."""
    now = schedule({field: getattr(workshop, field) for field in SCHEDULE_FIELDS})
    if schedule(previous) == now:
        return None
    people = registrants(workshop, network, response__in=COMING)
    if not people.exists():
        return None
    version = revision.pk if revision is not None else workshop.last_published_at.isoformat()
    changed = {field: previous[field] != getattr(workshop, field) for field in SCHEDULE_FIELDS}
    return mail_once(
        workshop,
        network,
        f"changed:{version}:{digest(*now)[:16]}",
        people,
        Kind.WORKSHOP_NEWS,
        "workshop_changed",
        workshop_payload(workshop, network, previous=dict(previous), changed=changed),
        scope=news_scope(workshop),
    )


# Receivers


@receiver(pre_save, sender=WorkshopPage)
def remember_published_schedule(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a full save (as publishing does), keeps what the database holds: the published version."""
    if raw or instance.pk is None or update_fields is not None:
        return
    instance._previously_saved = (
        WorkshopPage.objects.filter(pk=instance.pk).values("live", "cancelled", *SCHEDULE_FIELDS).first()
    )


@receiver(page_published, sender=WorkshopPage)
def workshop_published(sender, instance, revision=None, **kwargs):
    workshop = instance
    previous = getattr(workshop, "_previously_saved", None)
    workshop._previously_saved = None
    if not workshop.live:
        return
    network = workshop.get_parent().specific
    if not network.live:
        return
    announce_materials(workshop, network, publisher_id=getattr(revision, "user_id", None))
    if workshop.end <= timezone.now():
        return  # a past workshop's corrections are nobody's news
    if workshop.cancelled:
        announce_cancellation(workshop, network)
    elif previous is not None:
        announce_change(workshop, network, previous, revision)
