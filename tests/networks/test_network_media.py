"""A network's documents and images stay in the network: its pages may show only its own collection's files
and public ones — not when edited, not when copied or moved. The admin's page chooser shows an editor only
their own networks' pages and public live pages."""

import html
import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Collection, GroupCollectionPermission, Page
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from core.chosen_media import CollectionRules, media_errors, references, refused_media
from networks.models import NetworkPage
from tests.conftest import ADMIN_ROLES, client_for
from tests.factories import make_document, make_image, make_membership, make_network, make_standard_page, make_workshop
from workshops.models import WorkshopPage

pytestmark = pytest.mark.django_db

FOREIGN_TITLE = "SALAISUUS-B budjettiluonnos"
DOCUMENT_REFUSED = (
    "Tiedostoa ei voi käyttää tällä sivulla: sitä ei ole tai se on kokoelmassa, jota sivun lukijat eivät saa "
    "nähdä. Valitse tiedosto sivun verkoston omasta kokoelmasta tai julkisesta kokoelmasta."
)
IMAGE_REFUSED = (
    "Kuvaa ei voi käyttää tällä sivulla: sitä ei ole tai se on kokoelmassa, jota sivun lukijat eivät saa "
    "nähdä. Valitse kuva sivun verkoston omasta kokoelmasta tai julkisesta kokoelmasta."
)


@pytest.fixture
def files(admin_people, settings, tmp_path):
    """Documents and images: the network's own, another network's (private) and public ones."""
    settings.MEDIA_ROOT = tmp_path / "media"
    network, other, _people = admin_people
    public = Collection.get_first_root_node().add_child(name="Julkiset")
    return {
        "own": make_document(network.collection, title="Oma muistio"),
        "foreign": make_document(other.collection, title=FOREIGN_TITLE, name="salaisuus-b.pdf"),
        "public": make_document(public, title="Julkinen esite"),
        "own image": make_image(network.collection),
        "foreign image": make_image(other.collection, title=FOREIGN_TITLE, name="salaisuus-b.png"),
        "public image": make_image(public),
    }


def workshop_form(workshop, members_content=(), summary="<p>Tiivistelmä</p>"):
    """The admin's edit form of a workshop, as the browser posts it."""
    return nested_form_data(
        {
            "title": workshop.title,
            "slug": workshop.slug,
            "number": workshop.number,
            "start": workshop.start.strftime("%Y-%m-%d %H:%M"),
            "end": workshop.end.strftime("%Y-%m-%d %H:%M"),
            "place": workshop.place,
            "online_url": "",
            "capacity": "",
            "summary": rich_text(summary),
            "agenda": streamfield([]),
            "members_content": streamfield(list(members_content)),
            "facilitator_notes": streamfield([]),
            "comments": inline_formset([]),
        }
    )


def network_form(network, body=()):
    return nested_form_data(
        {
            "title": network.title,
            "slug": network.slug,
            "summary": network.summary,
            "kind": network.kind,
            "status": network.status,
            "goals": rich_text("<p>Tavoitteet</p>"),
            "body": streamfield(list(body)),
            "comments": inline_formset([]),
            "facilitators": inline_formset([]),
        }
    )


