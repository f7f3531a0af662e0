"""TOP lists: the rules (at most 12 acts, each published and of the list's sector, none twice) at the function and in
the snippet's admin form (Finnish errors, nothing saved), and the public page of a list (only live acts, in order)."""

import pytest
from django.test import Client

from core.errors import ActionError
from tests.factories import make_act, make_user
from tests.tori.public_site import build_tori_site
from tori.models import Sector, TopList, TopListItem
from tori.toplists import MAX_ITEMS, check_top_list, top_list_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def tori_site(site_tree):
    return build_tori_site(site_tree)


@pytest.fixture
def finance_acts(tori_site):
    return [
        make_act(tori_site["tori"], tori_site["sipoo"], title=f"Talousteko {n}", sector=Sector.FINANCE_HR)
        for n in range(MAX_ITEMS + 1)
    ]


def codes(sector, acts):
    return [problem.code for problem in top_list_problems(sector, acts)]


def test_rules_at_the_function(tori_site, finance_acts):
    check_top_list(Sector.FINANCE_HR, finance_acts[:MAX_ITEMS])  # twelve is fine
    assert codes(Sector.FINANCE_HR, finance_acts) == ["too_many"]
    assert codes(Sector.FINANCE_HR, [finance_acts[0], tori_site["draft"]]) == ["not_published"]
    assert codes(Sector.FINANCE_HR, [finance_acts[0], tori_site["daycare"]]) == ["other_sector"]
    assert codes(Sector.FINANCE_HR, [finance_acts[0], finance_acts[1], finance_acts[0]]) == ["duplicate"]
    with pytest.raises(ActionError) as refusal:
        check_top_list(Sector.FINANCE_HR, finance_acts)
    assert refusal.value.code == "too_many"
    assert "enintään 12" in str(refusal.value.message)


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(make_user("paakayttaja@example.fi", is_staff=True, is_superuser=True))
    return client


def post_data(title, slug, sector, acts):
    data = {
        "title": title,
        "slug": slug,
        "sector": sector,
        "intro": "",
        "items-TOTAL_FORMS": str(len(acts)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, act in enumerate(acts):
        data.update({f"items-{n}-act": str(act.pk), f"items-{n}-ORDER": str(n + 1), f"items-{n}-id": ""})
    return data


ADD_URL = "/admin/snippets/tori/toplist/add/"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("thirteen", "TOP-listalla voi olla enintään 12 tekoa; nyt niitä on 13."),
        ("unpublished", "ei ole julkaistu. Listalle voi lisätä vain julkaistuja tekoja."),
        ("other sector", "on toisen toimialan teko. Listalle voi lisätä vain toimialan Talous- ja"),
        ("duplicate", "on listalla jo kertaalleen."),
    ],
)
def test_the_admin_form_refuses_and_saves_nothing(admin_client, tori_site, finance_acts, case, message):
    acts = {
        "thirteen": finance_acts,
        "unpublished": [finance_acts[0], tori_site["draft"]],
        "other sector": [finance_acts[0], tori_site["daycare"]],
        "duplicate": [finance_acts[0], finance_acts[1], finance_acts[0]],
    }[case]
    response = admin_client.post(ADD_URL, post_data("Talouden TOP", "talouden-top", Sector.FINANCE_HR, acts))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TopList.objects.exists()
    assert not TopListItem.objects.exists()


def test_the_admin_form_saves_a_valid_list(admin_client, tori_site, finance_acts):
    response = admin_client.post(
        ADD_URL, post_data("Talouden TOP", "talouden-top", Sector.FINANCE_HR, finance_acts[:MAX_ITEMS])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    top_list = TopList.objects.get()
    assert [item.act_id for item in top_list.items.all()] == [act.pk for act in finance_acts[:MAX_ITEMS]]
    assert admin_client.get("/admin/snippets/tori/toplist/").status_code == 200


def make_top_list(acts, sector=Sector.FINANCE_HR, slug="talouden-top"):
    top_list = TopList.objects.create(title="Talouden TOP", slug=slug, sector=sector, intro="Parhaat <b>teot</b>")
    for n, act in enumerate(acts):
        TopListItem.objects.create(top_list=top_list, act=act, sort_order=n)
    return top_list


def test_the_public_list_shows_its_live_acts_in_order(client, tori_site, finance_acts):
    tori = tori_site["tori"]
    chosen = [finance_acts[2], finance_acts[0], tori_site["invoices"]]
    make_top_list(chosen)
    index_html = client.get(tori.url).content.decode()
    assert f'href="{tori.url}top/talouden-top/"' in index_html
    response = client.get(tori.url + "top/talouden-top/")
    assert response.status_code == 200
    assert [act.title for act in response.context["acts"]] == [act.title for act in chosen]
    html = response.content.decode()
    assert "Parhaat &lt;b&gt;teot&lt;/b&gt;" in html
    assert f'<link rel="canonical" href="http://testserver{tori.url}top/talouden-top/">' in html
    assert f"{tori.url}top/talouden-top/" in client.get("/sitemap.xml").content.decode()

    finance_acts[0].unpublish()  # unpublished after it was listed
    response = client.get(tori.url + "top/talouden-top/")
    assert [act.title for act in response.context["acts"]] == [finance_acts[2].title, tori_site["invoices"].title]


def test_unknown_or_empty_lists_are_404(client, tori_site):
    tori = tori_site["tori"]
    assert client.get(tori.url + "top/ei-ole/").status_code == 404
    make_top_list([tori_site["invoices"]])
    tori_site["invoices"].unpublish()
    assert client.get(tori.url + "top/talouden-top/").status_code == 404
    assert "top/talouden-top/" not in client.get(tori.url).content.decode()


def test_top_list_page_queries_do_not_grow(client, tori_site, finance_acts):
    from tests.conftest import assert_queries, queries_for

    tori = tori_site["tori"]
    make_top_list(finance_acts[:2], slug="pieni")
    make_top_list(finance_acts[:MAX_ITEMS], slug="suuri")
    assert_queries(
        queries_for(client, tori.url + "top/pieni/"),
        small=queries_for(client, tori.url + "top/pieni/"),
        large=queries_for(client, tori.url + "top/suuri/"),
    )
