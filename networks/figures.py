"""The networks' key figures for the programme's front page: a few COUNT queries, whatever the size of the data."""

from django.db.models import Count, Q

from .models import Membership, NetworkPage


def key_figures() -> dict[str, int]:
    """{development_networks, learning_networks, trainings, members, contacts}: the programme's networks by kind
    (each once, whatever its translations; a training is a network of the kind "koulutus"), and the people with
    an active membership in them — all of them, and those who are their network's contact person
    (Membership.Role.CONTACT) — each once. Two queries (and PageQuerySet.public()'s)."""
    networks = NetworkPage.objects.programme()
    by_kind = networks.aggregate(
        development_networks=Count("pk", filter=Q(kind=NetworkPage.Kind.DEVELOPMENT)),
        learning_networks=Count("pk", filter=Q(kind=NetworkPage.Kind.LEARNING)),
        trainings=Count("pk", filter=Q(kind=NetworkPage.Kind.TRAINING)),
    )
    people = (
        Membership.objects.active()
        .filter(network__in=networks)
        .aggregate(
            members=Count("user", distinct=True),
            contacts=Count("user", distinct=True, filter=Q(role=Membership.Role.CONTACT)),
        )
    )
    return {**by_kind, **people}
