"""The admin's page chooser shows an editor only what they may see: the pages they have permissions on (their
own networks') and live public pages — never another network's drafts or private pages. Wagtail's chooser
lists every page by default, titles and drafts included."""

from django.db.models import Q
from django.http import Http404
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

EDITING_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


def pages_visible_to(user):
    """A Q for the pages `user` may see in the page chooser."""
    own = PagePermissionPolicy().instances_user_has_any_permission_for(user, EDITING_ACTIONS)
    public = Page.objects.live().public()
    return Q(pk__in=own.values("pk")) | Q(pk__in=public.values("pk"))


def filter_chooser_pages(pages, request):
    """The construct_page_chooser_queryset hook. Browsing into a page the editor may not see is 404, so that
    its title is not shown as the listing's heading either."""
    if request.user.is_superuser:
        return pages
    visible = pages_visible_to(request.user)
    parent_id = request.resolver_match.kwargs.get("parent_page_id") if request.resolver_match else None
    if parent_id is not None and not Page.objects.filter(visible, pk=parent_id).exists():
        raise Http404("No such page")
    return pages.filter(visible)


class VisibleChosenPagesView(ChosenMultipleView):
    """Wagtail's "these pages were chosen" answer (titles and addresses by id), for visible pages only: it
    runs no chooser hook, so any id would give its page's title away."""

    def get(self, request):
        if not request.user.is_superuser:
            ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
            visible = Page.objects.filter(pages_visible_to(request.user), pk__in=ids).values_list("pk", flat=True)
            request.GET = request.GET.copy()
            request.GET.setlist("id", [str(pk) for pk in visible])
        return super().get(request)
