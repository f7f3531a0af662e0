"""allauth's hooks for Verkostamo: open sign-up, verified invited addresses, and where to go after signing in.

- Signing up with an address stashed by `adapter.stash_verified_email` (allauth's own mechanism; an invitation
  link stashes the address it was sent to) needs no verification e-mail: the person has just proved they can
  read mail sent to it. An account made with another address is verified as usual.
- After signing in or up, the person goes where a feature has something waiting for them (an invitation to
  accept): features register `function(request) -> path or None` with `register_after_sign_in` from their
  AppConfig.ready(); the first path wins. Else the first sign-in asks, once, for what the profile lacks
  (`views.welcome`); else allauth's default, the start page.
- allauth's e-mails go in the language the account's owner chose for their e-mails (`User.language`).
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation

from core.email import language_of_address

from .forms import missing_profile_fields

# allauth keeps the stashed address under this key (DefaultAccountAdapter.stash_verified_email).
STASHED_EMAIL_SESSION_KEY = "account_verified_email"

AFTER_SIGN_IN = []


def register_after_sign_in(function):
    """Adds `function(request) -> path or None` to the places a person may be sent after signing in or up."""
    AFTER_SIGN_IN.append(function)
    return function


def waiting_path(request):
    path = next((path for path in (function(request) for function in AFTER_SIGN_IN) if path), None)
    if path is None and request.user.welcomed is None and missing_profile_fields(request.user):
        path = reverse("account_welcome")
    return path


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Anyone may create an account; membership of a network is what gives access to its space."""
        return True

    def save_user(self, request, user, form, commit=True):
        """A stashed (invited) address counts as verified only for an account made with that very address.

        allauth would otherwise make the stashed address the new account's primary e-mail even when the
        person typed another one; here a different address goes through normal verification instead.
        """
        user = super().save_user(request, user, form, commit=commit)
        stashed = request.session.get(STASHED_EMAIL_SESSION_KEY)
        if stashed and (user.email or "").strip().lower() != stashed.strip().lower():
            request.session[STASHED_EMAIL_SESSION_KEY] = None
        return user

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (verification, password reset, security notices) in the language the account's owner
        chose for their e-mails, else in the language of the request."""
        with translation.override(language_of_address(email) or translation.get_language()):
            super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request):
        return waiting_path(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return waiting_path(request) or super().get_signup_redirect_url(request)
