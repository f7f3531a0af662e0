from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length check with a Finnish message: Django 5.2 changed the message's msgid, and
    Django's own Finnish catalogue has no translation for the new one, so it would show in English."""

    def get_error_message(self):
        return ngettext(
            "Salasana on liian lyhyt: siinä pitää olla vähintään %(min_length)d merkki.",
            "Salasana on liian lyhyt: siinä pitää olla vähintään %(min_length)d merkkiä.",
            self.min_length,
        ) % {"min_length": self.min_length}
