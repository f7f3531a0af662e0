"""The rooms a person followed or muted, on the notice settings page: notices sits below discussions, so the page
learns of rooms through its registry (notices.attention), which this module fills when the app is ready."""

from django.utils.translation import gettext_lazy as _

from notices.attention import register_source

from .actions import set_room_levels
from .queries import followed_rooms

register_source(
    "room",
    _("Huoneet, joita seuraat tai jotka olet hiljentänyt"),
    _("Et ole valinnut yhdellekään huoneelle omaa seurantaa. Sen voit valita huoneen sivulla."),
    followed_rooms,
    set_room_levels,
)
