"""The services' addresses (composed in config.urls and spaces.urls)."""

from django.urls import path  # noqa: F401 - used as the lists fill up

# /sparraus/...: applying for sparring (signed in), the anonymous feedback link, the programme office's queue.
sparring_patterns: list = []

# /oma/sparraus/...: the applicant's requests and the coach's assignments, their days and feedback.
mine_patterns: list = []

# Under a training's member space: /verkostot/<network>/tila/hankkeet/...
project_patterns: list = []
