from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import ngettext
from wagtail import hooks

from networks.page_context import NETWORK_PAGE_HOOK, PageSection
from networks.protection import MEMBER_DATA_HOOK, counted

from .feedback_results import network_running_average
from .models import Feedback, Registration, Submission, Task, WorkshopPage


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


def listed_workshops(page):
    """The workshops a network page lists: its own live, public children; a translated network page also lists
    its original's that have no live translation in its language (shown in Finnish, core.pages.url_here)."""
    workshops = WorkshopPage.objects.child_of(page)
    network = page.original
    if network.pk != page.pk:
        translated = WorkshopPage.objects.live().filter(
            locale_id=page.locale_id, translation_key=OuterRef("translation_key")
        )
        workshops = workshops | WorkshopPage.objects.child_of(network).exclude(Exists(translated))
    return workshops.live().public().order_by("start", "pk")


@hooks.register(NETWORK_PAGE_HOOK)
def add_workshops_section(page, request, context):
    """The network's published workshops, upcoming and held, and its feedback average once results may be shown
    (feedback closed, at least FEEDBACK_MIN_ANSWERS answers: no one can be identified). Two queries. Feedback
    and the calendar are the network's (on a translated page, its original's: NetworkPage.original)."""
    now = timezone.now()
    workshops = list(listed_workshops(page))
    network = page.original
    section = {
        "network": network,
        "upcoming": [workshop for workshop in workshops if workshop.end >= now],
        "past": [workshop for workshop in reversed(workshops) if workshop.end < now],
        "feedback_average": network_running_average(network),
        "default_language": settings.LANGUAGE_CODE,
    }
    context["sections"].append(PageSection("workshops/parts/network_workshops.html", section, order=10))
