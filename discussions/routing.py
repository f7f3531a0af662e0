"""Websocket routes: one discussion socket per network's member space."""

from django.urls import path

from .consumers import DiscussionConsumer

websocket_urlpatterns = [
    path("ws/networks/<slug:network_slug>/", DiscussionConsumer.as_asgi()),
]
