"""The programme's key figures on the front page, each computed by the app that owns it (never typed in)."""

from networks.figures import key_figures as network_figures
from tori.figures import acts_published
from workshops.figures import workshops_held


def key_figures() -> dict[str, int]:
    """{networks, organisations, members, workshops_held, acts}: a few COUNT queries, whatever the size of the
    data (acts: the Tekojen Tori's published acts)."""
    return {**network_figures(), "workshops_held": workshops_held(), "acts": acts_published()}
