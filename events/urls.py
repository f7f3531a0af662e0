"""The events' addresses outside the page tree (events.views), mounted at /ilmoittautumiset/ by config/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("peru/<str:key>/", views.cancel, name="event-cancel"),
    path("tapahtuma/<int:event_id>/", views.registration_list, name="event-registrations"),
    path("tapahtuma/<int:event_id>/lasnaolo/", views.attendance, name="event-attendance"),
    path("tapahtuma/<int:event_id>/csv/", views.export_csv, name="event-registrations-csv"),
    path("tapahtuma/<int:event_id>/xlsx/", views.export_xlsx, name="event-registrations-xlsx"),
]
