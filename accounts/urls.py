"""The account pages of our own, next to allauth's under /tili/."""

from django.urls import path

from . import views

urlpatterns = [
    path("profiili/", views.profile, name="account_profile"),
    path("tervetuloa/", views.welcome, name="account_welcome"),
    path("omat-tiedot/", views.data_export, name="account_data_export"),
    path("poista/", views.delete, name="account_delete"),
]
