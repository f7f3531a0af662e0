"""A member writes up an act: who may, what they may say it is (their own organisation, their networks), the
organisation's consent, saving a draft with its files, and submitting it to the office's review (docs/tori.md,
"Writing an act and its review").

`check_*` and `*_refusal` decide without changing anything; `save_act` and `submit_act` lock the act's row, decide
again under it and change everything in one transaction. A refused save stores no page, revision, image or
document: the files written before the refusal are removed again.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import WorkflowState

from accounts.models import User
from core.errors import ActionError
from networks.documents import extension_of
from networks.models import Membership, NetworkPage, Organisation, Theme

from .models import ActAttachment, ActFigure, ActImage, ActPage, ToriIndexPage
from .review import tori_collections

# The fields of ActPage that the member's form sets as they are.
ACT_FIELDS = (
    "title",
    "summary",
    "problem",
    "actions",
    "by_management",
    "by_supervisors",
    "by_staff",
    "result",
    "how_to_copy",
    "sector",
    "organisation",
    "network",
    "contact_name",
    "contact_title",
    "contact_email",
    "consent_given_by",
    "consent_date",
)
MAX_ROWS = 6  # figures, images and attachments each


@dataclass
class ImageInput:
    """An image row: an image already on the act (`existing`, its id) or a new upload, with its alternative text."""

    alt_text: str
    caption: str = ""
    existing: int | None = None
    upload: UploadedFile | None = None


@dataclass
class AttachmentInput:
    title: str = ""
    existing: int | None = None
    upload: UploadedFile | None = None


@dataclass
class ActInput:
    """What the member's form gives: `fields` holds ACT_FIELDS; `figures` (label, before, after) rows."""

    fields: dict[str, Any]
    consent: bool
    themes: list[Theme] = field(default_factory=list)
    figures: list[tuple[str, str, str]] = field(default_factory=list)
    images: list[ImageInput] = field(default_factory=list)
    attachments: list[AttachmentInput] = field(default_factory=list)


# Who may write, and for whom.


def writing_memberships(user: User) -> QuerySet[Membership]:
    """The person's active memberships: the networks an act may name. Those with an organisation give the
    organisations an act may be written for (the membership's, never the profile's: DESIGN.md, trust rules)."""
    return Membership.objects.active().filter(user=user)


def organisations_for(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=writing_memberships(user).filter(organisation__isnull=False).values("organisation_id")
    ).order_by("name")


def networks_for(user: User) -> QuerySet[NetworkPage]:
    return NetworkPage.objects.filter(pk__in=writing_memberships(user).values("network_id")).order_by("title")


def write_refusal(user: User) -> ActionError | None:
    """Why the person may not write a new act, or None. One query."""
    organisations = list(writing_memberships(user).values_list("organisation_id", flat=True))
    if not organisations:
        return ActionError(
            "not_a_member",
            _(
                "Kehittämistekoja kirjoittavat KunTeko-verkostojen jäsenet organisaationsa nimissä. Et ole tällä "
                "hetkellä minkään verkoston jäsen, joten et voi kirjoittaa tekoa."
            ),
        )
    if not any(organisations):
        return ActionError(
            "no_organisation",
            _(
                "Teko kirjoitetaan organisaation nimissä, mutta sinua ei ole vielä liitetty organisaatioon "
                "yhdessäkään verkostossasi. Pyydä verkostosi fasilitaattoria liittämään sinut organisaatioosi."
            ),
        )
    return None


def check_organisation(author: User, organisation: Organisation | None, network: NetworkPage | None) -> None:
    if organisation is None or not organisations_for(author).filter(pk=organisation.pk).exists():
        raise ActionError(
            "organisation",
            _("Voit kirjoittaa teon vain sen organisaation nimissä, jota edustat jossakin verkostossasi."),
        )
    if network is not None and not networks_for(author).filter(pk=network.pk).exists():
        raise ActionError("network", _("Voit liittää tekoon vain verkoston, jonka jäsen olet."))


def check_consent(consent: bool, given_by: str, consent_date: date | None) -> None:
    if not consent or not (given_by or "").strip() or consent_date is None:
        raise ActionError(
            "no_consent",
            _(
                "Tekoa ei tallennettu: organisaatiosi lupa julkaisuun puuttuu. Merkitse, että organisaatio on "
                "antanut luvan, kuka sen antoi ja milloin."
            ),
        )
    if consent_date > timezone.localdate():
        raise ActionError("consent_date", _("Luvan päivämäärä ei voi olla tulevaisuudessa."))


