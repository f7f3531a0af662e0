"""The development projects of an internal developers' training (a network of the kind TRAINING): each participant
brings a project of their own work, and the public ones are the training's results on its page.

Who may do what (`NetworkAccess` of the training, networks.access):

- every member of the training (facilitators, i.e. the trainers, and the programme office too) sees all its
  projects in the member space, public or not;
- a person with an active membership adds their own project (`add_project`), in the name of the organisation
  their membership in this training gives them (`allowed_organisations`);
- the project's owner, the training's facilitators and the programme office edit it (`update_project`) and
  delete it (`delete_project`); facilitators and the office may also take it off the public page
  (`hide_project`). Hiding sets `public` off, which the owner may turn on again by editing: a project that
  must stay off the page is deleted.

Every refusal is an ActionError that leaves everything as it was. The text is stored as plain text and shown
escaped (|linebreaks).
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import ActionError
from networks.access import NetworkAccess
from networks.models import Membership, NetworkPage, Organisation

from .models import DevelopmentProject

TITLE_MAX_LENGTH = DevelopmentProject._meta.get_field("title").max_length
SUMMARY_MAX_LENGTH = DevelopmentProject._meta.get_field("summary").max_length


class NotATraining(ActionError):
    code = "not_a_training"
    message = _("Kehittämishankkeita on vain sisäisten kehittäjien koulutuksissa.")


class NotAParticipant(ActionError):
    code = "not_a_participant"
    message = _(
        "Kehittämishankkeen lisää koulutuksen osallistuja omissa nimissään. Et ole tämän koulutuksen jäsen, "
        "joten et voi lisätä hanketta."
    )


class NotAllowed(ActionError):
    code = "not_allowed"
    message = _(
        "Vain hankkeen lisännyt osallistuja, koulutuksen kouluttajat ja ohjelmatoimisto voivat muokata hanketta."
    )


class NotFacilitator(ActionError):
    code = "not_facilitator"
    message = _("Vain koulutuksen kouluttajat ja ohjelmatoimisto voivat piilottaa hankkeen julkiselta sivulta.")


class WrongOrganisation(ActionError):
    code = "wrong_organisation"
    message = _("Valitse organisaatio, jota hankkeen tekijä edustaa tässä koulutuksessa.")


class InvalidText(ActionError):
    code = "invalid_text"


def check_training(network: NetworkPage) -> None:
    if not network.is_training:
        raise NotATraining()


def training_projects(network: NetworkPage) -> QuerySet[DevelopmentProject]:
    """All the training's projects, with what the member space's list shows: one query."""
    return DevelopmentProject.objects.filter(network=network).select_related("organisation", "owner")


def all_public_projects() -> QuerySet[DevelopmentProject]:
    """The public projects of every training: the trainings' results."""
    return DevelopmentProject.objects.filter(public=True, network__kind=NetworkPage.Kind.TRAINING)


def public_projects(network: NetworkPage) -> QuerySet[DevelopmentProject]:
    """The training's public projects, with their organisations: one query. `network` may be a translated page:
    the projects belong to its original (NetworkPage.original), which shares its translation_key."""
    return all_public_projects().filter(network__translation_key=network.translation_key).select_related("organisation")


def allowed_organisations(network: NetworkPage, owner: User | None, project: DevelopmentProject | None = None):
    """The organisations a project of `owner` may be in the name of: those of the owner's active membership in
    this training, and the project's present one (kept when a trainer edits it after the owner left)."""
    organisations = Organisation.objects.filter(
        pk__in=Membership.objects.active()
        .filter(network=network, user=owner, organisation__isnull=False)
        .values("organisation_id")
    )
    if project is not None and project.organisation_id is not None:
        organisations = organisations | Organisation.objects.filter(pk=project.organisation_id)
    return organisations.order_by("name")


def may_edit(project: DevelopmentProject, access: NetworkAccess, user: User) -> bool:
    """The owner (while a member), the training's facilitators and the programme office."""
    return access.is_facilitator or (access.membership is not None and project.owner_id == user.pk)


def check_text(title: str, summary: str) -> tuple[str, str]:
    """The title and summary stripped, or a refusal: the form checks the same, this guards other callers."""
    title, summary = title.strip(), summary.strip()
    if not title or len(title) > TITLE_MAX_LENGTH:
        raise InvalidText(message=_("Anna hankkeelle nimi (enintään %(max)d merkkiä).") % {"max": TITLE_MAX_LENGTH})
    if not summary or len(summary) > SUMMARY_MAX_LENGTH:
        raise InvalidText(message=_("Kuvaa hanke lyhyesti (enintään %(max)d merkkiä).") % {"max": SUMMARY_MAX_LENGTH})
    return title, summary


def check_organisation(organisation: Organisation | None, allowed: QuerySet[Organisation]) -> None:
    if organisation is not None and not allowed.filter(pk=organisation.pk).exists():
        raise WrongOrganisation()


def add_project(
    access: NetworkAccess,
    user: User,
    *,
    title: str,
    summary: str,
    organisation: Organisation | None,
    public: bool,
) -> DevelopmentProject:
    """A participant's own project in the training of `access`."""
    network = access.network
    check_training(network)
    if access.membership is None:
        raise NotAParticipant()
    title, summary = check_text(title, summary)
    check_organisation(organisation, allowed_organisations(network, user))
    return DevelopmentProject.objects.create(
        network=network, title=title, summary=summary, organisation=organisation, owner=user, public=public
    )


def update_project(
    project: DevelopmentProject,
    access: NetworkAccess,
    user: User,
    *,
    title: str,
    summary: str,
    organisation: Organisation | None,
    public: bool,
) -> DevelopmentProject:
    """The project's new text, organisation and visibility, written under a row lock."""
    check_training(access.network)
    if not may_edit(project, access, user):
        raise NotAllowed()
    title, summary = check_text(title, summary)
    with transaction.atomic():
        locked = DevelopmentProject.objects.select_for_update().get(pk=project.pk, network=access.network)
        check_organisation(organisation, allowed_organisations(access.network, locked.owner, locked))
        locked.title, locked.summary, locked.organisation, locked.public = title, summary, organisation, public
        locked.save(update_fields=["title", "summary", "organisation", "public"])
    return locked


def hide_project(project: DevelopmentProject, access: NetworkAccess) -> None:
    """Takes the project off the training's public page (a facilitator's or the programme office's decision)."""
    check_training(access.network)
    if not access.is_facilitator:
        raise NotFacilitator()
    DevelopmentProject.objects.filter(pk=project.pk, network=access.network).update(public=False)


def delete_project(project: DevelopmentProject, access: NetworkAccess, user: User) -> None:
    check_training(access.network)
    if not may_edit(project, access, user):
        raise NotAllowed()
    DevelopmentProject.objects.filter(pk=project.pk, network=access.network).delete()
