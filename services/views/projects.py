"""A training's development projects in its member space, /verkostot/<network>/tila/hankkeet/ (services.projects
decides who may do what; these views only translate). Other kinds of network have no such pages (404); a
project of another network is not found either. Each page costs a fixed number of queries."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ActionError
from networks.decorators import member_required

from .. import projects as actions
from ..models import DevelopmentProject
from ..project_forms import ProjectForm


def training_member_required(view):
    """member_required, for a training only: a member of another kind of network finds nothing here."""

    @member_required
    @wraps(view)
    def wrapper(request, access, *args, **kwargs):
        if not access.network.is_training:
            raise Http404
        return view(request, access, *args, **kwargs)

    return wrapper


def get_project(access, project_id):
    return get_object_or_404(DevelopmentProject.objects.select_related("owner"), pk=project_id, network=access.network)


def to_list(access):
    return redirect("space-projects", access.network.slug)


@require_safe
@training_member_required
def project_list(request, access):
    """Every project of the training, public or not, for its members, trainers and the programme office."""
    projects = list(actions.training_projects(access.network))
    for project in projects:
        project.editable = actions.may_edit(project, access, request.user)
    context = {
        "access": access,
        "active_tab": "projects",
        "projects": projects,
        "may_add": access.membership is not None,
    }
    return TemplateResponse(request, "services/projects/list.html", context)


def render_form(request, access, form, project=None, refusal=None):
    context = {"access": access, "active_tab": "projects", "form": form, "project": project, "refusal": refusal}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "services/projects/form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@training_member_required
def project_new(request, access):
    organisations = actions.allowed_organisations(access.network, request.user)
    if access.membership is None:  # the programme office sees the projects but has none of its own
        return render_form(request, access, ProjectForm(organisations=organisations), refusal=actions.NotAParticipant())
    if request.method != "POST":
        form = ProjectForm(initial={"public": "yes"}, organisations=organisations)
        return render_form(request, access, form)
    form = ProjectForm(request.POST, organisations=organisations)
    if not form.is_valid():
        return render_form(request, access, form)
    try:
        project = actions.add_project(access, request.user, **form.values())
    except ActionError as refusal:
        return render_form(request, access, form, refusal=refusal)
    messages.success(request, _("Kehittämishanke ”%(title)s” on lisätty.") % {"title": project.title})
    return to_list(access)


@require_http_methods(["GET", "HEAD", "POST"])
@training_member_required
def project_edit(request, access, project_id):
    project = get_project(access, project_id)
    if not actions.may_edit(project, access, request.user):
        raise PermissionDenied  # another member's project, which they see in the list but may not change
    organisations = actions.allowed_organisations(access.network, project.owner, project)
    if request.method != "POST":
        return render_form(request, access, ProjectForm.for_project(project, organisations), project)
    form = ProjectForm(request.POST, organisations=organisations)
    if not form.is_valid():
        return render_form(request, access, form, project)
    try:
        actions.update_project(project, access, request.user, **form.values())
    except ActionError as refusal:
        return render_form(request, access, form, project, refusal)
    messages.success(request, _("Hankkeen muutokset on tallennettu."))
    return to_list(access)


@require_POST
@training_member_required
def project_hide(request, access, project_id):
    project = get_project(access, project_id)
    if not access.is_facilitator:
        raise PermissionDenied
    actions.hide_project(project, access)
    messages.success(request, _("Hanke ”%(title)s” ei enää näy julkisella sivulla.") % {"title": project.title})
    return to_list(access)


@require_http_methods(["GET", "HEAD", "POST"])
@training_member_required
def project_delete(request, access, project_id):
    project = get_project(access, project_id)
    if not actions.may_edit(project, access, request.user):
        raise PermissionDenied
    if request.method != "POST":
        context = {"access": access, "active_tab": "projects", "project": project}
        return TemplateResponse(request, "services/projects/delete.html", context)
    actions.delete_project(project, access, request.user)
    messages.success(request, _("Hanke ”%(title)s” on poistettu.") % {"title": project.title})
    return to_list(access)
