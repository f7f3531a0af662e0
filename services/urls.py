"""The services' addresses (composed in config.urls and spaces.urls)."""

from django.urls import path  # noqa: F401 - used as the lists fill up

from . import project_views

# /sparraus/...: applying for sparring (signed in), the anonymous feedback link, the programme office's queue.
sparring_patterns: list = []

# /oma/sparraus/...: the applicant's requests and the coach's assignments, their days and feedback.
mine_patterns: list = []

# Under a training's member space: /verkostot/<network>/tila/hankkeet/...
project_patterns: list = [
    path("", project_views.project_list, name="space-projects"),
    path("uusi/", project_views.project_new, name="space-project-new"),
    path("<int:project_id>/muokkaa/", project_views.project_edit, name="space-project-edit"),
    path("<int:project_id>/piilota/", project_views.project_hide, name="space-project-hide"),
    path("<int:project_id>/poista/", project_views.project_delete, name="space-project-delete"),
]
