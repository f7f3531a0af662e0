"""The networks app's demo content: themes, organisations, the network index, the networks, and — with the demo
accounts — the people and their memberships (core.demo loads them; the orders are listed in docs/architecture.md).

``themes.json``
    a list of ``{slug, name, description}``.
``organisations.json``
    a list of ``{name, kind, municipality, region, website}``.
``site.json``
    its ``network_index`` is the NetworkIndexPage, put under the default site's root page (the home page).
``networks.json``
    a list of networks: page fields, ``theme`` (a slug), ``partner`` and ``organisations`` (names),
    ``facilitators`` and ``contact_email`` (optional: without it the network page shows the programme office's
    address), ``results_summary`` (optional rich text: what an ended network achieved, shown in its "Tulokset");
    each network gets its groups and private collection. Its ``documents`` and ``workshops``
    are the workshops app's.
``users.json`` (only with the demo accounts)
    the shared ``password`` and the ``users``: profile fields, ``organisation`` (a name), ``memberships``
    (``{network, role, organisation?}``), ``admin_access`` (true: Wagtail's admin, for the office's account) and
    ``listed`` (false for members not worth a line in the output).
``translations.json``
    its ``network_index`` and ``networks`` (``source``: the Finnish network's slug, then the page fields that
    differ) per language: the Finnish pages' translations (home/demo.py describes the file).
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from wagtail.models import Locale, Site

from core.demo import DemoContentError, page_values, steps

from .actions import add_member
from .groups import ensure_network_groups
from .models import NetworkIndexPage, NetworkPage, Organisation, Theme

SUMMARY_MAX_LENGTH = 400


def admin_access():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def site_root_page():
    """The default site's root page (the home page, which this app does not import)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise DemoContentError("There is no default site for the network index: load the site first.")
    return site.root_page


def network_index():
    index = NetworkIndexPage.objects.child_of(site_root_page()).first()  # max_count = 1
    if index is None:
        raise DemoContentError("There is no network index under the site's root page: load it first.")
    return index


def demo_networks():
    """The networks of the demo site's network index, by slug."""
    return {network.slug: network for network in NetworkPage.objects.child_of(network_index())}


@steps.register("themes", order=100, files=("themes.json",))
def load_themes(load):
    existing = {theme.slug: theme for theme in Theme.objects.all()}
    for spec in load.read("themes.json"):
        values = {"name": spec["name"], "description": spec.get("description", "")}
        load.sync_object("themes", Theme, existing.get(spec["slug"]), {"slug": spec["slug"]}, values)


@steps.register("organisations", order=110, files=("organisations.json",))
def load_organisations(load):
    existing = {organisation.name: organisation for organisation in Organisation.objects.all()}
    for spec in load.read("organisations.json"):
        values = {
            "kind": spec["kind"],
            "municipality": spec.get("municipality", ""),
            "region": spec.get("region", ""),
            "website": spec.get("website", ""),
        }
        load.sync_object("organisations", Organisation, existing.get(spec["name"]), {"name": spec["name"]}, values)


@steps.register("network index", order=230, files=("site.json",))
def load_network_index(load):
    home = site_root_page()
    spec = load.read("site.json")["network_index"]
    values = page_values(spec, intro=spec.get("intro", ""))
    existing = NetworkIndexPage.objects.child_of(home).first()  # max_count = 1
    load.sync_page("network index", home, NetworkIndexPage, values, existing=existing)


@steps.register("networks", order=300, files=("themes.json", "organisations.json", "networks.json"))
def load_networks(load):
    """The networks with their facilitators and organisations; themes and organisations as their files name them."""
    theme_slugs = [spec["slug"] for spec in load.read("themes.json")]
    organisation_names = [spec["name"] for spec in load.read("organisations.json")]
    themes = {theme.slug: theme for theme in Theme.objects.filter(slug__in=theme_slugs)}
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=organisation_names)}
    index = network_index()
    for spec in load.read("networks.json"):
        network = sync_network(load, index, spec, themes, organisations)
        if network.members_group_id is None:  # a network loaded before networks had groups
            ensure_network_groups(network)


