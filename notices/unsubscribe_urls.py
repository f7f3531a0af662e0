"""The unsubscribe link of notice e-mails (notices.unsubscribe), mounted at /ilmoitukset/ by config/urls.py."""

from django.urls import path

from .unsubscribe import unsubscribe_view

urlpatterns = [
    path("peru/<str:token>/", unsubscribe_view, name="notice-unsubscribe"),
]
