"""The review of an act: the Wagtail workflow "Tekojen Tori review", where the acts' files live, and the e-mails.

- **The workflow** (made by migration 0002, repaired by `review_workflow()`) has one GroupApprovalTask for the
  programme office's group "Ohjelmatoimisto" (networks.groups, which follows `is_staff`); superusers may act on
  every task. It is assigned to the Tori index (`WorkflowPage`) when the index is created, so every act under it
  goes through it. Approving publishes the act (Wagtail's `publish_workflow_state`); requesting changes leaves
  it a draft that its author edits and resubmits (`tori.actions.submit_act`, `WorkflowState.resume`). Wagtail
  publishes as the reviewer, so the office's group may also edit and publish under the index; only those with the
  admin's access (which `is_staff` is not: docs/permissions.md) can use the admin to review.
- **Files.** A draft's attachments are documents in the collection "Tekojen Tori: luonnokset", which only the
  office may read through Wagtail's document view (a group view restriction); the author reads theirs through
  the member space (tori.views.writeup.attachment). Publishing moves the published version's files to the
  public collection "Tekojen Tori", and the files that an earlier published version had and this one dropped
  back to the drafts collection (unless another live act shows them); unpublishing moves them back. Images are
  public by path on this site (docs/permissions.md, "Raw media paths"): an act's images get unguessable file
  names, and are in the drafts collection until published.
- **E-mails.** The author gets our own e-mail on approval and on a request for changes (with the reviewer's
  comment), in the language they chose for their e-mails (`User.language`), else the one they wrote the act in
  (`ActPage.author_language`), linking to the member space, not the
  admin. Wagtail's own "approved"/"rejected" notifications (which link to the admin) are not sent for acts;
  its "submitted" notification still goes to the office's group and the superusers.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from wagtail.admin import signal_handlers as wagtail_notifications
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupApprovalTask,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.signals import page_published, page_unpublished, workflow_approved, workflow_rejected

from accounts.models import User
from core.email import send_templated_email
from networks.groups import grant_office_pages, programme_office_group

from .models import ActAttachment, ActImage, ActPage, ToriIndexPage

WORKFLOW_NAME = "Tekojen Tori review"
TASK_NAME = "Ohjelmatoimiston tarkastus"
PUBLIC_COLLECTION = "Tekojen Tori"
DRAFTS_COLLECTION = "Tekojen Tori: luonnokset"


# The workflow.


@transaction.atomic
def review_workflow() -> Workflow:
    """The workflow "Tekojen Tori review" with its office task, made again if missing (as migration 0002 makes it)."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None and workflow.active and workflow.workflow_tasks.exists():
        return workflow
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(programme_office_group())
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


# Wagtail publishes an approved page as the reviewer, and refuses unless they may publish it: the office may edit
# and publish under the Tori index (only those of them with the admin's access, a separate permission, use it).
OFFICE_PAGE_PERMISSIONS = ("change_page", "publish_page")


def assign_review_workflow(index: ToriIndexPage) -> None:
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": review_workflow()})
    grant_office_pages(index, OFFICE_PAGE_PERMISSIONS)


@receiver(post_save, sender=ToriIndexPage)
def tori_index_created(sender, instance, created, raw=False, **kwargs):
    """A new Tori index (the demo loader's, or one made in the admin) gets the review workflow. Only when created: an
    editor who later assigns another workflow in the admin keeps their choice."""
    if created and not raw:
        assign_review_workflow(instance)


class NotForActs:
    """Wagtail's approval or rejection notification, except for acts: their authors get ours (below), which link to
    the member space rather than an admin they cannot use. Registered in place of Wagtail's own, under its
    dispatch_uid (ToriConfig.ready)."""

    def __init__(self, notifier):
        self.notifier = notifier

    def __call__(self, instance=None, **kwargs):
        if is_act_state(instance):
            return True
        return self.notifier(instance=instance, **kwargs)


def is_act_state(workflow_state) -> bool:
    return (
        isinstance(workflow_state, WorkflowState)
        and workflow_state.content_type_id == ContentType.objects.get_for_model(ActPage).pk
    )


approval_notifier = NotForActs(wagtail_notifications.workflow_approval_email_notifier)
rejection_notifier = NotForActs(wagtail_notifications.workflow_rejection_email_notifier)


def replace_wagtail_notifiers() -> None:
    """Puts NotForActs in place of Wagtail's approval and rejection notifiers, whichever app is ready first: a
    receiver already connected under the same dispatch_uid and sender makes Wagtail's later connect a no-op."""
    for signal, notifier, uid in (
        (workflow_approved, approval_notifier, "workflow_state_approved_email_notification"),
        (workflow_rejected, rejection_notifier, "workflow_state_rejected_email_notification"),
    ):
        signal.disconnect(sender=WorkflowState, dispatch_uid=uid)
        signal.connect(notifier, sender=WorkflowState, dispatch_uid=uid)


