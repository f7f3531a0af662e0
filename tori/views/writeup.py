"""The member's own acts under /oma/teot/: the list, writing and editing, the preview, submitting for review, and
their draft attachments. Every page needs signing in; an act is found only among the person's own (staff: any),
so anyone else's id is 404. Rules are tori.actions'; these views translate their refusals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.documents import get_document_model

from core.errors import ActionError

from .. import actions
from ..forms import ActForms, initial_for
from ..models import ActPage


def own_act(request, act_id) -> ActPage:
    """The act, if it is the person's own (any act for staff); else 404, so that others' drafts are not revealed."""
    acts = ActPage.objects.select_related("owner")
    if not request.user.is_staff:
        acts = acts.filter(owner=request.user)
    return get_object_or_404(acts, pk=act_id)


@login_required
@require_safe
def act_list(request):
    acts = list(actions.own_acts(request.user))
    return TemplateResponse(
        request,
        "tori/writeup/list.html",
        {"rows": [(act, actions.state_of(act)) for act in acts], "refusal": actions.write_refusal(request.user)},
    )


def not_allowed(request, refusal):
    return TemplateResponse(request, "tori/writeup/not_allowed.html", {"refusal": refusal}, status=403)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def act_new(request):
    refusal = actions.write_refusal(request.user)
    if refusal is not None:
        return not_allowed(request, refusal)
    return act_form(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def act_edit(request, act_id):
    row = own_act(request, act_id)
    state = actions.state_of(row)
    latest = row.get_latest_revision_as_object()
    if not state.editable:
        if request.method == "POST":
            messages.error(request, _("Muutoksia ei tallennettu: teko on tarkastettavana."))
        return TemplateResponse(
            request,
            "tori/writeup/read_only.html",
            {"act": latest, "row": row, "state": state},
            status=400 if request.method == "POST" else 200,
        )
    return act_form(request, row, latest, state)


def act_form(request, row, latest=None, state=None):
    author = row.owner if row is not None and row.owner is not None else request.user
    kwargs = {
        "act": latest,
        "author": author,
        "organisations": actions.organisations_for(author),
        "networks": actions.networks_for(author),
    }
    status = 200
    if request.method == "POST":
        forms = ActForms(request.POST, request.FILES, **kwargs)
        if forms.is_valid():
            language = translation.get_language()
            try:
                act = actions.save_act(request.user, row, forms.input(), language)
            except ActionError as refusal:
                forms.form.add_error(None, refusal.message)
                status = 400
            else:
                return after_save(request, act, request.POST.get("next"), language)
        else:
            status = 400
    else:
        forms = ActForms(initial=initial_for(latest, author), **kwargs)
    return TemplateResponse(
        request,
        "tori/writeup/form.html",
        {"forms": forms, "row": row, "act": latest, "state": state},
        status=status,
    )


def after_save(request, act, next_step, language):
    if next_step == "preview":
        messages.success(request, _("Luonnos tallennettu."))
        return redirect("tori-act-preview", act.pk)
    if next_step == "submit":
        try:
            actions.submit_act(request.user, act, language)
        except ActionError as refusal:
            messages.error(
                request,
                _("Luonnos tallennettu, mutta sitä ei lähetetty tarkastettavaksi: %(reason)s")
                % {"reason": refusal.message},
            )
            return redirect("tori-act", act.pk)
        messages.success(request, _("Teko lähetettiin ohjelmatoimistolle tarkastettavaksi."))
        return redirect("tori-acts")
    messages.success(request, _("Luonnos tallennettu."))
    return redirect("tori-act", act.pk)


@login_required
@require_safe
def act_preview(request, act_id):
    row = own_act(request, act_id)
    return TemplateResponse(
        request,
        "tori/writeup/preview.html",
        {"act": row.get_latest_revision_as_object(), "row": row, "state": actions.state_of(row)},
    )


@login_required
@require_POST
def act_submit(request, act_id):
    row = own_act(request, act_id)
    try:
        actions.submit_act(request.user, row, translation.get_language())
    except ActionError as refusal:
        messages.error(request, _("Tekoa ei lähetetty tarkastettavaksi: %(reason)s") % {"reason": refusal.message})
        return redirect("tori-act", row.pk)
    messages.success(request, _("Teko lähetettiin ohjelmatoimistolle tarkastettavaksi."))
    return redirect("tori-acts")


@login_required
@require_safe
def attachment(request, act_id, document_id):
    """A file of the person's own act, in any of its versions' latest: the author reads their draft's attachments
    here, since Wagtail's document view lets only the office read the drafts collection (tori.review)."""
    row = own_act(request, act_id)
    latest = row.get_latest_revision_as_object()
    ids = {item.document_id for item in latest.attachments.all()} | set(
        row.attachments.values_list("document_id", flat=True)
    )
    if document_id not in ids:
        raise Http404
    document = get_object_or_404(get_document_model(), pk=document_id)
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("The file is missing") from error
    response = FileResponse(handle, as_attachment=True, filename=document.filename)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
