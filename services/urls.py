"""The services' addresses (composed in config.urls and spaces.urls)."""

from django.urls import path

from .views import figures

# /sparraus/...: applying for sparring (signed in), the anonymous feedback link, the programme office's queue.
sparring_patterns: list = []

# /oma/sparraus/...: the applicant's requests and the coach's assignments, their days and feedback.
mine_patterns: list = []

# Under a training's member space: /verkostot/<network>/tila/hankkeet/...
project_patterns: list = []

# The whole programme's figures, for the programme office: /luvut/...
programme_patterns = [
    path("", figures.programme_page, name="programme-figures"),
    path("osallistujat.csv", figures.programme_csv, name="programme-figures-csv"),
    path("osallistujat.xlsx", figures.programme_xlsx, name="programme-figures-xlsx"),
]
