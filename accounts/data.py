"""A person's own data: what they can download (`export_user_data`) and what deleting the account does
(`delete_account`).

Other features add their share of the export with `register_exporter`:

    from accounts.data import register_exporter

    @register_exporter("discussion_messages")
    def export_messages(user):
        return [{"room": m.room.title, "created": m.created.isoformat(), "body": m.body} for m in ...]

Each exporter takes the user and returns something JSON can encode (dates as ISO strings); its result is
put under its name in the export. Keep each exporter to a fixed number of queries. What else should go
when an account is deleted is done by a receiver of the `account_deleted` signal.
"""

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

EXPORTERS: list[tuple[str, Callable[[Any], Any]]] = []
EXPORT_FORMAT_VERSION = 1

# Sent by delete_account inside its transaction, before the user row is emptied (`user` still has its old
# e-mail address): each receiver removes its app's share of what goes with the account.
account_deleted = Signal()


def register_exporter(name):
    """Adds `function(user) -> JSON-able` to the export under `name`. Usable as a decorator."""

    def decorator(function):
        if any(existing == name for existing, _function in EXPORTERS):
            raise ValueError(f"An exporter named {name!r} is already registered.")
        EXPORTERS.append((name, function))
        return function

    return decorator


def export_user_data(user) -> dict:
    """Everything Verkostamo holds about `user` that is theirs to take away, as a JSON-able dict."""
    data = {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported": timezone.now().isoformat(),
        "service": "Verkostamo",
    }
    for name, exporter in EXPORTERS:
        data[name] = exporter(user)
    return data


def iso_date(value):
    return value.isoformat() if value else None


def name_of(obj):
    return str(obj) if obj is not None else None


@register_exporter("profile")
def export_profile(user):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": name_of(user.organisation),
        "job_title": user.job_title,
        "role_category": user.role_category or None,
        "role_category_label": str(user.get_role_category_display()) if user.role_category else None,
        "gender": user.gender or None,
        "gender_label": str(user.get_gender_display()) if user.gender else None,
        "email_language": user.language or None,
        "date_joined": iso_date(user.date_joined),
        "last_login": iso_date(user.last_login),
    }


@register_exporter("email_addresses")
def export_email_addresses(user):
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


@register_exporter("two_factor_authentication")
def export_authenticators(user):
    """Which second factors are on, and since when; never the secrets or codes themselves."""
    return [
        {
            "type": authenticator.type,
            "created": iso_date(authenticator.created_at),
            "last_used": iso_date(authenticator.last_used_at),
        }
        for authenticator in Authenticator.objects.filter(user=user).order_by("created_at")
    ]


def deleted_email(user):
    return f"poistettu-{user.pk}@poistettu.invalid"


@transaction.atomic
def delete_account(user):
    """Deletes the person's account, keeping the row so what they wrote stays, as "poistettu käyttäjä".

    In one transaction: the receivers of `account_deleted` remove what goes with the account (memberships end,
    join requests and invitations go: networks.data; registrations, feedback records, …), then the user row is
    emptied of personal data and locked.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.deleted:
        return user

    account_deleted.send(sender=type(user), user=user)

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()

    user.email = deleted_email(user)
    user.first_name = ""
    user.last_name = ""
    user.job_title = ""
    user.role_category = ""
    user.gender = ""
    user.organisation = None
    user.deleted = timezone.now()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return user
