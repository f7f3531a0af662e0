"""A network's workshops in its member space (under /verkostot/<network>/tila/tyopajat/, composed in
spaces.urls, which also serves one workshop's page), its public calendar, and a network's participant figures
(the whole programme's are services.urls')."""

from django.urls import path

from .views import calendar, feedback, figures, rsvp, space, tasks

space_patterns = [
    path("", space.workshop_list, name="space-workshops"),
    path("<int:workshop_id>/ilmoittautuminen/", rsvp.respond, name="workshop-rsvp"),
    path("<int:workshop_id>/osallistujat/", rsvp.attendance, name="workshop-attendance"),
    path("<int:workshop_id>/palaute/", feedback.give, name="workshop-feedback"),
    path("<int:workshop_id>/palaute/tulokset/", feedback.results, name="workshop-feedback-results"),
    path("<int:workshop_id>/palaute/sulje/", feedback.close, name="workshop-feedback-close"),
    path("<int:workshop_id>/tehtavat/uusi/", tasks.create, name="task-create"),
    path("tehtavat/<int:task_id>/", tasks.detail, name="task"),
    path("tehtavat/<int:task_id>/muokkaa/", tasks.edit, name="task-edit"),
    path("tehtavat/<int:task_id>/luonnos/", tasks.draft, name="task-draft"),
    path("tehtavat/<int:task_id>/vastaukset/", tasks.answers, name="task-answers"),
    path("tehtavat/<int:task_id>/muistutus/", tasks.remind, name="task-remind"),
    path("tehtavat/<int:task_id>/tiedostot/<int:file_id>/", tasks.download_file, name="task-file"),
    path("tehtavat/<int:task_id>/tiedostot/<int:file_id>/poista/", tasks.delete_file, name="task-file-delete"),
]

# Under the network's member space: /verkostot/<network>/tila/luvut/...
figures_patterns = [
    path("", figures.network_figures, name="network-figures"),
    path("osallistujat.csv", figures.network_figures_csv, name="network-figures-csv"),
    path("osallistujat.xlsx", figures.network_figures_xlsx, name="network-figures-xlsx"),
]

# Public, under the network's address: /verkostot/<network>/...
calendar_patterns = [
    path("tyopajat.ics", calendar.network_feed, name="network-calendar"),
    path("tyopajat/<int:workshop_id>.ics", calendar.workshop_event, name="workshop-calendar"),
]
