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

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

EXPORTERS: list[tuple[str, Callable[[Any], Any]]] = []
EXPORT_FORMAT_VERSION = 1

# Sent by delete_account inside its transaction, after memberships have ended and before the user row is
# emptied (`user` still has its old e-mail address): receivers remove what else should go with the account.
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


def _date(value):
    return value.isoformat() if value else None


def _name(obj):
    return str(obj) if obj is not None else None


@register_exporter("profile")
def export_profile(user):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": _name(user.organisation),
        "job_title": user.job_title,
        "role_category": user.role_category or None,
        "role_category_label": str(user.get_role_category_display()) if user.role_category else None,
        "gender": user.gender or None,
        "gender_label": str(user.get_gender_display()) if user.gender else None,
        "discussion_email": user.discussion_email,
        "date_joined": _date(user.date_joined),
        "last_login": _date(user.last_login),
    }


@register_exporter("email_addresses")
def export_email_addresses(user):
    from allauth.account.models import EmailAddress

    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


@register_exporter("two_factor_authentication")
def export_authenticators(user):
    """Which second factors are on, and since when; never the secrets or codes themselves."""
    from allauth.mfa.models import Authenticator

    return [
        {
            "type": authenticator.type,
            "created": _date(authenticator.created_at),
            "last_used": _date(authenticator.last_used_at),
        }
        for authenticator in Authenticator.objects.filter(user=user).order_by("created_at")
    ]


@register_exporter("memberships")
def export_memberships(user):
    from networks.models import Membership

    memberships = (
        Membership.objects.filter(user=user).select_related("network", "organisation").order_by("joined", "pk")
    )
    return [
        {
            "network": membership.network.title,
            "role": membership.role,
            "role_label": str(membership.get_role_display()),
            "organisation": _name(membership.organisation),
            "joined": _date(membership.joined),
            "left": _date(membership.left),
        }
        for membership in memberships
    ]


@register_exporter("invitations_accepted")
def export_invitations(user):
    from networks.models import Invitation

    invitations = Invitation.objects.filter(accepted_by=user).select_related("network", "organisation")
    return [
        {
            "network": invitation.network.title,
            "email": invitation.email,
            "role": invitation.role,
            "organisation": _name(invitation.organisation),
            "created": _date(invitation.created),
            "accepted": _date(invitation.accepted),
        }
        for invitation in invitations.order_by("accepted", "pk")
    ]


@register_exporter("join_requests")
def export_join_requests(user):
    from networks.models import JoinRequest

    join_requests = JoinRequest.objects.filter(user=user).select_related("network", "organisation")
    return [
        {
            "network": join_request.network.title,
            "organisation": _name(join_request.organisation),
            "motivation": join_request.motivation,
            "status": join_request.status,
            "status_label": str(join_request.get_status_display()),
            "created": _date(join_request.created),
            "decided": _date(join_request.decided),
        }
        for join_request in join_requests.order_by("created", "pk")
    ]


def deleted_email(user):
    return f"poistettu-{user.pk}@poistettu.invalid"


@transaction.atomic
def delete_account(user):
    """Deletes the person's account, keeping the row so what they wrote stays, as "poistettu käyttäjä".

    In one transaction: every active membership ends (through networks.actions, so the Wagtail groups
    follow), pending join requests are withdrawn, open invitations to their address are revoked and the
    address is removed from invitations, and the user row is emptied of personal data and locked.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from networks.actions import end_membership
    from networks.models import Invitation, JoinRequest, Membership

    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.deleted:
        return user
    old_email = user.email

    for membership in Membership.objects.active().filter(user=user).select_related("network"):
        end_membership(membership)
    JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).delete()
    invitations = Invitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=old_email))
    invitations.filter(accepted__isnull=True, revoked__isnull=True).update(revoked=timezone.now())
    invitations.update(email=deleted_email(user))

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
