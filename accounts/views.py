import json

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from .data import delete_account, export_user_data
from .forms import DeleteAccountForm, ProfileForm, WelcomeForm, missing_profile_fields
from .models import User

EXPORT_FILENAME = "verkostamo-omat-tiedot.json"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Tietosi on tallennettu."))
            return redirect("account_profile")
        messages.error(request, _("Tietoja ei tallennettu. Korjaa lomakkeessa merkityt kohdat."))
    else:
        form = ProfileForm(instance=user)
    context = {
        "form": form,
        "mfa_types": set(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
    }
    return TemplateResponse(request, "accounts/profile.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def welcome(request):
    """After the first sign-in: the profile's empty fields, asked once (the person may skip them; the profile
    page keeps them all). Shown again only to finish a form that had errors."""
    user = request.user
    missing = missing_profile_fields(user)
    if request.method == "POST":
        form = WelcomeForm(request.POST, instance=user, missing=missing)
        if form.is_valid():
            form.save()
            messages.success(request, _("Tietosi on tallennettu. Voit muuttaa niitä milloin tahansa profiilissasi."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.error(request, _("Tietoja ei tallennettu. Korjaa lomakkeessa merkityt kohdat."))
    else:
        if user.welcomed is not None or not missing:
            return redirect(settings.LOGIN_REDIRECT_URL)
        User.objects.filter(pk=user.pk).update(welcomed=timezone.now())
        form = WelcomeForm(instance=user, missing=missing)
    return TemplateResponse(
        request, "accounts/welcome.html", {"form": form, "skip_url": resolve_url(settings.LOGIN_REDIRECT_URL)}
    )


@never_cache
@login_required
@require_GET
def data_export(request):
    data = export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    return response


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    user = request.user
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        # The password check shares allauth's limit on re-authentication attempts (per person).
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.is_valid()
            form.add_error(None, _("Liian monta yritystä. Odota hetki ja yritä sitten uudelleen."))
        elif form.is_valid():
            delete_account(user)
            logout(request)
            messages.success(request, _("Tilisi on poistettu. Kiitos, että olit mukana."))
            return redirect("/")
    else:
        form = DeleteAccountForm(user=user)
    return TemplateResponse(request, "accounts/delete.html", {"form": form})
