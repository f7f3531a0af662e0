"""What in an account changes access: open connections re-check it at once (core.access).

- The active and staff flags (an account locked or deleted; programme staff see every network).
- Sign-out: the session ends, so the connections opened with it close.
- A password changed, set or reset through allauth: the other sessions signed in with the old password stop
  being valid. allauth sends its signals after it has moved the current session to the new password, so a
  re-check never finds the session that changed it invalid. A password set outside allauth (`manage.py
  changepassword`) is noticed by the connections' periodic re-check.

And one that changes no access: signing in, a person who has not chosen the language of their e-mails gets the
one they use the site in (`User.language`).
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.access import access_changed

ACCESS_FLAGS = ("is_active", "is_staff")


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def compare_access_flags(sender, instance, update_fields=None, raw=False, **kwargs):
    """Notes whether the save changes a flag that gives access; the news goes out after the save."""
    instance._access_flags_changed = False
    if raw or instance._state.adding or (update_fields is not None and not set(ACCESS_FLAGS) & set(update_fields)):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list(*ACCESS_FLAGS).first()
    instance._access_flags_changed = stored is not None and stored != tuple(getattr(instance, f) for f in ACCESS_FLAGS)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def access_flags_saved(sender, instance, **kwargs):
    if getattr(instance, "_access_flags_changed", False):
        access_changed(users=[instance.pk])


@receiver(user_logged_in)
def remember_language(sender, request, user, **kwargs):
    language = getattr(request, "LANGUAGE_CODE", "")
    if not user.language and language in dict(settings.LANGUAGES):
        user.language = language
        user.save(update_fields=["language"])


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def account_deleted_for_good(sender, instance, **kwargs):
    access_changed(users=[instance.pk])


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    # Django ends the session right after this signal. Ending it first means that the connections, told at
    # once, find it gone when they re-check.
    request.session.flush()
    access_changed(users=[user.pk])


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def password_changed_through_allauth(sender, request, user, **kwargs):
    access_changed(users=[user.pk])
