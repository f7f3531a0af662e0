from django import template
from django.urls import reverse

from networks.overview import active_memberships

register = template.Library()


@register.inclusion_tag("accounts/includes/user_menu.html", takes_context=True)
def user_menu(context):
    """The header's account menu. Signed in: the person's active networks, fetched in one query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    memberships = []
    if signed_in:
        memberships = active_memberships(user)
    return {
        "request": request,
        "signed_in": signed_in,
        "user": user,
        "memberships": memberships,
        "start_path": reverse("start"),
        "csrf_token": context.get("csrf_token"),
    }
