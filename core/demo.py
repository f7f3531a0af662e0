"""The demo content loader: JSON files in, a database that matches them out, whatever app each part belongs to.

The content lives in JSON files (by default ``site/content/``, described in its README). Each app loads its own
part with *steps* that it registers on :data:`steps` from its ``AppConfig.ready()``, so this module imports
none of the apps that use it:

    from core.demo import page_values, steps

    @steps.register("themes", order=100, files=("themes.json",))
    def load_themes(load):
        for spec in load.read("themes.json"):
            load.sync_object("themes", Theme, Theme.objects.filter(slug=spec["slug"]).first(), ...)

:func:`load_demo_content` reads every file the selected steps declare (before anything is written, so a missing
or malformed file changes nothing), then runs the steps in their declared ``order`` in one transaction. A step
marked ``users`` runs only when the demo accounts are asked for (they share a published password). A step finds
what earlier steps made in the database by its natural key (a page by its parent and slug, a network by its
slug), never by importing the app that made it. The steps' orders are listed in ``docs/architecture.md``.

Loading is idempotent: every object is looked up by its natural key, the wanted field values are compared with
the stored ones, and only what differs is written (:meth:`DemoLoad.sync_object`, :meth:`DemoLoad.sync_page`).
A page that changed gets a new revision and is published through ``save_revision().publish()``, as an editor's
change would be; an unchanged page gets neither, so a second run creates no pages, revisions or log entries.
Rows that the demo's visitors may change (activity) are only ever created. Every step reports what it did, per
kind of object, to the run's :class:`LoadReport`; content that is inconsistent raises :class:`DemoContentError`,
and the whole run is rolled back.
"""

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from modelcluster.fields import ParentalManyToManyField
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField
from wagtail.models import Page

__all__ = [
    "DemoContentError",
    "DemoLoad",
    "DemoStep",
    "DemoSteps",
    "LoadReport",
    "default_content_dir",
    "load_demo_content",
    "local_datetime",
    "page_values",
    "steps",
    "stream_data",
]

HELSINKI = ZoneInfo("Europe/Helsinki")
OUTCOMES = ("created", "updated", "unchanged")


def default_content_dir() -> Path:
    return Path(settings.BASE_DIR) / "site" / "content"


class DemoContentError(Exception):
    """The content files are missing, malformed, or refer to something that does not exist."""


@dataclass
class LoadReport:
    """What a load did, per kind of object: how many were created, updated or left unchanged."""

    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # other changes, each a phrase for the summary
    seconds: float = 0.0
    demo_password: str = ""
    demo_accounts: list = field(default_factory=list)  # (e-mail, what the account is for)
    unlisted_accounts: int = 0  # the demo networks' other members, not worth a line each

    def add(self, kind, outcome):
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def note(self, change):
        self.notes.append(change)

    def total(self, outcome):
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self):
        return bool(self.notes or self.total("created") or self.total("updated"))

    def summary(self):
        totals = ", ".join(f"{self.total(outcome)} {outcome}" for outcome in OUTCOMES)
        kinds = ", ".join(
            f"{kind} {'/'.join(str(counter[outcome]) for outcome in OUTCOMES)}" for kind, counter in self.counts.items()
        )
        line = f"Demo content: {totals} (created/updated/unchanged: {kinds})"
        for note in self.notes:
            line += f"; {note}"
        return f"{line}; {self.seconds:.1f} s."


# -- the steps ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo content: ``function(load)`` reads ``files`` and syncs what they describe."""

    name: str
    order: int
    function: Callable[["DemoLoad"], None]
    files: tuple[str, ...] = ()
    users: bool = False  # only with the demo accounts


class DemoSteps:
    """A registry of steps, run by :func:`load_demo_content` in their declared order.

    Two steps may share neither a name nor an order, so the order never depends on which app was loaded first.
    """

    def __init__(self):
        self._steps: list[DemoStep] = []

    def register(self, name: str, *, order: int, files: Iterable[str] = (), users: bool = False):
        """Adds ``function(load)`` as the step ``name``, run at ``order``. Used as a decorator."""

        def decorator(function):
            for step in self._steps:
                if step.name == name or step.order == order:
                    raise ValueError(f"Demo step {name!r} (order {order}) clashes with {step.name!r} ({step.order}).")
            self._steps.append(DemoStep(name, order, function, tuple(files), users))
            return function

        return decorator

    def selected(self, *, users: bool) -> list[DemoStep]:
        """The steps a load runs, in order: with ``users`` all of them, else those without the demo accounts."""
        return sorted((step for step in self._steps if users or not step.users), key=lambda step: step.order)

    def files(self, *, users: bool) -> list[str]:
        """The files the selected steps read, each once, in the order they are first needed."""
        return list(dict.fromkeys(name for step in self.selected(users=users) for name in step.files))


