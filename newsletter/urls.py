"""The newsletter's public addresses, under /uutiskirje/ (config/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.subscribe_page, name="newsletter-subscribe"),
    path("kiitos/", views.subscribed_page, name="newsletter-subscribed"),
    path("vahvista/<str:key>/", views.confirm_page, name="newsletter-confirm"),
    path("tilaus/<str:key>/", views.unsubscribe_page, name="newsletter-unsubscribe"),
    path("tilaus/<str:key>/kieli/", views.language_page, name="newsletter-language"),
    path("arkisto/", views.archive_page, name="newsletter-archive"),
    path("<int:pk>/", views.issue_page, name="newsletter-issue"),
]
