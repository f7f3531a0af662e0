"""The Tori's demo content, from ``tori.json`` (core.demo loads it; the orders are listed in docs/architecture.md).

``index``
    the ToriIndexPage's page fields and ``intro`` (rich text), put under the default site's root page (the home
    page) right after the network index, so that the main menu lists it after the networks.
``acts``
    a list of published acts: page fields, ``organisation`` (a name in organisations.json), ``sector`` (a
    tori.models.Sector value), ``themes`` (slugs), ``network`` (optional: the slug of a Finnish network in
    networks.json), ``published`` (local time of first publication, which orders the lists), ``featured``
    (optional, on the home page), ``summary``, ``problem``, ``actions``, ``participants`` (any of "management",
    "supervisors", "staff"), ``result``, ``how_to_copy``, ``figures`` (``{label, before, after}``), ``contact``
    (``{name, title, email}``: never shown; use example.fi addresses) and ``consent`` (``{given_by, date}``).
    They have no owner: a member's write-up and its review are not demo content.
``top_lists``
    ``{slug, title, sector, intro, acts}``: ``acts`` are slugs of acts of that sector, in order, at most
    TopList.MAX_ITEMS.
"""

from datetime import date

from accounts.models import User
from core.demo import DemoContentError, local_datetime, page_values, steps
from networks.demo import demo_networks, site_root_page
from networks.models import NetworkIndexPage, Organisation, Theme

from . import actions
from .models import ActPage, Sector, TopList, TopListItem, ToriIndexPage

PARTICIPANTS = {"management": "by_management", "supervisors": "by_supervisors", "staff": "by_staff"}


def tori_index():
    index = ToriIndexPage.objects.child_of(site_root_page()).first()  # max_count = 1
    if index is None:
        raise DemoContentError("There is no Tori index under the site's root page: load it first.")
    return index


@steps.register("tori index", order=235, files=("tori.json",))
def load_tori_index(load):
    home = site_root_page()
    spec = load.read("tori.json")["index"]
    values = page_values(spec, intro=spec.get("intro", ""))
    index = load.sync_page(
        "tori index", home, ToriIndexPage, values, existing=ToriIndexPage.objects.child_of(home).first()
    )
    load.place_after(index, [NetworkIndexPage.objects.child_of(home).first()], "moved Tekojen Tori after the networks")


@steps.register("acts", order=450, files=("tori.json",))
def load_acts(load):
    """The published acts, with their themes and figures, under the Tori index."""
    specs = load.read("tori.json")["acts"]
    index = tori_index()
    organisations = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(name__in={spec["organisation"] for spec in specs})
    }
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    networks = demo_networks()
    for spec in specs:
        load.sync_page(
            "acts",
            index,
            ActPage,
            act_values(spec, organisations, networks),
            relations={
                "themes": [known(themes, slug, spec, "theme") for slug in spec.get("themes", [])],
                "figures": [
                    {"label": figure["label"], "before": figure.get("before", ""), "after": figure["after"]}
                    for figure in spec.get("figures", [])
                ],
            },
        )


def act_values(spec, organisations, networks):
    unknown = set(spec.get("participants", [])) - set(PARTICIPANTS)
    if unknown:
        raise DemoContentError(f"Act {spec['slug']!r}: unknown participants {sorted(unknown)}.")
    if spec["sector"] not in Sector.values:
        raise DemoContentError(f"Act {spec['slug']!r}: sector {spec['sector']!r} is not a Sector.")
    network = spec.get("network")
    return page_values(
        spec,
        organisation=known(organisations, spec["organisation"], spec, "organisation"),
        sector=spec["sector"],
        network=known(networks, network, spec, "network") if network else None,
        summary=spec["summary"],
        problem=spec["problem"],
        actions=spec["actions"],
        **{field: name in spec.get("participants", []) for name, field in PARTICIPANTS.items()},
        result=spec["result"],
        how_to_copy=spec["how_to_copy"],
        contact_name=spec["contact"]["name"],
        contact_title=spec["contact"].get("title", ""),
        contact_email=spec["contact"]["email"],
        consent_given_by=spec["consent"]["given_by"],
        consent_date=date.fromisoformat(spec["consent"]["date"]),
        featured=spec.get("featured", False),
        first_published_at=local_datetime(spec["published"]),
    )


def known(objects, key, spec, what):
    try:
        return objects[key]
    except KeyError:
        raise DemoContentError(f"Act {spec['slug']!r}: {what} {key!r} is unknown.") from None


@steps.register("top lists", order=460, files=("tori.json",))
def load_top_lists(load):
    """The TOP lists, each with its acts in order: published acts of the list's sector, at most TopList.MAX_ITEMS."""
    acts = {act.slug: act for act in ActPage.objects.child_of(tori_index())}
    for spec in load.read("tori.json").get("top_lists", []):
        wanted = [top_list_act(acts, slug, spec) for slug in spec["acts"]]
        if len(wanted) > TopList.MAX_ITEMS:
            raise DemoContentError(f"TOP list {spec['slug']!r}: more than {TopList.MAX_ITEMS} acts.")
        values = {"title": spec["title"], "sector": spec["sector"], "intro": spec.get("intro", "")}
        existing = TopList.objects.filter(slug=spec["slug"]).first()
        top_list = load.sync_object("top lists", TopList, existing, {"slug": spec["slug"]}, values)
        current = [item.act_id for item in top_list.items.all()]
        if current != [act.pk for act in wanted]:
            top_list.items = [TopListItem(act=act, sort_order=order) for order, act in enumerate(wanted)]
            top_list.save()
            load.report.add("top list items", "updated" if current else "created")
        else:
            load.report.add("top list items", "unchanged")


def top_list_act(acts, slug, spec):
    act = acts.get(slug)
    if act is None or not act.live:
        raise DemoContentError(f"TOP list {spec['slug']!r}: {slug!r} is not a published act.")
    if act.sector != spec["sector"]:
        raise DemoContentError(f"TOP list {spec['slug']!r}: {slug!r} is not of the sector {spec['sector']!r}.")
    return act


@steps.register("act in review", order=820, files=("tori.json",), users=True)
def load_act_in_review(load):
    """With the demo accounts: one act a member has written and submitted, waiting in the office's review queue.
    Written and submitted through the same actions as the member's form, once: a second run finds it by its title
    among the author's acts and leaves it as it is (the office may have reviewed it meanwhile)."""
    spec = load.read("tori.json")["in_review"]
    author = User.objects.get(email=spec["author"])
    if actions.own_acts(author).filter(title=spec["title"]).exists():
        return
    organisation = Organisation.objects.get(name=spec["organisation"])
    fields = {name: spec.get(name, "") for name in actions.ACT_FIELDS}
    fields.update(
        organisation=organisation,
        network=demo_networks().get(spec["network"]) if spec.get("network") else None,
        consent_date=date.fromisoformat(spec["consent_date"]),
        **{field: name in spec.get("participants", []) for name, field in PARTICIPANTS.items()},
    )
    data = actions.ActInput(fields=fields, consent=True, figures=[tuple(row) for row in spec.get("figures", [])])
    act = actions.save_act(author, None, data, "fi")
    actions.submit_act(author, act, "fi")
    load.report.note(f"submitted {act.title!r} for review")