def sync_network(load, index, spec, themes, organisations, *, kind="networks", translation_of=None, locale=None):
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
    values = page_values(
        spec,
        kind=spec["kind"],
        theme=themes[theme] if theme else None,
        status=spec["status"],
        partner=organisation(spec.get("partner"), "partner"),
        summary=spec["summary"],
        goals=spec.get("goals", ""),
        body=spec.get("body", []),
        contact_email=spec.get("contact_email", ""),
        results_summary=spec.get("results_summary", ""),
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
    return load.sync_page(
        kind, index, NetworkPage, values, relations=relations, translation_of=translation_of, locale=locale
    )


@steps.register(
    "network translations",
    order=310,
    files=("themes.json", "organisations.json", "site.json", "networks.json", "translations.json"),
)
def load_network_translations(load):
    """The Swedish and English network index and networks of translations.json (the home app's step 245 made the
    home page's translations and the locales). A translation has the Finnish network's facilitators,
    organisations and theme; member spaces, groups and memberships stay with the Finnish network."""
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    organisations = {org.name: org for org in Organisation.objects.all()}
    index = network_index()
    networks = demo_networks()
    finnish = {spec["slug"]: spec for spec in load.read("networks.json")}
    for language, content in load.read("translations.json").items():
        locale = Locale.objects.get(language_code=language)
        home = site_root_page().get_translation_or_none(locale)
        if home is None:
            raise DemoContentError(f"The home page has no {language} translation for the network index.")
        spec = {**load.read("site.json")["network_index"], **content["network_index"]}
        translated_index = load.sync_page(
            "translations",
            home,
            NetworkIndexPage,
            page_values(spec, intro=spec.get("intro", "")),
            existing=index.get_translation_or_none(locale),
            translation_of=index,
            locale=locale,
        )
        for translated in content.get("networks", []):
            source = networks.get(translated["source"])
            if source is None or translated["source"] not in finnish:
                raise DemoContentError(f"Translation of network {translated['source']!r}: no such network.")
            spec = {**finnish[translated["source"]], **translated}
            sync_network(
                load,
                translated_index,
                spec,
                themes,
                organisations,
                kind="translations",
                translation_of=source,
                locale=locale,
            )


@steps.register("users", order=500, files=("users.json",), users=True)
def load_users(load):
    """Demo accounts with verified e-mail addresses, and their memberships (through networks.actions)."""
    spec = load.read("users.json")
    User = get_user_model()  # noqa: N806
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    networks = demo_networks()
    password_hash = None  # hashed once: the hasher is deliberately slow, and the password is shared
    load.report.demo_password = spec["password"]
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
            load.report.add("users", "created")
        elif any(getattr(user, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(user, name, value)
            user.save()
            load.report.add("users", "updated")
        else:
            load.report.add("users", "unchanged")
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if person.get("admin_access"):
            # Wagtail's admin is not part of is_staff (docs/permissions.md): the demo's office account gets it here,
            # to write news and compose the newsletter.
            user.user_permissions.add(admin_access())
        for membership in person.get("memberships", []):
            if membership["network"] not in networks:
                raise DemoContentError(f"User {person['email']!r}: network {membership['network']!r} is unknown.")
            _membership, created = add_member(
                networks[membership["network"]],
                user,
                membership["role"],
                organisations.get(membership.get("organisation", organisation)),
            )
            load.report.add("memberships", "created" if created else "unchanged")
        roles = [f"{m['role']} in {m['network']}" for m in person.get("memberships", [])]
        description = "programme office staff" if values["is_staff"] else ", ".join(roles) or "member of nothing"
        if person.get("listed", True):
            load.report.demo_accounts.append((user.email, description))
        else:
            load.report.unlisted_accounts += 1
