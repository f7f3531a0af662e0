"""Every change to who belongs to a network goes through these functions: views, management commands and
the demo loader call them.

`check_*` functions decide whether something may be done and refuse with an ActionError (core.errors): a
`code` for programs and a `message` for people. The changing functions check again what may have changed
meanwhile under a row lock, save in one transaction (the Wagtail group sync happens in the same transaction
through networks.signals) and queue their e-mail for after the commit. A refused action has changed nothing.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from core.email import language_of_address, send_templated_email, send_to_users
from core.errors import ActionError
from core.ratelimit import RateLimit, RateLimited, cooldown

from .access import NetworkAccess
from .models import Invitation, JoinRequest, Membership, NetworkPage, Organisation


class UnknownRole(ActionError):
    code = "unknown_role"
    message = gettext_lazy("Tuntematon rooli.")


class MembershipEnded(ActionError):
    """The membership ended while the change to it was being made: there is nothing to change (a 404 on a page)."""

    code = "not_found"
    message = gettext_lazy("Jäsenyys on jo päättynyt.")


class LastFacilitator(ActionError):
    """A facilitator would leave their network without one."""

    code = "last_facilitator"


class OwnMembership(ActionError):
    """Nobody removes themselves from the member list: someone else does, or they step down from their role."""

    code = "own_membership"
    message = gettext_lazy(
        "Et voi poistaa itseäsi verkostosta. Voit luopua fasilitaattorin roolista vaihtamalla roolisi; "
        "verkostosta sinut voi poistaa toinen fasilitaattori tai ohjelmatoimisto."
    )


class HasOrganisation(ActionError):
    code = "has_organisation"


class InvitationClosed(ActionError):
    """The invitation has been used, revoked or has expired."""

    code = "invitation_closed"
    message = gettext_lazy("Kutsulinkki ei ole enää voimassa.")


class NetworkUnavailable(ActionError):
    code = "network_unavailable"
    message = gettext_lazy("Verkosto ei ole enää julkaistu, joten kutsua ei voi käyttää.")


class PendingRequest(ActionError):
    code = "pending_request"
    message = gettext_lazy("Sinulla on jo käsittelyä odottava pyyntö tähän verkostoon.")


class AlreadyDecided(ActionError):
    code = "already_decided"
    message = gettext_lazy("Pyyntö on jo käsitelty.")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------- Members and roles ----------


def add_member(
    network: NetworkPage, user: User, role: str = Membership.Role.MEMBER, organisation: Organisation | None = None
) -> tuple[Membership, bool]:
    """Makes `user` a member of `network`. An existing active membership is kept as it is, so inviting or
    accepting someone twice — even at the same moment — never downgrades or duplicates them."""
    existing = Membership.objects.active().filter(user=user, network=network).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, network=network, role=role, organisation=organisation)
    except IntegrityError:  # the same person was added concurrently: theirs stands
        return Membership.objects.active().get(user=user, network=network), False
    return membership, True


def check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise UnknownRole()


def check_keeps_a_facilitator(membership: Membership, by: User, role: str) -> None:
    """Refuses a facilitator's own step-down to `role` while they are its only facilitator: someone must be left
    to run it. `by` is the person making the change (programme staff may still change a lone facilitator's
    role)."""
    if membership.user_id != by.pk or not membership.is_facilitator or role == Membership.Role.FACILITATOR:
        return
    others = (
        Membership.objects.active()
        .filter(network_id=membership.network_id, role=Membership.Role.FACILITATOR)
        .exclude(pk=membership.pk)
    )
    if others.exists():
        return
    raise LastFacilitator(
        message=_(
            "Et voi luopua fasilitaattorin roolista, koska olet verkoston ainoa fasilitaattori. "
            "Kutsu tai nimeä ensin toinen fasilitaattori."
        )
    )


def check_can_remove(membership: Membership, by: User) -> None:
    """Refuses removing one's own membership (OwnMembership), staff's included."""
    if membership.user_id == by.pk:
        raise OwnMembership()


def _locked(membership: Membership) -> Membership:
    """The membership as it is now, its row locked until the transaction ends; MembershipEnded if it has ended.

    The network's facilitators are locked first, always in the same order, so that two facilitators who step
    down at the same moment decide one after the other and the second sees that the first has gone.
    """
    facilitators = (
        Membership.objects.select_for_update()
        .active()
        .filter(network_id=membership.network_id, role=Membership.Role.FACILITATOR)
    )
    list(facilitators.order_by("pk").values_list("pk", flat=True))
    current = Membership.objects.select_for_update().active().filter(pk=membership.pk).first()
    if current is None:
        raise MembershipEnded()
    return current


@transaction.atomic
def change_role(membership: Membership, role: str, by: User | None = None) -> bool:
    """Gives the member `role`. Returns False when it was their role already. `by`: who changes it, for
    `check_keeps_a_facilitator` (None: the system, which may)."""
    check_role(role)
    current = _locked(membership)
    if current.role == role:
        return False
    if by is not None:
        check_keeps_a_facilitator(current, by, role)
    membership.role = role
    membership.save(update_fields=["role"])
    return True


@transaction.atomic
def end_membership(membership: Membership) -> Membership:
    """Ends the membership today. Access ends at once: the groups are synchronised in this transaction."""
    membership.left = timezone.localdate()
    membership.save(update_fields=["left"])
    return membership


@transaction.atomic
def remove_member(membership: Membership, by: User) -> Membership:
    """`by` (a facilitator, or staff) removes another member from the network: `end_membership`, unless
    `check_can_remove` refuses it."""
    check_can_remove(_locked(membership), by)
    return end_membership(membership)


@transaction.atomic
def set_organisation(membership: Membership, organisation: Organisation | None) -> Membership:
    """Sets the organisation the member acts for in the network: from now on they read and write that
    organisation's shared answers, and the directory lists them under it."""
    membership.organisation = organisation
    membership.save(update_fields=["organisation"])
    return membership


