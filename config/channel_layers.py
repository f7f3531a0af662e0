"""The embedded default's channel layer: Channels' in-memory layer without its per-call full sweep.

Channels 4.3's InMemoryChannelLayer runs `_clean_expired()` at the start of every `receive()` and every
`group_send()`: a walk over every channel's queue and every group membership in the process. Each open
discussion socket waits in `receive()` and sits in several groups (its network, its membership, each
room), so one message to N members costs N sweeps over about N × groups entries: quadratic in the
number of members. bench/fanout.py measured it at 200 members × 20 messages/s: the sweep took 35-40 %
of the server's CPU and message latency grew to seconds.

Expiry only matters at the scale of seconds (a message expires after `expiry`, 60 s; a group membership
after `group_expiry`, a day), so this layer sweeps at most once per `clean_interval` seconds and behaves
the same otherwise. Production uses channels-redis, which has no such sweep.
"""

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, clean_interval=1.0, **kwargs):
        super().__init__(**kwargs)
        self.clean_interval = clean_interval
        self._last_clean = float("-inf")

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._last_clean < self.clean_interval:
            return
        self._last_clean = now
        super()._clean_expired()
