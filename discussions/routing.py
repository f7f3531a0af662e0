"""Websocket routes. The discussion consumer is added here by the discussion issue."""

websocket_urlpatterns = []
