"""Every address under a network's public one, /verkostot/<network>/: the member space (tila/), composed of
each app's own pages, and the network's public extras (joining, the workshop calendar)."""

from django.urls import include, path

from discussions import urls as discussion_urls
from networks import urls as network_urls
from services import urls as service_urls
from workshops import urls as workshop_urls

from . import views

workshop_patterns = [
    path("<int:workshop_id>/", views.workshop, name="space-workshop"),
    *workshop_urls.space_patterns,
]

space_patterns = [
    path("", views.dashboard, name="space"),
    *network_urls.space_patterns,
    path("tyopajat/", include(workshop_patterns)),
    path("luvut/", include(workshop_urls.figures_patterns)),
    path("keskustelu/", include(discussion_urls)),
    path("hankkeet/", include(service_urls.project_patterns)),
    path("hallinta/", include(network_urls.manage_patterns)),
    path("hallinta/ilmoitukset/", views.reports, name="space-reports"),
    path("hallinta/ilmoitukset/<int:report_id>/", views.decide_report, name="space-report-decide"),
]

urlpatterns = [
    path("<slug:network_slug>/tila/", include(space_patterns)),
    path("<slug:network_slug>/", include(network_urls.network_patterns)),
    path("<slug:network_slug>/", include(workshop_urls.calendar_patterns)),
]
