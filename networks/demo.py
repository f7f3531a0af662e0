"""Verkostamo's demo content: the public pages, site settings, themes, organisations, networks and workshops.

The content lives in JSON files (by default ``site/content/``); :func:`load_demo_content` makes the database
match them. It is idempotent: every object is looked up by its natural key (a page by its parent and slug,
a theme by slug, an organisation by name), the wanted field values are compared with the stored ones, and
only what differs is written. A page that changed gets a new revision and is published through
``save_revision().publish()``, as an editor's change would be; an unchanged page gets neither, so a
second run creates no pages, revisions or log entries.

Files (UTF-8 JSON):

``site.json``
    ``site`` (site name, and hostname/port used only if no default Site exists), ``settings`` (SiteSettings),
    ``home`` (the HomePage), ``network_index`` (the NetworkIndexPage) and ``pages`` (StandardPages under home).
``themes.json``
    a list of ``{slug, name, description}``.
``organisations.json``
    a list of ``{name, kind, municipality, region, website}``.
``networks.json``
    a list of networks: page fields, ``theme`` (a slug), ``partner`` and ``organisations`` (names),
    ``facilitators``, ``documents`` (``{file, title}``: files in ``documents/`` put in the network's private
    collection) and ``workshops`` (their ``start``/``end`` are Europe/Helsinki local times; a document block
    names a file of the network's documents; ``tasks`` with their ``due`` times).
``users.json`` and ``activity.json`` (only with ``users``)
    the demo accounts and memberships; the demo networks' registrations, attendance, answers and feedback.

StreamField values are given as lists of ``{"type": ..., "value": ...}``; rich text as Wagtail's HTML.
"""

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from modelcluster.fields import ParentalManyToManyField
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField
from wagtail.models import Page, Site

from home.models import HomePage, SiteSettings, StandardPage
from workshops import demo as workshop_demo
from workshops.models import WorkshopPage

from .actions import add_member
from .groups import ensure_network_groups
from .models import NetworkIndexPage, NetworkPage, Organisation, Theme

__all__ = ["DemoContentError", "LoadReport", "default_content_dir", "load_demo_content"]

HELSINKI = ZoneInfo("Europe/Helsinki")
CONTENT_FILES = ("site.json", "themes.json", "organisations.json", "networks.json")
USER_FILE = "users.json"
ACTIVITY_FILE = "activity.json"
OUTCOMES = ("created", "updated", "unchanged")
# The page Wagtail's initial migration creates under the root ("Welcome to your new Wagtail site!").
WELCOME_PAGE_SLUG = "home"
SUMMARY_MAX_LENGTH = 400


def default_content_dir():
    return Path(settings.BASE_DIR) / "site" / "content"


class DemoContentError(Exception):
    """The content files are missing, malformed, or refer to something that does not exist."""


@dataclass
class LoadReport:
    """What a load did, per kind of object: how many were created, updated or left unchanged."""

    counts: dict = field(default_factory=dict)
    welcome_page_deleted: bool = False
    seconds: float = 0.0
    demo_password: str = ""
    demo_accounts: list = field(default_factory=list)  # (e-mail, what the account is for)
    unlisted_accounts: int = 0  # the demo networks' other members, not worth a line each

    def add(self, kind, outcome):
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome):
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self):
        return self.welcome_page_deleted or bool(self.total("created") or self.total("updated"))

    def summary(self):
        totals = ", ".join(f"{self.total(outcome)} {outcome}" for outcome in OUTCOMES)
        kinds = ", ".join(
            f"{kind} {'/'.join(str(counter[outcome]) for outcome in OUTCOMES)}" for kind, counter in self.counts.items()
        )
        line = f"Demo content: {totals} (created/updated/unchanged: {kinds})"
        if self.welcome_page_deleted:
            line += "; deleted Wagtail's welcome page"
        return f"{line}; {self.seconds:.1f} s."


def load_demo_content(content_dir=None, users=False):
    """Make the database match the demo content in ``content_dir`` (default: ``site/content``).

    With ``users``, also the demo accounts of ``users.json`` and their memberships (local use only: they
    share a published password). Runs in one transaction and returns a :class:`LoadReport`. Raises
    :class:`DemoContentError` when the content is missing or inconsistent (nothing is written then).
    """
    content_dir = Path(content_dir) if content_dir else default_content_dir()
    content = read_content(content_dir, *((USER_FILE, ACTIVITY_FILE) if users else ()))
    started = time.perf_counter()
    report = LoadReport()
    with transaction.atomic():
        loader = _Loader(report, content_dir)
        try:
            loader.load(content)
            if users:
                loader.sync_users(content["users"])
                workshop_demo.sync_activity(loader, content["activity"])
        except workshop_demo.DemoContentError as error:
            raise DemoContentError(str(error)) from None
    report.seconds = time.perf_counter() - started
    return report


