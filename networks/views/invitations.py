"""Joining a network: accepting an invitation link, and asking to join a network open for applications."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionError
from core.ratelimit import RateLimited

from .. import actions
from ..access import live_network, network_access
from ..forms import JoinRequestForm
from ..models import Membership, NetworkPage

# The raw token of an invitation link opened before signing in: allauth's adapter brings the person back to
# it after signing in or up (pending_invitation_path, registered in NetworksConfig.ready()).
SESSION_KEY = "invitation_token"


def pending_invitation_path(request):
    """`/kutsu/<token>/` of the open invitation held in the session, or None.

    A token whose invitation has been accepted, revoked or has expired is forgotten here, so that an old
    link in the session does not keep sending the person back to it.
    """
    session = getattr(request, "session", None)
    token = session.get(SESSION_KEY) if session is not None else None
    if not token or not isinstance(token, str):
        return None
    invitation = actions.find_invitation(token)
    if invitation is None or not invitation.is_open:
        session.pop(SESSION_KEY, None)
        return None
    return reverse("invitation", args=[token])


def _account_url(name, next_path):
    """allauth's sign-in or sign-up address with ?next=."""
    return f"{reverse(name)}?{urlencode({'next': next_path})}"


def _forget_token(request, token):
    if request.session.get(SESSION_KEY) == token:
        del request.session[SESSION_KEY]


def _not_open(request, invitation, state, token):
    """A clear page for a link that does not work (any more); never an error page."""
    _forget_token(request, token)
    used_by_viewer = state == "used" and request.user.is_authenticated and invitation.accepted_by_id == request.user.pk
    return TemplateResponse(
        request,
        "networks/invitations/not_open.html",
        {"invitation": invitation, "state": state, "used_by_viewer": used_by_viewer},
        status=404 if state == "unknown" else 410,
    )


def accept(request, token):
    """An invitation link. Anonymous: sign up or sign in first (the token waits in the session and allauth's
    adapter brings the person back here). Signed in: confirm with a button, which creates the membership."""
    invitation = actions.find_invitation(token)
    state = actions.invitation_state(invitation)
    if state != "open":
        return _not_open(request, invitation, state, token)
    network = invitation.network
    path = reverse("invitation", args=[token])

    if not request.user.is_authenticated:
        request.session[SESSION_KEY] = token
        # The link reached this address, so a sign-up with it needs no further verification.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return TemplateResponse(
            request,
            "networks/invitations/sign_in.html",
            {
                "invitation": invitation,
                "network": network,
                "signup_url": _account_url("account_signup", path),
                "login_url": _account_url("account_login", path),
            },
        )

    if request.method == "POST":
        try:
            membership = actions.accept_invitation(token, request.user)
        except ActionError:  # used, revoked or expired between the page and the button
            invitation.refresh_from_db()
            return _not_open(request, invitation, actions.invitation_state(invitation), token)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("Tervetuloa verkostoon %(network)s! Olet nyt roolissa %(role)s.")
            % {"network": network.title, "role": str(membership.get_role_display()).lower()},
        )
        return redirect("space", network.slug)

    existing = Membership.objects.active().filter(user=request.user, network=network).first()
    return TemplateResponse(
        request,
        "networks/invitations/confirm.html",
        {
            "invitation": invitation,
            "network": network,
            "existing": existing,
            "accept_path": path,
            "other_address": invitation.email != request.user.email.lower(),
        },
    )


def posted_from(request, network):
    """The page the join form was posted from (its hidden `page`): the network's own, or one of its live
    translations, where the person is then brought back, in that page's language. Any other id is ignored."""
    page_id = request.POST.get("page", "")
    if page_id.isdigit() and int(page_id) != network.pk:
        translations = NetworkPage.objects.live().filter(translation_key=network.translation_key)
        page = translations.select_related("locale").filter(pk=page_id).first()
        if page is not None:
            return page
    return network


@require_POST
def join_request(request, network_slug):
    """A signed-in person asks, for their organisation, to join a network that is open for applications: from the
    network's page or from one of its translations (NetworkPage.original), which then answers in its language."""
    network = live_network(network_slug)
    page = posted_from(request, network)
    if page is network:
        return ask_to_join(request, network, page)
    with translation.override(page.locale.language_code):
        response = ask_to_join(request, network, page)
        # Rendered here, in the page's language, rather than after the view has returned.
        return response.render() if isinstance(response, TemplateResponse) else response


def ask_to_join(request, network, page):
    back = f"{page.url}#liity"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        actions.check_join_request(network_access(request.user, network))
    except RateLimited:
        return redirect(back)  # the page says from which day
    except ActionError as refusal:
        level = messages.INFO if refusal.code == "already_member" else messages.ERROR
        messages.add_message(request, level, refusal.message)
        return redirect(back)
    form = JoinRequestForm(request.POST, network=network, user=request.user)
    if not form.is_valid():
        # The page again, with the errors next to the fields.
        messages.error(request, _("Pyyntöä ei lähetetty. Korjaa lomakkeen virheet."))
        context = page.get_context(request)
        context["join_form"] = form
        return TemplateResponse(request, page.get_template(request), context)
    try:
        actions.request_to_join(
            network, request.user, form.cleaned_data["organisation"], form.cleaned_data["motivation"]
        )
    except RateLimited as limited:
        messages.error(request, _("Pyyntöä ei lähetetty. %(reason)s") % {"reason": limited.message})
        return redirect(back)
    except ActionError as refusal:  # a request sent twice at the same moment
        messages.error(request, refusal.message)
        return redirect(back)
    messages.success(
        request,
        _("Pyyntösi lähetettiin. %(who_answers)s Saat vastauksen sähköpostiisi.")
        % {"who_answers": actions.who_answers(network)},
    )
    return redirect(back)
