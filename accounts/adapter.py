"""allauth's hooks for Verkostamo: open sign-up, and invitations that carry a verified e-mail address.

The invitation view (networks.views.invitations) keeps the raw token of an invitation in
`request.session[INVITATION_SESSION_KEY]` and calls `adapter.stash_verified_email(request, invitation.email)`.
Then:

- signing up with that address needs no verification e-mail: the person has just proved they can read
  mail sent to it (allauth's own `stash_verified_email` / `is_email_verified` mechanism);
- after signing up or signing in, the person is taken back to `/kutsu/<token>/` to accept, as long as
  the invitation is still open.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import NoReverseMatch, reverse

INVITATION_SESSION_KEY = "invitation_token"
# allauth keeps the stashed address under this key (DefaultAccountAdapter.stash_verified_email).
STASHED_EMAIL_SESSION_KEY = "account_verified_email"


def pending_invitation_path(request):
    """`/kutsu/<token>/` of the open invitation held in the session, or None.

    A token whose invitation has been accepted, revoked or has expired is forgotten here, so that an old
    link in the session does not keep sending the person back to it.
    """
    session = getattr(request, "session", None)
    token = session.get(INVITATION_SESSION_KEY) if session is not None else None
    if not token or not isinstance(token, str):
        return None
    from networks.actions import find_invitation

    invitation = find_invitation(token)
    if invitation is None or not invitation.is_open:
        session.pop(INVITATION_SESSION_KEY, None)
        return None
    try:
        return reverse("invitation", args=[token])
    except NoReverseMatch:
        return None


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

    def get_login_redirect_url(self, request):
        return pending_invitation_path(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return pending_invitation_path(request) or super().get_signup_redirect_url(request)
