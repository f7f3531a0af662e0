"""A socket's errors are in the language of the page that opened it, whatever the handshake's Accept-Language."""

from discussions.consumers import socket_language


def scope(query=b"", accept=b"en-US,en;q=0.9"):
    return {"query_string": query, "headers": [(b"accept-language", accept)]}


def test_the_page_language_wins_over_the_handshake_header():
    assert socket_language(scope(b"lang=fi"), {}) == "fi"
    assert socket_language(scope(b"lang=sv", accept=b"fi"), {}) == "sv"


def test_an_unknown_or_missing_language_falls_back_to_negotiation():
    assert socket_language(scope(b"lang=de"), {}) == "en"
    assert socket_language(scope(b"lang=%3Cscript%3E", accept=b"fi"), {}) == "fi"
    assert socket_language(scope(accept=b"sv-FI"), {}) == "sv"
    assert socket_language(scope(accept=b"sv-FI"), {"django_language": "fi"}) == "fi"
