"""What the apps need to know about a service going away, defined low so that any layer may use it.

The infrastructure that notices (config.channel_layers, config.unavailable) imports these; the apps react to them
without importing the project's configuration.
"""

from django.db import InterfaceError, OperationalError
from django.dispatch import Signal

# The database errors that mean "the database does not answer", not "the query was wrong".
DATABASE_DOWN = (OperationalError, InterfaceError)

# Sent when Redis answers again after the Redis channel layer lost it (receivers may be coroutines: `asend`).
# A restarted Redis has forgotten every group, so whoever keeps sockets in groups adds them again.
connection_restored = Signal()
