"""The member space of a network and its facilitators' tools, under the network's public address."""

from django.urls import path

from .views import invitations, manage, space

urlpatterns = [
    path("<slug:network_slug>/tila/", space.dashboard, name="space"),
    path("<slug:network_slug>/tila/jasenet/", space.directory, name="space-directory"),
    path("<slug:network_slug>/tila/materiaalit/", space.materials, name="space-materials"),
    path("<slug:network_slug>/liity/", invitations.join_request, name="join-request"),
    path("<slug:network_slug>/tila/hallinta/jasenet/", manage.members, name="manage-members"),
    path("<slug:network_slug>/tila/hallinta/jasenet/<int:membership_id>/rooli/", manage.change_role, name="manage-role"),
    path("<slug:network_slug>/tila/hallinta/jasenet/<int:membership_id>/poista/", manage.remove, name="manage-remove"),
    path("<slug:network_slug>/tila/hallinta/kutsut/", manage.invitations, name="manage-invitations"),
    path(
        "<slug:network_slug>/tila/hallinta/kutsut/<int:invitation_id>/peru/",
        manage.revoke_invitation,
        name="manage-revoke-invitation",
    ),
    path("<slug:network_slug>/tila/hallinta/hakemukset/", manage.join_requests, name="manage-join-requests"),
    path(
        "<slug:network_slug>/tila/hallinta/hakemukset/<int:request_id>/",
        manage.decide_join_request,
        name="manage-decide-join-request",
    ),
]

invitation_urlpatterns = [
    path("kutsu/<str:token>/", invitations.accept, name="invitation"),
]
