"""Who hears of what: each person's delivery for a kind of notice, in a constant number of queries."""

from collections.abc import Collection, Iterable

from .models import DEFAULT_DELIVERY, MUTABLE_KINDS, Attention, Delivery, Kind, NetworkAttention, Preference


def deliveries(
    user_ids: Iterable[int], kind: Kind, network_id: int | None = None, unmuted: Collection[int] = ()
) -> dict[int, Delivery]:
    """{user id: delivery} for a notice of `kind` about `network_id`: the person's choice for the kind, else the
    default; NEVER where the person muted the network and the kind is one muting silences, unless they are in
    `unmuted` (e.g. they follow the room itself). Two queries at most, however many people."""
    user_ids = list(user_ids)
    chosen = dict(Preference.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "delivery"))
    muted: set[int] = set()
    if network_id is not None and kind in MUTABLE_KINDS:
        muted = set(
            NetworkAttention.objects.filter(
                user_id__in=user_ids, network_id=network_id, level=Attention.MUTE
            ).values_list("user_id", flat=True)
        )
    return {
        user_id: Delivery.NEVER
        if user_id in muted and user_id not in unmuted
        else Delivery(chosen.get(user_id, DEFAULT_DELIVERY[kind]))
        for user_id in user_ids
    }


def preferences_of(user) -> dict[Kind, Delivery]:
    """The person's delivery for every kind, their choices over the defaults: one query."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: Delivery(chosen.get(kind, default)) for kind, default in DEFAULT_DELIVERY.items()}
