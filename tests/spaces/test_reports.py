"""The facilitators' queue of reported messages in the member space (…/tila/hallinta/ilmoitukset/): who sees it,
what it shows (never another network's reports), hiding and dismissing from it, its link with the count on the
space's front page, and its queries at two sizes."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from discussions import actions, reports
from discussions.models import Message, Report, Room
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

QUERIES = 13  # the queue, pinned at both sizes (tests.conftest.assert_queries)
HANDLERS = ("facilitator", "staff")


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.DISCUSSION_RATE_LIMIT = (100_000, 10)
    settings.DISCUSSION_REPORT_RATE_LIMIT = (100_000, 10)
    cache.clear()


def post(network, author, body, client_id):
    room = Room.objects.get(network=network, kind=Room.Kind.GENERAL)
    message, _created = actions.create_message(room, author, body, client_id)
    return message


@pytest.fixture
def reported(network_people):
    """A message of the network reported by its contact person, and one of the other network reported there."""
    network, other_network, people = network_people
    message = post(network, people["member"], "Asiaton <script>alert(1)</script> viesti", "n1")
    report = reports.report_message(people["contact"], message, "asiaton", "Loukkaava <b>sävy</b>")
    stranger = make_membership(other_network, make_user("toisen.kirjoittaja@example.fi")).user
    elsewhere = post(other_network, stranger, "Toisen verkoston salaisuus", "o1")
    reports.report_message(people["other_member"], elsewhere, "roskaposti", "Toisen verkoston ilmoitus")
    mail.outbox.clear()
    return network, other_network, people, report


def queue_url(network):
    return reverse("space-reports", args=[network.slug])


def decide_url(network, report):
    return reverse("space-report-decide", args=[network.slug, report.pk])


def assert_refused(response, role):
    """Anonymous → sign-in; outsiders → the page that explains the network; members → 403."""
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_is_for_the_networks_facilitators_and_staff(client, reported, role):
    network, _other, people, _report = reported
    response = client_for(client, people[role]).get(queue_url(network))
    if role in HANDLERS:
        assert response.status_code == 200
        page = response.content.decode()
        assert people["contact"].display_name in page  # who reported
        assert people["member"].display_name in page  # who wrote
        assert "Asiaton tai loukkaava" in page and "Yleinen keskustelu" in page
        assert "Loukkaava &lt;b&gt;sävy&lt;/b&gt;" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
        assert "Toisen verkoston" not in page  # never another network's reports
    else:
        assert_refused(response, role)
        assert "Loukkaava" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("decision", ["hide", "dismiss"])
def test_deciding_is_for_the_networks_facilitators_and_staff(
    client, reported, role, decision, django_capture_on_commit_callbacks
):
    network, _other, people, report = reported
    client_for(client, people[role])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(network, report), {"decision": decision, "note": "x"})
    report.refresh_from_db()
    message = Message.objects.get(pk=report.message_id)
    if role in HANDLERS:
        assert response.status_code == 302 and response.url == queue_url(network)
        assert report.status == {"hide": Report.Status.HIDDEN, "dismiss": Report.Status.DISMISSED}[decision]
        assert report.handled_by == people[role]
        assert (message.deleted is not None) == (decision == "hide")
        assert [email.to for email in mail.outbox] == [[people["contact"].email]]
    else:
        assert_refused(response, role)
        assert report.status == Report.Status.OPEN and message.deleted is None
        assert mail.outbox == []


@pytest.mark.parametrize("role", ROLES)
def test_deciding_is_post_only(client, reported, role):
    network, _other, people, report = reported
    response = client_for(client, people[role]).get(decide_url(network, report))
    assert response.status_code == 405
    assert Report.objects.get(pk=report.pk).status == Report.Status.OPEN


def test_the_queue_is_get_only(client, reported):
    network, _other, people, _report = reported
    assert client_for(client, people["facilitator"]).post(queue_url(network)).status_code == 405


def test_another_networks_report_is_404_through_this_network(client, reported):
    network, other_network, people, _report = reported
    elsewhere = Report.objects.get(message__room__network=other_network)
    client_for(client, people["staff"])
    assert client.post(decide_url(network, elsewhere), {"decision": "hide"}).status_code == 404
    # A facilitator of this network is not one of the other network, whatever its address says.
    response = client_for(client, people["facilitator"]).post(
        decide_url(other_network, elsewhere), {"decision": "hide"}
    )
    assert response.status_code == 403
    assert Report.objects.get(pk=elsewhere.pk).status == Report.Status.OPEN


def test_hiding_from_the_queue_hides_the_message_in_the_room_with_the_reason(client, reported):
    network, _other, people, report = reported
    client_for(client, people["facilitator"])
    client.post(decide_url(network, report), {"decision": "hide", "note": "Loukkaava viesti"})
    room_page = client_for(client, people["member"]).get(
        reverse("discussion-room", args=[network.slug, report.message.room_id])
    )
    page = room_page.content.decode()
    assert "Fasilitaattori piilotti viestin: Loukkaava viesti" in page
    assert "alert(1)" not in page
    queue = client_for(client, people["facilitator"]).get(queue_url(network)).content.decode()
    assert "Käsittelemättömiä ilmoituksia ei ole." in queue


def test_a_second_decision_says_it_was_handled_already(client, reported):
    network, _other, people, report = reported
    client_for(client, people["facilitator"])
    client.post(decide_url(network, report), {"decision": "dismiss"})
    response = client.post(decide_url(network, report), {"decision": "hide"}, follow=True)
    assert "Ilmoitus on jo käsitelty." in response.content.decode()
    assert Message.objects.get(pk=report.message_id).deleted is None
    response = client.post(decide_url(network, report), {"decision": "poista"}, follow=True)
    assert "Valitse, piilotetaanko viesti vai hylätäänkö ilmoitus." in response.content.decode()


def test_the_reports_of_one_message_are_one_entry_handled_together(client, reported):
    network, _other, people, report = reported
    reports.report_message(people["facilitator"], report.message, "hairinta", "")
    response = client_for(client, people["staff"]).get(queue_url(network))
    assert len(response.context["queue"]) == 1 and len(response.context["queue"][0].reports) == 2
    client.post(decide_url(network, report), {"decision": "dismiss"})
    assert not Report.objects.filter(message=report.message, status=Report.Status.OPEN).exists()


@pytest.mark.parametrize("role", ROLES[3:])
def test_the_front_page_and_the_tabs_link_the_queue_for_those_who_handle_it(client, reported, role):
    network, _other, people, _report = reported
    page = client_for(client, people[role]).get(reverse("space", args=[network.slug])).content.decode()
    if role in HANDLERS:
        assert "1 ilmoitettu viesti odottaa käsittelyä." in page
        assert page.count(f'href="{queue_url(network)}"') == 2  # the tab and the notice
    else:
        assert queue_url(network) not in page


def test_the_front_page_has_no_notice_when_nothing_waits(client, network_people):
    network, _other, people = network_people
    page = client_for(client, people["facilitator"]).get(reverse("space", args=[network.slug])).content.decode()
    assert "odottaa käsittelyä" not in page.replace("liittymispyyntö", "")
    assert page.count(f'href="{queue_url(network)}"') == 1  # the tab


def test_the_queues_queries_do_not_grow_with_the_reports(client, reported):
    network, _other, people, _report = reported

    def grow(count):
        for n in range(count):
            author = make_membership(network, make_user()).user
            message = post(network, author, f"Viesti {n}", f"g{author.pk}")
            for _reporter in range(2):
                reporter = make_membership(network, make_user()).user
                reports.report_message(reporter, message, "muu", "lisätietoa")

    client_for(client, people["facilitator"])
    grow(2)
    small = queries_for(client, queue_url(network))
    grow(15)
    large = queries_for(client, queue_url(network))
    assert_queries(QUERIES, small=small, large=large)
