"""The trainings' share of a person's data export (accounts.data): the development projects they added. A deleted
account's projects stay with the training as its results, under the emptied account (their text is the
training's, in the name of an organisation)."""

from accounts.data import iso_date, register_exporter

from .models import DevelopmentProject


@register_exporter("development_projects")
def export_projects(user):
    projects = DevelopmentProject.objects.filter(owner=user).select_related("network", "organisation")
    return [
        {
            "training": project.network.title,
            "title": project.title,
            "summary": project.summary,
            "organisation": project.organisation.name if project.organisation else None,
            "public": project.public,
            "created": iso_date(project.created),
        }
        for project in projects.order_by("created", "pk")
    ]
