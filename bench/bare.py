"""The reference for the fan-out figures: the least a Channels broadcast can do.

`BareConsumer` is what the Channels documentation would have one write: join one group on connect,
`group_send` the raw text on receive, and a handler that sends it on. Channels 4.3 hops to its
database thread before every handler, that broadcast handler too. `NoHopBareConsumer` skips that hop
for the broadcast, as our DiscussionConsumer does: the figure DESIGN.md says to approach.
No authentication, no database, no JSON.
"""

from channels.generic.websocket import AsyncWebsocketConsumer


class BareConsumer(AsyncWebsocketConsumer):
    group = "bare"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group, {"type": "bare.frame", "text": text_data})

    async def bare_frame(self, event):
        await self.send(text_data=event["text"])


class NoHopBareConsumer(BareConsumer):
    group = "bare-nohop"

    async def dispatch(self, message):
        if message["type"] == "bare.frame":
            await self.send(text_data=message["text"])
            return
        await super().dispatch(message)