def read_content(content_dir, *optional):
    content = {}
    for name in [*CONTENT_FILES, *filter(None, optional)]:
        path = Path(content_dir) / name
        try:
            content[name.removesuffix(".json")] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DemoContentError(f"Demo content file {path} is missing.") from None
        except json.JSONDecodeError as error:
            raise DemoContentError(f"Demo content file {path} is not valid JSON: {error}") from None
    return content


def local_datetime(value):
    """An ISO 8601 local time (e.g. "2027-02-11T09:00") made aware in Europe/Helsinki."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=HELSINKI) if moment.tzinfo is None else moment


def _strip_ids(data):
    """Drop the block ids Wagtail adds to stream and list children, which differ on every save."""
    if isinstance(data, list):
        return [_strip_ids(item) for item in data]
    if isinstance(data, dict):
        is_child = "type" in data and "value" in data and set(data) <= {"type", "value", "id"}
        return {key: _strip_ids(value) for key, value in data.items() if not (is_child and key == "id")}
    return data


def stream_data(stream_block, value):
    """A StreamField value (or its raw list) as normalised JSON-compatible data, without block ids.

    Both sides of a comparison go through the blocks' to_python/get_prep_value, so "09:00" and
    "09:00:00" for a TimeBlock, or a missing optional struct field and its default, compare equal.
    """
    if not isinstance(value, StreamValue):
        value = stream_block.to_python(_strip_ids(list(value or [])))
    return _strip_ids([{"type": child.block_type, "value": child.block.get_prep_value(child.value)} for child in value])


def _is_stream_field(model, name):
    return isinstance(model._meta.get_field(name), StreamField)


def _plain(value):
    """A model instance as its primary key; anything else as itself."""
    return value.pk if isinstance(value, models.Model) else value


def _field_value(instance, name):
    """A field's stored value; for a foreign key its id, without fetching the related object."""
    model_field = instance._meta.get_field(name)
    return getattr(instance, model_field.attname if model_field.is_relation else name)


