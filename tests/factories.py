"""Small builders for a focused page tree: tests make only what they need (no demo content)."""

import itertools
from datetime import timedelta

from django.utils import timezone
from wagtail.models import Collection, Locale, Page, Site

from home.models import HomePage, StandardPage
from networks.models import NetworkIndexPage, NetworkPage, Organisation, Theme
from tori.models import ActPage, Sector, ToriIndexPage
from workshops.models import WorkshopPage

_counter = itertools.count(1)


def ensure_wagtail_root():
    """The default locale, the root page and the root collection, as Wagtail's data migrations make them.
    A transactional test's flush empties every table, so tests that run after one put these back first."""
    locale, _created = Locale.objects.get_or_create(language_code="fi")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def build_site():
    """A home page as the default site's root, with a network index under it."""
    root = ensure_wagtail_root()
    home = root.add_child(instance=HomePage(title="Verkostamo", slug="verkostamo-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    index = home.add_child(instance=NetworkIndexPage(title="Verkostot", slug="verkostot"))
    return home, index


def make_standard_page(parent, title="Tietoa ohjelmasta", **fields):
    return parent.add_child(instance=StandardPage(title=title, slug=f"sivu-{next(_counter)}", **fields))


def make_theme(name=None):
    n = next(_counter)
    return Theme.objects.create(name=name or f"Teema {n}", slug=f"teema-{n}")


def make_organisation(name=None, kind=Organisation.Kind.MUNICIPALITY, **fields):
    return Organisation.objects.create(name=name or f"Organisaatio {next(_counter)}", kind=kind, **fields)


def make_network(index, title=None, organisations=(), **fields):
    n = next(_counter)
    fields.setdefault("summary", "Verkosto kehittää kuntatyötä yhdessä.")
    network = index.add_child(instance=NetworkPage(title=title or f"Verkosto {n}", slug=f"verkosto-{n}", **fields))
    if organisations:
        network.organisations.set(organisations)
        network.save()
    return network


def make_workshop(network, days_from_now=7, number=None, **fields):
    start = timezone.now() + timedelta(days=days_from_now)
    fields.setdefault("place", "Kuntatalo, Toinen linja 14, Helsinki")
    n = next(_counter)
    fields.setdefault("title", f"Työpaja {n}")
    return network.add_child(
        instance=WorkshopPage(
            slug=f"tyopaja-{n}",
            number=number or n,
            start=start,
            end=start + timedelta(hours=4),
            **fields,
        )
    )


def make_user(email=None, password="salasana-123", **fields):  # noqa: S107 - test accounts
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(email or f"henkilo{next(_counter)}@example.fi", password, **fields)


def make_membership(network, user=None, role="member", organisation=None):
    from networks.actions import add_member

    membership, _created = add_member(network, user or make_user(), role, organisation)
    return membership


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def make_document(collection, title="Työpajan muistio", name="muistio.pdf", content=PDF):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name), collection=collection, file_size=len(content)
    )


def make_image(collection, title="Kuva", name="kuva.png"):
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    data = BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(data, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(data, name=name), collection=collection)


def make_tori(home, title="Tekojen Tori"):
    return home.add_child(instance=ToriIndexPage(title=title, slug="tekojen-tori"))


def make_act(tori, organisation, title=None, live=True, owner=None, themes=(), **fields):
    """An act under `tori`, published unless live=False (then a draft page, as a member's write-up starts)."""
    n = next(_counter)
    values = {
        "sector": Sector.FINANCE_HR,
        "summary": "Laskujen käsittely nopeutui, kun prosessi kuvattiin yhdessä.",
        "problem": "Laskut kiersivät liian monen käden kautta.",
        "actions": "Johto, esihenkilöt ja henkilöstö kuvasivat prosessin yhdessä.",
        "by_management": True,
        "by_staff": True,
        "result": "Käsittelyaika lyheni neljäsosaan.",
        "how_to_copy": "Aloita kuvaamalla nykyinen prosessi seinälle.",
        "contact_name": "Maija Meikäläinen",
        "contact_email": f"yhteys{n}@example.fi",
        "consent_given_by": "Kunnanjohtaja",
        "consent_date": timezone.localdate(),
        **fields,
    }
    act = ActPage(
        title=title or f"Kehittämisteko {n}",
        slug=f"teko-{n}",
        organisation=organisation,
        live=live,
        owner=owner,
        **values,
    )
    tori.add_child(instance=act)
    if themes:
        act.themes.set(themes)
        act.save()
    if not live:
        act.save_revision(user=owner)
    return act
