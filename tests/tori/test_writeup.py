"""Writing an act in the member space (/oma/teot/): who may, every refusal with nothing stored, hostile input kept
inert, the permission matrix of every address, and the list's queries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.errors import ActionError
from tests.conftest import ROLES, assert_queries, client_for, queries_for, refused
from tests.factories import make_act, make_membership, make_organisation, make_user
from tests.tori.writeup_helpers import act_data, counts, pdf, png, png_bytes, tori_people_of
from tori import actions
from tori.models import ActPage


@pytest.fixture
def tori_people(network_people):
    return tori_people_of(network_people)


def organisation_of(network, user):
    return network.memberships.get(user=user).organisation


# Who may write.


def test_the_list_says_why_a_person_may_not_write_and_the_new_act_page_refuses_with_403(client, tori_people):
    _tori, _network, people = tori_people
    for role, reason in (
        ("outsider", "Et ole tällä hetkellä minkään verkoston jäsen"),
        ("facilitator", "sinua ei ole vielä liitetty organisaatioon"),
        ("staff", "Et ole tällä hetkellä minkään verkoston jäsen"),
    ):
        client_for(client, people[role])
        listing = client.get(reverse("tori-acts"))
        assert listing.status_code == 200 and reason in listing.content.decode()
        assert "Kirjoita uusi teko</a>" not in listing.content.decode()
        for response in (client.get(reverse("tori-act-new")), client.post(reverse("tori-act-new"), {})):
            assert response.status_code == 403 and reason in response.content.decode()
    listing = client_for(client, people["member"]).get(reverse("tori-acts")).content.decode()
    assert "Kirjoita uusi teko</a>" in listing


def test_the_new_act_form_offers_only_the_persons_own_organisations_and_networks_and_prefills_the_contact(
    client, tori_people
):
    _tori, network, people = tori_people
    member = people["member"]
    member.first_name, member.last_name, member.job_title = "Maija", "Meikäläinen", "Talouspäällikkö"
    member.save()
    make_organisation("Vieras kaupunki")
    html = client_for(client, member).get(reverse("tori-act-new")).content.decode()
    assert "Sipoon kunta" in html and "Vieras kaupunki" not in html
    assert network.title in html and "LATU-verkosto" not in html
    assert 'value="Maija Meikäläinen"' in html and 'value="jasen@example.fi"' in html
    assert 'value="Talouspäällikkö"' in html


# Refusals: nothing stored.


def test_anonymous_posts_are_sent_to_sign_in_and_store_nothing(client, tori_people):
    _tori, network, people = tori_people
    before = counts()
    response = client_for(client, None).post(
        reverse("tori-act-new"), act_data(organisation_of(network, people["member"]), images=[(png(), "Kuva")])
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert counts() == before


def test_an_organisation_the_member_does_not_act_for_is_refused(client, tori_people):
    _tori, _network, people = tori_people
    other = make_organisation("Vieras kaupunki")
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"), act_data(other, images=[(png(), "Kuva")], attachments=[pdf()])
    )
    assert response.status_code == 400
    assert "Voit kirjoittaa teon vain sen organisaation nimissä, jota edustat" in response.content.decode()
    assert counts() == before


def test_the_action_refuses_another_organisation_and_a_network_of_someone_else_too(tori_people, finnish):
    _tori, network, people = tori_people
    member = people["member"]
    data = actions.ActInput(
        fields={
            "organisation": make_organisation("Vieras"),
            "consent_given_by": "Johtaja",
            "consent_date": timezone.localdate(),
        },
        consent=True,
    )
    before = counts()
    refused("organisation", actions.save_act, member, None, data, "fi")
    data.fields["organisation"] = organisation_of(network, member)
    data.fields["network"] = network.get_siblings(inclusive=False).specific().first()
    refused("network", actions.save_act, member, None, data, "fi")
    assert counts() == before


def test_without_consent_nothing_is_stored_and_the_message_says_why(client, tori_people):
    _tori, network, people = tori_people
    organisation = organisation_of(network, people["member"])
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"), act_data(organisation, consent=None, images=[(png(), "Kuva")], attachments=[pdf()])
    )
    assert response.status_code == 400
    assert "Tekoa ei voi tallentaa ilman organisaation lupaa julkaisuun." in response.content.decode()
    assert counts() == before


def test_a_consent_date_in_the_future_is_refused(client, tori_people, finnish):
    _tori, network, people = tori_people
    organisation = organisation_of(network, people["member"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"), act_data(organisation, consent_date=tomorrow)
    )
    assert response.status_code == 400 and "Luvan päivämäärä ei voi olla tulevaisuudessa." in response.content.decode()
    assert counts() == before
    refusal = refused("consent_date", actions.check_consent, True, "Johtaja", timezone.localdate() + timedelta(days=1))
    assert "tulevaisuudessa" in str(refusal.message)
    with pytest.raises(ActionError):
        actions.check_consent(False, "Johtaja", timezone.localdate())


def test_a_non_image_renamed_png_is_refused_and_nothing_is_stored(client, tori_people):
    _tori, network, people = tori_people
    fake = SimpleUploadedFile("kuva.png", b"MZ\x90\x00 this is a program, not a picture", content_type="image/png")
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"),
        act_data(organisation_of(network, people["member"]), images=[(fake, "Kuva")], attachments=[pdf()]),
    )
    assert response.status_code == 400
    assert counts() == before


def test_a_broken_image_with_a_png_header_is_refused_by_pillow(client, tori_people):
    _tori, network, people = tori_people
    broken = SimpleUploadedFile("kuva.png", png_bytes()[:60], content_type="image/png")
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"), act_data(organisation_of(network, people["member"]), images=[(broken, "Kuva")])
    )
    assert response.status_code == 400 and "Tiedosto ei ole kelvollinen kuva." in response.content.decode()
    assert counts() == before


def test_an_svg_is_not_an_image_here(client, tori_people):
    _tori, network, people = tori_people
    svg = SimpleUploadedFile("kuva.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"), act_data(organisation_of(network, people["member"]), images=[(svg, "Kuva")])
    )
    assert (
        response.status_code == 400 and "Kuvan on oltava JPEG-, PNG-, GIF- tai WebP-kuva." in response.content.decode()
    )
    assert counts() == before


@override_settings(UPLOAD_MAX_BYTES=500)
def test_an_oversized_image_is_refused_and_nothing_is_stored(client, tori_people):
    _tori, network, people = tori_people
    big = png("iso.png", size=(400, 400))
    assert big.size > 500
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"), act_data(organisation_of(network, people["member"]), images=[(big, "Iso kuva")])
    )
    assert response.status_code == 400 and "liian suuri" in response.content.decode()
    assert counts() == before


def test_an_image_needs_its_alternative_text(client, tori_people):
    _tori, network, people = tori_people
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"), act_data(organisation_of(network, people["member"]), images=[(png(), "")])
    )
    assert response.status_code == 400 and "Kirjoita kuvalle vaihtoehtoinen teksti." in response.content.decode()
    assert counts() == before


def test_a_save_that_fails_after_writing_files_removes_them(tori_people, finnish, settings):
    """The page's own validation fails after the uploads were stored (here: a summary left empty, which the form
    would have caught): no row and no file is left behind."""
    from django.core.exceptions import ValidationError

    _tori, network, people = tori_people
    member = people["member"]
    media = settings.MEDIA_ROOT
    files_before = {path for path in media.rglob("*") if path.is_file()} if media.exists() else set()
    fields = dict.fromkeys(actions.ACT_FIELDS, "x")
    fields.update(
        summary="",
        sector="talous",
        organisation=organisation_of(network, member),
        network=None,
        contact_email="maija@example.fi",
        consent_date=timezone.localdate(),
    )
    data = actions.ActInput(
        fields=fields,
        consent=True,
        images=[actions.ImageInput(alt_text="Uusi", upload=png())],
        attachments=[actions.AttachmentInput(upload=pdf())],
    )
    before = counts()
    with pytest.raises(ValidationError):
        actions.save_act(member, None, data, "fi")
    assert counts() == before
    assert {path for path in media.rglob("*") if path.is_file()} == files_before


def test_an_unknown_file_id_is_refused_before_anything_is_written(tori_people, finnish):
    _tori, network, people = tori_people
    member = people["member"]
    data = actions.ActInput(
        fields={
            "organisation": organisation_of(network, member),
            "consent_given_by": "Johtaja",
            "consent_date": timezone.localdate(),
        },
        consent=True,
        images=[actions.ImageInput(alt_text="Uusi", upload=png())],
        attachments=[actions.AttachmentInput(existing=999_999)],
    )
    before = counts()
    refused("unknown_file", actions.save_act, member, None, data, "fi")
    assert counts() == before


def test_another_acts_image_cannot_be_borrowed_by_its_id(client, tori_people):
    tori, network, people = tori_people
    organisation = organisation_of(network, people["member"])
    client_for(client, people["contact"]).post(
        reverse("tori-act-new"), act_data(organisation, images=[(png(), "Yhteyshenkilön kuva")])
    )
    others_image = ActPage.objects.get().get_latest_revision_as_object().images.get().image
    before = counts()
    response = client_for(client, people["member"]).post(
        reverse("tori-act-new"),
        act_data(organisation)
        | {"images-TOTAL_FORMS": "1", "images-0-existing": str(others_image.pk), "images-0-alt_text": "Lainattu"},
    )
    assert response.status_code == 400 and "Tiedostoa ei löytynyt tästä teosta." in response.content.decode()
    assert counts() == before


def test_hostile_html_in_every_field_stays_inert(client, tori_people):
    _tori, network, people = tori_people
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text_fields = ("title", "summary", "problem", "actions", "result", "how_to_copy", "contact_name", "contact_title")
    client_for(client, people["member"]).post(
        reverse("tori-act-new"),
        act_data(
            organisation_of(network, people["member"]),
            images=[(png(), hostile)],
            figures=[(hostile, "1", "2")],
            **dict.fromkeys(text_fields, hostile[:150]),
            consent_given_by=hostile,
        ),
    )
    act = ActPage.objects.get()
    for url in (reverse("tori-act-preview", args=[act.pk]), reverse("tori-act", args=[act.pk]), reverse("tori-acts")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url


def test_the_form_keeps_the_text_when_refused_and_posting_too_many_rows_is_refused(client, tori_people):
    _tori, network, people = tori_people
    data = act_data(organisation_of(network, people["member"]), figures=[("Mittari", "1", "2")] * 7, consent=None)
    response = client_for(client, people["member"]).post(reverse("tori-act-new"), data)
    assert response.status_code == 400
    assert 'value="Laskutuksen lean"' in response.content.decode()
    assert not ActPage.objects.exists()


# Saving and editing.


def test_a_saved_draft_is_a_new_revision_each_time_and_the_owners_only(client, tori_people):
    tori, network, people = tori_people
    member = people["member"]
    organisation = organisation_of(network, member)
    client_for(client, member).post(reverse("tori-act-new"), act_data(organisation, network=str(network.pk), themes=[]))
    act = ActPage.objects.get()
    assert act.get_parent().specific == tori and act.network == network and act.slug == "laskutuksen-lean"
    response = client.post(reverse("tori-act", args=[act.pk]), act_data(organisation, title="Toinen otsikko"))
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.revisions.count() == 2 and act.draft_title == "Toinen otsikko" and not act.live
    assert "Toinen otsikko" in client.get(reverse("tori-acts")).content.decode()
    # A second act with the same title gets a slug of its own.
    client.post(reverse("tori-act-new"), act_data(organisation))
    assert sorted(ActPage.objects.values_list("slug", flat=True)) == ["laskutuksen-lean", "laskutuksen-lean-2"]


def test_the_preview_is_marked_and_shows_the_act_body(client, tori_people):
    _tori, network, people = tori_people
    client_for(client, people["member"]).post(
        reverse("tori-act-new"),
        act_data(
            organisation_of(network, people["member"]), next_step="preview", figures=[("Käsittely", "120 h", "29 h")]
        ),
    )
    act = ActPage.objects.get()
    response = client.get(reverse("tori-act-preview", args=[act.pk]))
    html = response.content.decode()
    assert "Esikatselu — ei vielä julkaistu" in html
    assert "Mikä oli ongelma?" in html and "120 h" in html and "Sipoon kunta" in html
    assert "maija@example.fi" not in html


def test_removing_an_image_and_adding_an_attachment_on_edit(client, tori_people):
    _tori, network, people = tori_people
    organisation = organisation_of(network, people["member"])
    client_for(client, people["member"]).post(reverse("tori-act-new"), act_data(organisation, images=[(png(), "Kuva")]))
    act = ActPage.objects.get()
    image = act.get_latest_revision_as_object().images.get().image
    edit = client.get(reverse("tori-act", args=[act.pk])).content.decode()
    assert f'value="{image.pk}"' in edit
    response = client.post(
        reverse("tori-act", args=[act.pk]),
        act_data(organisation, attachments=[pdf()])
        | {
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "1",
            "images-0-existing": str(image.pk),
            "images-0-alt_text": "Kuva",
            "images-0-remove": "on",
        },
    )
    assert response.status_code == 302
    latest = ActPage.objects.get().get_latest_revision_as_object()
    assert not latest.images.all() and latest.attachments.count() == 1


# The permission matrix of every address.


@pytest.fixture
def members_draft(tori_people):
    """A draft of the member's, with an attachment; the people of the matrix."""
    tori, network, people = tori_people
    organisation = organisation_of(network, people["member"])
    document = None
    act = make_act(tori, organisation, live=False, owner=people["member"], title="Jäsenen luonnos")
    from wagtail.documents import get_document_model

    from tori.review import tori_collections

    document = get_document_model().objects.create(title="Ohje", file=pdf(), collection=tori_collections()[1])
    act.attachments.create(document=document)
    act.save_revision(user=people["member"])
    return act, document, organisation, people


