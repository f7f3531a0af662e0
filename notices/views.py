"""The person's notice settings, /oma/ilmoitukset/, and following or muting a network from its front page.

One form holds every choice, and one POST saves them all in one transaction (notices.actions.set_preferences):
a refused choice — a network the person is not a member of, a kind or delivery that does not exist — shows the
page again with the reason and changes nothing. The page runs a fixed number of queries, however many networks
and rooms the person has.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ActionError
from networks.decorators import member_required
from networks.overview import active_memberships

from . import actions, attention, choices
from .forms import NoticeSettingsForm
from .models import MUTABLE_KINDS, Attention, Kind
from .preferences import preferences_of


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    user = request.user
    networks = [membership.network for membership in active_memberships(user)]
    form = NoticeSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"frequency": choices.digest_frequency(user).value, "language": user.email_language},
        deliveries=preferences_of(user),
        networks=networks,
        levels=choices.network_levels(user, networks),
        followed=attention.followed(user, networks),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.set_preferences(user, **form.changes())
            except ActionError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Ilmoitusasetuksesi on tallennettu."))
                return redirect("notice-settings")
        status = 400
    context = {
        "form": form,
        "muted_kinds": [kind.label for kind in Kind if kind in MUTABLE_KINDS],
    }
    return TemplateResponse(request, "notices/settings.html", context, status=status)


@require_POST
@member_required
def network_attention(request, access):
    """Follow or mute the network from its front page (`level`), then back there with what changed."""
    try:
        level = actions.set_network_attention(request.user, access.network, request.POST.get("level"))
    except ActionError as refusal:
        messages.error(request, refusal.message)
    else:
        if level == Attention.MUTE:
            messages.success(request, _("Verkosto on hiljennetty."))
        else:
            messages.success(request, _("Seuraat verkostoa."))
    return redirect("space", access.network.slug)