class _Loader:
    def __init__(self, report, content_dir):
        self.report = report
        self.content_dir = content_dir

    # -- the whole load ---------------------------------------------------------------------------------

    def load(self, content):
        site_content = content["site"]
        themes = self.sync_themes(content["themes"])
        organisations = self.sync_organisations(content["organisations"])

        home = self.sync_home(site_content["home"])
        site = self.sync_site(site_content.get("site", {}), home)
        self.delete_welcome_page()
        self.sync_site_settings(site, site_content.get("settings", {}))

        index = self.sync_network_index(home, site_content["network_index"])
        for spec in site_content.get("pages", []):
            self.sync_page(
                "standard pages",
                home,
                StandardPage,
                self.page_values(spec, intro=spec.get("intro", ""), body=spec["body"]),
            )

        for spec in content["networks"]:
            network = self.sync_network(index, spec, themes, organisations)
            if network.members_group_id is None:  # a network loaded before networks had groups
                ensure_network_groups(network)
            documents = workshop_demo.sync_documents(self, network, spec.get("documents", []), self.content_dir)
            for workshop_spec in spec.get("workshops", []):
                workshop = self.sync_workshop(network, workshop_spec, documents)
                workshop_demo.sync_tasks(self, workshop, workshop_spec.get("tasks", []), local_datetime)

    # -- demo accounts ----------------------------------------------------------------------------------

    def sync_users(self, spec):
        """Demo accounts with verified e-mail addresses, and their memberships (through networks.actions)."""
        from allauth.account.models import EmailAddress

        User = get_user_model()  # noqa: N806
        organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
        networks = {network.slug: network for network in NetworkPage.objects.all()}
        password_hash = None  # hashed once: the hasher is deliberately slow, and the password is shared
        self.report.demo_password = spec["password"]
        for person in spec["users"]:
            organisation = person.get("organisation")
            if organisation is not None and organisation not in organisations:
                raise DemoContentError(f"User {person['email']!r}: organisation {organisation!r} is unknown.")
            values = {
                "first_name": person["first_name"],
                "last_name": person["last_name"],
                "job_title": person.get("job_title", ""),
                "role_category": person.get("role_category", ""),
                "gender": person.get("gender", ""),
                "is_staff": person.get("is_staff", False),
                "organisation": organisations.get(organisation),
            }
            user = User.objects.filter(email=person["email"]).first()
            if user is None:
                if password_hash is None:
                    password_hash = make_password(spec["password"])
                user = User(email=person["email"], password=password_hash, **values)
                user.save()
                self.report.add("users", "created")
            elif any(getattr(user, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(user, name, value)
                user.save()
                self.report.add("users", "updated")
            else:
                self.report.add("users", "unchanged")
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            for membership in person.get("memberships", []):
                if membership["network"] not in networks:
                    raise DemoContentError(f"User {person['email']!r}: network {membership['network']!r} is unknown.")
                _membership, created = add_member(
                    networks[membership["network"]],
                    user,
                    membership["role"],
                    organisations.get(membership.get("organisation", organisation)),
                )
                self.report.add("memberships", "created" if created else "unchanged")
            roles = [f"{m['role']} in {m['network']}" for m in person.get("memberships", [])]
            description = "programme office staff" if values["is_staff"] else ", ".join(roles) or "member of nothing"
            if person.get("listed", True):
                self.report.demo_accounts.append((user.email, description))
            else:
                self.report.unlisted_accounts += 1

    # -- snippets and settings --------------------------------------------------------------------------

    def sync_themes(self, specs):
        existing = {theme.slug: theme for theme in Theme.objects.all()}
        themes = {}
        for spec in specs:
            values = {"name": spec["name"], "description": spec.get("description", "")}
            themes[spec["slug"]] = self.sync_object(
                "themes", Theme, existing.get(spec["slug"]), {"slug": spec["slug"]}, values
            )
        return themes

    def sync_organisations(self, specs):
        existing = {organisation.name: organisation for organisation in Organisation.objects.all()}
        organisations = {}
        for spec in specs:
            values = {
                "kind": spec["kind"],
                "municipality": spec.get("municipality", ""),
                "region": spec.get("region", ""),
                "website": spec.get("website", ""),
            }
            organisations[spec["name"]] = self.sync_object(
                "organisations", Organisation, existing.get(spec["name"]), {"name": spec["name"]}, values
            )
        return organisations

    def sync_site(self, spec, home):
        """Point the default Site at the home page; create it (localhost:80 unless told) if there is none."""
        values = {"site_name": spec.get("site_name", "Verkostamo"), "root_page": home, "is_default_site": True}
        lookup = {"hostname": spec.get("hostname", "localhost"), "port": spec.get("port", 80)}
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.filter(**lookup).first()
        return self.sync_object("site", Site, site, lookup, values)

    def sync_site_settings(self, site, spec):
        values = {
            "footer_text": spec.get("footer_text", ""),
            "contact_email": spec.get("contact_email", ""),
            "contact_phone": spec.get("contact_phone", ""),
            "address": spec.get("address", ""),
            "social_links": spec.get("social_links", []),
        }
        existing = SiteSettings.objects.filter(site=site).first()
        return self.sync_object("site settings", SiteSettings, existing, {"site": site}, values)

    def sync_object(self, kind, model, instance, lookup, values):
        values = self.prepare(model, values)
        if instance is None:
            instance = model(**lookup, **values)
            outcome = "created"
        elif self.differs(instance, values):
            for name, value in values.items():
                setattr(instance, name, value)
            outcome = "updated"
        else:
            self.report.add(kind, "unchanged")
            return instance
        self.validate(instance, kind)
        instance.save()
        self.report.add(kind, outcome)
        return instance

    # -- pages ------------------------------------------------------------------------------------------

    def sync_home(self, spec):
        root = Page.get_first_root_node()
        if root is None:
            raise DemoContentError("The page tree has no root page: run migrations first.")
        values = self.page_values(spec, intro=spec.get("intro", ""), body=spec.get("body", []))
        existing = HomePage.objects.first()  # max_count = 1, whatever its slug
        return self.sync_page("home page", root, HomePage, values, existing=existing)

    def sync_network_index(self, home, spec):
        values = self.page_values(spec, intro=spec.get("intro", ""))
        existing = NetworkIndexPage.objects.child_of(home).first()  # max_count = 1
        return self.sync_page("network index", home, NetworkIndexPage, values, existing=existing)

    def sync_network(self, index, spec, themes, organisations):
        def organisation(name, where):
            if name is None:
                return None
            try:
                return organisations[name]
            except KeyError:
                raise DemoContentError(
                    f"Network {spec['slug']!r}: {where} {name!r} is not in organisations.json."
                ) from None

        if len(spec["summary"]) > SUMMARY_MAX_LENGTH:
            raise DemoContentError(f"Network {spec['slug']!r}: the summary is longer than {SUMMARY_MAX_LENGTH}.")
        theme = spec.get("theme")
        if theme is not None and theme not in themes:
            raise DemoContentError(f"Network {spec['slug']!r}: theme {theme!r} is not in themes.json.")
        values = self.page_values(
            spec,
            kind=spec["kind"],
            theme=themes[theme] if theme else None,
            status=spec["status"],
            partner=organisation(spec.get("partner"), "partner"),
            summary=spec["summary"],
            goals=spec.get("goals", ""),
            body=spec.get("body", []),
        )
        relations = {
            "facilitators": [
                {
                    "name": facilitator["name"],
                    "title": facilitator.get("title", ""),
                    "organisation": organisation(facilitator.get("organisation"), "facilitator organisation"),
                }
                for facilitator in spec.get("facilitators", [])
            ],
            "organisations": [organisation(name, "organisation") for name in spec.get("organisations", [])],
        }
        return self.sync_page("networks", index, NetworkPage, values, relations=relations)

    def sync_workshop(self, network, spec, documents):
        where = f"Workshop {network.slug}/{spec['slug']}"
        values = self.page_values(
            spec,
            number=spec["number"],
            start=local_datetime(spec["start"]),
            end=local_datetime(spec["end"]),
            place=spec.get("place", ""),
            online_url=spec.get("online_url", ""),
            summary=spec.get("summary", ""),
            agenda=spec.get("agenda", []),
            capacity=spec.get("capacity"),
            cancelled=spec.get("cancelled", False),
            members_content=workshop_demo.with_documents(spec.get("members_content", []), documents, where),
            facilitator_notes=workshop_demo.with_documents(spec.get("facilitator_notes", []), documents, where),
        )
        return self.sync_page("workshops", network, WorkshopPage, values)

    @staticmethod
    def page_values(spec, **fields):
        """The Page fields every page has, then the page type's own."""
        return {
            "title": spec["title"],
            "slug": spec["slug"],
            "seo_title": spec.get("seo_title", ""),
            "search_description": spec.get("search_description", ""),
            "show_in_menus": spec.get("show_in_menus", False),
            **fields,
        }

    def sync_page(self, kind, parent, model, values, *, relations=None, existing=None):
        """Create, update or leave alone one page under ``parent``; return it fresh from the database."""
        relations = relations or {}
        values = self.prepare(model, values)
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
            outcome = "created"
        elif existing.live and not self.differs(existing, values) and not self.relations_differ(existing, relations):
            self.report.add(kind, "unchanged")
            return existing
        else:
            page = existing
            for name, value in values.items():
                setattr(page, name, value)
            outcome = "updated"
        self.apply_relations(page, relations)
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

    # -- comparing and writing field values --------------------------------------------------------------

    @staticmethod
    def prepare(model, values):
        """Normalise StreamField values so that they compare equal to what the database gives back."""
        return {
            name: stream_data(model._meta.get_field(name).stream_block, value)
            if _is_stream_field(model, name)
            else value
            for name, value in values.items()
        }

    @staticmethod
    def differs(instance, values):
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

    @staticmethod
    def relations_differ(page, relations):
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

    @staticmethod
    def apply_relations(page, relations):
        for name, wanted in relations.items():
            model_field = page._meta.get_field(name)
            if isinstance(model_field, ParentalManyToManyField):
                setattr(page, name, list(wanted))
            else:
                child_model = model_field.related_model
                setattr(page, name, [child_model(sort_order=i, **row) for i, row in enumerate(wanted)])

    @staticmethod
    def validate(instance, kind):
        try:
            instance.full_clean()
        except ValidationError as error:
            raise DemoContentError(f"{kind} {instance}: {error}") from None

    # -- Wagtail's welcome page ------------------------------------------------------------------------

    def delete_welcome_page(self):
        """Delete the plain Page Wagtail's initial migration created, once no Site uses it as root."""
        page_type = ContentType.objects.get_for_model(Page)
        for page in Page.objects.filter(depth=2, content_type=page_type, slug=WELCOME_PAGE_SLUG, numchild=0):
            if not Site.objects.filter(root_page=page).exists():
                page.delete()
                self.report.welcome_page_deleted = True