# Where the files live.


def tori_collections() -> tuple[Collection, Collection]:
    """(public, drafts): the collection of published acts' files, and that of drafts, which only the programme
    office (and superusers) may read through Wagtail's document view."""
    root = Collection.get_first_root_node()
    public = root.get_children().filter(name=PUBLIC_COLLECTION).first() or root.add_child(name=PUBLIC_COLLECTION)
    drafts = root.get_children().filter(name=DRAFTS_COLLECTION).first() or root.add_child(name=DRAFTS_COLLECTION)
    restriction = CollectionViewRestriction.objects.filter(collection=drafts).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=drafts, restriction_type=CollectionViewRestriction.GROUPS
        )
        restriction.groups.set([programme_office_group()])
    return public, drafts


def move_files(act: ActPage, collection: Collection) -> None:
    image_ids = [item.image_id for item in act.images.all()]
    document_ids = [item.document_id for item in act.attachments.all()]
    get_image_model().objects.filter(pk__in=image_ids).update(collection=collection)
    get_document_model().objects.filter(pk__in=document_ids).update(collection=collection)


def files_of_revisions(act: ActPage) -> tuple[set[int], set[int]]:
    """(image ids, document ids) that any saved version of `act` has used."""
    images: set[int] = set()
    documents: set[int] = set()
    for content in act.revisions.values_list("content", flat=True):
        images.update(item.get("image") for item in content.get("images", []))
        documents.update(item.get("document") for item in content.get("attachments", []))
    return images - {None}, documents - {None}


def withdraw_dropped_files(act: ActPage, public: Collection, drafts: Collection) -> None:
    """The public files of `act`'s earlier versions that its published version no longer has go back to the drafts
    collection, unless another live act shows them (the office may choose one file for several acts)."""
    images, documents = files_of_revisions(act)
    images -= {item.image_id for item in act.images.all()}
    documents -= {item.document_id for item in act.attachments.all()}
    shown_images = ActImage.objects.filter(image_id__in=images, page__live=True).exclude(page=act).values("image_id")
    shown_documents = (
        ActAttachment.objects.filter(document_id__in=documents, page__live=True).exclude(page=act).values("document_id")
    )
    get_image_model().objects.filter(pk__in=images, collection=public).exclude(pk__in=shown_images).update(
        collection=drafts
    )
    get_document_model().objects.filter(pk__in=documents, collection=public).exclude(pk__in=shown_documents).update(
        collection=drafts
    )


@receiver(page_published, sender=ActPage)
def act_published(sender, instance, **kwargs):
    """The published version's files become public (those of later drafts stay private until they are published),
    and those it dropped stop being public."""
    public, drafts = tori_collections()
    move_files(instance, public)
    withdraw_dropped_files(instance, public, drafts)


@receiver(page_unpublished, sender=ActPage)
def act_unpublished(sender, instance, **kwargs):
    _public, drafts = tori_collections()
    move_files(instance, drafts)


# The author's e-mails.


def author_language(act: ActPage, author: User | None = None) -> str:
    """The language of the e-mails to the act's author: the one they chose for their e-mails, else the one they
    wrote the act in."""
    if author is not None and author.language:
        return author.language
    languages = {code for code, _name in settings.LANGUAGES}
    return act.author_language if act.author_language in languages else settings.LANGUAGE_CODE


def email_author(act: ActPage, template_name: str, **context) -> None:
    author = act.owner
    if author is None or not author.is_active or author.deleted is not None or not author.email:
        return
    with translation.override(author_language(act, author)):
        send_templated_email(
            [author.email],
            template_name,
            {
                "act": act,
                "title": act.draft_title or act.title,
                "author": author,
                "space_url": settings.WAGTAILADMIN_BASE_URL + reverse("tori-act", args=[act.pk]),
                **context,
            },
        )


def act_of(workflow_state) -> ActPage | None:
    if not is_act_state(workflow_state):
        return None
    return ActPage.objects.select_related("owner").filter(pk=workflow_state.object_id).first()


@receiver(workflow_approved, sender=WorkflowState)
def act_approved(sender, instance, **kwargs):
    act = act_of(instance)
    if act is not None:
        email_author(act, "tori_approved", public_url=act.get_full_url())


@receiver(workflow_rejected, sender=WorkflowState)
def act_changes_requested(sender, instance, **kwargs):
    act = act_of(instance)
    if act is not None:
        task_state = instance.current_task_state
        email_author(act, "tori_changes_requested", comment=task_state.comment if task_state else "")
