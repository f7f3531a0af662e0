"""The news index's filters: theme and kind (uutinen, blogi, tarina), on the server, in the query string.

`ArticleFilterForm` validates the query string like the Tori's form (tori.filters.ActFilterForm): each field on its
own, and a value that is not one of the choices drops out of `cleaned_data`, so junk gives the unfiltered list for
that field while the valid filter still applies. Pagination links carry the valid filters only.
"""

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from networks.models import Theme

from .models import ArticlePage


class ArticleFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tyyppi"), required=False, choices=[("", _("Kaikki")), *ArticlePage.Kind.choices])
    theme = forms.ModelChoiceField(
        label=_("Teema"), required=False, queryset=Theme.objects.none(), to_field_name="slug", empty_label=_("Kaikki")
    )

    def __init__(self, data=None, *, articles: QuerySet, **kwargs):
        """`articles`: the index's published articles; the theme's choices are the themes that some of them have."""
        super().__init__(data, **kwargs)
        published = articles.order_by()
        self.fields["theme"].queryset = Theme.objects.filter(Exists(published.filter(themes=OuterRef("pk")))).order_by(
            "name"
        )
        self.is_valid()  # fills cleaned_data with the valid fields only

    @property
    def active_filters(self) -> dict:
        """The valid, non-empty filters: {field name: cleaned value}."""
        return {name: value for name, value in self.cleaned_data.items() if value}

    def filter(self, articles: QuerySet) -> QuerySet:
        active = self.active_filters
        if "kind" in active:
            articles = articles.filter(kind=active["kind"])
        if "theme" in active:
            articles = articles.filter(themes=active["theme"])
        return articles

    def querystring(self) -> str:
        """The active filters as a query string, for pagination links."""
        values = {}
        if "kind" in self.active_filters:
            values["kind"] = self.active_filters["kind"]
        if "theme" in self.active_filters:
            values["theme"] = self.active_filters["theme"].slug
        return urlencode(values)


def with_card_data(articles: QuerySet) -> QuerySet:
    """What a card shows besides the article's own fields: its themes (one query for the whole page)."""
    return articles.prefetch_related("themes")
