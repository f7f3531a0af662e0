"""The way from the admin to an event's registrations: an "Ilmoittautuneet" button in the event page's header and in
the page listing's "more" menu, for those who may see the list (events.registrations.may_manage: staff, or anyone
who may edit the page — the same people the list lets in)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from .models import EventPage
from .registrations import may_manage


def registrations_button(page, user, priority):
    # The content type says what the page is without a query (the listing asks this for every row).
    if page.specific_class is not EventPage:
        return
    if may_manage(user, page.specific_deferred):
        yield Button(
            _("Ilmoittautuneet"),
            reverse("event-registrations", args=[page.pk]),
            icon_name="group",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def event_header_button(page, user, view_name, next_url=None):
    yield from registrations_button(page, user, priority=12)


@hooks.register("register_page_listing_more_buttons")
def event_listing_button(page, user, next_url=None):
    yield from registrations_button(page, user, priority=3)
