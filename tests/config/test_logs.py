"""Log lines: one per request and per websocket connect and close, with a request id, and no personal data."""

import io
import json
import logging
import re

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import Client

from config.origins import SameOriginValidator
from core.logs import JsonFormatter, RedactRequestPath, RequestIdFilter, TextFormatter
from discussions.routing import websocket_urlpatterns
from tests.discussions.sockets import joined, receive_until
from tests.factories import make_user

EMAIL = "maija.meikalainen@example.fi"


def capture(formatter):
    """The root logger's lines as our settings format them, whatever pytest's own logging does."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactRequestPath())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return output, lambda: (root.removeHandler(handler), root.setLevel(level))


@pytest.fixture
def text_log():
    output, restore = capture(TextFormatter())
    yield output
    restore()


@pytest.fixture
def json_log():
    output, restore = capture(JsonFormatter())
    yield output
    restore()


def request_lines(output):
    return [line for line in output.getvalue().splitlines() if " request " in line]


@pytest.mark.django_db
def test_one_line_per_request_with_its_id(client, text_log):
    response = client.get("/verkostot/")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = request_lines(text_log)
    assert f"[{request_id}] request method=GET path=/verkostot/ view=" in line
    assert f"status={response.status_code} ms=" in line


@pytest.mark.django_db
def test_a_path_cannot_forge_a_line(client, text_log):
    client.get("/haku/%0A2026-12-04 INFO forged/")
    [line] = request_lines(text_log)
    assert 'path="/haku/\\n2026-12-04 INFO forged/"' in line
    assert len(text_log.getvalue().splitlines()) == 1


@pytest.mark.django_db
def test_json_lines(client, json_log):
    response = client.get("/verkostot/?q=x")
    [entry] = [json.loads(line) for line in json_log.getvalue().splitlines() if '"request"' in line]
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["method"] == "GET" and entry["path"] == "/verkostot/" and entry["status"] == response.status_code
    assert entry["level"] == "INFO" and entry["logger"] == "config.requestlog"
    assert isinstance(entry["ms"], float)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "incoming", "kept"),
    [
        (1, "0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
        (1, "4f1b6c3e-2a1d-4e8f-9b7a-1c2d3e4f5a6b", True),
        (1, "short", False),
        (1, "bad id\nforged line", False),
        (1, "x" * 200, False),
        (0, "0123456789abcdef0123456789abcdef", False),  # no trusted proxy: anyone could have sent it
    ],
)
def test_an_incoming_request_id_only_from_a_trusted_proxy_and_well_formed(client, settings, proxies, incoming, kept):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    response = client.get("/verkostot/", HTTP_X_REQUEST_ID=incoming)
    assert (response["X-Request-ID"] == incoming) is kept
    assert re.fullmatch(r"[A-Za-z0-9._:-]{8,128}", response["X-Request-ID"])


@pytest.mark.django_db
def test_no_tokens_query_strings_or_keys_in_request_lines(client, text_log, json_log):
    client.get(f"/kutsu/SECRET-INVITATION-TOKEN/?email={EMAIL}&token=QUERYTOKEN")
    client.get("/tili/confirm-email/SECRET-CONFIRMATION-KEY/")
    client.get("/tili/password/reset/key/3x-SECRET-RESET-KEY/")
    logged = text_log.getvalue() + json_log.getvalue()
    for secret in ("SECRET-INVITATION-TOKEN", "QUERYTOKEN", EMAIL, "SECRET-CONFIRMATION-KEY", "SECRET-RESET-KEY"):
        assert secret not in logged
    assert "path=/kutsu/[redacted]/ view=invitation" in text_log.getvalue()
    assert "path=/tili/confirm-email/[redacted]/" in text_log.getvalue()


@pytest.mark.django_db
def test_no_names_addresses_or_session_keys_of_a_signed_in_person(text_log, json_log):
    person = make_user(EMAIL, first_name="Maija", last_name="Meikäläinen")
    browser = Client()
    browser.force_login(person)
    session_key = browser.cookies["sessionid"].value
    assert browser.get("/tili/profiili/").status_code in (200, 302)
    logged = text_log.getvalue() + json_log.getvalue()
    assert request_lines(text_log)
    for personal in (EMAIL, "Maija", "Meikäläinen", session_key):
        assert personal not in logged


def test_addresses_in_exceptions_are_scrubbed(text_log, json_log):
    try:
        raise ValueError(f"duplicate key value violates unique constraint: Key (email)=({EMAIL}) already exists.")
    except ValueError:
        logging.getLogger("discussions.consumers").exception("Discussion frame failed for %s", "kalle@example.fi")
    logged = text_log.getvalue() + json_log.getvalue()
    assert EMAIL not in logged and "kalle@example.fi" not in logged
    assert logged.count("[email]") == 4
    entry = json.loads(json_log.getvalue().splitlines()[-1])
    assert "duplicate key" in entry["exception"]


def test_djangos_own_request_lines_name_the_redacted_path(rf):
    request = rf.get("/kutsu/SECRET-INVITATION-TOKEN/")
    request.resolver_match = type("Match", (), {"kwargs": {"token": "SECRET-INVITATION-TOKEN"}})()
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "%s: %s", ("Not Found", request.path), None)
    record.request = request
    RedactRequestPath().filter(record)
    assert record.getMessage() == "Not Found: /kutsu/[redacted]/"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_line_when_a_socket_opens_and_when_it_closes_and_nothing_said_in_it(network_people, text_log):
    cache.clear()
    network, _other, people = network_people
    member = people["member"]
    browser = await sync_to_async(lambda: (client := Client(), client.force_login(member), client)[-1])()
    session_key = browser.cookies["sessionid"].value
    headers = [
        (b"host", b"localhost"),
        (b"origin", b"http://localhost"),
        (b"cookie", f"sessionid={session_key}".encode()),
        (b"x-request-id", b"0123456789abcdef0123456789abcdef"),  # not trusted: no proxy configured
    ]
    application = SameOriginValidator(URLRouter(websocket_urlpatterns))

    async def connect():
        communicator = WebsocketCommunicator(application, f"/ws/networks/{network.slug}/", headers=headers)
        return communicator, (await communicator.connect())[0]

    communicator, rooms = await joined(lambda *args, **kwargs: connect(), member, network)
    said = f"Salainen suunnitelma, kysy {EMAIL}"
    await communicator.send_json_to({"type": "message.send", "room": rooms[0]["id"], "body": said, "client_id": "c1"})
    await receive_until(communicator, "ack")
    await communicator.send_to(text_data="not json")
    await receive_until(communicator, "error")
    await communicator.disconnect()

    lines = text_log.getvalue().splitlines()
    [opened] = [line for line in lines if "websocket.connect" in line]
    [closed] = [line for line in lines if "websocket.close" in line]
    request_id = re.search(r"\[([0-9a-f]{32})\]", opened).group(1)
    assert request_id != "0123456789abcdef0123456789abcdef"
    assert f"[{request_id}] websocket.connect path=/ws/networks/{network.slug}/" in opened
    assert f"[{request_id}] websocket.close path=/ws/networks/{network.slug}/ code=1000 seconds=" in closed
    logged = text_log.getvalue()
    for personal in ("Salainen suunnitelma", EMAIL, session_key, member.email, member.display_name):
        assert personal not in logged


@pytest.mark.asyncio
async def test_a_refused_handshake_is_one_line(text_log):
    application = SameOriginValidator(URLRouter(websocket_urlpatterns))
    headers = [(b"host", b"localhost"), (b"origin", b"http://evil.example")]
    communicator = WebsocketCommunicator(application, "/ws/networks/lean/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected
    [line] = [line for line in text_log.getvalue().splitlines() if "websocket." in line]
    assert "websocket.close path=/ws/networks/lean/ code=1000 refused=handshake" in line
