"""Workshop tasks in the member space: the facilitator creates and edits them, follows who has answered
and reminds those who have not; members answer (alone, or together for their organisation), edit their
answer until the due date and read others' answers when the task shows them. What a person is typing in the
answer box is kept as their draft (`draft`, posted from site/static/js/answer-draft.js) and comes back in the
form, on any device, until they save the answer.

Every view runs a fixed number of queries whatever the number of members, answers and files. An answer
file is served only by `download_file`, to people who may read the answer; to anyone else it does not
exist (404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ActionError
from core.ratelimit import RateLimited
from networks.decorators import facilitator_required, member_required
from networks.forms import OrganisationRequestForm

from .. import answers as actions
from ..forms.tasks import AnswerForm, TaskForm
from ..models import Submission, SubmissionFile, Task
from .common import get_task, get_workshop, with_answered

TASK_FIELDS = ("kind", "title", "instructions", "due", "answered_by", "answers_visible")


def tasks_context(request, access, workshop):
    """The workshop page's tasks, each with `answered` for this person (and, for facilitators,
    `answer_count`). Two queries."""
    tasks = Task.objects.filter(workshop=workshop).order_by("due", "pk")
    if access.is_facilitator:
        tasks = tasks.annotate(answer_count=Count("submissions"))
    return {"workshop_tasks": with_answered(tasks, request.user, access.organisation)}


def task_url(access, task, anchor=""):
    return reverse("task", args=[access.network.slug, task.pk]) + anchor


# ---------- The facilitator's task form ----------


def render_task_form(request, access, workshop, form, task=None):
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "task": task,
        "form": form,
        "has_answers": task is not None and task.submissions.exists(),
    }
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "workshops/tasks/task_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@facilitator_required
def create(request, access, workshop_id):
    workshop = get_workshop(access.network, workshop_id)
    if request.method != "POST":
        return render_task_form(request, access, workshop, TaskForm())
    form = TaskForm(request.POST)
    if not form.is_valid():
        return render_task_form(request, access, workshop, form)
    fields = {name: form.cleaned_data[name] for name in TASK_FIELDS}
    task, recipients = actions.create_task(workshop, access.network, request.user, **fields)
    if recipients:
        message = _("Tehtävä ”%(title)s” on julkaistu. Ilmoitus lähti sähköpostilla %(count)s jäsenelle.")
    else:
        message = _("Tehtävä ”%(title)s” on julkaistu. Kukaan jäsenistä ei ota vastaan sähköposti-ilmoituksia.")
    messages.success(request, message % {"title": task.title, "count": recipients})
    return redirect(task_url(access, task))


@require_http_methods(["GET", "HEAD", "POST"])
@facilitator_required
def edit(request, access, task_id):
    task = get_task(access.network, task_id)
    if request.method != "POST":
        return render_task_form(request, access, task.workshop, TaskForm(instance=task), task)
    form = TaskForm(request.POST, instance=Task.objects.select_related("workshop").get(pk=task.pk))
    if form.is_valid():
        try:
            actions.update_task(task, **{name: form.cleaned_data[name] for name in TASK_FIELDS})
        except actions.TaskLocked as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(request, _("Tehtävän muutokset on tallennettu."))
            return redirect(task_url(access, task))
    return render_task_form(request, access, task.workshop, form, task)


# ---------- The task page and the answer ----------


def answer_form(own, data=None, files=None, draft=None):
    """The answer form on the person's answer (`own`), its text their draft when they have one."""
    existing = len(own.files.all()) if own is not None else 0
    text = draft.text if draft is not None else own.text if own else ""
    initial = {"text": text, "version": actions.version_of(own)}
    return AnswerForm(data, files, initial=initial, existing_files=existing)