# A member may ask once in this time; the request is an e-mail to people, not a record.
ORGANISATION_REQUESTS = RateLimit("organisation-request", limit=1, window=12 * 3600)


def check_organisation_request(membership: Membership) -> None:
    """Refuses a member who already acts for an organisation in the network: only a facilitator changes it."""
    if membership.organisation_id is not None:
        raise HasOrganisation(
            message=_("Sinut on jo liitetty organisaatioon %(name)s tässä verkostossa.")
            % {"name": membership.organisation}
        )


def request_organisation(membership: Membership, organisation: Organisation) -> int:
    """E-mails the network's facilitators (the programme office when it has none) that a member asks to be
    attached to `organisation`. Nothing changes until a facilitator sets it. Returns the number of
    recipients; refuses what `check_organisation_request` does, and RateLimited if they asked a moment ago."""
    check_organisation_request(membership)
    ORGANISATION_REQUESTS.hit(membership.pk, reason=_("Pyysit liittämistä organisaatioon äsken."))
    recipients = answering_people(membership.network)
    send_to_users(
        recipients,
        "organisation_request",
        {
            "membership": membership,
            "organisation": organisation,
            "network": membership.network,
            "edit_path": reverse("manage-organisation", args=[membership.network.slug, membership.pk])
            + f"?organisaatio={organisation.pk}",
        },
    )
    return len(recipients)


