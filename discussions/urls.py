"""The discussion's pages under a network's member space: …/<network>/tila/keskustelu/.

The browser client builds a message's addresses from the room's own (room URL + viesti/<id>/muokkaa/ …),
so keep these paths and site/static/js/discussion/render.js in step.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.rooms, name="discussion"),
    path("haku/", views.search, name="discussion-search"),
    path("<int:room_id>/", views.room, name="discussion-room"),
    path("<int:room_id>/kiinnita/", views.pin, name="discussion-pin"),
    path("<int:room_id>/sulje/", views.close, name="discussion-close"),
    path("<int:room_id>/seuranta/", views.attention, name="discussion-attention"),
    path("<int:room_id>/viesti/<int:message_id>/", views.message_link, name="discussion-message"),
    path("<int:room_id>/viesti/<int:message_id>/muokkaa/", views.edit, name="discussion-edit"),
    path("<int:room_id>/viesti/<int:message_id>/poista/", views.delete, name="discussion-delete"),
    path("<int:room_id>/viesti/<int:message_id>/piilota/", views.hide, name="discussion-hide"),
    path("<int:room_id>/viesti/<int:message_id>/reaktio/", views.react, name="discussion-react"),
    path("<int:room_id>/viesti/<int:message_id>/ilmoita/", views.report, name="discussion-report"),
]
