"""News of a network's workshops: who hears of it, and telling each piece of news once.

Each piece of news is a notice (notices.delivery.notify): every person hears of it as they chose for its kind —
workshop news (new materials, a cancellation, a change, the call for feedback), tasks (a new task, a task's
reminder) or the day-before reminder — at once, in their digest, or never, in their own language. Choosing
"never" for discussions silences none of these. `mail_once` records each piece of news once per workshop (a
WorkshopMailing under its key), so a republish or a second run tells nobody again.

A notice keeps plain data, not the workshop itself (`workshop_payload`): the e-mail, at once or in the digest,
shows the workshop as it was when the news happened.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from networks.models import Membership, NetworkPage
from notices.delivery import notify

from .calendar import public_url
from .models import Registration, WorkshopMailing, WorkshopPage


def member_users(network):
    """The network's active members (every role), as a User queryset."""
    return User.objects.filter(pk__in=Membership.objects.active().filter(network=network).values("user"))


def belonging(network):
    """The people who still belong to the network: its active members, and the programme office."""
    return User.objects.filter(Q(pk__in=member_users(network).values("pk")) | Q(is_staff=True))


def registrants(workshop, network, **filters):
    """People registered to the workshop (filtered by `filters` on Registration) who still belong to the
    network, as a User queryset."""
    registered = Registration.objects.filter(workshop=workshop, **filters).values("user")
    return belonging(network).filter(pk__in=registered)


def workshop_payload(workshop: WorkshopPage, network: NetworkPage, **extra) -> dict:
    """What a workshop's e-mails show of it, as plain data for a notice (`url`: its page in the member space, the
    digest's link)."""
    return {
        "workshop": {
            "pk": workshop.pk,
            "number": workshop.number,
            "title": workshop.title,
            "start": workshop.start,
            "end": workshop.end,
            "place": workshop.place,
            "online_url": workshop.online_url,
        },
        "network": {"title": network.title, "slug": network.slug},
        "workshop_url": public_url(workshop),
        "url": reverse("space-workshop", args=[network.slug, workshop.pk]),
        **extra,
    }


def news_scope(workshop: WorkshopPage) -> str:
    """The cap's scope of a workshop's news: at most one immediate e-mail per person and workshop an hour."""
    return f"workshop:{workshop.pk}"


def mail_once(workshop, network, key, users, kind, template_name, payload, scope=""):
    """Tells the active people among `users` of this news (notices.delivery.notify, kind `kind`), once per
    (workshop, key). Returns how many will hear of it (at once or in their digest), or None if this news was
    already told. The record and the notices commit together; e-mails are queued only when they have."""
    people = list(users.notifiable())
    with transaction.atomic():
        try:
            with transaction.atomic():
                mailing = WorkshopMailing.objects.create(workshop=workshop, key=key)
        except IntegrityError:
            return None
        told = notify(
            people,
            kind,
            network=network,
            key=f"workshop:{workshop.pk}:{key}",
            template=template_name,
            payload=payload,
            scope=scope,
        )
        WorkshopMailing.objects.filter(pk=mailing.pk).update(recipients=told.total)
    return told.total
