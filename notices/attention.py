"""What a person follows or muted below a network, as the apps above tell it: the settings page lists it and saves
it without knowing what a room is.

notices sits below discussions (docs/architecture.md, "Layers"), so the rooms a person followed or muted
(discussions.RoomAttention) reach the settings page through this registry: discussions registers a source with
`register_source` from its AppConfig.ready(). A source lists the person's explicit choices in their networks in a
fixed number of queries, and saves new levels for them — FOLLOW, MUTE or AS_NETWORK (the choice removed, so the
network's decides) — refusing with an ActionError what the person may not choose; it runs inside the settings
page's transaction, so a refusal leaves everything unchanged.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Attention

AS_NETWORK = "network"  # no choice of one's own: the network's following or muting decides
LEVELS = (Attention.FOLLOW.value, Attention.MUTE.value, AS_NETWORK)
# As the controls offer them: a network's, and a room's (with the network's choice as the third).
NETWORK_CHOICES = [(Attention.FOLLOW.value, _("Seuraa")), (Attention.MUTE.value, _("Hiljennä"))]
LEVEL_CHOICES = [*NETWORK_CHOICES, (AS_NETWORK, _("Verkoston mukaan"))]


@dataclass(frozen=True)
class Followed:
    """One thing the person follows or muted explicitly (a room), as the settings page shows it."""

    source: str  # the registered source's name, e.g. "room"
    id: int
    title: str
    where: str  # the network's title
    url: str
    level: str  # Attention.FOLLOW or Attention.MUTE

    @property
    def key(self) -> str:
        """The form field's name: `<source>-<id>`."""
        return f"{self.source}-{self.id}"


@dataclass(frozen=True)
class Source:
    name: str
    heading: str | Promise  # the settings page's section
    empty: str | Promise  # what the section says when the person has chosen nothing there
    listed: Callable[[Any, Sequence[Any]], list[Followed]]  # (user, networks) → their explicit choices
    save: Callable[[Any, Mapping[int, str]], None]  # (user, {id: level}) → saved, or an ActionError


SOURCES: dict[str, Source] = {}


def register_source(
    name: str,
    heading: str | Promise,
    empty: str | Promise,
    listed: Callable[[Any, Sequence[Any]], list[Followed]],
    save: Callable[[Any, Mapping[int, str]], None],
) -> None:
    if name in SOURCES:
        raise ValueError(f"An attention source named {name!r} is already registered.")
    SOURCES[name] = Source(name, heading, empty, listed, save)


def followed(user: Any, networks: Sequence[Any]) -> dict[str, list[Followed]]:
    """{source name: the person's explicit choices in these networks}, a fixed number of queries per source."""
    return {name: source.listed(user, networks) for name, source in SOURCES.items()}