steps = DemoSteps()


def load_demo_content(content_dir=None, users: bool = False, *, registry: DemoSteps = steps) -> LoadReport:
    """Make the database match the demo content in ``content_dir`` (default: ``site/content``).

    With ``users``, also the demo accounts and what they did (local use only: they share a published password).
    Runs the steps of ``registry`` in one transaction and returns a :class:`LoadReport`. Raises
    :class:`DemoContentError` when the content is missing or inconsistent (nothing is written then).
    """
    content_dir = Path(content_dir) if content_dir else default_content_dir()
    load = DemoLoad(content_dir, read_files(content_dir, registry.files(users=users)))
    started = time.perf_counter()
    with transaction.atomic():
        for step in registry.selected(users=users):
            step.function(load)
    load.report.seconds = time.perf_counter() - started
    return load.report


def read_files(content_dir: Path, names: Iterable[str]) -> dict[str, Any]:
    content = {}
    for name in names:
        path = content_dir / name
        try:
            content[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DemoContentError(f"Demo content file {path} is missing.") from None
        except json.JSONDecodeError as error:
            raise DemoContentError(f"Demo content file {path} is not valid JSON: {error}") from None
    return content


# -- one run --------------------------------------------------------------------------------------------------


class DemoLoad:
    """One run of the loader as its steps see it: the content, the report, and the idempotent writes."""

    def __init__(self, content_dir: Path, content: dict[str, Any]):
        self.content_dir = content_dir
        self.report = LoadReport()
        self._content = content

    def read(self, name: str) -> Any:
        """The parsed JSON of the content file ``name``, which the step must declare in its ``files``."""
        try:
            return self._content[name]
        except KeyError:
            raise LookupError(f"{name} is read by a demo step that does not declare it in its files.") from None

    def sync_object(self, kind: str, model, instance, lookup: dict, values: dict):
        """Create ``model(**lookup, **values)`` if ``instance`` is None, else write the values that differ."""
        values = _prepare(model, values)
        if instance is None:
            instance = model(**lookup, **values)
            outcome = "created"
        elif _differs(instance, values):
            for name, value in values.items():
                setattr(instance, name, value)
            outcome = "updated"
        else:
            self.report.add(kind, "unchanged")
            return instance
        try:
            instance.full_clean()
        except ValidationError as error:
            raise DemoContentError(f"{kind} {instance}: {error}") from None
        instance.save()
        self.report.add(kind, outcome)
        return instance

    def place_after(self, page: Page, candidates, note: str) -> None:
        """The menu lists the home page's children in tree order: ``page`` comes right after the first of
        ``candidates`` (its siblings, or None for one the site lacks) — on a new site by the steps' order, on a site
        loaded before ``page`` existed moved there once (``note`` in the report)."""
        before = next((candidate for candidate in candidates if candidate is not None), None)
        if before is None:
            return
        siblings = list(before.get_siblings().values_list("pk", flat=True))
        following = siblings.index(before.pk) + 1
        if siblings[following : following + 1] != [page.pk]:
            page.move(before, pos="right")
            self.report.note(note)

    def sync_page(
        self,
        kind: str,
        parent: Page,
        model,
        values: dict,
        *,
        relations=None,
        existing=None,
        translation_of=None,
        locale=None,
    ):
        """Create, update or leave alone one page under ``parent``; return it fresh from the database.

        ``existing`` is the page to update when it is not found by its slug under ``parent`` (e.g. the one page
        of a type with ``max_count = 1``). ``relations`` are the page's many-to-many fields (a list of objects)
        and child relations (a list of rows, each a dict of field values), compared and written with the page.
        With ``translation_of`` and ``locale``, a page created is that page's translation (same translation_key);
        ``parent`` is then the translation of its parent, and ``existing`` its translation if there is one.
        """
        relations = relations or {}
        values = _prepare(model, values)
        if existing is None:
            sibling = parent.get_children().filter(slug=values["slug"]).first()
            if sibling is not None and sibling.specific_class is not model:
                raise DemoContentError(
                    f"The slug {values['slug']!r} under {parent.url_path!r} is taken by a "
                    f"{sibling.specific_class.__name__}, not a {model.__name__}."
                )
            existing = sibling.specific if sibling is not None else None

        if existing is None:
            page = model(live=False, **values)
            if translation_of is not None:
                page.locale = locale
                page.translation_key = translation_of.translation_key
            outcome = "created"
        elif existing.live and not _differs(existing, values) and not _relations_differ(existing, relations):
            self.report.add(kind, "unchanged")
            return existing
        else:
            page = existing
            for name, value in values.items():
                setattr(page, name, value)
            outcome = "updated"
        _apply_relations(page, relations)
        try:
            if outcome == "created":
                parent.add_child(instance=page)  # Page.save logs "wagtail.create"
            # save_revision() validates the page (full_clean) before it writes the revision.
            revision = page.save_revision(log_action=outcome == "updated")
        except ValidationError as error:
            raise DemoContentError(f"{model.__name__} {parent.url_path}{values['slug']}/: {error}") from None
        revision.publish()
        self.report.add(kind, outcome)
        return model.objects.get(pk=page.pk)


# -- reading values -------------------------------------------------------------------------------------------


def page_values(spec: dict, **fields) -> dict:
    """The Page fields every page has, then the page type's own."""
    return {
        "title": spec["title"],
        "slug": spec["slug"],
        "seo_title": spec.get("seo_title", ""),
        "search_description": spec.get("search_description", ""),
        "show_in_menus": spec.get("show_in_menus", False),
        **fields,
    }


def local_datetime(value: str) -> datetime:
    """An ISO 8601 local time (e.g. "2027-02-11T09:00") made aware in Europe/Helsinki."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=HELSINKI) if moment.tzinfo is None else moment


def stream_data(stream_block, value) -> list:
    """A StreamField value (or its raw list) as normalised JSON-compatible data, without block ids.

    Both sides of a comparison go through the blocks' to_python/get_prep_value, so "09:00" and
    "09:00:00" for a TimeBlock, or a missing optional struct field and its default, compare equal.
    """
    if not isinstance(value, StreamValue):
        value = stream_block.to_python(_strip_ids(list(value or [])))
    return _strip_ids([{"type": child.block_type, "value": child.block.get_prep_value(child.value)} for child in value])


def _strip_ids(data):
    """Drop the block ids Wagtail adds to stream and list children, which differ on every save."""
    if isinstance(data, list):
        return [_strip_ids(item) for item in data]
    if isinstance(data, dict):
        is_child = "type" in data and "value" in data and set(data) <= {"type", "value", "id"}
        return {key: _strip_ids(value) for key, value in data.items() if not (is_child and key == "id")}
    return data


# -- comparing and writing field values -----------------------------------------------------------------------


def _prepare(model, values):
    """Normalise StreamField values so that they compare equal to what the database gives back."""
    return {
        name: stream_data(model._meta.get_field(name).stream_block, value)
        if isinstance(model._meta.get_field(name), StreamField)
        else value
        for name, value in values.items()
    }


def _differs(instance, values):
    for name, wanted in values.items():
        model_field = instance._meta.get_field(name)
        if isinstance(model_field, StreamField):
            current = stream_data(model_field.stream_block, getattr(instance, name))
        elif isinstance(model_field, models.ForeignKey):
            current = getattr(instance, model_field.attname)
            wanted = wanted.pk if wanted is not None else None
        else:
            current = getattr(instance, name)
        if current != wanted:
            return True
    return False


def _relations_differ(page, relations):
    for name, wanted in relations.items():
        model_field = page._meta.get_field(name)
        if isinstance(model_field, ParentalManyToManyField):
            if {obj.pk for obj in getattr(page, name).all()} != {obj.pk for obj in wanted}:
                return True
            continue
        # A child relation (InlinePanel rows): compare the rows in order, foreign keys by id.
        children = list(getattr(page, name).all())
        if len(children) != len(wanted):
            return True
        for child, row in zip(children, wanted, strict=True):
            if {key: _field_value(child, key) for key in row} != {key: _plain(value) for key, value in row.items()}:
                return True
    return False


def _apply_relations(page, relations):
    for name, wanted in relations.items():
        model_field = page._meta.get_field(name)
        if isinstance(model_field, ParentalManyToManyField):
            setattr(page, name, list(wanted))
        else:
            child_model = model_field.related_model
            setattr(page, name, [child_model(sort_order=i, **row) for i, row in enumerate(wanted)])


def _plain(value):
    """A model instance as its primary key; anything else as itself."""
    return value.pk if isinstance(value, models.Model) else value


def _field_value(instance, name):
    """A field's stored value; for a foreign key its id, without fetching the related object."""
    model_field = instance._meta.get_field(name)
    return getattr(instance, model_field.attname if model_field.is_relation else name)
