"""Filters for the workshops' e-mails, which get plain data (a notice's payload) rather than models."""

from django import template

from workshops.models import Task

register = template.Library()


@register.filter
def task_kind(value):
    """A task's kind ("pre", "inter") as its label in the active language."""
    try:
        return Task.Kind(value).label
    except ValueError:
        return ""