def render_task(request, access, task, organisation, *, form=None, refusal=None, rejected_text="", status=200):
    """The task page: instructions, the person's answer (and its form while the task is open), and the
    answers they may read. Four queries for the answers and their files, however many there are."""
    user = request.user
    answers_shown = access.is_facilitator or task.answers_visible
    submissions = Submission.objects.filter(task=task).select_related("user", "organisation", "updated_by")
    submissions = submissions.prefetch_related("files")
    if answers_shown:
        shown = list(
            submissions.order_by("organisation__name", "user__last_name", "user__first_name", "user__email", "pk")
        )
        own = next((s for s in shown if actions.is_own(s, user, organisation)), None)
        others = [s for s in shown if s is not own]
    else:
        own = actions.own_submissions(task, user, organisation).prefetch_related("files").first()
        others = None
    no_organisation = task.per_organisation and organisation is None
    organisation_request_form = None
    if no_organisation and access.membership is not None:
        organisation_request_form = OrganisationRequestForm(initial={"organisation": user.organisation_id})
    draft = None
    if form is None and task.is_open and not no_organisation:
        draft = actions.answer_draft(task, user)
        form = answer_form(own, draft=draft)
    context = {
        "access": access,
        "active_tab": "workshops",
        "task": task,
        "workshop": task.workshop,
        "organisation": organisation,
        "own": own,
        "others": others,
        "form": form if task.is_open and not no_organisation else None,
        "draft": draft,
        "no_organisation": no_organisation,
        "organisation_request_form": organisation_request_form,
        "can_moderate": access.is_facilitator and task.is_open,
        "refusal": refusal,
        "rejected_text": rejected_text,
    }
    return TemplateResponse(request, "workshops/tasks/task.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def detail(request, access, task_id):
    task = get_task(access.network, task_id)
    organisation = access.organisation
    if request.method != "POST":
        return render_task(request, access, task, organisation)

    rejected_text = request.POST.get("text", "")[:20000]

    def refused(refusal):
        """The page with why nothing was saved, and the text the person sent, to copy."""
        return render_task(
            request, access, task, organisation, refusal=refusal, rejected_text=rejected_text, status=400
        )

    try:
        actions.check_can_answer(task, organisation)
    except ActionError as refusal:
        return refused(refusal)
    own = actions.own_submissions(task, request.user, organisation).prefetch_related("files").first()
    form = answer_form(own, request.POST, request.FILES)
    if not form.is_valid():
        return render_task(request, access, task, organisation, form=form, status=400)
    try:
        submission = actions.save_answer(
            task,
            request.user,
            organisation,
            form.cleaned_data["text"],
            form.cleaned_data["files"],
            version=form.cleaned_data["version"],
        )
    except actions.AnswerChanged as refusal:
        # Show the newer answer, keep what the person wrote in the form, and let them save over it knowingly.
        data = request.POST.copy()
        data["version"] = actions.version_of(refusal.submission)
        form = answer_form(refusal.submission, data)
        form.is_valid()
        form.add_error(
            None,
            _(
                "Vastausta on muokattu sillä välin, kun kirjoitit omaasi (muokkaaja: %(name)s). Mitään ei "
                "tallennettu. Tarkista uusin versio yltä; tekstisi on tallella alla. Jos liitit tiedostoja, "
                "valitse ne uudelleen."
            )
            % {"name": refusal.submission.updated_by.display_name if refusal.submission.updated_by_id else "–"},
        )
        return render_task(request, access, task, organisation, form=form, status=400)
    except ActionError as refusal:  # closed, or the organisation taken away, while the form was open
        return refused(refusal)
    if submission.organisation_id:
        message = _("Organisaationne vastaus on tallennettu. Voitte muokata sitä %(due)s asti.")
    else:
        message = _("Vastauksesi on tallennettu. Voit muokata sitä %(due)s asti.")
    messages.success(request, message % {"due": actions.formatted(task.due)})
    return redirect(task_url(access, task, "#oma-vastaus"))


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def draft(request, access, task_id):
    """The person's draft of their answer, as JSON: GET reads it (`text` "" when there is none), POST `text` keeps
    it (blank deletes it). Only for someone who may answer the task now (403 with the reason otherwise: after the
    due date, or a shared task without an organisation); too long a text is 400. Nothing is stored on a refusal."""
    task = get_task(access.network, task_id)
    try:
        actions.check_can_answer(task, access.organisation)
        if request.method == "POST":
            saved = actions.save_answer_draft(task, request.user, access.organisation, request.POST.get("text"))
        else:
            saved = actions.answer_draft(task, request.user)
    except ActionError as refusal:
        status = 400 if refusal.code in {"invalid", "too_long"} else 403
        return JsonResponse({"error": refusal.code, "detail": str(refusal.message)}, status=status)
    response = JsonResponse(
        {"text": saved.text if saved else "", "updated": saved.updated.isoformat() if saved else None}
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------- Answer files ----------


def get_file(access, task_id, file_id):
    task = get_task(access.network, task_id)
    attachment = get_object_or_404(
        SubmissionFile.objects.select_related("submission"), pk=file_id, submission__task=task
    )
    return task, attachment


@require_safe
@member_required
def download_file(request, access, task_id, file_id):
    task, attachment = get_file(access, task_id, file_id)
    organisation = None if access.is_facilitator else access.organisation
    if not actions.may_read(access, task, attachment.submission, request.user, organisation):
        raise Http404("No such file")
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("The file is missing") from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@member_required
def delete_file(request, access, task_id, file_id):
    task, attachment = get_file(access, task_id, file_id)
    organisation = access.organisation
    if not actions.may_read(access, task, attachment.submission, request.user, organisation):
        raise Http404("No such file")
    if not (access.is_facilitator or actions.is_own(attachment.submission, request.user, organisation)):
        raise PermissionDenied
    try:
        emptied = actions.delete_answer_file(attachment)
    except actions.TaskClosed:
        messages.error(
            request,
            _("Palautusaika päättyi %(due)s. Tiedostoa ”%(name)s” ei poistettu: vastausta ei voi enää muuttaa.")
            % {"due": actions.formatted(task.due), "name": attachment.name},
        )
    else:
        if emptied:
            message = _("Tiedosto ”%(name)s” on poistettu. Vastauksessa ei ollut muuta, joten se poistettiin kokonaan.")
        else:
            message = _("Tiedosto ”%(name)s” on poistettu vastauksesta.")
        messages.success(request, message % {"name": attachment.name})
    return redirect(task_url(access, task, "#oma-vastaus"))


# ---------- Who has answered, and the reminder ----------


@require_safe
@facilitator_required
def answers(request, access, task_id):
    task = get_task(access.network, task_id)
    context = {
        "access": access,
        "active_tab": "workshops",
        "task": task,
        "workshop": task.workshop,
        "status": actions.AnswerStatus(task, access.network),
        "next_reminder": actions.next_reminder(task),
    }
    return TemplateResponse(request, "workshops/tasks/answers.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@facilitator_required
def remind(request, access, task_id):
    """GET: who the reminder goes to, who it leaves out and when the last one went; the POST sends it (at most
    once per cooldown, decided under the task's lock)."""
    task = get_task(access.network, task_id)
    if request.method != "POST":
        context = {
            "access": access,
            "active_tab": "workshops",
            "task": task,
            "workshop": task.workshop,
            "audience": actions.reminder_audience(actions.AnswerStatus(task, access.network)),
            "next_reminder": actions.next_reminder(task),
        }
        return TemplateResponse(request, "workshops/tasks/remind_confirm.html", context)
    try:
        pending, sent = actions.send_reminder(task, access.network)
    except actions.TaskClosed:
        messages.error(
            request,
            _("Palautusaika päättyi %(due)s. Muistutusta ei lähetetty.") % {"due": actions.formatted(task.due)},
        )
    except RateLimited as limited:
        messages.error(request, _("Muistutusta ei lähetetty. %(reason)s") % {"reason": limited.message})
    else:
        if not pending:
            messages.info(request, _("Kaikki ovat jo vastanneet. Muistutusta ei lähetetty."))
        elif not sent:
            messages.warning(
                request,
                _(
                    "Muistutusta ei lähetetty: kukaan vastaamattomista %(count)s jäsenestä ei ota vastaan "
                    "sähköposti-ilmoituksia verkoston toiminnasta."
                )
                % {"count": pending},
            )
        else:
            messages.success(
                request,
                _("Muistutus lähti sähköpostilla %(sent)s jäsenelle, jotka eivät ole vielä vastanneet.")
                % {"sent": sent},
            )
    return redirect("task-answers", access.network.slug, task.pk)