def expected_status(role, owner_only):
    if role == "anonymous":
        return 302
    if owner_only:
        return 200 if role in ("member", "staff") else 404
    return None


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_list(client, members_draft, role):
    _act, _document, _organisation, people = members_draft
    client_for(client, people[role])
    get, post = client.get(reverse("tori-acts")), client.post(reverse("tori-acts"))
    assert get.status_code == (302 if role == "anonymous" else 200)
    assert post.status_code == (302 if role == "anonymous" else 405)
    if role == "member":
        assert "Jäsenen luonnos" in get.content.decode()
    elif role != "anonymous":
        assert "Jäsenen luonnos" not in get.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_new_act(client, members_draft, role):
    _act, _document, organisation, people = members_draft
    client_for(client, people[role])
    expected = {"anonymous": 302, "member": 200, "contact": 200}.get(role, 403)
    assert client.get(reverse("tori-act-new")).status_code == expected
    before = ActPage.objects.count()
    response = client.post(reverse("tori-act-new"), act_data(organisation))
    assert response.status_code == (302 if role in ("anonymous", "member", "contact") else 403)
    assert ActPage.objects.count() == before + (1 if role in ("member", "contact") else 0)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_one_act(client, members_draft, role):
    """The owner and staff see, edit and preview the draft and fetch its file; everyone else gets 404."""
    act, document, organisation, people = members_draft
    client_for(client, people[role])
    for url in (
        reverse("tori-act", args=[act.pk]),
        reverse("tori-act-preview", args=[act.pk]),
        reverse("tori-act-attachment", args=[act.pk, document.pk]),
    ):
        assert client.get(url).status_code == expected_status(role, True), url
    for url in (reverse("tori-act-preview", args=[act.pk]), reverse("tori-act-attachment", args=[act.pk, document.pk])):
        assert client.post(url).status_code == (302 if role == "anonymous" else 405), url
    revisions = act.revisions.count()
    response = client.post(reverse("tori-act", args=[act.pk]), act_data(organisation, title="Muutettu"))
    assert response.status_code == (302 if role in ("anonymous", "member", "staff") else 404)
    assert act.revisions.count() == revisions + (1 if role in ("member", "staff") else 0)
    assert client.get(reverse("tori-act-submit", args=[act.pk])).status_code == (302 if role == "anonymous" else 405)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_submitting(client, members_draft, role):
    from wagtail.models import WorkflowState

    act, _document, _organisation, people = members_draft
    response = client_for(client, people[role]).post(reverse("tori-act-submit", args=[act.pk]))
    assert response.status_code == (404 if expected_status(role, True) == 404 else 302)
    assert WorkflowState.objects.exists() == (role in ("member", "staff"))


