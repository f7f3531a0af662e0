"""The programme's key figures, computed from the database on every request (a few COUNT queries)."""

from django.utils import timezone

from workshops.models import WorkshopPage

from .models import Membership, NetworkPage, Organisation


def programme_figures():
    live_networks = NetworkPage.objects.live().public()
    return {
        "networks": live_networks.count(),
        "organisations": Organisation.objects.filter(networks__in=live_networks).distinct().count(),
        "members": Membership.objects.filter(left__isnull=True, network__in=live_networks)
        .values("user")
        .distinct()
        .count(),
        "workshops_held": WorkshopPage.objects.live().public().filter(end__lt=timezone.now()).count(),
    }
