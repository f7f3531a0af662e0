"""The rules of a sector's TOP list, and the admin form that enforces them.

A TOP list holds at most MAX_ITEMS acts, each published (live) and of the list's sector, none twice. The programme
office edits the lists as snippets (tori.wagtail_hooks); `TopListForm`, the snippet's form (`TopList.base_form_class`),
puts each refusal next to the item it concerns and saves nothing while any remains. Code (the demo content, a
management command) checks a list with `check_top_list`, which raises the first refusal as an ActionError.

This module imports no models (tori.models uses the form): acts are anything with `pk`, `title`, `live` and `sector`.
The public page of a list shows its acts that are still live (tori.public.top_list_acts), in case one was
unpublished after it was listed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core.errors import ActionError

MAX_ITEMS = 12


class ActLike(Protocol):
    pk: Any
    title: str
    live: bool
    sector: str


@dataclass(frozen=True)
class Problem:
    code: str  # too_many, not_published, other_sector, duplicate
    message: str | Promise
    position: int | None = None  # the item's index in the list given, None for the list as a whole


def top_list_problems(sector: str, acts: Sequence[ActLike], sector_label: str | Promise = "") -> list[Problem]:
    """Every rule the list breaks, in the order of its items."""
    problems = []
    if len(acts) > MAX_ITEMS:
        problems.append(
            Problem(
                "too_many",
                _("TOP-listalla voi olla enintään %(max)s tekoa; nyt niitä on %(count)s. Poista %(extra)s.")
                % {"max": MAX_ITEMS, "count": len(acts), "extra": len(acts) - MAX_ITEMS},
            )
        )
    seen = set()
    for position, act in enumerate(acts):
        if act.pk in seen:
            problems.append(
                Problem("duplicate", _("”%(title)s” on listalla jo kertaalleen.") % {"title": act.title}, position)
            )
        seen.add(act.pk)
        if not act.live:
            problems.append(
                Problem(
                    "not_published",
                    _("”%(title)s” ei ole julkaistu. Listalle voi lisätä vain julkaistuja tekoja.")
                    % {"title": act.title},
                    position,
                )
            )
        if act.sector != sector:
            problems.append(
                Problem(
                    "other_sector",
                    _("”%(title)s” on toisen toimialan teko. Listalle voi lisätä vain toimialan %(sector)s tekoja.")
                    % {"title": act.title, "sector": sector_label or sector},
                    position,
                )
            )
    return problems


def check_top_list(sector: str, acts: Sequence[ActLike], sector_label: str | Promise = "") -> None:
    """Refuses (ActionError with the rule's code) a list that breaks a rule."""
    problems = top_list_problems(sector, acts, sector_label)
    if problems:
        raise ActionError(problems[0].code, problems[0].message)


class TopListForm(WagtailAdminModelForm):
    """The TOP list snippet's form: the list's rules as errors on the form and on the items."""

    def clean(self):
        cleaned_data = super().clean()
        items = self.formsets.get("items")
        sector = cleaned_data.get("sector")
        if items is None or not sector:
            return cleaned_data  # the fields' own errors first
        # Each item's own errors first; the formset's "at most 12 forms" is said again in our words below.
        items.full_clean()  # cleans each item's form
        forms = [form for form in items.forms if not (items.can_delete and items._should_delete_form(form))]
        if not all(form.is_valid() for form in forms):
            return cleaned_data
        kept = [form for form in forms if form.cleaned_data.get("act") is not None]
        if items.can_order:
            kept.sort(key=lambda form: form.cleaned_data.get("ORDER") or 0)
        sector_label = dict(self.fields["sector"].choices).get(sector, sector)
        problems = top_list_problems(sector, [form.cleaned_data["act"] for form in kept], sector_label)
        for problem in problems:
            if problem.position is None:
                self.add_error(None, problem.message)
            else:
                kept[problem.position].add_error("act", problem.message)
        if any(problem.position is not None for problem in problems):
            self.add_error(None, _("TOP-listaa ei tallennettu. Korjaa listan teot."))
        return cleaned_data
