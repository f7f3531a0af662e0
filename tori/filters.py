"""The Tori index's filters and full-text search.

`ActFilterForm` validates the query string like the network index's form (networks.forms.NetworkFilterForm): each
field on its own, and a value that is not one of the choices drops out of `cleaned_data`, so junk gives the
unfiltered list for that field while the valid filters still apply. Pagination links carry the valid filters only.

`find_acts` filters with the ORM and, when there is a search, searches within the filtered acts with Wagtail's
search backend (the database backend: SQLite's FTS5 in the embedded default, PostgreSQL's full text with the
`finnish` configuration in production, which stems "laskujen" and "laskuista" to "lasku"). The backend runs the
filtered queryset as its base query — every filtered column is a FilterField in ActPage.search_fields — so filters
and search are one query, ordered by relevance, and the page costs the same queries whatever the data.
"""

import re

from django import forms
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from networks.models import NetworkPage, Organisation, Theme

from .models import Interest, Sector

MAX_QUERY_LENGTH = 200


def search_terms(query: str) -> str:
    """Only words reach the search backend: quotes and operators would be syntax to SQLite's FTS5."""
    return " ".join(re.findall(r"\w+", query[:MAX_QUERY_LENGTH]))


class ActFilterForm(forms.Form):
    """The Tori index's filters and search. A value that is not one of the choices is ignored, never an error page."""

    q = forms.CharField(label=_("Hakusana"), required=False, max_length=MAX_QUERY_LENGTH)
    sector = forms.ChoiceField(label=_("Toimiala"), required=False, choices=[("", _("Kaikki"))] + Sector.choices)
    theme = forms.ModelChoiceField(
        label=_("Teema"), required=False, queryset=Theme.objects.none(), to_field_name="slug", empty_label=_("Kaikki")
    )
    region = forms.ChoiceField(label=_("Maakunta"), required=False)
    kind = forms.ChoiceField(
        label=_("Organisaation tyyppi"),
        required=False,
        choices=[("", _("Kaikki"))]
        + [choice for choice in Organisation.Kind.choices if choice[0] != Organisation.Kind.PARTNER],
    )
    network = forms.ModelChoiceField(
        label=_("Verkosto"),
        required=False,
        queryset=NetworkPage.objects.none(),
        to_field_name="slug",
        empty_label=_("Kaikki"),
    )

    def __init__(self, data=None, *, acts: QuerySet, **kwargs):
        """`acts`: the Tori's published acts; the choices are the themes, regions and networks that have some."""
        super().__init__(data, **kwargs)
        published = acts.order_by()
        self.fields["theme"].queryset = Theme.objects.filter(Exists(published.filter(themes=OuterRef("pk")))).order_by(
            "name"
        )
        # One network per translation (translations share their slug): the Finnish one, which acts point to.
        self.fields["network"].queryset = (
            NetworkPage.objects.programme().filter(Exists(published.filter(network=OuterRef("pk")))).order_by("title")
        )
        regions = (
            Organisation.objects.filter(Exists(published.filter(organisation=OuterRef("pk"))))
            .exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        self.fields["region"].choices = [("", _("Kaikki"))] + [(region, region) for region in regions]
        self.is_valid()  # fills cleaned_data with the valid fields only

    @property
    def active_filters(self) -> dict:
        """The valid, non-empty filters and search: {field name: cleaned value}."""
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def terms(self) -> str:
        return search_terms(self.cleaned_data.get("q") or "")

    def filter(self, acts: QuerySet) -> QuerySet:
        """`acts` with the valid filters (not the search) applied."""
        active = self.active_filters
        lookups = {
            "sector": ("sector", lambda value: value),
            "theme": ("themes__slug", lambda value: value.slug),
            "region": ("organisation__region", lambda value: value),
            "kind": ("organisation__kind", lambda value: value),
            "network": ("network_id", lambda value: value.pk),
        }
        return acts.filter(
            **{lookup: convert(active[name]) for name, (lookup, convert) in lookups.items() if name in active}
        )

    def querystring(self) -> str:
        """The active filters and search as a query string, for pagination links."""
        values = {}
        for name, value in self.active_filters.items():
            field = self.fields[name]
            values[name] = (
                getattr(value, field.to_field_name or "pk")
                if isinstance(field, forms.ModelChoiceField)
                else field.prepare_value(value)
            )
        return urlencode(values)


def with_card_data(acts: QuerySet) -> QuerySet:
    """What a card shows: the organisation, the themes and the number of "Kiinnostaa" (a subquery per row, no
    GROUP BY, so that the search backend can add its own clauses)."""
    interests = (
        Interest.objects.filter(act=OuterRef("pk")).order_by().values("act").annotate(count=Count("pk")).values("count")
    )
    return (
        acts.select_related("organisation")
        .prefetch_related("themes")
        .annotate(interest_count=Coalesce(Subquery(interests, output_field=IntegerField()), Value(0)))
    )


def find_acts(acts: QuerySet, form: ActFilterForm):
    """The acts that pass the form's filters, matching its search if there is one (by relevance, else newest first):
    a queryset or Wagtail's search results, either of which core.pagination pages."""
    found = with_card_data(form.filter(acts))
    terms = form.terms
    if not terms:
        return found
    return found.search(terms, operator="and")
