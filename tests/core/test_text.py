"""Message text: the markdown subset, and the one sanitiser that every stored message passes through."""

import pytest

from core.text import ALLOWED_TAGS, render_markdown
from tests.discussions.hostile import HOSTILE, TagCollector, active_html


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_text_renders_to_inert_html(source):
    html = render_markdown(source)
    assert active_html(html) == []
    collector = TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS
        if tag == "a":
            assert set(attrs) == {"href", "rel"}
            assert attrs["rel"] == "nofollow noopener"
            assert attrs["href"].startswith(("http://", "https://", "mailto:"))
        else:
            assert attrs == {}, (tag, attrs)


def test_hostile_markup_is_shown_as_text():
    assert render_markdown("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert render_markdown("<b><i>x</b>") == "<p>&lt;b&gt;&lt;i&gt;x&lt;/b&gt;</p>"
    assert render_markdown("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"  # not a link
    assert render_markdown("<svg onload=alert(1)>") == "<p>&lt;svg onload=alert(1)&gt;</p>"


def test_a_very_long_word_is_kept_whole():
    word = "A" * 5000
    assert render_markdown(word) == f"<p>{word}</p>"


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("Yksi kappale.\n\nToinen kappale.", "<p>Yksi kappale.</p><p>Toinen kappale.</p>"),
        ("Rivi yksi\nrivi kaksi", "<p>Rivi yksi<br>rivi kaksi</p>"),
        ("Tämä on **tärkeää**", "<p>Tämä on <strong>tärkeää</strong></p>"),
        ("Tämä on *korostettu* ja _tämäkin_", "<p>Tämä on <em>korostettu</em> ja <em>tämäkin</em></p>"),
        ("- omena\n- päärynä", "<ul><li>omena</li><li>päärynä</li></ul>"),
        ("1. ensin\n2. sitten", "<ol><li>ensin</li><li>sitten</li></ol>"),
        ("> lainaus\n> jatkuu", "<blockquote><p>lainaus<br>jatkuu</p></blockquote>"),
        ("Aja `make run` ensin", "<p>Aja <code>make run</code> ensin</p>"),
        ("Koodissa `<b>**ei**</b>`", "<p>Koodissa <code>&lt;b&gt;**ei**&lt;/b&gt;</code></p>"),
        (
            "[KunTeko](https://www.kunteko.fi/)",
            '<p><a href="https://www.kunteko.fi/" rel="nofollow noopener">KunTeko</a></p>',
        ),
        (
            "Katso https://example.org/lean",
            '<p>Katso <a href="https://example.org/lean" rel="nofollow noopener">https://example.org/lean</a></p>',
        ),
        ("", ""),
    ],
)
def test_markdown_subset(source, html):
    assert render_markdown(source) == html


def test_every_link_gets_rel_nofollow_noopener():
    html = render_markdown("[a](https://a.example) ja https://b.example sekä <a href='https://c.example'>c</a>")
    assert "&lt;a href=" in html  # a written <a> tag is shown as text; only its bare URL becomes a link
    assert html.count("<a ") == html.count('rel="nofollow noopener"') == 3