# States.


DRAFT, IN_REVIEW, CHANGES_REQUESTED, PUBLISHED = "draft", "in_review", "changes_requested", "published"
STATE_LABELS = {
    DRAFT: _("Luonnos"),
    IN_REVIEW: _("Tarkastettavana"),
    CHANGES_REQUESTED: _("Muutoksia pyydetty"),
    PUBLISHED: _("Julkaistu"),
}


@dataclass
class ActState:
    code: str
    comment: str = ""  # the reviewer's, when changes were requested
    live: bool = False  # a version of the act is public
    unpublished_changes: bool = False  # …and a newer draft waits

    @property
    def label(self):
        return STATE_LABELS[self.code]

    @property
    def editable(self) -> bool:
        return self.code != IN_REVIEW


def state_of(act: ActPage) -> ActState:
    """The act's state for its author. Reads the workflow state that own_acts() prefetched (else one query)."""
    workflow_state = act.current_workflow_state
    live = {"live": act.live, "unpublished_changes": act.live and act.has_unpublished_changes}
    if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
        return ActState(IN_REVIEW, **live)
    if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        task_state = workflow_state.current_task_state
        return ActState(CHANGES_REQUESTED, comment=task_state.comment if task_state else "", **live)
    return ActState(PUBLISHED if act.live else DRAFT, **live)


def check_editable(act: ActPage) -> None:
    if not state_of(act).editable:
        raise ActionError(
            "in_review",
            _("Teko on tarkastettavana, eikä sitä voi muuttaa ennen kuin ohjelmatoimisto on käsitellyt sen."),
        )


def own_acts(user: User) -> QuerySet[ActPage]:
    """The acts the person owns, newest work first, with their workflow states: two queries however many."""
    # Wagtail's prefetch_workflow_states() looks for the base Page's content type, which an ActPage queryset's
    # relation does not have: the specific relation, as Wagtail's specific querysets use.
    states = WorkflowState.objects.active().select_related("current_task_state")
    return (
        ActPage.objects.filter(owner=user)
        .select_related("organisation")
        .prefetch_related(Prefetch("_specific_workflow_states", queryset=states, to_attr="_current_workflow_states"))
        .order_by("-latest_revision_created_at", "-pk")
    )


# Saving.


