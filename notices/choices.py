"""What a person has chosen, as the settings page and the controls show it (reads; the changes are in
notices.actions). A fixed number of queries, however many networks."""

from collections.abc import Sequence

from accounts.models import User
from networks.models import NetworkPage

from .models import Attention, DigestSettings, NetworkAttention


def network_levels(user: User, networks: Sequence[NetworkPage]) -> dict[int, Attention]:
    """{network id: FOLLOW or MUTE} for these networks: one query (none without networks)."""
    if not networks:
        return {}
    muted = set(
        NetworkAttention.objects.filter(user=user, network__in=networks, level=Attention.MUTE).values_list(
            "network_id", flat=True
        )
    )
    return {network.pk: Attention.MUTE if network.pk in muted else Attention.FOLLOW for network in networks}


def digest_frequency(user: User) -> DigestSettings.Frequency:
    """Daily unless the person chose otherwise: one query."""
    frequency = DigestSettings.objects.filter(user=user).values_list("frequency", flat=True).first()
    return DigestSettings.Frequency(frequency or DigestSettings.Frequency.DAILY)
