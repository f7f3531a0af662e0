"""View decorators that resolve the network from the URL and check the person's access on the server."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .access import live_network, network_access


def member_required(view):
    """Anonymous → sign-in; not a member → a 403 page that says what the network is and how to join.

    The view is called as view(request, access, ...) with the NetworkAccess of the person.
    """

    @wraps(view)
    def wrapper(request, network_slug, *args, **kwargs):
        network = live_network(network_slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access = network_access(request.user, network)
        if not access.is_member:
            return TemplateResponse(request, "networks/space/not_member.html", {"access": access}, status=403)
        return view(request, access, *args, **kwargs)

    return wrapper


def facilitator_required(view):
    """As member_required, and a member who is not a facilitator of this network gets 403."""

    @member_required
    @wraps(view)
    def wrapper(request, access, *args, **kwargs):
        if not access.is_facilitator:
            raise PermissionDenied
        return view(request, access, *args, **kwargs)

    return wrapper


def staff_required(view):
    """The programme office's own pages: anonymous → sign-in; signed in but not staff (`is_staff`) → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
