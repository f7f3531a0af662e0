from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.documents import get_document_model
from wagtail.models import BaseViewRestriction, Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.pagination import paginate

from .access import in_private_section, network_access
from .actions import who_answers
from .chooser import filter_chooser_pages
from .forms import JoinRequestForm, NetworkFilterForm
from .media import check_copy, check_media_move
from .models import JoinRequest, Membership, NetworkPage, Organisation, Theme
from .page_context import NETWORK_INDEX_HOOK, NETWORK_PAGE_HOOK
from .protection import MEMBER_DATA_HOOK, PageProtected, check_delete, check_move, counted


@hooks.register(NETWORK_PAGE_HOOK)
def add_access_and_join_form(page, request, context):
    """What the visitor may do here: go to the member space, ask to join, or read how one joins; and, to someone
    who may ask or has asked, who answers (one query more). On a translated page it is all about the network
    itself (`access.network`, also `network` in the context: the page in the default language), one query more."""
    access = context["access"] = network_access(request.user, page)
    context["network"] = access.network
    if access.can_apply:
        context["join_form"] = JoinRequestForm(network=access.network, user=request.user)
    if access.can_apply or access.has_pending_request:
        context["who_answers"] = who_answers(access.network)


@hooks.register(NETWORK_INDEX_HOOK)
def add_filtered_networks(page, request, context):
    """The networks filtered on the server by the query string; junk values are ignored, never an error."""
    form = NetworkFilterForm(request.GET)
    context["filter_form"] = form
    context["networks"] = paginate(request, form.filter(page.networks()), page.networks_per_page)
    context["default_language"] = settings.LANGUAGE_CODE  # a network card without translation says it is Finnish
    context["querystring_without_page"] = form.querystring()


class NetworksPanel(Component):
    """The admin dashboard's list of networks, each with links to its member space, public page and page in the
    admin. The same queries however many networks: the networks, then the person's page permissions once."""

    name = "networks"
    template_name = "networks/admin/networks_panel.html"
    order = 50

    def __init__(self, heading, networks):
        self.heading = heading
        self.networks = networks

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        rows = [
            {
                "page": network,
                "in_use": network.live and not network.private,  # the member space and public page exist
                "public_url": network.get_url(request),
                "can_edit": network.permissions_for_user(request.user).can_edit(),
            }
            for network in self.networks
        ]
        return {"heading": self.heading, "rows": rows}


@hooks.register("construct_homepage_panels")
def add_networks_panel(request, panels):
    """Facilitators see the networks they facilitate; the programme office (staff) sees the programme's networks."""
    user = request.user
    if user.is_staff:
        heading, networks = _("Ohjelman verkostot"), NetworkPage.objects.programme()
    else:
        heading = _("Verkostosi")
        facilitating = Membership.objects.active().filter(user=user, role=Membership.Role.FACILITATOR)
        networks = NetworkPage.objects.filter(pk__in=facilitating.values("network"))
    networks = list(networks.annotate(private=in_private_section()).order_by("title", "pk"))
    if networks:
        panels.append(NetworksPanel(heading, networks))


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "municipality", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "municipality"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug"]


class NetworkSnippetsGroup(SnippetViewSetGroup):
    menu_label = _("Verkostojen tiedot")
    menu_icon = "group"
    menu_order = 300
    items = (OrganisationViewSet, ThemeViewSet)


register_snippet(NetworkSnippetsGroup)


class StaffMenuItem(MenuItem):
    """A menu item for the programme office only: facilitators use the admin too."""

    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_admin_menu_item")
def register_office_join_requests():
    return StaffMenuItem(
        _("Liittymispyynnöt"), reverse("office-join-requests"), name="office-join-requests", icon_name="mail", order=310
    )


@hooks.register("before_serve_document", order=-1)
def refuse_signed_in_outsiders(document, request):
    """A signed-in person without access to a network's private document gets a 403 page. Wagtail's own
    check (which runs after this) would send them to sign in, which they already are."""
    if not request.user.is_authenticated:
        return
    for restriction in document.collection.get_view_restrictions():
        if restriction.restriction_type == BaseViewRestriction.GROUPS and not restriction.accept_request(request):
            raise PermissionDenied


# Pages that hold members' data: deleted and moved by superusers only (networks/protection.py); a network's
# documents and images stay in the network when its pages are copied or moved (networks/media.py).


def refuse(request, error, redirect_to):
    messages.error(request, str(error))
    return redirect(redirect_to)


def explorer_of_parent(page):
    return reverse("wagtailadmin_explore", args=[page.get_parent().pk])


@hooks.register("before_delete_page")
def protect_from_deletion(request, page):
    try:
        check_delete(request.user, page)
    except PageProtected as error:
        return refuse(request, error, get_valid_next_url_from_request(request) or explorer_of_parent(page))


def check_moving(user, page, destination):
    check_move(user, page, destination)
    check_media_move(page, destination)


@hooks.register("before_move_page")
def protect_from_moving(request, page, destination):
    try:
        check_moving(request.user, page, destination)
    except PageProtected as error:
        return refuse(request, error, explorer_of_parent(page))


@hooks.register("before_copy_page")
def keep_media_in_the_network_when_copying(request, page):
    """Checks a posted copy before Wagtail makes it (its copy form has checked nothing yet: a missing or
    unknown destination is left to the form)."""
    if request.method != "POST" or not request.POST.get("new_parent_page", "").isdigit():
        return None
    destination = Page.objects.filter(pk=request.POST["new_parent_page"]).first()
    if destination is None:
        return None
    try:
        check_copy(
            page.specific,
            destination,
            recursive=bool(request.POST.get("copy_subpages")),
            alias=bool(request.POST.get("alias")),
        )
    except PageProtected as error:
        return refuse(request, error, request.get_full_path())
    return None


hooks.register("construct_page_chooser_queryset", filter_chooser_pages)


@hooks.register("before_bulk_action")
def protect_from_bulk_deletion_and_moving(request, action_type, objects, action):
    if not issubclass(action.model, Page) or action_type not in ("delete", "move"):
        return None
    refusals = []
    for page in objects:
        try:
            if action_type == "delete":
                check_delete(request.user, page)
            else:
                check_moving(request.user, page, action.cleaned_form.cleaned_data["chooser"])
        except PageProtected as error:
            refusals.append(error)
    if refusals:
        for error in refusals:
            messages.error(request, str(error))
        return redirect(action.next_url)
    return None


@hooks.register(MEMBER_DATA_HOOK)
def describe_networks(page):
    networks = list(NetworkPage.objects.filter(path__startswith=page.path).values_list("pk", "collection_id"))
    if not networks:
        return []
    network_ids = [pk for pk, _collection in networks]
    memberships = Membership.objects.filter(network__in=network_ids).count()
    requests = JoinRequest.objects.filter(network__in=network_ids).count()
    documents = get_document_model().objects.filter(collection__in=[pk for _network, pk in networks if pk]).count()
    return [
        *counted(memberships, ngettext("%(count)d jäsenyys", "%(count)d jäsenyyttä", memberships)),
        *counted(requests, ngettext("%(count)d liittymispyyntö", "%(count)d liittymispyyntöä", requests)),
        *counted(documents, ngettext("%(count)d tiedosto", "%(count)d tiedostoa", documents)),
    ]
