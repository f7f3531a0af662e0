"""E-mail about a network's workshops: who gets it, and sending each piece of news once.

Only people who may be e-mailed about network activity get news (`User.objects.notifiable()`): members who
chose no discussion e-mail get none of these either, one setting for "don't e-mail me about this network".
"""

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from core.email import send_templated_email
from networks.models import Membership

from .models import Registration, WorkshopMailing


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


def mail_once(workshop, key, users, template_name, context):
    """Sends `template_name` to the notifiable people among `users`, once per (workshop, key).

    Returns the number of recipients, or None if this news was already sent. The record and the
    e-mail commit together: the e-mail is queued only when the surrounding transaction commits.
    """
    recipients = list(users.notifiable().values_list("email", flat=True))
    try:
        with transaction.atomic():
            WorkshopMailing.objects.create(workshop=workshop, key=key, recipients=len(recipients))
    except IntegrityError:
        return None
    send_templated_email(recipients, template_name, {"workshop": workshop, **context})
    return len(recipients)
