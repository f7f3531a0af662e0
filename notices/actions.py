"""Changes to what a person wants to hear about: the settings page, a network's front page and the room controls
(through notices.attention) call these; none decides a rule itself.

Only choices that differ from the defaults are stored (a `Preference` for a kind whose delivery is not
DEFAULT_DELIVERY's, a `NetworkAttention` only for a muted network), and choosing the default again removes the
row: the defaults can change later and reach everyone who never chose otherwise. A refusal is an ActionError and
changes nothing.
"""

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionError
from networks.models import Membership, NetworkPage

from . import attention
from .models import DEFAULT_DELIVERY, Attention, Delivery, DigestSettings, Kind, NetworkAttention, Preference


def check_deliveries(deliveries: Mapping[object, object]) -> dict[Kind, Delivery]:
    """The choices as kinds and deliveries, or an ActionError for an unknown kind or delivery."""
    checked = {}
    for kind, delivery in deliveries.items():
        if not isinstance(kind, str) or kind not in Kind.values:
            raise ActionError("invalid", _("Tuntematon ilmoituksen laji."))
        if not isinstance(delivery, str) or delivery not in Delivery.values:
            raise ActionError("invalid", _("Tuntematon toimitustapa."))
        checked[Kind(kind)] = Delivery(delivery)
    return checked


def check_level(level: object) -> Attention:
    if not isinstance(level, str) or level not in Attention.values:
        raise ActionError("invalid", _("Valitse, seuraatko verkostoa vai hiljennätkö sen."))
    return Attention(level)


def check_networks(user: User, network_ids: set[int]) -> None:
    """Refuses a choice for a network the person is not an active member of (programme staff included: they hear
    of the networks they belong to). One query."""
    if not network_ids:
        return
    members_of = set(
        Membership.objects.active().filter(user=user, network_id__in=network_ids).values_list("network_id", flat=True)
    )
    if network_ids - members_of:
        raise ActionError("not_member", _("Voit valita ilmoitukset vain verkostoista, joiden jäsen olet."))


@transaction.atomic
def set_preferences(
    user: User,
    *,
    deliveries: Mapping[object, object] | None = None,
    frequency: object = None,
    language: object = None,
    networks: Mapping[int, object] | None = None,
    followed: Mapping[str, Mapping[int, str]] | None = None,
) -> None:
    """Saves the settings page at once: the delivery per kind, the digest's frequency, the language of e-mails,
    following or muting each network, and the levels of what the apps above registered (rooms: `followed`,
    {source name: {id: level}}). Everything is checked before anything is written, and the registered sources
    run in the same transaction: a refusal anywhere leaves all as it was. Arguments left None are not changed."""
    chosen = check_deliveries(deliveries or {})
    if frequency is not None and (not isinstance(frequency, str) or frequency not in DigestSettings.Frequency.values):
        raise ActionError("invalid", _("Valitse koosteen tiheys: päivittäin tai viikoittain."))
    if language is not None and (not isinstance(language, str) or language not in dict(settings.LANGUAGES)):
        raise ActionError("invalid", _("Tuntematon kieli."))
    levels = {network_id: check_level(level) for network_id, level in (networks or {}).items()}
    check_networks(user, set(levels))
    for name in followed or {}:
        if name not in attention.SOURCES:
            raise ActionError("invalid", _("Tuntematon valinta."))

    save_deliveries(user, chosen)
    if frequency is not None:
        save_frequency(user, DigestSettings.Frequency(frequency))
    # The language shown is the person's, else the site's default: saving that unchanged fixes no choice.
    if language is not None and language != user.email_language:
        user.language = language
        user.save(update_fields=["language"])
    for network_id, level in levels.items():
        save_network_level(user, network_id, level)
    for name, chosen_levels in (followed or {}).items():
        attention.SOURCES[name].save(user, chosen_levels)


def save_deliveries(user: User, chosen: Mapping[Kind, Delivery]) -> None:
    """The person's choices: rows only where a choice differs from the default. Two queries at most."""
    defaults = [kind for kind, delivery in chosen.items() if delivery == DEFAULT_DELIVERY[kind]]
    if defaults:
        Preference.objects.filter(user=user, kind__in=defaults).delete()
    rows = [
        Preference(user=user, kind=kind, delivery=delivery)
        for kind, delivery in chosen.items()
        if delivery != DEFAULT_DELIVERY[kind]
    ]
    if rows:
        Preference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "kind"], update_fields=["delivery"]
        )


def save_frequency(user: User, frequency: DigestSettings.Frequency) -> None:
    """Daily needs no row; an existing row stays (it remembers when the last digest went) with the new frequency."""
    updated = DigestSettings.objects.filter(user=user).update(frequency=frequency)
    if not updated and frequency != DigestSettings.Frequency.DAILY:
        DigestSettings.objects.get_or_create(user=user, defaults={"frequency": frequency})


def save_network_level(user: User, network_id: int, level: Attention) -> None:
    """Following is a member's default (no row); muting is a row."""
    if level == Attention.FOLLOW:
        NetworkAttention.objects.filter(user=user, network_id=network_id).delete()
    else:
        NetworkAttention.objects.update_or_create(user=user, network_id=network_id, defaults={"level": level})


@transaction.atomic
def set_network_attention(user: User, network: NetworkPage, level: object) -> Attention:
    """Follows or mutes one network (its front page's control): only its active members may; returns the level."""
    checked = check_level(level)
    check_networks(user, {network.pk})
    save_network_level(user, network.pk, checked)
    return checked