def test_an_attachment_of_another_act_is_not_served_through_ones_own(client, members_draft, tori_people):
    act, document, organisation, people = members_draft
    own = make_act(act.get_parent().specific, organisation, live=False, owner=people["contact"])
    response = client_for(client, people["contact"]).get(reverse("tori-act-attachment", args=[own.pk, document.pk]))
    assert response.status_code == 404


# Queries.


def test_the_lists_queries_do_not_grow_with_the_acts(client, tori_people, django_assert_num_queries):
    tori, network, people = tori_people
    member = people["member"]
    organisation = organisation_of(network, member)

    def acts(n):
        for i in range(n):
            act = make_act(tori, organisation, live=i % 3 == 0, owner=member)
            if i % 3 == 1:
                act.save_revision(user=member)
                act.get_workflow().start(act, member)

    acts(2)
    small = queries_for(client_for(client, member), reverse("tori-acts"))
    acts(18)
    large = queries_for(client, reverse("tori-acts"))
    # session, user, the acts, their workflow states, may they write; the site, menus and footer of every page.
    assert_queries(12, small=small, large=large)


def test_a_member_who_left_keeps_their_list_but_cannot_write(client, tori_people):
    tori, network, _people = tori_people
    leaver = make_user("lahtija@example.fi")
    membership = make_membership(network, leaver, "member", make_organisation("Lähtijän kunta"))
    make_act(tori, membership.organisation, live=False, owner=leaver, title="Vanha teko")
    membership.left = timezone.localdate()
    membership.save()
    client_for(client, leaver)
    assert "Vanha teko" in client.get(reverse("tori-acts")).content.decode()
    assert client.get(reverse("tori-act-new")).status_code == 403
