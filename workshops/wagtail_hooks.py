from django.utils.translation import ngettext
from wagtail import hooks

from networks.protection import MEMBER_DATA_HOOK, counted

from .models import Feedback, Registration, Submission, Task


@hooks.register(MEMBER_DATA_HOOK)
def describe_workshop_data(page):
    """Tasks, answers (with their files), registrations and feedback of the workshops at or under `page`."""
    tasks = Task.objects.filter(workshop__path__startswith=page.path).count()
    answers = Submission.objects.filter(task__workshop__path__startswith=page.path).count()
    registrations = Registration.objects.filter(workshop__path__startswith=page.path).count()
    feedback = Feedback.objects.filter(workshop__path__startswith=page.path).count()
    return [
        *counted(tasks, ngettext("%(count)d tehtävä", "%(count)d tehtävää", tasks)),
        *counted(answers, ngettext("%(count)d vastaus", "%(count)d vastausta", answers)),
        *counted(registrations, ngettext("%(count)d ilmoittautuminen", "%(count)d ilmoittautumista", registrations)),
        *counted(feedback, ngettext("%(count)d palaute", "%(count)d palautetta", feedback)),
    ]
