"""A network's member space: its member directory, its materials, and a member's request for an organisation.
(The front page, which brings in the workshops and the discussion, is spaces.views.dashboard.)

Every view is reached through member_required, which resolves the live network from the URL and checks
the person's membership on the server; each runs a fixed number of queries whatever the number of
members, workshops and documents.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.documents import get_document_model

from core.errors import ActionError
from core.pagination import paginate

from .. import actions
from ..decorators import member_required
from ..documents import DocumentUploadForm
from ..forms import OrganisationRequestForm
from ..groups import ensure_network_groups
from ..models import Membership

DOCUMENTS_PER_PAGE = 20

# The order of roles within an organisation in the directory: who runs the network first.
ROLE_ORDER = {Membership.Role.FACILITATOR: 0, Membership.Role.CONTACT: 1, Membership.Role.MEMBER: 2}


def network_documents(network):
    """The documents in the network's private collection, newest first (none if it has no collection)."""
    Document = get_document_model()
    if network.collection_id is None:
        return Document.objects.none()
    return (
        Document.objects.filter(collection_id=network.collection_id)
        .select_related("uploaded_by_user")
        .order_by("-created_at", "-pk")
    )


class OrganisationGroup:
    """The members of one organisation in the directory (organisation None: members without one)."""

    def __init__(self, organisation):
        self.organisation = organisation
        self.memberships = []


@require_safe
@member_required
def directory(request, access):
    memberships = list(
        Membership.objects.active()
        .filter(network=access.network, user__is_active=True, user__deleted__isnull=True)
        .select_related("user", "organisation")
    )
    groups = {}
    for membership in memberships:
        # The organisation the person represents in this network (never the free profile field).
        organisation = membership.organisation
        key = organisation.pk if organisation else None
        groups.setdefault(key, OrganisationGroup(organisation)).memberships.append(membership)
    for group in groups.values():
        group.memberships.sort(
            key=lambda m: (ROLE_ORDER.get(m.role, 9), m.user.last_name.casefold(), m.user.display_name.casefold())
        )
    without = groups.pop(None, None)
    context = {
        "access": access,
        "active_tab": "directory",
        "organisation_groups": sorted(groups.values(), key=lambda group: group.organisation.name.casefold()),
        "without_organisation": without,
        "member_count": len(memberships),
    }
    return TemplateResponse(request, "networks/space/directory.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def materials(request, access):
    network = access.network
    form = None
    if request.method == "POST":
        if not access.is_facilitator:
            raise PermissionDenied
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            if network.collection_id is None:
                ensure_network_groups(network)  # repairs a network created without its collection
            document = form.save(network, request.user)
            messages.success(request, _("Tiedosto ”%(title)s” on lisätty materiaaleihin.") % {"title": document.title})
            return redirect("space-materials", network.slug)
    elif access.is_facilitator:
        form = DocumentUploadForm()
    context = {
        "access": access,
        "active_tab": "materials",
        "documents": paginate(request, network_documents(network), DOCUMENTS_PER_PAGE),
        "form": form,
    }
    status = 400 if form is not None and form.is_bound else 200
    return TemplateResponse(request, "networks/space/materials.html", context, status=status)


@require_POST
@member_required
def request_organisation(request, access):
    """A member with no organisation in the network asks its facilitators to attach them to one (an e-mail;
    nothing changes until a facilitator does it). Back to the page the request came from."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("space", args=[access.network.slug])
    if access.membership is None:
        messages.error(request, _("Vain verkoston jäsen voi pyytää liittämistä organisaatioon."))
        return redirect(back)
    form = OrganisationRequestForm(request.POST)
    if not form.is_valid():
        reason = " ".join(form.errors["organisation"])
        messages.error(request, _("Pyyntöä ei lähetetty. %(reason)s") % {"reason": reason})
        return redirect(back)
    try:
        actions.request_organisation(access.membership, form.cleaned_data["organisation"])
    except ActionError as refusal:
        messages.error(request, _("Pyyntöä ei lähetetty. %(reason)s") % {"reason": refusal.message})
    else:
        messages.success(
            request,
            _(
                "Pyyntö lähti verkoston fasilitaattoreille: sinut liitetään organisaatioon %(organisation)s, kun "
                "he ovat tarkistaneet sen. Saat tehtävän auki tältä sivulta sen jälkeen."
            )
            % {"organisation": form.cleaned_data["organisation"]},
        )
    return redirect(back)
