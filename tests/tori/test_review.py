"""The review of an act from start to end: a member writes a draft, previews it and submits it; the programme office
asks for changes in the Wagtail admin; the member edits and resubmits; the office approves and the act is public.
Who is e-mailed at each step, and in which language; where the act's files are, and who may fetch them."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Workflow, WorkflowPage, WorkflowState

from tests.conftest import client_for
from tests.factories import make_act, make_organisation, make_tori
from tests.tori.writeup_helpers import act_data, pdf, png, tori_people_of
from tori.models import ActPage, ToriIndexPage
from tori.review import DRAFTS_COLLECTION, PUBLIC_COLLECTION, TASK_NAME, WORKFLOW_NAME


@pytest.fixture
def tori_people(network_people):
    return tori_people_of(network_people)


def grant_admin(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


def review(client, user, act, action, comment=""):
    """The office's decision through the Wagtail admin's own workflow action view."""
    task_state = act.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[act.pk, action, task_state.pk])
    return client_for(client, user).post(url, {"comment": comment})


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_the_migration_made_the_workflow_for_the_office_and_a_new_tori_index_gets_it(site_tree):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    task = workflow.workflow_tasks.get().task.specific
    assert task.name == TASK_NAME
    assert [group.name for group in task.groups.all()] == ["Ohjelmatoimisto"]
    home, _index = site_tree
    tori = make_tori(home)
    assert WorkflowPage.objects.get(page=tori).workflow == workflow
    act = make_act(tori, make_organisation(), live=False)
    assert act.get_workflow() == workflow


def test_draft_submit_changes_resubmit_approve_publish(client, tori_people, django_capture_on_commit_callbacks):
    tori, network, people = tori_people
    member, staff = people["member"], people["staff"]
    superuser = type(member).objects.create_superuser("paakayttaja@example.fi", "salasana-123")
    organisation = network.memberships.get(user=member).organisation

    # The member writes a draft, in Swedish, with an image and an attachment.
    client_for(client, member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(
        reverse("tori-act-new"),
        act_data(
            organisation,
            images=[(png(), "Prosessikuvaus seinällä")],
            attachments=[pdf()],
            figures=[("Laskun käsittely", "120 h", "29 h")],
        ),
    )
    act = ActPage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tori-act", args=[act.pk])
    assert not act.live and act.owner == member and act.author_language == "sv"
    assert act.consent_recorded_by == member and act.consent_recorded_at is not None
    assert act.revisions.count() == 1
    latest = act.get_latest_revision_as_object()
    assert [f.label for f in latest.figures.all()] == ["Laskun käsittely"]
    image, document = latest.images.get().image, latest.attachments.get().document
    assert image.collection.name == document.collection.name == DRAFTS_COLLECTION
    assert "kuva" not in image.file.name  # a name nobody can guess

    # Nobody else sees it: the public page is 404, the draft's file is not served to the public or to others.
    assert client_for(client, None).get(f"/tekojen-tori/{act.slug}/").status_code == 404
    assert client.get(document.url).status_code == 302  # to sign in
    assert client_for(client, people["other_member"]).get(document.url).status_code == 403
    assert client_for(client, staff).get(document.url).status_code == 200  # the office reviews it

    # The preview, for the owner only; the draft's attachment through the owner's own link.
    client_for(client, member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    preview = client.get(reverse("tori-act-preview", args=[act.pk]))
    assert preview.status_code == 200
    assert "Laskutuksen lean" in preview.content.decode()
    assert client.get(reverse("tori-act-attachment", args=[act.pk, document.pk])).status_code == 200

    # Submitting starts the workflow; Wagtail tells the office, not the author.
    mail.outbox.clear()
    response = client.post(reverse("tori-act-submit", args=[act.pk]))
    assert response.status_code == 302
    state = WorkflowState.objects.get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == member
    assert to(staff.email) and to(superuser.email)
    assert not to(member.email)

    # While in review the author sees it read only, and cannot change it.
    read_only = client.get(reverse("tori-act", args=[act.pk]))
    assert read_only.status_code == 200 and 'name="title"' not in read_only.content.decode()
    refused_edit = client.post(reverse("tori-act", args=[act.pk]), act_data(organisation, title="Muutettu"))
    assert refused_edit.status_code == 400
    assert act.revisions.count() == 1

    # The office asks for changes in the admin; the author is e-mailed in Swedish with the comment, by us only.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = review(client, superuser, act, "reject", "Lisää tulosluvut, kiitos.")
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    [message] = to(member.email)
    assert "Lisää tulosluvut, kiitos." in message.body
    assert "Hej," in message.body  # Swedish
    assert reverse("tori-act", args=[act.pk]) in message.body and "/admin/" not in message.body
    assert client_for(client, None).get(f"/tekojen-tori/{act.slug}/").status_code == 404

    # The author sees the comment, edits and resubmits (in Swedish again): the same workflow resumes.
    client_for(client, member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    listing = client.get(reverse("tori-acts")).content.decode()
    assert "Lisää tulosluvut, kiitos." in listing
    image_row = {"images-0-existing": str(image.pk), "images-0-alt_text": "Prosessikuvaus seinällä"}
    response = client.post(
        reverse("tori-act", args=[act.pk]),
        act_data(
            organisation,
            next_step="submit",
            title="Laskutuksen lean 2.0",
            figures=[("Laskun käsittely", "120 h", "25 h")],
        )
        | {"images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1", **image_row}
        | {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-existing": str(document.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert WorkflowState.objects.count() == 1
    assert act.revisions.count() == 2

    # A staff member with the admin's access approves: published; the author is told, in Swedish, by us only.
    grant_admin(staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review(client, staff, act, "approve")
    act.refresh_from_db()
    assert act.live and act.title == "Laskutuksen lean 2.0"
    [message] = to(member.email)
    assert "Hej," in message.body and act.get_full_url() in message.body
    public = client_for(client, None).get(act.url)
    assert public.status_code == 200 and "25 h" in public.content.decode()

    # Its files are now public.
    image.refresh_from_db()
    document.refresh_from_db()
    assert image.collection.name == document.collection.name == PUBLIC_COLLECTION
    assert client.get(document.url).status_code == 200


def test_editing_a_published_act_keeps_the_live_version_until_the_new_one_is_approved(client, tori_people):
    tori, network, people = tori_people
    member, superuser = people["member"], type(people["member"]).objects.create_superuser("p@example.fi", "x-123-y")
    organisation = network.memberships.get(user=member).organisation
    act = make_act(tori, organisation, title="Alkuperäinen", owner=member)
    act.save_revision(user=member).publish()

    client_for(client, member)
    response = client.post(
        reverse("tori-act", args=[act.pk]), act_data(organisation, title="Uusi versio", next_step="submit")
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.live and act.title == "Alkuperäinen" and act.has_unpublished_changes
    assert "Alkuperäinen" in client_for(client, None).get(act.url).content.decode()

    review(client, superuser, act, "approve")
    act.refresh_from_db()
    assert act.title == "Uusi versio"


def test_files_that_a_newly_published_version_dropped_stop_being_public(client, tori_people):
    """An attachment and an image removed in a later version leave the public collection when that version is
    published; one that another live act shows stays public."""
    tori, network, people = tori_people
    member, superuser = people["member"], type(people["member"]).objects.create_superuser("p@example.fi", "x-123-y")
    organisation = network.memberships.get(user=member).organisation
    client_for(client, member)
    client.post(reverse("tori-act-new"), act_data(organisation, images=[(png(), "Kaavio")], attachments=[pdf(), pdf()]))
    act = ActPage.objects.get()
    latest = act.get_latest_revision_as_object()
    image = latest.images.get().image
    kept, dropped = [item.document for item in latest.attachments.all()]
    client.post(reverse("tori-act-submit", args=[act.pk]))
    review(client, superuser, act, "approve")
    other = make_act(tori, organisation, title="Toinen teko")
    other.images.create(image=image, alt_text="Kaavio")
    other.save_revision().publish()

    client_for(client, member)
    response = client.post(
        reverse("tori-act", args=[act.pk]),
        act_data(organisation, next_step="submit")
        | {"attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "1", "attachments-0-existing": str(kept.pk)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    act.refresh_from_db()
    review(client, superuser, act, "approve")

    for file in (image, kept, dropped):
        file.refresh_from_db()
    assert kept.collection.name == PUBLIC_COLLECTION
    assert dropped.collection.name == DRAFTS_COLLECTION
    assert client_for(client, None).get(dropped.url).status_code == 302  # to sign in
    assert image.collection.name == PUBLIC_COLLECTION  # the other act still shows it


def test_a_published_act_without_changes_is_not_submitted_again(client, tori_people):
    tori, network, people = tori_people
    member = people["member"]
    act = make_act(tori, network.memberships.get(user=member).organisation, owner=member)
    response = client_for(client, member).post(reverse("tori-act-submit", args=[act.pk]), follow=True)
    assert "ole uusia muutoksia tarkastettavaksi" in response.content.decode()
    assert not WorkflowState.objects.exists()


def test_the_wagtail_notifications_still_reach_other_pages_authors(tori_people):
    """Only acts are taken out of Wagtail's approval notification: a facilitator's own page keeps it."""
    from wagtail.admin.signal_handlers import workflow_approval_email_notifier

    from tori.review import approval_notifier

    assert approval_notifier.notifier is workflow_approval_email_notifier
    tori, _network, _people = tori_people
    assert isinstance(tori, ToriIndexPage)
    assert get_image_model() and get_document_model()