def available_slug(tori: ToriIndexPage, title: str) -> str:
    base = slugify(title)[:60].strip("-") or "teko"
    taken = set(tori.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def tori_index() -> ToriIndexPage:
    """The Tori index of the default language, where acts are written."""
    index = ToriIndexPage.objects.filter(locale__language_code="fi").first() or ToriIndexPage.objects.first()
    if index is None:
        raise ActionError("no_tori", _("Tekojen Toria ei ole vielä perustettu. Yritä myöhemmin uudelleen."))
    return index


def lock(act: ActPage) -> ActPage:
    return ActPage.objects.select_for_update().get(pk=act.pk)


def save_act(user: User, act: ActPage | None, data: ActInput, language: str) -> ActPage:
    """Saves the act as a new revision of a draft page under the Tori index (a new page owned by `user` when `act`
    is None). The live version of a published act stays until the new revision is approved. `user` recorded the
    organisation's consent. Returns the act, its latest revision as the object."""
    check_consent(data.consent, data.fields.get("consent_given_by", ""), data.fields.get("consent_date"))
    stored: list[FieldFile] = []
    try:
        with transaction.atomic():
            if act is not None:
                row = lock(act)
                check_editable(row)
                page = row.get_latest_revision_as_object()
                author = row.owner or user
            else:
                page, author = ActPage(owner=user, live=False), user
            check_organisation(author, data.fields.get("organisation"), data.fields.get("network"))
            images, attachments = files_of(page, data, user, stored)
            for name in ACT_FIELDS:
                setattr(page, name, data.fields.get(name))
            page.title = page.title.strip()
            page.draft_title = page.title
            page.consent_recorded_by, page.consent_recorded_at = user, timezone.now()
            page.author_language = language
            page.figures = [
                ActFigure(label=label, before=before, after=after, sort_order=n)
                for n, (label, before, after) in enumerate(data.figures[:MAX_ROWS])
            ]
            page.images = images
            page.attachments = attachments
            if act is None:
                page.slug = available_slug(tori_index(), page.title)
                page.themes.set(data.themes)
                tori_index().add_child(instance=page)
            else:
                page.themes.set(data.themes)
            page.save_revision(user=user, log_action=True)
            ActPage.objects.filter(pk=page.pk).update(author_language=language)
    except BaseException:
        for file in stored:
            if file.name and getattr(file, "_committed", False):
                file.storage.delete(file.name)
        raise
    return page


def files_of(page: ActPage, data: ActInput, user: User, stored: list[FieldFile]):
    """The act's image and attachment rows from the form: files already on this act (by id, never another act's)
    and new uploads, stored in the drafts collection (tori.review)."""
    own_images = {item.image_id: item for item in page.images.all()}
    own_documents = {item.document_id for item in page.attachments.all()}
    if any(row.existing is not None and row.existing not in own_images for row in data.images) or any(
        row.existing is not None and row.existing not in own_documents for row in data.attachments
    ):
        raise ActionError("unknown_file", _("Tiedostoa ei löytynyt tästä teosta. Lataa se uudelleen."))
    _public, drafts = tori_collections()
    images = []
    for n, image_row in enumerate(data.images[:MAX_ROWS]):
        image_id = image_row.existing
        if image_row.upload is not None:
            image_id = store_image(image_row.upload, image_row.alt_text, drafts, user, stored).pk
        images.append(ActImage(image_id=image_id, alt_text=image_row.alt_text, caption=image_row.caption, sort_order=n))
    attachments = []
    for n, attachment_row in enumerate(data.attachments[:MAX_ROWS]):
        document_id = attachment_row.existing
        if attachment_row.upload is not None:
            document_id = store_document(attachment_row.upload, attachment_row.title, drafts, user, stored).pk
        attachments.append(ActAttachment(document_id=document_id, sort_order=n))
    return images, attachments


def store_image(upload: UploadedFile, alt_text: str, collection, user: User, stored: list[FieldFile]):
    """An image under a name nobody can guess: images are served by path (docs/permissions.md), and a draft's must
    not be found before it is published."""
    upload.name = f"{secrets.token_urlsafe(18)}.{extension_of(upload.name)}"
    image = get_image_model()(title=alt_text[:255], file=upload, collection=collection, uploaded_by_user=user)
    stored.append(image.file)
    image._set_image_file_metadata()
    image.save()
    return image


def store_document(upload: UploadedFile, title: str, collection, user: User, stored: list[FieldFile]):
    name = (upload.name or "").rsplit("/", 1)[-1]
    document = get_document_model()(
        title=(title.strip() or name.rsplit(".", 1)[0])[:255],
        file=upload,
        collection=collection,
        uploaded_by_user=user,
    )
    stored.append(document.file)
    document._set_document_file_metadata()
    document.save()
    return document


# Submitting.


def submit_act(user: User, act: ActPage, language: str) -> WorkflowState:
    """Sends the act's latest revision to the office's review: starts the workflow "Tekojen Tori review", or
    resumes it after the office asked for changes. Wagtail e-mails the office ("submitted")."""
    with transaction.atomic():
        row = lock(act)
        state = state_of(row)
        if state.code == IN_REVIEW:
            raise ActionError("in_review", _("Teko on jo tarkastettavana."))
        if state.code == PUBLISHED and not state.unpublished_changes:
            raise ActionError("no_changes", _("Teko on julkaistu, eikä siinä ole uusia muutoksia tarkastettavaksi."))
        latest = row.get_latest_revision_as_object()
        check_organisation(row.owner or user, latest.organisation, None)
        check_consent(True, latest.consent_given_by, latest.consent_date)
        ActPage.objects.filter(pk=row.pk).update(author_language=language)
        workflow_state = row.current_workflow_state
        if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            workflow_state.resume(user=user)
            return workflow_state
        workflow = row.get_workflow()
        if workflow is None:
            raise ActionError("no_workflow", _("Tarkastusta ei ole otettu käyttöön. Ota yhteyttä ohjelmatoimistoon."))
        return workflow.start(row, user)
