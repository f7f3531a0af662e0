"""The bare broadcast consumers (bench/bare.py) on their own: `daphne bench.bare_asgi:application`.

Django is configured with nothing but the channel layer, and that is the site's own, exactly as
config/settings/base.py chooses it (channels-redis when REDIS_URL is set, else the in-memory layer, with
the same class and capacity), so ours and bare differ by the consumer only. BENCH_KEY_PREFIX becomes the
Redis prefix, as in config/settings/bench.py. No apps, no database, no sessions, no origin check.
"""

import gc
import os

import django
from django.conf import settings

from config.settings.base import CHANNEL_LAYERS

if not settings.configured:
    layer = CHANNEL_LAYERS["default"]
    if os.environ.get("BENCH_KEY_PREFIX") and "hosts" in layer.get("CONFIG", {}):
        layer = {**layer, "CONFIG": {**layer["CONFIG"], "prefix": os.environ["BENCH_KEY_PREFIX"]}}
    settings.configure(CHANNEL_LAYERS={"default": layer}, DATABASES={}, INSTALLED_APPS=[], USE_TZ=True)
    django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench.bare import BareConsumer, NoHopBareConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [
                path("ws/bare/", BareConsumer.as_asgi()),
                path("ws/bare-nohop/", NoHopBareConsumer.as_asgi()),
            ]
        )
    }
)

gc.collect()
gc.freeze()  # as config/asgi.py does
