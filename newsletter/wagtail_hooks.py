"""The newsletter in the Wagtail admin: its issues as a snippet ("Uutiskirjeet": compose, preview), each issue's
sending page (a test to oneself, the send, the progress) and the subscriber counts, both under /admin/uutiskirje/
(newsletter.admin_views).

The issues follow Wagtail's snippet permissions: the programme office's group ("Ohjelmatoimisto", which follows
`is_staff`) has add/change/delete/view (newsletter migration 0002), superusers every permission, nobody else any.
Sending and the counts are for staff (`is_staff`); all of it needs Wagtail's admin access as well
(docs/permissions.md)."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button, ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from networks.wagtail_hooks import StaffMenuItem

from . import admin_views
from .models import NewsletterIssue


def sending_button(issue: NewsletterIssue, button_class=Button):
    label = _("Lähetys") if issue.status == NewsletterIssue.Status.DRAFT else _("Lähetyksen tila")
    return button_class(label, reverse("newsletter-admin-issue", args=[issue.pk]), icon_name="mail", priority=5)


class IssueEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.is_staff:
            buttons.append(sending_button(self.object))
        return buttons


class IssueViewSet(SnippetViewSet):
    model = NewsletterIssue
    icon = "mail"
    menu_label = _("Uutiskirjeet")
    menu_order = 340
    add_to_admin_menu = True
    list_display = ["subject", "status", "started"]
    list_filter = ["status"]
    search_fields = ["subject"]
    edit_view_class = IssueEditView


register_snippet(IssueViewSet)


@hooks.register("register_snippet_listing_buttons")
def issue_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, NewsletterIssue) and user.is_staff:
        yield sending_button(snippet, ListingButton)


@hooks.register("register_admin_urls")
def newsletter_admin_urls():
    return [
        path("uutiskirje/<int:pk>/", admin_views.issue_page, name="newsletter-admin-issue"),
        path("uutiskirje/<int:pk>/testi/", admin_views.send_test_page, name="newsletter-admin-test"),
        path("uutiskirje/<int:pk>/laheta/", admin_views.send_page, name="newsletter-admin-send"),
        path("uutiskirje/<int:pk>/jatka/", admin_views.resume_page, name="newsletter-admin-resume"),
        path("uutiskirje/tilaajat/", admin_views.subscribers_page, name="newsletter-admin-subscribers"),
    ]


@hooks.register("register_admin_menu_item")
def register_subscriber_counts():
    return StaffMenuItem(
        _("Uutiskirjeen tilaajat"),
        reverse("newsletter-admin-subscribers"),
        name="newsletter-subscribers",
        icon_name="group",
        order=345,
    )
