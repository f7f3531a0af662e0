from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToriConfig(AppConfig):
    name = "tori"
    verbose_name = _("Tekojen Tori")

    def ready(self):
        from . import demo, review  # noqa: F401 - demo registers the demo content steps

        # The authors of acts get the review's outcome from us, in their language and with a link to the member
        # space; Wagtail's own notifications of it (links to the admin) go to everyone else (tori.review).
        review.replace_wagtail_notifiers()
