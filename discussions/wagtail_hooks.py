from django.db.models import Q
from django.utils.translation import ngettext
from wagtail import hooks

from networks.protection import MEMBER_DATA_HOOK, counted

from .models import Message


@hooks.register(MEMBER_DATA_HOOK)
def describe_discussion(page):
    """Messages in the rooms of the networks and workshops at or under `page`. A room nobody has written in
    (a workshop's, made with it) is no data."""
    messages = Message.objects.filter(
        Q(room__network__path__startswith=page.path) | Q(room__workshop__path__startswith=page.path)
    ).count()
    return counted(messages, ngettext("%(count)d keskusteluviesti", "%(count)d keskusteluviestiä", messages))
