"""A network's documents and images stay in the network, also when its pages are copied or moved.

The admin form checks every edit (core.forms.PageForm, with `NetworkPage.media_collections`). A copy or a
move passes no form, so the admin hooks (networks.wagtail_hooks) check here that every page of the copied or
moved subtree still fits the network it ends up in: a workshop copied into network B must not carry network
A's private documents to B's members, and a copied network is a new network with a collection of its own.
An alias keeps showing its original, whatever is added to it later, so an alias never crosses networks.
"""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from core.chosen_media import page_media_errors

from .models import NetworkPage
from .protection import PageProtected, network_at


def allowed_collections(network):
    return network.media_collections() if network is not None else []


def misplaced_media(page, destination, copying, recursive=True):
    """[(page, field labels)] for the pages that would show documents or images outside the collections of the
    network they end up in, when `page` (and its subtree, if `recursive`) is copied or moved under `destination`.
    A network inside the subtree moves along with its pages; a copied one is new and has no collection yet."""
    pages = page.get_descendants(inclusive=True).specific() if recursive else [page.specific]
    carried = NetworkPage.objects.filter(path__startswith=page.path) if recursive else []
    target = network_at(destination)
    misplaced = []
    for each in pages:
        carrier = next((network for network in carried if each.path.startswith(network.path)), None)
        network = target if carrier is None else None if copying else carrier
        errors = page_media_errors(each, allowed_collections(network))
        if errors:
            labels = [str(type(each)._meta.get_field(name).verbose_name) for name in errors]
            misplaced.append((each, labels))
    return misplaced


def media_refusal(reason, misplaced):
    page, labels = misplaced[0]
    where = _("Sivulla ”%(title)s” (%(fields)s) on tiedostoja tai kuvia, jotka kuuluvat verkoston omaan kokoelmaan.")
    return " ".join(
        [
            reason,
            where % {"title": page.get_admin_display_title(), "fields": get_text_list(labels, _("ja"))},
            _("Vaihda ne ensin julkisen kokoelman tiedostoihin tai poista ne sivulta."),
        ]
    )


def check_copy(page, destination, recursive=False, alias=False):
    """Raises PageProtected if a copy (or alias) of `page` under `destination` would show one network's
    documents or images elsewhere; for superusers too."""
    title = page.get_admin_display_title()
    if alias:
        source_network = network_at(page)
        is_network = source_network is not None and source_network.pk == page.pk
        if is_network or getattr(network_at(destination), "pk", None) != getattr(source_network, "pk", None):
            raise PageProtected(
                message=_(
                    "Sivusta ”%(title)s” ei voi tehdä aliasta toiseen verkostoon: alias näyttää aina alkuperäisen "
                    "sivun sisällön, myös sen verkoston omat tiedostot. Tee kopio sen sijaan."
                )
                % {"title": title}
            )
        return
    misplaced = misplaced_media(page, destination, copying=True, recursive=recursive)
    if misplaced:
        reason = _("Sivua ”%(title)s” ei voi kopioida tänne: kopio näyttäisi verkoston omia tiedostoja muualla.")
        raise PageProtected(message=media_refusal(reason % {"title": title}, misplaced))


def check_media_move(page, destination):
    """Raises PageProtected if moving `page` under `destination` would show its network's documents or images
    in another network; for superusers too."""
    misplaced = misplaced_media(page, destination, copying=False)
    if misplaced:
        reason = _(
            "Sivua ”%(title)s” ei voi siirtää tänne: se näyttäisi verkoston omia tiedostoja toisen verkoston sivulla."
        )
        raise PageProtected(message=media_refusal(reason % {"title": page.get_admin_display_title()}, misplaced))