def edit(client, page, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def block_errors(response, field):
    """{block index: [messages]} of the field's error, as the editor's StreamField shows them."""
    error = response.context["form"].errors[field].as_data()[0]
    return {int(index): data["messages"] for index, data in error.as_json_data()["blockErrors"].items()}


def assert_not_revealed(response):
    content = response.content.decode()
    for secret in (FOREIGN_TITLE, "salaisuus-b", json.dumps(FOREIGN_TITLE)[1:-1]):
        assert secret not in content


def admin_messages(response):
    return [html.unescape(strip_tags(str(message))).strip() for message in get_messages(response.wsgi_request)]


def chosen_ids(page, field):
    return [
        str(pk) for _model, pk, _path, _content in page._meta.get_field(field).extract_references(getattr(page, field))
    ]


# ---------- The attack: a facilitator of A puts B's private document into A's workshop ----------


def test_another_networks_document_is_refused_on_the_field_and_not_saved(client, admin_people, files):
    network, _other, people = admin_people
    workshop = make_workshop(network, title="Kolmas työpaja")
    revisions = workshop.revisions.count()
    client = client_for(client, people["facilitator"])

    response = edit(
        client,
        workshop,
        workshop_form(
            workshop,
            members_content=[
                ("paragraph", rich_text("<p>Tässä taustamateriaali.</p>")),
                ("document", files["foreign"].pk),
                ("document", files["own"].pk),
            ],
        ),
    )

    assert response.status_code == 200  # the form again
    assert block_errors(response, "members_content") == {1: [DOCUMENT_REFUSED]}
    assert_not_revealed(response)  # neither in the message nor in the chooser shown again
    workshop = WorkshopPage.objects.get(pk=workshop.pk)
    assert workshop.revisions.count() == revisions
    assert str(files["foreign"].pk) not in chosen_ids(workshop, "members_content")


def test_own_and_public_documents_are_saved(client, admin_people, files):
    network, _other, people = admin_people
    workshop = make_workshop(network)

    response = edit(
        client_for(client, people["facilitator"]),
        workshop,
        workshop_form(workshop, members_content=[("document", files["own"].pk), ("document", files["public"].pk)]),
    )

    assert response.status_code == 302
    saved = WorkshopPage.objects.get(pk=workshop.pk).get_latest_revision_as_object()
    assert chosen_ids(saved, "members_content") == [str(files["own"].pk), str(files["public"].pk)]


def test_a_foreign_document_link_in_rich_text_never_reaches_the_page(client, admin_people, files):
    """The materials' rich text has no document links: Wagtail drops the link from what is posted, so the
    foreign id is not saved (and the check would refuse it if the feature were ever turned on)."""
    network, _other, people = admin_people
    workshop = make_workshop(network)
    link = f'<p><a linktype="document" id="{files["foreign"].pk}">liite</a></p>'

    response = edit(
        client_for(client, people["facilitator"]),
        workshop,
        workshop_form(workshop, members_content=[("paragraph", rich_text(link))], summary=link),
    )

    assert response.status_code == 302
    saved = WorkshopPage.objects.get(pk=workshop.pk).get_latest_revision_as_object()
    assert str(files["foreign"].pk) not in chosen_ids(saved, "members_content") + chosen_ids(saved, "summary")


def test_another_networks_image_is_refused_on_the_network_page(client, admin_people, files):
    network, _other, people = admin_people
    image_block = {"image": files["foreign image"].pk, "alt_text": "", "caption": ""}

    response = edit(
        client_for(client, people["facilitator"]),
        network,
        network_form(
            network, body=[("image", {**image_block, "image": files["own image"].pk}), ("image", image_block)]
        ),
    )

    assert response.status_code == 200
    assert block_errors(response, "body") == {1: [IMAGE_REFUSED]}
    assert_not_revealed(response)
    assert not NetworkPage.objects.get(pk=network.pk).body


def test_pages_outside_networks_show_only_unrestricted_collections(files, admin_people):
    network, _other, _people = admin_people
    page = make_standard_page(network.get_parent().get_parent())
    body = [("image", {"image": files["own image"], "alt_text": "", "caption": ""})]
    assert media_errors(
        type(page), refused_media(type(page), {"body": page._meta.get_field("body").to_python(body)}, [])
    )
    public = [("image", {"image": files["public image"], "alt_text": "", "caption": ""})]
    assert not refused_media(type(page), {"body": page._meta.get_field("body").to_python(public)}, [])


# ---------- What the check finds: rich text and nested blocks ----------


def test_rich_text_document_links_and_image_embeds_are_checked(files, admin_people):
    network, _other, _people = admin_people
    allowed = network.media_collections()
    goals = (
        f'<p><a linktype="document" id="{files["foreign"].pk}">a</a>'
        f'<a linktype="document" id="{files["public"].pk}">b</a></p>'
        f'<embed embedtype="image" id="{files["foreign image"].pk}" format="left" alt=""/>'
        f'<embed embedtype="image" id="{files["own image"].pk}" format="left" alt=""/>'
        '<p><a linktype="document" id="999999">missing</a></p>'
    )

    refused = refused_media(NetworkPage, {"goals": goals}, allowed)

    assert sorted(refused["goals"]) == sorted(
        [
            (None, "document", str(files["foreign"].pk)),
            (None, "image", str(files["foreign image"].pk)),
            (None, "document", "999999"),
        ]
    )
    assert media_errors(NetworkPage, refused)["goals"].messages == [DOCUMENT_REFUSED, IMAGE_REFUSED]


def test_documents_and_images_are_found_at_any_depth(files, admin_people):
    network, _other, _people = admin_people
    nested = blocks.StreamBlock(
        [
            (
                "section",
                blocks.StructBlock(
                    [
                        ("files", blocks.ListBlock(DocumentChooserBlock())),
                        (
                            "more",
                            blocks.StreamBlock([("image", ImageChooserBlock()), ("text", blocks.RichTextBlock())]),
                        ),
                    ]
                ),
            ),
        ]
    )
    field = StreamField(nested)
    text = RichText(f'<p><a linktype="document" id="{files["foreign"].pk}">x</a></p>')
    value = nested.to_python(
        [
            {"type": "section", "value": {"files": [files["own"].pk], "more": []}},
            {
                "type": "section",
                "value": {
                    "files": [files["public"].pk, files["foreign"].pk],
                    "more": [
                        {"type": "image", "value": files["foreign image"].pk},
                        {"type": "text", "value": text.source},
                    ],
                },
            },
        ]
    )

    found = references(field, value)
    rules = CollectionRules(network.media_collections())

    assert (1, "document", str(files["foreign"].pk)) in found
    assert (1, "image", str(files["foreign image"].pk)) in found
    assert {place for place, _kind, _pk in found if place == 0} == {0}
    assert rules.refused(files["foreign"].__class__, {pk for _p, kind, pk in found if kind == "document"}) == {
        str(files["foreign"].pk)
    }


def test_every_page_type_checks_its_documents_and_images():
    from core.forms import PageForm

    for model in Page.__subclasses__():
        if model._meta.app_label in {"home", "networks", "workshops"}:
            assert issubclass(model.base_form_class, PageForm), model


# ---------- Copies and moves carry no documents out of their network ----------


@pytest.fixture
def workshop_with_own_document(admin_people, files):
    network, other, people = admin_people
    make_membership(other, people["facilitator"], "facilitator")
    workshop = make_workshop(network, title="Aineistotyöpaja", members_content=[("document", files["own"])])
    workshop.save_revision().publish()
    return workshop


def copy(client, page, destination, **options):
    data = {"new_title": "Kopio", "new_slug": "kopio", "new_parent_page": destination.pk, **options}
    return client.post(reverse("wagtailadmin_pages:copy", args=[page.pk]), data)


def test_a_workshop_is_not_copied_into_another_network_with_its_documents(
    client, admin_people, workshop_with_own_document
):
    _network, other, people = admin_people

    response = copy(client_for(client, people["facilitator"]), workshop_with_own_document, other)

    assert response.status_code == 302
    [message] = admin_messages(response)
    assert message.startswith("Sivua ”Aineistotyöpaja” ei voi kopioida tänne")
    assert "Sivulla ”Aineistotyöpaja” (vain jäsenille) on tiedostoja tai kuvia" in message
    assert not WorkshopPage.objects.child_of(other).exists()


def test_a_workshop_is_copied_within_its_network(client, admin_people, workshop_with_own_document):
    network, _other, people = admin_people
    response = copy(client_for(client, people["facilitator"]), workshop_with_own_document, network)
    assert response.status_code == 302
    assert WorkshopPage.objects.child_of(network).filter(slug="kopio").exists()


def test_a_workshop_with_public_files_only_may_be_copied_elsewhere(client, admin_people, files):
    network, other, people = admin_people
    make_membership(other, people["facilitator"], "facilitator")
    workshop = make_workshop(network, members_content=[("document", files["public"])])
    response = copy(client_for(client, people["facilitator"]), workshop, other)
    assert response.status_code == 302
    assert WorkshopPage.objects.child_of(other).filter(slug="kopio").exists()


def test_an_alias_never_crosses_networks(client, admin_people, files):
    network, other, people = admin_people
    make_membership(other, people["facilitator"], "facilitator")
    workshop = make_workshop(network, members_content=[("document", files["public"])])

    response = copy(client_for(client, people["facilitator"]), workshop, other, alias="on")

    assert "ei voi tehdä aliasta toiseen verkostoon" in admin_messages(response)[0]
    assert not WorkshopPage.objects.child_of(other).exists()


def test_a_copied_network_is_new_and_gets_none_of_the_originals_documents(
    client, admin_people, workshop_with_own_document
):
    network, _other, people = admin_people
    response = copy(client_for(client, people["superuser"]), network, network.get_parent(), copy_subpages="on")
    assert "Sivulla ”Aineistotyöpaja” (vain jäsenille)" in admin_messages(response)[0]
    assert NetworkPage.objects.count() == 2


def test_not_even_a_superuser_moves_a_workshop_with_its_networks_documents_elsewhere(
    client, admin_people, workshop_with_own_document
):
    network, other, people = admin_people
    response = client_for(client, people["superuser"]).post(
        reverse("wagtailadmin_pages:move_confirm", args=[workshop_with_own_document.pk, other.pk])
    )
    assert "ei voi siirtää tänne" in admin_messages(response)[0]
    assert workshop_with_own_document.get_parent().pk == network.pk


# ---------- The admin's choosers ----------


@pytest.fixture
def drafts(admin_people):
    """A live and a draft workshop in each network, and a network that is a draft as a whole."""
    network, other, _people = admin_people
    pages = {
        "own live": make_workshop(network, title="Oma julkaistu"),
        "own draft": make_workshop(network, title="Oma luonnos", live=False),
        "other live": make_workshop(other, title="Toisen julkaistu"),
        "other draft": make_workshop(other, title="Toisen luonnos", live=False),
    }
    pages["draft network"] = make_network(network.get_parent(), "Luonnosverkosto", live=False)
    return pages


def chooser_titles(response):
    return (
        html.unescape(json.loads(response.content)["html"])
        if response["Content-Type"].startswith("application/json")
        else html.unescape(response.content.decode())
    )


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_page_chooser_matrix(client, admin_people, drafts, role):
    network, other, people = admin_people
    client = client_for(client, people[role])
    browse_other = client.get(reverse("wagtailadmin_choose_page_child", args=[other.pk]))
    search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "luonnos"})
    chosen = client.get(
        reverse("wagtailadmin_choose_page_chosen_multiple"),
        {"id": [drafts["other draft"].pk, drafts["own draft"].pk, drafts["draft network"].pk]},
    )
    browse_draft_network = client.get(reverse("wagtailadmin_choose_page_child", args=[drafts["draft network"].pk]))

    if role == "superuser":
        assert "Toisen luonnos" in chooser_titles(browse_other)
        assert "Toisen luonnos" in chooser_titles(search)
        assert len(json.loads(chosen.content)["result"]) == 3
        assert browse_draft_network.status_code == 200
    elif role == "facilitator":
        listing = chooser_titles(browse_other)
        assert "Toisen julkaistu" in listing and "Toisen luonnos" not in listing
        found = chooser_titles(search)
        assert "Oma luonnos" in found and "Toisen luonnos" not in found and "Luonnosverkosto" not in found
        assert [page["id"] for page in json.loads(chosen.content)["result"]] == [drafts["own draft"].pk]
        assert browse_draft_network.status_code == 404
    else:  # no admin: nothing of the chooser at all
        for response in (browse_other, search, chosen, browse_draft_network):
            assert response.status_code in (302, 403)
            assert "luonnos" not in response.content.decode().lower()


def test_facilitators_choose_only_their_own_networks_files_and_images(client, admin_people, files):
    network, other, people = admin_people
    client = client_for(client, people["facilitator"])

    documents = html.unescape(client.get(reverse("wagtaildocs_chooser:choose")).content.decode())
    assert "Oma muistio" in documents and FOREIGN_TITLE not in documents
    images = client.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert f"/{files['own image'].pk}/" in images and f"/{files['foreign image'].pk}/" not in images
    assert client.get(reverse("wagtaildocs_chooser:chosen", args=[files["foreign"].pk])).status_code in (302, 403)
    assert client.get(reverse("wagtailimages_chooser:chosen", args=[files["foreign image"].pk])).status_code in (
        302,
        403,
    )
    permitted = set(
        GroupCollectionPermission.objects.filter(group=network.facilitators_group).values_list(
            "collection_id", "permission__codename"
        )
    )
    assert {collection for collection, _codename in permitted} == {network.collection_id}
    assert {"choose_document", "choose_image"} <= {codename for _collection, codename in permitted}
