"""Reporting a message to the network's own facilitators: who may report what, over the websocket and without
JavaScript; hiding and dismissing (every open report of the message together); the reporter told the outcome;
the reports in the data export and after account deletion. The queue's page is tested in tests/spaces."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.data import delete_account
from discussions import actions, reports
from discussions.models import Message, Report, Room
from tests.conftest import ROLES, client_for, refused
from tests.discussions.sockets import closed_with, joined, receive_until
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

# Who may report another member's message of the network: its active members (staff outside it hide messages
# instead).
REPORTERS = ("member", "contact", "facilitator")


@pytest.fixture(autouse=True)
def generous_message_rate(settings):
    settings.DISCUSSION_RATE_LIMIT = (100_000, 10)
    cache.clear()


def general_room(network):
    return Room.objects.get(network=network, kind=Room.Kind.GENERAL)


def post(network, author, body="Tämä viesti on asiaton", client_id="p1"):
    message, _created = actions.create_message(general_room(network), author, body, client_id)
    return message


def by_another_member(network, body="Tämä viesti on asiaton"):
    """A message of a member who is none of the matrix's people, so that each of them may report it."""
    author = make_membership(network, make_user("kirjoittaja@example.fi")).user
    return post(network, author, body)


def report_url(message):
    return reverse("discussion-report", args=[message.room.network.slug, message.room_id, message.pk])


# -- the action -------------------------------------------------------------------------------------------------