def answering_facilitators(network: NetworkPage) -> list[User]:
    """The network's facilitators who answer for it (`Membership.objects.answering`), by name; none means that
    the programme office answers."""
    memberships = (
        Membership.objects.answering()
        .filter(network=network)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    return [membership.user for membership in memberships]


def answering_people(network: NetworkPage) -> list[User]:
    """Who answers for the network: its active facilitators, or the programme office if it has none."""
    people = answering_facilitators(network)
    if not people:
        people = list(get_user_model().objects.filter(is_staff=True, is_active=True))
    return people


def who_answers(network: NetworkPage) -> str:
    """Tells an applicant who answers their join request. Facilitators are named by their names only: an
    account without a name is not shown by its e-mail address."""
    facilitators = answering_facilitators(network)
    if not facilitators:
        return _("KunTeko-ohjelman toimisto vastaa pyyntöösi.")
    names = [name for name in (user.get_full_name() for user in facilitators) if name]
    if not names:
        return ngettext(
            "Verkoston fasilitaattori vastaa pyyntöösi.",
            "Verkoston fasilitaattorit vastaavat pyyntöösi.",
            len(facilitators),
        )
    return ngettext(
        "Verkoston fasilitaattori (%(names)s) vastaa pyyntöösi.",
        "Verkoston fasilitaattorit (%(names)s) vastaavat pyyntöösi.",
        len(names),
    ) % {"names": ", ".join(names)}


# ---------- Invitations ----------

INVITATION_WINDOW = timedelta(hours=1)


def check_invitation_rate(inviter: User, count: int) -> None:
    """Refuses invitations beyond INVITATIONS_PER_HOUR per person (in all networks together), counted from the
    invitations themselves: a stolen facilitator account cannot turn the site into a mass mailer."""
    limit = settings.INVITATIONS_PER_HOUR
    now = timezone.now()
    recent = Invitation.objects.filter(invited_by=inviter, created__gt=now - INVITATION_WINDOW)
    sent = recent.count()
    excess = sent + count - limit
    if excess <= 0:
        return
    reason = ngettext(
        "Olet lähettänyt viimeisen tunnin aikana %(sent)s kutsun; tunnissa voi lähettää enintään %(limit)s.",
        "Olet lähettänyt viimeisen tunnin aikana %(sent)s kutsua; tunnissa voi lähettää enintään %(limit)s.",
        sent,
    ) % {"sent": sent, "limit": limit}
    # Enough room once the `excess` oldest of them have left the window.
    freed_by = recent.order_by("created", "pk").values_list("created", flat=True)[min(excess, sent) - 1]
    raise RateLimited((freed_by + INVITATION_WINDOW - now).total_seconds(), reason)


@dataclass
class InvitationsSent:
    """What `send_invitations` did, address by address."""

    invited: list[str] = field(default_factory=list)
    # Of the invited, those whose earlier open invitation was revoked for the new one.
    replaced: list[str] = field(default_factory=list)
    # Those not invited because they are members already.
    members: list[str] = field(default_factory=list)


def send_invitations(
    network: NetworkPage,
    addresses: Iterable[str],
    role: str,
    organisation: Organisation | None,
    invited_by: User,
) -> InvitationsSent:
    """Invites every address with the same role and organisation, in one transaction (the e-mails go after it
    commits). All or nothing: `check_role` and `check_invitation_rate` refuse the whole batch.

    An address that already belongs to an active member is skipped; an address with an open invitation gets a
    fresh one and the old link stops working (its role and organisation may have been wrong, or its e-mail
    lost), so there is only ever one working link per address and network: the open invitations are locked
    while this decides. Returns InvitationsSent.
    """
    addresses = list(dict.fromkeys(address.strip().lower() for address in addresses))
    check_role(role)
    check_invitation_rate(invited_by, len(addresses))
    with transaction.atomic():
        members = set(
            Membership.objects.active()
            .filter(network=network)
            .annotate(address=Lower("user__email"))
            .filter(address__in=addresses)
            .values_list("address", flat=True)
        )
        open_invitations: dict[str, list[Invitation]] = {}
        for invitation in Invitation.objects.select_for_update().filter(
            network=network,
            email__in=addresses,
            accepted__isnull=True,
            revoked__isnull=True,
            expires__gt=timezone.now(),
        ):
            open_invitations.setdefault(invitation.email, []).append(invitation)
        sent = InvitationsSent(members=[address for address in addresses if address in members])
        for address in addresses:
            if address in members:
                continue
            for old in open_invitations.get(address, ()):
                _revoke(old)
            if address in open_invitations:
                sent.replaced.append(address)
            create_invitation(network, address, role, organisation, invited_by)
            sent.invited.append(address)
    return sent


def create_invitation(
    network: NetworkPage, email: str, role: str, organisation: Organisation | None, invited_by: User
) -> tuple[Invitation, str]:
    """Creates an invitation and e-mails its link. Returns (invitation, token); the token is never stored."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            network=network,
            email=email.strip().lower(),
            role=role,
            organisation=organisation,
            invited_by=invited_by,
            token_hash=hash_token(token),
            expires=timezone.now() + timedelta(days=Invitation.VALID_DAYS),
        )
        # To someone with an account in their language; to a new address in the inviter's.
        with translation.override(
            language_of_address(invitation.email) or translation.get_language() or settings.LANGUAGE_CODE
        ):
            send_templated_email(
                [invitation.email],
                "invitation",
                {
                    "invitation": invitation,
                    "network": network,
                    "inviter": invited_by,
                    "accept_path": reverse("invitation", args=[token]),
                },
            )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The invitation for this token whatever its state, or None for a token that never existed."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("network", "organisation").filter(token_hash=hash_token(token)).first()


def invitation_state(invitation: Invitation | None) -> str:
    """Where an invitation link stands: "open", or why it does not work: "unknown" (no such invitation),
    "used", "revoked", "expired" or "unavailable" (its network is no longer published)."""
    if invitation is None:
        return "unknown"
    if invitation.accepted is not None:
        return "used"
    if invitation.revoked is not None:
        return "revoked"
    if invitation.expires <= timezone.now():
        return "expired"
    if not NetworkPage.objects.live().public().filter(pk=invitation.network_id).exists():
        return "unavailable"
    return "open"


@transaction.atomic
def accept_invitation(token: str, user: User) -> Membership:
    """Turns an open invitation into a membership. Refuses every other `invitation_state`: unknown, used,
    revoked and expired tokens (InvitationClosed), and a network that is no longer published."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    state = invitation_state(invitation)
    if state == "unavailable":
        raise NetworkUnavailable()
    if invitation is None or state != "open":
        raise InvitationClosed()
    membership, _created = add_member(invitation.network, user, invitation.role, invitation.organisation)
    invitation.accepted = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted", "accepted_by"])
    return membership


def _revoke(invitation: Invitation) -> None:
    invitation.revoked = timezone.now()
    invitation.save(update_fields=["revoked"])


@transaction.atomic
def revoke_invitation(invitation: Invitation) -> None:
    """Revokes an open invitation: its link stops working. Refuses (InvitationClosed) one already used,
    revoked or expired, decided under the invitation's row lock."""
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not current.is_open:
        raise InvitationClosed(
            message=_("Kutsua osoitteeseen %(email)s ei voi perua: se on jo käytetty, peruttu tai vanhentunut.")
            % {"email": current.email}
        )
    _revoke(invitation)


# ---------- Join requests ----------


def _declined_reason(declined: datetime) -> str:
    return _("Edellistä pyyntöäsi tähän verkostoon ei hyväksytty %(date)s.") % {
        "date": date_format(timezone.localtime(declined), "j.n.Y")
    }


def check_join_request(access: NetworkAccess) -> None:
    """Refuses a join request from the network's page for what the person's NetworkAccess tells: a network not
    open for applications, a member, a request already waiting, and a new request within
    JOIN_REQUEST_COOLDOWN_DAYS of a declined one (RateLimited)."""
    if access.network.status != NetworkPage.Status.OPEN:
        raise ActionError("not_open", _("Tähän verkostoon ei voi nyt hakea. Verkostoon pääsee mukaan kutsusta."))
    if access.membership is not None:
        raise ActionError("already_member", _("Olet jo tämän verkoston jäsen."))
    if access.has_pending_request:
        raise PendingRequest()
    if access.may_reapply_from is not None:
        declined = access.may_reapply_from - timedelta(days=settings.JOIN_REQUEST_COOLDOWN_DAYS)
        raise RateLimited((access.may_reapply_from - timezone.now()).total_seconds(), _declined_reason(declined))


def request_to_join(network: NetworkPage, user: User, organisation: Organisation, motivation: str) -> JoinRequest:
    """Records a join request and tells the network's facilitators (`answering_people`). Refuses a second
    pending request (PendingRequest) and, within JOIN_REQUEST_COOLDOWN_DAYS of a declined request to the same
    network, RateLimited: the facilitators' answer is not worn down by repeats."""
    declined = (
        JoinRequest.objects.filter(network=network, user=user, status=JoinRequest.Status.DECLINED)
        .order_by("-decided")
        .values_list("decided", flat=True)
        .first()
    )
    if declined is not None:
        cooldown(declined, settings.JOIN_REQUEST_COOLDOWN_DAYS * 86400, timezone.now(), _declined_reason(declined))
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                network=network, user=user, organisation=organisation, motivation=motivation
            )
            send_to_users(
                answering_people(network),
                "join_request_received",
                {"join_request": join_request, "network": network},
            )
    except IntegrityError:
        raise PendingRequest() from None
    return join_request


@transaction.atomic
def decide_join_request(join_request: JoinRequest, accept: bool, decided_by: User) -> JoinRequest:
    """Accepts (the applicant becomes a member) or declines a pending request; the applicant is told.
    Refuses a request already decided (AlreadyDecided), under its row lock."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise AlreadyDecided()
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_by = decided_by
    join_request.decided = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided"])
    if accept:
        add_member(join_request.network, join_request.user, Membership.Role.MEMBER, join_request.organisation)
    send_to_users(
        [join_request.user],
        "join_request_accepted" if accept else "join_request_declined",
        {"join_request": join_request, "network": join_request.network},
    )
    return join_request
