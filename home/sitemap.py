from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page


class TranslatedSitemap(Sitemap):
    """Wagtail's sitemap with every live translation, each with its hreflang alternates (and x-default, Finnish).

    Wagtail's lists the descendants of the site's root page, which are the Finnish pages only: the Swedish and
    English trees hang from the root page's translations.
    """

    def items(self):
        root = self.get_wagtail_site().root_page
        paths = Page.objects.filter(translation_key=root.translation_key).values_list("path", flat=True)
        in_a_tree = Q(pk__in=[])
        for path in paths:
            in_a_tree |= Q(path__startswith=path)
        return Page.objects.filter(in_a_tree).live().public().order_by("path").defer_streamfields().specific()

    def _urls(self, page, protocol, domain):
        entries = []
        for item in self.paginator.page(page).object_list:
            entries.extend((item, url_info) for url_info in item.get_sitemap_urls(self.request))
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        translations = defaultdict(list)
        for item, url_info in entries:
            translations[item.translation_key].append(
                {"lang_code": languages[item.locale_id], "location": url_info["location"]}
            )
        for item, url_info in entries:
            group = translations[item.translation_key]
            if len(group) > 1:
                default = [alternate for alternate in group if alternate["lang_code"] == settings.LANGUAGE_CODE]
                x_default = [{"lang_code": "x-default", "location": default[0]["location"]}] if default else []
                url_info["alternates"] = group + x_default
        last_mods = {url_info.get("lastmod") for _item, url_info in entries}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return [url_info for _item, url_info in entries]
