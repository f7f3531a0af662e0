from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("Ajankohtaista")

    def ready(self):
        from networks.groups import office_writes_under

        from . import demo  # noqa: F401 - registers the demo content steps
        from .models import ArticleIndexPage

        # The programme office writes the news: add, edit and publish under a new news index.
        office_writes_under(ArticleIndexPage)
