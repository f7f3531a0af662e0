"""The services' addresses (composed in config.urls and spaces.urls)."""

from django.urls import path

from .views import requests

# /sparraus/...: applying for sparring (signed in), the anonymous feedback link, the programme office's queue.
sparring_patterns: list = [
    path("hae/", requests.apply, name="sparring-apply"),
    path("hallinta/", requests.office, name="sparring-office"),
    path("hallinta/<int:request_id>/", requests.decide, name="sparring-decide"),
]

# /oma/sparraus/...: the applicant's requests and the coach's assignments, their days and feedback.
mine_patterns: list = [
    path("", requests.mine, name="sparring-mine"),
    path("<int:request_id>/", requests.detail, name="sparring-request"),
]

# Under a training's member space: /verkostot/<network>/tila/hankkeet/...
project_patterns: list = []
