"""Pages that hold members' data are deleted and moved by superusers only.

Facilitators create, edit, publish, unpublish and cancel their network's workshops in the Wagtail admin. But
a deleted workshop takes its tasks, answers and their files, registrations, feedback and discussion with it,
a deleted network its memberships and everything under it, and nothing brings them back; and a workshop moved
to another network would hand its members' answers to that network's members. So, for everyone but a
superuser (programme staff included):

- a page that is or holds a network is never deleted: a network always holds its memberships, groups and
  collection;
- any other page is deleted only while it holds no members' data, so that a workshop made by mistake can go
  (its empty discussion room, made with it, is no data);
- a network's pages (the network and its workshops) and pages that hold a network are never moved to another
  parent. Reordering a network's workshops is no move.

What a page holds is told by the `describe_member_data` hook: each app registers a function `fn(page)` that
returns short Finnish phrases for its data in the page and everything under it ("3 tehtävää", "12 vastausta"),
so that this app never imports the apps above it. `networks.wagtail_hooks` turns a refusal into an admin
message, in every admin view that deletes or moves pages.
"""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from wagtail import hooks

from core.errors import ActionError

from .models import NetworkPage

MEMBER_DATA_HOOK = "describe_member_data"


class PageProtected(ActionError):
    """A refused deletion, move or copy; the message says why and what to do instead."""

    code = "page_protected"


def describe_member_data(page):
    """Short phrases for the members' data in `page` and its descendants, from every app that has some."""
    return [description for describe in hooks.get_hooks(MEMBER_DATA_HOOK) for description in describe(page)]


def counted(count, phrase):
    """[phrase] for a count above zero (phrase: ngettext("%(count)d tehtävä", "%(count)d tehtävää", count))."""
    return [phrase % {"count": count}] if count else []


def holds_network(page):
    return NetworkPage.objects.filter(path__startswith=page.path).exists()


def network_at(page):
    """The network that `page` is or lies under, or None."""
    ancestor_paths = [page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]
    return NetworkPage.objects.filter(path__in=ancestor_paths).order_by("-depth").first()


def refusal(reason):
    return " ".join(
        [
            reason,
            _("Vain pääkäyttäjä voi siirtää verkoston sivuja ja poistaa sivuja, joissa on jäsenten tietoja."),
            _("Jos sivun ei pidä enää näkyä, poista se julkaisusta; työpajan, joka ei toteudu, voi merkitä perutuksi."),
        ]
    )


def data_text(data):
    return get_text_list(data, _("ja"))


def check_delete(user, page):
    """Raises PageProtected if `user` may not delete `page` (Wagtail's own permission check comes first)."""
    if user.is_superuser:
        return
    data = describe_member_data(page)
    title = page.get_admin_display_title()
    if data:
        reason = _("Sivua ”%(title)s” ei voi poistaa, koska siinä on jäsenten tietoja: %(data)s.")
        raise PageProtected(message=refusal(reason % {"title": title, "data": data_text(data)}))
    if holds_network(page):
        reason = _(
            "Sivua ”%(title)s” ei voi poistaa, koska se on verkoston sivu: sillä on verkoston jäsenryhmät ja "
            "tiedostokokoelma."
        )
        raise PageProtected(message=refusal(reason % {"title": title}))


def check_move(user, page, destination):
    """Raises PageProtected if `user` may not move `page` under `destination`."""
    if user.is_superuser or page.get_parent().pk == destination.pk:
        return
    if network_at(page) is None and not holds_network(page):
        return
    data = describe_member_data(page)
    title = page.get_admin_display_title()
    if data:
        reason = _(
            "Sivua ”%(title)s” ei voi siirtää, koska siinä on jäsenten tietoja: %(data)s. Siirto veisi ne toisen "
            "verkoston jäsenten nähtäville."
        )
        raise PageProtected(message=refusal(reason % {"title": title, "data": data_text(data)}))
    reason = _(
        "Sivua ”%(title)s” ei voi siirtää, koska se kuuluu verkostolle: siirto veisi sen aineistot toisen verkoston "
        "jäsenten nähtäville. Jos työpaja on väärässä verkostossa, tee se oikeaan verkostoon ja poista tämä."
    )
    raise PageProtected(message=refusal(reason % {"title": title}))
