"""Networks' pages under a network's address: the member directory, materials and facilitators' tools in its
member space (composed with the other apps' in spaces.urls), joining, and accepting an invitation; and the
programme office's queue of every network's join requests."""

from django.urls import path

from .views import invitations, manage, office, space

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

# Under the member space: /verkostot/<network>/tila/...
space_patterns = [
    path("jasenet/", space.directory, name="space-directory"),
    path("materiaalit/", space.materials, name="space-materials"),
    path("organisaatio/", space.request_organisation, name="space-request-organisation"),
]

# Public, under the network's address: /verkostot/<network>/...
network_patterns = [
    path("liity/", invitations.join_request, name="join-request"),
]

invitation_urlpatterns = [
    path("kutsu/<str:token>/", invitations.accept, name="invitation"),
]

# The programme office's own pages: /liittymispyynnot/ (config.urls)
office_patterns = [
    path("", office.join_requests, name="office-join-requests"),
]
