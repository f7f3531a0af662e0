"""The member's own acts, /oma/teot/ (config/urls.py): writing, previewing and submitting them for review."""

from django.urls import path

from .views import writeup

urlpatterns = [
    path("", writeup.act_list, name="tori-acts"),
    path("uusi/", writeup.act_new, name="tori-act-new"),
    path("<int:act_id>/", writeup.act_edit, name="tori-act"),
    path("<int:act_id>/esikatselu/", writeup.act_preview, name="tori-act-preview"),
    path("<int:act_id>/laheta/", writeup.act_submit, name="tori-act-submit"),
    path("<int:act_id>/liitteet/<int:document_id>/", writeup.attachment, name="tori-act-attachment"),
]
