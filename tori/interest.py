"""What a signed-in visitor does on a published act: says "Kiinnostaa" (they want to try it), and writes to the act's
contact person through the site.

"Kiinnostaa" is once per person and act (the Interest row's unique constraint): a second one changes nothing and
says so. A message goes by e-mail to the act's contact address with the sender's name and organisation, and a
Reply-To of the sender's address, so that the contact answers them directly; the sender never sees the contact's
address. At most CONTACT_RATE.limit messages per sender in CONTACT_RATE.window seconds (a sliding window in the
shared cache), above which the message is refused with a time to try again. Nothing is recorded or sent for an act
that is not published (the routes are 404 for it anyway: Wagtail serves live pages only).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.email import send_templated_email
from core.errors import ActionError
from core.ratelimit import RateLimit

from .models import ActPage, Interest

MAX_MESSAGE_LENGTH = 2000
CONTACT_RATE = RateLimit("tori-contact", limit=3, window=3600)


class NotPublished(ActionError):
    code = "not_published"
    message = _("Kehittämistekoa ei ole julkaistu.")


class SignInRequired(ActionError):
    code = "sign_in"
    message = _("Kirjaudu sisään ensin.")


@dataclass(frozen=True)
class InterestExpressed:
    created: bool  # False: the person had already said "Kiinnostaa"
    count: int


def interest_count(act: ActPage) -> int:
    return Interest.objects.filter(act=act).count()


def has_interest(act: ActPage, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and Interest.objects.filter(act=act, user_id=user.pk).exists()


def check_can_respond(act: ActPage, user: User | AnonymousUser) -> None:
    """A signed-in, active person, on a published act."""
    if not user.is_authenticated or not user.is_active:
        raise SignInRequired()
    if not act.live:
        raise NotPublished()


def express_interest(act: ActPage, user: User) -> InterestExpressed:
    """Records the person's "Kiinnostaa" once; a second time changes nothing (created=False)."""
    check_can_respond(act, user)
    with transaction.atomic():
        locked = ActPage.objects.select_for_update().get(pk=act.pk)
        check_can_respond(locked, user)
        created = False
        if not Interest.objects.filter(act=locked, user=user).exists():
            try:
                with transaction.atomic():
                    Interest.objects.create(act=locked, user=user)
                created = True
            except IntegrityError:  # the same person's other request at the same moment
                created = False
        return InterestExpressed(created=created, count=interest_count(locked))


def check_message(act: ActPage, sender: User | AnonymousUser, text: str) -> None:
    check_can_respond(act, sender)
    text = text.strip()
    if not text:
        raise ActionError("empty", _("Kirjoita viesti."))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ActionError(
            "too_long", _("Viesti on liian pitkä: enintään %(count)s merkkiä.") % {"count": MAX_MESSAGE_LENGTH}
        )


def send_contact_message(act: ActPage, sender: User, text: str) -> None:
    """E-mails `text` to the act's contact person (after the commit), Reply-To the sender. Refuses above the rate
    limit (core.ratelimit.RateLimited: "… Yritä uudelleen 40 minuutin kuluttua.") and for an unpublished act."""
    check_message(act, sender, text)
    with transaction.atomic():
        locked = ActPage.objects.select_for_update().select_related("organisation").get(pk=act.pk)
        check_message(locked, sender, text)
        CONTACT_RATE.hit(sender.pk, reason=_("Viestiä ei lähetetty: olet lähettänyt jo monta viestiä."))
        organisation = sender.organisation.name if sender.organisation_id and sender.organisation else ""
        # The contact person is a municipal employee, perhaps without an account: the message is in Finnish.
        with translation.override(settings.LANGUAGE_CODE):
            send_templated_email(
                [locked.contact_email],
                "tori_contact_message",
                {
                    "act": locked,
                    "act_url": locked.get_full_url(),
                    "sender_name": sender.display_name,
                    "sender_organisation": organisation,
                    "sender_email": sender.email,
                    "text": text.strip(),
                },
                reply_to=[sender.email],
            )
