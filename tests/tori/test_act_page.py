from tests.factories import make_act, make_organisation, make_theme, make_tori
from tori.models import ActFigure


def test_a_published_act_shows_its_content_escaped_and_a_draft_is_not_found(site_tree, client):
    home, _index = site_tree
    tori = make_tori(home)
    organisation = make_organisation("Sipoon kunta", region="Uusimaa")
    act = make_act(
        tori,
        organisation,
        title="Laskutuksen lean",
        themes=[make_theme("Lean")],
        problem="<script>alert(1)</script>Laskut jonossa",
    )
    figure = ActFigure.objects.create(page=act, label="Laskun käsittely", before="120 h", after="29 h")
    draft = make_act(tori, organisation, title="Keskeneräinen", live=False)

    response = client.get(act.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Laskut jonossa" in html
    assert figure.label in html and "120 h" in html and "29 h" in html
    assert "Sipoon kunta (Uusimaa)" in html
    assert act.contact_email not in html
    assert '<meta name="description" content="Laskujen käsittely nopeutui' in html
    assert client.get(f"/tekojen-tori/{draft.slug}/").status_code == 404
