"""The one ASGI application: HTTP to Django and Wagtail, websockets to the discussion consumer."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from django.core.asgi import get_asgi_application  # noqa: E402

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config import shutdown  # noqa: E402
from config.origins import SameOriginValidator  # noqa: E402
from discussions import open_sockets  # noqa: E402
from discussions.routing import websocket_urlpatterns  # noqa: E402

# Websockets pass the origin check and go to their consumer, which reads its cookies, the session and the person
# itself, once, in the order its access check needs (docs/realtime.md, "Connecting"), and logs its own connect and
# close (core.logs.LoggedSocket). Every layer between daphne and the consumer would keep a frame and a copy of the
# scope for as long as the socket is open: no session object, no cookie middleware, no log middleware.
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

# SIGTERM closes the discussion's sockets with 1012 (service restart) and lets their disconnects finish.
shutdown.install(drained=open_sockets.drained)

# Everything loaded by now (Django, Wagtail, our apps: some 190 000 objects) lives as long as the process,
# yet every full garbage collection walks it again: under discussion fan-out that was a 100-200 ms pause
# of every socket about once a second (bench/fanout.py). Freezing moves it out of the collector's way.
gc.collect()
gc.freeze()
