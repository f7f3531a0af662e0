"""The programme's key figures on the front page ("Lukuja"), each computed by the app that owns it (never typed in)."""

from networks.figures import key_figures as network_figures
from newsletter.figures import subscribers
from services.figures import key_figures as service_figures
from tori.figures import acts_published
from workshops.figures import workshops_held


def key_figures() -> dict[str, int]:
    """{contacts, organisations, participants, sparring_days, trainings, development_networks, learning_networks,
    members, workshops_held, acts, subscribers}: a few COUNT queries, whatever the size of the data (how each is
    counted: networks.figures, services.figures; acts: the Tekojen Tori's published acts; subscribers: the
    newsletter's active, confirmed subscribers)."""
    return {
        **network_figures(),
        **service_figures(),
        "workshops_held": workshops_held(),
        "acts": acts_published(),
        "subscribers": subscribers(),
    }
