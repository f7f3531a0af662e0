"""What the internal developers' trainings add to the networks app's pages through its hooks (networks.page_context):
a training's public development projects as a section of its page, and "has results" for a training with any."""

from django.conf import settings
from django.db.models import Exists, OuterRef
from wagtail import hooks

from networks.page_context import NETWORK_PAGE_HOOK, NETWORK_RESULTS_HOOK, PageSection

from .projects import all_public_projects, public_projects


@hooks.register(NETWORK_PAGE_HOOK)
def add_projects_section(page, request, context):
    """A training's public projects, its results, after the Tori's "Tulokset": one query, none for other kinds of
    network; no section when there are none. A translated page says the projects are in Finnish."""
    if not page.is_training:
        return
    projects = list(public_projects(page))
    if projects:
        lang = settings.LANGUAGE_CODE if page.locale_id != page.original.locale_id else ""
        section = {"projects": projects, "lang": lang}
        context["sections"].append(PageSection("services/parts/training_projects.html", section, order=25))


@hooks.register(NETWORK_RESULTS_HOOK)
def training_has_public_projects():
    """A training has results when it (or its Finnish original) has a public development project."""
    return Exists(all_public_projects().filter(network__translation_key=OuterRef("translation_key")))