def test_a_report_is_stored_and_the_facilitators_are_emailed(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    message = post(network, people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_message(people["contact"], message, "asiaton", "  Loukkaa toista jäsentä  ")
    assert (report.reporter, report.reason, report.text, report.status) == (
        people["contact"],
        "asiaton",
        "Loukkaa toista jäsentä",
        Report.Status.OPEN,
    )
    assert [email.to for email in mail.outbox] == [[people["facilitator"].email]]
    email = mail.outbox[0]
    assert reverse("space-reports", args=[network.slug]) in email.body
    assert message.body not in email.body  # the message's text stays in the site
    assert people["contact"].email not in email.body


@pytest.mark.parametrize(
    ("reason", "text", "code"),
    [
        ("huono", "", "invalid"),
        ("", "", "invalid"),
        (None, "", "invalid"),
        (["asiaton"], "", "invalid"),
        ("asiaton", 42, "invalid"),
        ("asiaton", "a\x00b", "invalid"),
        ("asiaton", "x" * (reports.MAX_TEXT_LENGTH + 1), "too_long"),
    ],
)
def test_a_report_needs_a_known_reason_and_plain_text_of_limited_length(network_people, reason, text, code):
    network, _other, people = network_people
    message = post(network, people["member"])
    refused(code, reports.report_message, people["contact"], message, reason, text)
    assert not Report.objects.exists()


def test_nobody_reports_their_own_message_a_deleted_one_or_the_same_one_twice(network_people):
    network, _other, people = network_people
    message = post(network, people["member"])
    refused("own_message", reports.report_message, people["member"], message, "muu", "")
    reports.report_message(people["contact"], message, "muu", "")
    refused("already_reported", reports.report_message, people["contact"], message, "roskaposti", "")
    gone = post(network, people["member"], "Poistan tämän", "p2")
    actions.delete_message(gone, people["member"])
    refused("not_found", reports.report_message, people["contact"], gone, "muu", "")
    assert Report.objects.count() == 1


@pytest.mark.parametrize("role", ["outsider", "other_member", "staff"])
def test_only_active_members_of_the_messages_network_report_it(network_people, role):
    network, _other, people = network_people
    message = post(network, people["member"])
    refused("not_own_network", reports.report_message, people[role], message, "asiaton", "")
    assert not Report.objects.exists()


def test_a_member_who_left_reports_nothing(network_people):
    from networks.actions import remove_member
    from networks.models import Membership

    network, _other, people = network_people
    message = post(network, people["member"])
    remove_member(Membership.objects.get(network=network, user=people["contact"]), people["facilitator"])
    refused("not_own_network", reports.report_message, people["contact"], message, "asiaton", "")


def test_reports_are_rate_limited_with_the_time_to_retry(network_people, settings):
    network, _other, people = network_people
    settings.DISCUSSION_REPORT_RATE_LIMIT = (2, 3600)
    messages = [post(network, people["member"], f"Viesti {n}", f"m{n}") for n in range(4)]
    # A refused report (here: a second report of the same message) is not counted.
    reports.report_message(people["contact"], messages[0], "asiaton", "")
    refused("already_reported", reports.report_message, people["contact"], messages[0], "asiaton", "")
    reports.report_message(people["contact"], messages[1], "asiaton", "")
    refusal = refused("rate_limited", reports.report_message, people["contact"], messages[2], "asiaton", "")
    assert "Ilmoitat viestejä liian tiheään." in refusal.message
    assert "60 minuutin kuluttua" in refusal.message
    # One person's limit is theirs alone.
    reports.report_message(people["facilitator"], messages[2], "asiaton", "")
    assert Report.objects.count() == 3


# -- hiding and dismissing --------------------------------------------------------------------------------------


def test_hiding_closes_every_open_report_of_the_message_and_tells_each_reporter(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    message = post(network, people["member"])
    second = make_membership(network, make_user("toinen.ilmoittaja@example.fi")).user
    first_report = reports.report_message(people["contact"], message, "hairinta", "")
    reports.report_message(second, message, "asiaton", "")
    untouched = reports.report_message(people["contact"], post(network, people["member"], "Muu", "m9"), "muu", "")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        handled = reports.hide_reported(first_report, people["facilitator"], "Häiritsevä viesti")
    assert len(handled) == 2
    message.refresh_from_db()
    assert message.deleted is not None and message.hidden_reason == "Häiritsevä viesti"
    for report in Report.objects.filter(message=message):
        assert (report.status, report.handled_by, report.decision_note) == (
            Report.Status.HIDDEN,
            people["facilitator"],
            "Häiritsevä viesti",
        )
        assert report.handled_at is not None
    assert Report.objects.get(pk=untouched.pk).status == Report.Status.OPEN
    assert sorted(email.to[0] for email in mail.outbox) == sorted([people["contact"].email, second.email])
    assert all("Viesti on piilotettu" in email.body and "Häiritsevä viesti" in email.body for email in mail.outbox)
    assert all(people["facilitator"].email not in email.body for email in mail.outbox)


def test_hiding_without_a_reason_shows_the_usual_words(network_people, finnish):
    network, _other, people = network_people
    message = post(network, people["member"])
    report = reports.report_message(people["contact"], message, "asiaton", "")
    reports.hide_reported(report, people["staff"], "")
    message.refresh_from_db()
    assert message.hidden_reason == "Fasilitaattori piilotti viestin."
    assert Report.objects.get(pk=report.pk).decision_note == "Fasilitaattori piilotti viestin."


def test_dismissing_keeps_the_message_and_tells_the_reporter(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    message = post(network, people["member"])
    report = reports.report_message(people["contact"], message, "roskaposti", "")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reports.dismiss_report(report, people["facilitator"], "Asiallinen kysymys")
    message.refresh_from_db()
    assert message.deleted is None
    report.refresh_from_db()
    assert (report.status, report.decision_note) == (Report.Status.DISMISSED, "Asiallinen kysymys")
    assert [email.to for email in mail.outbox] == [[people["contact"].email]]
    assert "ei piilottanut viestiä" in mail.outbox[0].body and "Asiallinen kysymys" in mail.outbox[0].body


@pytest.mark.parametrize("role", ["outsider", "other_member", "member", "contact"])
def test_only_the_networks_facilitators_and_staff_handle_reports(network_people, role):
    network, _other, people = network_people
    message = post(network, people["facilitator"])
    report = reports.report_message(people["member"] if role != "member" else people["contact"], message, "muu", "")
    refused("forbidden", reports.hide_reported, report, people[role], "")
    refused("forbidden", reports.dismiss_report, report, people[role], "")
    message.refresh_from_db()
    assert message.deleted is None
    assert Report.objects.get(pk=report.pk).status == Report.Status.OPEN


def test_a_facilitator_of_another_network_handles_nothing_here(network_people):
    network, other_network, people = network_people
    stranger = make_membership(other_network, make_user("vieras.fasilitaattori@example.fi"), "facilitator").user
    report = reports.report_message(people["contact"], post(network, people["member"]), "muu", "")
    refused("forbidden", reports.hide_reported, report, stranger, "")


def test_a_handled_report_is_not_handled_again(network_people):
    network, _other, people = network_people
    report = reports.report_message(people["contact"], post(network, people["member"]), "muu", "")
    reports.dismiss_report(report, people["facilitator"], "")
    refused("already_handled", reports.hide_reported, report, people["staff"], "")
    refused("already_handled", reports.dismiss_report, report, people["staff"], "")
    assert Message.objects.get(pk=report.message_id).deleted is None


def test_a_message_already_hidden_in_the_room_closes_its_reports_as_hidden(network_people):
    network, _other, people = network_people
    message = post(network, people["member"])
    report = reports.report_message(people["contact"], message, "muu", "")
    actions.delete_message(message, people["facilitator"], is_facilitator=True, reason="Piilotettu huoneessa")
    reports.hide_reported(report, people["facilitator"], "toinen syy")
    report.refresh_from_db()
    assert (report.status, report.decision_note) == (Report.Status.HIDDEN, "Piilotettu huoneessa")


def test_a_too_long_decision_note_is_refused(network_people):
    network, _other, people = network_people
    report = reports.report_message(people["contact"], post(network, people["member"]), "muu", "")
    refused("too_long", reports.hide_reported, report, people["facilitator"], "x" * 301)
    assert Message.objects.get(pk=report.message_id).deleted is None


# -- without JavaScript -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_report_page_follows_the_permission_matrix(client, network_people, role):
    network, _other, people = network_people
    message = by_another_member(network, "Ilmoitettava <b>viesti</b>")
    url = report_url(message)
    client_for(client, people[role])
    page = client.get(url)
    posted = client.post(url, {"reason": "asiaton", "text": "Syy <script>"})
    if role == "anonymous":
        for response in (page, posted):
            assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    elif role in ("outsider", "other_member"):
        assert page.status_code == posted.status_code == 403
    elif role == "staff":  # the member space is theirs, but they are not a member who reports
        assert page.status_code == 200
        assert posted.status_code == 400
        assert "Voit ilmoittaa vain oman verkostosi viestejä." in posted.content.decode()
    else:
        assert page.status_code == 200
        assert "&lt;b&gt;viesti&lt;/b&gt;" in page.content.decode()  # the message as the room shows it
        assert posted.status_code == 302 and posted.url.endswith(f"#viesti-{message.pk}")
    expected = 1 if role in REPORTERS else 0
    assert Report.objects.filter(reporter=people[role] if people[role] else None).count() == expected
    if expected:
        assert Report.objects.get().text == "Syy <script>"  # stored as typed, shown escaped


def test_the_report_page_refuses_with_the_form_kept(client, network_people, settings):
    network, _other, people = network_people
    message = post(network, people["member"])
    client_for(client, people["contact"])
    response = client.post(report_url(message), {"reason": "", "text": "kesken"})
    assert response.status_code == 400
    assert "Valitse ilmoituksen syy." in response.content.decode()
    assert "kesken" in response.content.decode()

    client.post(report_url(message), {"reason": "asiaton"})
    again = client.get(report_url(message)).content.decode()
    assert "Olet jo ilmoittanut tämän viestin." in again and 'name="reason"' not in again
    response = client.post(report_url(message), {"reason": "asiaton"})
    assert response.status_code == 400 and "Olet jo ilmoittanut tämän viestin." in response.content.decode()

    settings.DISCUSSION_REPORT_RATE_LIMIT = (1, 3600)
    cache.clear()
    other = post(network, people["member"], "Toinen", "p3")
    client.post(report_url(other), {"reason": "asiaton"})
    third = post(network, people["member"], "Kolmas", "p4")
    response = client.post(report_url(third), {"reason": "muu", "text": "pidä tämä"})
    assert response.status_code == 429
    assert "Yritä uudelleen" in response.content.decode() and "pidä tämä" in response.content.decode()


def test_own_messages_have_no_report_form_and_another_networks_message_is_404(client, network_people):
    network, other_network, people = network_people
    own = post(network, people["contact"], "Oma", "o1")
    client_for(client, people["contact"])
    page = client.get(report_url(own)).content.decode()
    assert "Omaa viestiä ei voi ilmoittaa." in page and 'name="reason"' not in page
    assert client.post(report_url(own), {"reason": "muu"}).status_code == 400

    stranger = post(other_network, people["other_member"], "Toisen verkoston", "s1")
    url = reverse("discussion-report", args=[network.slug, general_room(network).pk, stranger.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "muu"}).status_code == 404
    assert not Report.objects.exists()


def test_the_room_links_others_messages_to_the_report_page(client, network_people):
    network, _other, people = network_people
    others = post(network, people["member"], "Toisen", "a1")
    own = post(network, people["contact"], "Oma", "a2")
    page = client_for(client, people["contact"]).get(reverse("discussion-room", args=[network.slug, others.room_id]))
    html = page.content.decode()
    assert f'viesti/{others.pk}/ilmoita/" data-action="report"' in html
    assert f'viesti/{own.pk}/ilmoita/"' not in html
    assert 'data-action="report" data-others-only' in html  # the live messages' template


# -- over the websocket -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize("role", ROLES)
async def test_the_report_frame_follows_the_permission_matrix(connect, network_people, role):
    network, _other, people = network_people
    message = await sync_to_async(by_another_member)(network)
    frame = {"type": "report", "message": message.pk, "reason": "asiaton", "text": "Katso tämä"}
    if role in ("anonymous", "outsider", "other_member"):
        communicator, _connected = await connect(people[role], network)
        await communicator.send_json_to(frame)
        code, frames = await closed_with(communicator)
        assert code == (4401 if role == "anonymous" else 4403)
        assert not [each for each in frames if each["type"] == "report.received"]
    else:
        communicator, _rooms = await joined(connect, people[role], network)
        await communicator.send_json_to(frame)
        if role == "staff":
            answer, _ = await receive_until(communicator, "error")
            assert answer["code"] == "not_own_network"
        else:
            answer, _ = await receive_until(communicator, "report.received")
            assert answer == {"type": "report.received", "message": message.pk}
        await communicator.disconnect()
    count = await sync_to_async(Report.objects.count)()
    assert count == (1 if role in REPORTERS else 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"reason": "kiva"}, "invalid"),
        ({"reason": None}, "invalid"),
        ({"text": {"x": 1}}, "invalid"),
        ({"text": "x" * 1001}, "too_long"),
        ({"message": "1"}, "invalid"),
        ({"message": 10**9}, "not_found"),
    ],
)
async def test_a_wrong_report_frame_gets_an_error_and_stores_nothing(connect, network_people, change, code):
    network, _other, people = network_people
    message = await sync_to_async(post)(network, people["member"])
    contact, _rooms = await joined(connect, people["contact"], network)
    await contact.send_json_to({"type": "report", "message": message.pk, "reason": "asiaton", **change})
    error, _ = await receive_until(contact, "error")
    assert error["code"] == code and error["detail"]
    assert not await sync_to_async(Report.objects.exists)()
    await contact.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_frame_refuses_others_networks_own_repeated_and_flooding(connect, network_people, settings):
    network, other_network, people = network_people
    stranger = await sync_to_async(post)(other_network, people["other_member"], "Toisen verkoston", "s1")
    messages = [await sync_to_async(post)(network, people["member"], f"Viesti {n}", f"m{n}") for n in range(3)]
    contact, _rooms = await joined(connect, people["contact"], network)

    async def answer(message_id):
        await contact.send_json_to({"type": "report", "message": message_id, "reason": "asiaton"})
        while True:
            frame = json.loads(await contact.receive_from(timeout=2))
            if frame["type"] in ("error", "report.received"):
                return frame

    assert (await answer(stranger.pk))["code"] == "not_found"
    own = await sync_to_async(post)(network, people["contact"], "Oma", "own")
    assert (await answer(own.pk))["code"] == "own_message"
    settings.DISCUSSION_REPORT_RATE_LIMIT = (2, 3600)
    assert (await answer(messages[0].pk))["type"] == "report.received"
    assert (await answer(messages[0].pk))["code"] == "already_reported"
    assert (await answer(messages[1].pk))["type"] == "report.received"
    flood = await answer(messages[2].pk)
    assert flood["code"] == "rate_limited" and "Yritä uudelleen" in flood["detail"]
    assert await sync_to_async(Report.objects.count)() == 2
    await contact.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_hiding_a_reported_message_hides_it_for_everyone_live(connect, network_people):
    network, _other, people = network_people
    message = await sync_to_async(post)(network, people["member"])
    contact, _rooms = await joined(connect, people["contact"], network)
    author, _rooms = await joined(connect, people["member"], network)
    await contact.send_json_to({"type": "report", "message": message.pk, "reason": "asiaton"})
    await receive_until(contact, "report.received")
    report = await sync_to_async(Report.objects.get)()
    await sync_to_async(reports.hide_reported)(report, people["facilitator"], "Asiaton viesti")
    for communicator in (contact, author):
        deleted, _ = await receive_until(communicator, "message.deleted")
        assert deleted["id"] == message.pk and deleted["hidden_reason"] == "Asiaton viesti"
        await communicator.disconnect()


# -- the person's data ------------------------------------------------------------------------------------------


def test_a_persons_reports_are_in_their_data_export_without_the_reported_text(client, network_people):
    network, _other, people = network_people
    message = post(network, people["member"], "Toisen kirjoittama salaisuus")
    reports.report_message(people["contact"], message, "henkilotietoja", "Puhelinnumero näkyy")
    data = json.loads(client_for(client, people["contact"]).get("/tili/omat-tiedot/").content)
    [exported] = data["discussion_reports"]
    assert exported["reason"] == "henkilotietoja" and exported["text"] == "Puhelinnumero näkyy"
    assert exported["status"] == "open" and exported["network"] == network.title
    assert "salaisuus" not in json.dumps(data)
    assert (
        json.loads(client_for(client, people["member"]).get("/tili/omat-tiedot/").content)["discussion_reports"] == []
    )


def test_a_deleted_accounts_reports_stay_anonymised_and_tell_nobody(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    message = post(network, people["member"])
    report = reports.report_message(people["contact"], message, "asiaton", "Kirjoitin tämän itse")
    delete_account(people["contact"])
    report.refresh_from_db()
    assert (report.reporter, report.text, report.status) == (None, "", Report.Status.OPEN)
    assert list(reports.open_reports(network)) == [report]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reports.dismiss_report(report, people["facilitator"], "")
    assert mail.outbox == []
