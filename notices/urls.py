"""The person's notice settings, under /oma/ilmoitukset/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.settings_page, name="notice-settings"),
    path("verkostot/<slug:network_slug>/", views.network_attention, name="notice-network-attention"),
]
