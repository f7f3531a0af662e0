"""The member space of a network and its facilitators' tools, under the network's public address."""

from django.urls import include, path

from workshops import urls as workshop_urls

from .views import invitations, manage, space

manage_patterns = [
    path("jasenet/", manage.members, name="manage-members"),
    path("jasenet/<int:membership_id>/rooli/", manage.change_role, name="manage-role"),
    path("jasenet/<int:membership_id>/poista/", manage.remove, name="manage-remove"),
    path("jasenet/<int:membership_id>/organisaatio/", manage.organisation, name="manage-organisation"),
    path("kutsut/", manage.invitations, name="manage-invitations"),
    path("kutsut/<int:invitation_id>/peru/", manage.revoke_invitation, name="manage-revoke-invitation"),
    path("hakemukset/", manage.join_requests, name="manage-join-requests"),
    path("hakemukset/<int:request_id>/", manage.decide_join_request, name="manage-decide-join-request"),
]

space_patterns = [
    path("", space.dashboard, name="space"),
    path("jasenet/", space.directory, name="space-directory"),
    path("materiaalit/", space.materials, name="space-materials"),
    path("organisaatio/", space.request_organisation, name="space-request-organisation"),
    path("tyopajat/", include(workshop_urls.space_patterns)),
    path("luvut/", include(workshop_urls.figures_patterns)),
    path("keskustelu/", include("discussions.urls")),
    path("hallinta/", include(manage_patterns)),
]

urlpatterns = [
    path("<slug:network_slug>/tila/", include(space_patterns)),
    path("<slug:network_slug>/liity/", invitations.join_request, name="join-request"),
    path("<slug:network_slug>/", include(workshop_urls.calendar_patterns)),
]

invitation_urlpatterns = [
    path("kutsu/<str:token>/", invitations.accept, name="invitation"),
]
