"""Every e-mail to a known person is in their language, with a plain-text and an HTML part from one template; bulk
e-mail carries the unsubscribe headers, transactional e-mail does not. The e-mails are parsed back from bytes."""

import pytest
from django.core import mail

from discussions import actions
from networks.actions import create_invitation, decide_join_request, request_to_join
from notices.digest import send_digests
from notices.models import Delivery, Kind, Preference
from tests.factories import make_membership, make_organisation, make_user, make_workshop
from tests.notices.helpers import emails_to, parse
from workshops.registrations import respond
from workshops.signals import announce_cancellation

pytestmark = pytest.mark.django_db


def swedish_and_finnish(network):
    return (
        make_membership(network, make_user("svensk@example.fi", first_name="Sven", language="sv")).user,
        make_membership(network, make_user("suomi@example.fi", first_name="Sanni", language="fi")).user,
    )


def test_the_same_workshop_news_each_in_their_own_language(network_people, django_capture_on_commit_callbacks):
    network, _other, _people = network_people
    sven, sanni = swedish_and_finnish(network)
    workshop = make_workshop(network, title="Kevään työpaja", number=3)
    for person in (sven, sanni):
        Preference.objects.create(user=person, kind=Kind.WORKSHOP_NEWS, delivery=Delivery.NOW)
        respond(workshop, person, "yes")
    workshop.cancelled = True
    with django_capture_on_commit_callbacks(execute=True):
        announce_cancellation(workshop, network)

    (swedish,) = emails_to(sven)
    (finnish,) = emails_to(sanni)
    assert swedish.subject == "Inställd: 3. Kevään työpaja"
    assert finnish.subject == "Peruttu: 3. Kevään työpaja"
    assert '<html lang="sv">' in swedish.html and '<html lang="fi">' in finnish.html
    for email in (swedish, finnish):
        assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert str(email.headers["List-Unsubscribe"]).strip().startswith("<http")
        assert email.headers["Content-Type"].startswith("multipart/alternative")
        assert "Kevään työpaja" in email.text and "Kevään työpaja" in email.html


def test_the_digest_is_in_the_person_s_language(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    sven, _sanni = swedish_and_finnish(network)
    workshop = make_workshop(network, title="Syksyn työpaja", number=5)
    respond(workshop, sven, "yes")
    workshop.cancelled = True
    announce_cancellation(workshop, network)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    (digest,) = emails_to(sven)
    assert "Inställd: 5. Syksyn työpaja" in digest.text and '<html lang="sv">' in digest.html
    assert str(digest.headers["List-Unsubscribe"]).strip().startswith("<http")


def test_the_html_part_is_the_text_escaped_with_its_links(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    member = people["member"]
    member.first_name, member.last_name = "Mikko", "Heikkinen"
    member.save()
    room = actions.ensure_general_room(network)
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_message(room, people["facilitator"], '@mikko.heikkinen <script>alert("x")</script> & <b>', "x")
    (email,) = emails_to(member)
    assert '<script>alert("x")</script> & <b>' in email.text
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html and "&amp; &lt;b&gt;" in email.html
    link = f"/verkostot/{network.slug}/tila/keskustelu/{room.pk}/"
    assert link in email.text and f'href="http://127.0.0.1:8000{link}"' in email.html.replace("&amp;", "&")


def test_transactional_e_mails_go_in_the_recipient_s_language_without_unsubscribe(
    network_people, django_capture_on_commit_callbacks
):
    network, _other, people = network_people
    organisation = make_organisation("Keravan kaupunki")
    applicant = make_user("hakija@example.fi", language="sv")
    facilitator = people["facilitator"]
    facilitator.language = "sv"
    facilitator.save()
    with django_capture_on_commit_callbacks(execute=True):
        join_request = request_to_join(network, applicant, organisation, "Haluamme mukaan.")
    (received,) = emails_to(facilitator)
    assert received.subject == f"Ny anslutningsbegäran till nätverket {network.title}"
    with django_capture_on_commit_callbacks(execute=True):
        decide_join_request(join_request, True, facilitator)
    (accepted,) = emails_to(applicant)
    assert accepted.subject == f"Välkommen till nätverket {network.title}"
    assert accepted.headers["List-Unsubscribe"] is None


def test_an_invitation_to_an_existing_account_is_in_its_language(network_people, django_capture_on_commit_callbacks):
    network, _other, people = network_people
    make_user("ruotsiksi@example.fi", language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        create_invitation(network, "ruotsiksi@example.fi", "member", None, people["facilitator"])
        create_invitation(network, "uusi@example.fi", "member", None, people["facilitator"])
    subjects = {message.to[0]: parse(message).subject for message in mail.outbox}
    assert subjects == {
        "ruotsiksi@example.fi": f"Inbjudan till nätverket {network.title}",
        "uusi@example.fi": f"Kutsu verkostoon {network.title}",
    }
