"""/oma/sparraus/<id>/teoksi/: the applicant turns what came of the sparring into a Tekojen Tori draft, with the
workplace's consent (services.examples), and continues in the Tori's own form. A request that already has its
draft leads to it: asking twice makes no second act."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import ActionError

from .. import examples
from ..day_forms import ExampleForm, example_initial
from .days import refused, visible_request


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def to_act(request, request_id):
    sparring = visible_request(request, request_id)
    if sparring.act_id is not None and sparring.applicant_id == request.user.pk:
        return redirect("tori-act", sparring.act_id)
    refusal = examples.example_refusal(request.user, sparring)
    if refusal is not None:
        return refused(request, sparring, refusal)
    status = 200
    if request.method == "POST":
        form = ExampleForm(request.POST)
        if form.is_valid():
            try:
                act, made_now = examples.make_example(request.user, sparring, form.input(), translation.get_language())
            except ActionError as error:
                form.add_error(None, error.message)
            else:
                if made_now:
                    messages.success(
                        request,
                        _(
                            "Teon luonnos tehtiin sparrauksen tiedoista. Tarkista ja täydennä se, ja lähetä se sitten "
                            "ohjelmatoimistolle tarkastettavaksi."
                        ),
                    )
                return redirect("tori-act", act.pk)
        status = 400
    else:
        form = ExampleForm(initial=example_initial(sparring))
    return TemplateResponse(request, "services/days/to_act.html", {"sparring": sparring, "form": form}, status=status)
