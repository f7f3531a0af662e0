"""The services' addresses (composed in config.urls and spaces.urls)."""

from django.urls import path

from .views import days, examples, feedback, figures, projects, requests

# /sparraus/...: applying for sparring (signed in), the anonymous feedback link, the programme office's queue.
sparring_patterns = [
    path("hae/", requests.apply, name="sparring-apply"),
    path("palaute/<str:key>/", feedback.give, name="sparring-feedback"),
    path("hallinta/", requests.office, name="sparring-office"),
    path("hallinta/<int:request_id>/", requests.decide, name="sparring-decide"),
]

# /oma/sparraus/...: the applicant's requests and the coach's assignments, their days and feedback.
mine_patterns = [
    path("", requests.mine, name="sparring-mine"),
    path("<int:request_id>/", requests.detail, name="sparring-request"),
    path("<int:request_id>/paivat/", days.day_list, name="sparring-days"),
    path("<int:request_id>/paivat/uusi/", days.day_new, name="sparring-day-new"),
    path("<int:request_id>/paivat/<int:day_id>/", days.day_edit, name="sparring-day-edit"),
    path("<int:request_id>/paivat/<int:day_id>/palaute/", days.feedback_results, name="sparring-feedback-results"),
    path("<int:request_id>/paivat/<int:day_id>/palaute/sulje/", days.feedback_close, name="sparring-feedback-close"),
    path("<int:request_id>/teoksi/", examples.to_act, name="sparring-to-act"),
]

# Under a training's member space: /verkostot/<network>/tila/hankkeet/...
project_patterns = [
    path("", projects.project_list, name="space-projects"),
    path("uusi/", projects.project_new, name="space-project-new"),
    path("<int:project_id>/muokkaa/", projects.project_edit, name="space-project-edit"),
    path("<int:project_id>/piilota/", projects.project_hide, name="space-project-hide"),
    path("<int:project_id>/poista/", projects.project_delete, name="space-project-delete"),
]

# The whole programme's figures, for the programme office: /luvut/...
programme_patterns = [
    path("", figures.programme_page, name="programme-figures"),
    path("osallistujat.csv", figures.programme_csv, name="programme-figures-csv"),
    path("osallistujat.xlsx", figures.programme_xlsx, name="programme-figures-xlsx"),
]
