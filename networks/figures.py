"""The networks' key figures for the programme's front page: a few COUNT queries, whatever the size of the data."""

from .models import Membership, NetworkPage, Organisation


def key_figures() -> dict[str, int]:
    """{networks, organisations, members}: the programme's networks (each once, whatever its translations),
    the organisations taking part in them, and the people with an active membership in them."""
    networks = NetworkPage.objects.programme()
    return {
        "networks": networks.count(),
        "organisations": Organisation.objects.filter(networks__in=networks).distinct().count(),
        "members": Membership.objects.active().filter(network__in=networks).values("user").distinct().count(),
    }
