"""Who writes the news: the programme office's group ("Ohjelmatoimisto", networks.groups, which follows `is_staff`)
may add, edit and publish pages under the news index. It gets those page permissions when the index is created (the
demo loader's, or one made in the admin). Only those of the office with the admin's access (which `is_staff` is not:
docs/permissions.md) use them; facilitators' page permissions stay on their own networks."""

from django.contrib.auth.models import Permission
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import GroupPagePermission

from networks.groups import programme_office_group

from .models import ArticleIndexPage

OFFICE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def grant_office(index: ArticleIndexPage) -> None:
    office = programme_office_group()
    for codename in OFFICE_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=office,
            page=index,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )


@receiver(post_save, sender=ArticleIndexPage)
def news_index_created(sender, instance, created, raw=False, **kwargs):
    """Only when created: a superuser who later changes the group's permissions in the admin keeps their choice."""
    if created and not raw:
        grant_office(instance)
