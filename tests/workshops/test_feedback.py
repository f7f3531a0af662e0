"""Workshop feedback, anonymous in fact: only attendees answer (never the network's facilitators), once each;
the answer is stored without its author; nothing — not even the number of answers — shows while feedback is
open; results (and the network's running average) show once it has closed, by time or by a facilitator, and
from five answers up; nothing can be added after closing. With the attacks that tried to get round it, the
permission matrix of every address, constant query counts, and the person's own data."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.shortcuts import resolve_url
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.data import delete_account, export_user_data
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_user, make_workshop
from workshops import feedback as feedback_actions
from workshops.feedback_results import is_shown, network_running_average, workshop_results
from workshops.models import (
    FEEDBACK_MIN_ANSWERS,
    FEEDBACK_PERIOD,
    Feedback,
    FeedbackClosure,
    FeedbackRespondent,
    Registration,
)
from workshops.views import feedback as feedback_views

# Queries pinned at both data sizes (tests.conftest.assert_queries).
QUERIES = {"results": 17, "open results": 16, "network page": 22, "form": 14, "workshop page": 18}


pytestmark = pytest.mark.django_db

ALREADY = "Olet jo antanut palautteen tästä työpajasta. Kiitos!"
NOT_ATTENDED = "Palautetta antavat työpajaan osallistuneet. Jos olit paikalla, pyydä fasilitaattoria"
NOT_FOR_FACILITATORS = "Fasilitaattorit eivät anna palautetta oman verkostonsa työpajoista."
NOT_FOR_STAFF = "Palautteen antavat työpajaan osallistuneet verkoston jäsenet."
CLOSED = "Palaute tästä työpajasta on suljettu."
TOO_FEW = "Vastauksia tuli alle 5, joten tuloksia ei näytetä, jotta yksittäistä vastaajaa ei voi tunnistaa."
VALID = {
    "overall": "4",
    "met_expectations": "5",
    "useful_for_work": "eos",
    "learned_from_others": "3",
    "will_apply": "4",
    "comment": "Hyvä päivä,\nkiitos!",
}
# Who answers: the members and contact persons who attended. Who sees the results: facilitators and staff.
ANSWERERS = {"member", "contact"}
FACILITATORS = {"facilitator", "staff"}


def form_url(network, workshop):
    return reverse("workshop-feedback", args=[network.slug, workshop.pk])


def results_url(network, workshop):
    return reverse("workshop-feedback-results", args=[network.slug, workshop.pk])


def close_url(network, workshop):
    return reverse("workshop-feedback-close", args=[network.slug, workshop.pk])


def workshop_url(network, workshop):
    return reverse("space-workshop", args=[network.slug, workshop.pk])


def attend(workshop, *users):
    for user in users:
        Registration.objects.update_or_create(workshop=workshop, user=user, defaults={"attended": True})


def add_answers(workshop, grades, **fields):
    """One answer per grade in `grades`, each from a new attendee; `fields` maps a field to a list of values."""
    for index, grade in enumerate(grades):
        user = make_user()
        attend(workshop, user)
        FeedbackRespondent.objects.create(workshop=workshop, user=user)
        Feedback.objects.create(
            workshop=workshop, overall=grade, **{name: values[index] for name, values in fields.items()}
        )


def close(workshop):
    return FeedbackClosure.objects.create(workshop=workshop, closed=timezone.now())


def without_tokens(response):
    """A page as text without what differs between any two requests (the CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.fixture
def held(network_people):
    """(network, a workshop held yesterday that the member and the contact person attended, people)."""
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-1)
    attend(workshop, people["member"], people["contact"])
    return network, workshop, people


# ---------- Giving feedback ----------


def test_the_form_has_a_fieldset_for_each_radio_group(client, held):
    network, workshop, people = held

    response = client_for(client, people["member"]).get(form_url(network, workshop))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<fieldset") == 1 + len(Feedback.STATEMENTS)
    assert content.count("<legend") == 1 + len(Feedback.STATEMENTS)
    assert "En osaa sanoa" in content
    assert 'name="comment"' in content
    assert 'maxlength="4000"' in content
    assert " checked" not in content  # nothing chosen in advance
    closes = timezone.localtime(workshop.end + FEEDBACK_PERIOD)
    assert f"Palautetta voi antaa {closes:%-d.%-m.%Y %H:%M} asti." in content
    assert "vastaustasi ei tallenneta nimesi yhteyteen" in content


def test_an_attendee_gives_feedback_and_the_answer_has_no_link_to_them(client, held):
    network, workshop, people = held
    member = people["member"]

    response = client_for(client, member).post(form_url(network, workshop), VALID)

    assert response.status_code == 302
    assert response.url == workshop_url(network, workshop)
    assert FeedbackRespondent.objects.filter(workshop=workshop, user=member).count() == 1
    answer = Feedback.objects.get()
    assert (answer.workshop, answer.overall) == (workshop, 4)
    assert (answer.met_expectations, answer.useful_for_work, answer.learned_from_others) == (5, None, 3)
    assert answer.will_apply == 4
    assert answer.comment == "Hyvä päivä,\nkiitos!"
    page = client.get(workshop_url(network, workshop)).content.decode()
    assert "Kiitos palautteestasi" in page
    assert "Anna palautetta" not in page


def test_the_stored_answer_has_no_author_no_time_and_no_order(held):
    """Nothing in the answer's row leads to the person: no user, no timestamp, a random key; and the
    record of who answered points at the workshop and the person only."""
    columns = {
        column.name
        for column in connection.introspection.get_table_description(connection.cursor(), "workshops_feedback")
    }
    assert columns == {
        "id",
        "workshop_id",
        "overall",
        "met_expectations",
        "useful_for_work",
        "learned_from_others",
        "will_apply",
        "comment",
    }
    assert Feedback._meta.pk.get_internal_type() == "UUIDField"
    assert not Feedback._meta.ordering
    respondent_fields = {field.name for field in FeedbackRespondent._meta.get_fields()}
    assert respondent_fields == {"id", "workshop", "user"}

    _network, workshop, _people = held
    add_answers(workshop, [1, 2, 3, 4, 5])
    assert all(isinstance(pk, uuid.UUID) for pk in Feedback.objects.values_list("pk", flat=True))


def test_statements_may_be_left_unanswered(client, held):
    network, workshop, people = held

    response = client_for(client, people["contact"]).post(form_url(network, workshop), {"overall": "2"})

    assert response.status_code == 302
    answer = Feedback.objects.get()
    assert answer.overall == 2
    assert all(getattr(answer, key) is None for key in Feedback.STATEMENTS)
    assert answer.comment == ""


def test_a_second_answer_gets_a_message_and_changes_nothing(client, held):
    network, workshop, people = held
    client_for(client, people["member"]).post(form_url(network, workshop), VALID)

    again = client.post(form_url(network, workshop), {**VALID, "overall": "1", "comment": "Toinen kerta"})

    assert again.status_code == 409
    assert ALREADY in again.content.decode()
    answer = Feedback.objects.get()
    assert (answer.overall, answer.comment) == (4, "Hyvä päivä,\nkiitos!")
    # An invalid second answer gets the same message, not a form error.
    invalid = client.post(form_url(network, workshop), {"overall": "9"})
    assert invalid.status_code == 409
    assert ALREADY in invalid.content.decode()
    # Opening the form again says so too, without a form.
    shown = client.get(form_url(network, workshop))
    assert shown.status_code == 200
    assert ALREADY in shown.content.decode()
    assert '<form class="feedback-form"' not in shown.content.decode()
    assert (Feedback.objects.count(), FeedbackRespondent.objects.count()) == (1, 1)


def test_two_racing_answers_keep_the_first_and_nothing_half_saved(client, held, monkeypatch):
    """The second of two simultaneous requests passes every check and meets the unique constraint of the
    record of who answered: its answer is not stored either."""
    network, workshop, people = held
    client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    real_state = feedback_actions.feedback_state

    def not_yet_answered(workshop, user, now=None):
        state = real_state(workshop, user, now)
        return feedback_actions.FeedbackState(**{**state.__dict__, "answered": False})

    monkeypatch.setattr(feedback_actions, "feedback_state", not_yet_answered)
    monkeypatch.setattr(feedback_views, "feedback_state", not_yet_answered)

    response = client.post(form_url(network, workshop), {**VALID, "overall": "1"})

    assert response.status_code == 409
    assert ALREADY in response.content.decode()
    assert list(Feedback.objects.values_list("overall", flat=True)) == [4]
    assert FeedbackRespondent.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {**VALID, "overall": "0"},
        {**VALID, "overall": "6"},
        {key: value for key, value in VALID.items() if key != "overall"},
        {**VALID, "overall": "hyvä"},
        {**VALID, "met_expectations": "9"},
        {**VALID, "will_apply": "0"},
        {**VALID, "comment": "x" * 4001},
    ],
    ids=["overall-0", "overall-6", "overall-missing", "overall-text", "statement-9", "statement-0", "long-comment"],
)
def test_invalid_answers_are_refused_and_nothing_is_saved(client, held, data):
    network, workshop, people = held

    response = client_for(client, people["member"]).post(form_url(network, workshop), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Palautetta ei tallennettu" in content
    assert 'aria-invalid="true"' in content
    assert not Feedback.objects.exists()
    assert not FeedbackRespondent.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_feedback_before_the_workshop_starts(client, network_people, method):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=1)

    response = getattr(client_for(client, people["member"]), method)(form_url(network, workshop), VALID)

    assert response.status_code == 403
    assert "Palautetta voi antaa, kun työpaja on alkanut." in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_opens_at_the_start_so_it_can_be_given_at_the_end_of_the_day(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=0)  # started a moment ago, still going on
    attend(workshop, people["member"])

    response = client_for(client, people["member"]).post(form_url(network, workshop), VALID)

    assert response.status_code == 302
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_feedback_for_a_cancelled_workshop(client, network_people, method):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-1, cancelled=True)
    attend(workshop, people["member"])

    response = getattr(client_for(client, people["member"]), method)(form_url(network, workshop), VALID)

    assert response.status_code == 403
    assert "Työpaja on peruttu" in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_who_are_not_members_are_told_feedback_is_for_attendees(client, held, method):
    network, workshop, people = held
    attend(workshop, people["staff"])

    response = getattr(client_for(client, people["staff"]), method)(form_url(network, workshop), VALID)

    assert response.status_code == 403
    assert NOT_FOR_STAFF in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_workshop_of_another_network_is_not_found(client, network_people):
    network, other, people = network_people
    elsewhere = make_workshop(other, days_from_now=-1)

    client_for(client, people["facilitator"])
    assert client.get(form_url(network, elsewhere)).status_code == 404
    assert client.post(form_url(network, elsewhere), VALID).status_code == 404
    assert client.get(results_url(network, elsewhere)).status_code == 404
    assert client.post(close_url(network, elsewhere)).status_code == 404
    assert not Feedback.objects.exists()
    assert not FeedbackClosure.objects.exists()


# ---------- The attacks ----------


def invite(client, network, emails):
    """The facilitator invites `emails` through the member space; returns {address: the invitation link's path}."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("manage-invitations", args=[network.slug]), {"emails": "\n".join(emails), "role": "member"}
        )
    assert response.status_code == 302
    return {message.to[0]: re.search(r"/kutsu/\S+/", message.body).group(0) for message in mail.outbox}


def test_a_facilitators_sock_puppets_who_did_not_attend_cannot_answer(client, held):
    """The facilitator invites four accounts of their own, who join and try to answer so that the next real
    answer would be the only unknown one: none of them was marked as attended, so none can."""
    network, workshop, people = held
    addresses = [f"nukke{number}@example.fi" for number in range(4)]
    links = invite(client_for(client, people["facilitator"]), network, addresses)

    for address in addresses:
        puppet = client_for(client, make_user(address))
        assert puppet.post(links[address]).status_code == 302  # joined the network
        shown = puppet.get(form_url(network, workshop))
        sent = puppet.post(form_url(network, workshop), VALID)
        assert (shown.status_code, sent.status_code) == (403, 403)
        assert NOT_ATTENDED in sent.content.decode()

    assert not Feedback.objects.exists()
    assert not FeedbackRespondent.objects.exists()


def test_a_facilitator_cannot_answer_their_own_networks_feedback(client, held):
    network, workshop, people = held
    attend(workshop, people["facilitator"])  # even when marked as attended

    client_for(client, people["facilitator"])
    shown = client.get(form_url(network, workshop))
    sent = client.post(form_url(network, workshop), VALID)

    assert (shown.status_code, sent.status_code) == (403, 403)
    assert NOT_FOR_FACILITATORS in sent.content.decode()
    assert not Feedback.objects.exists()
    # The workshop page does not ask them at all: they see where feedback stands and the results' link.
    page = client.get(workshop_url(network, workshop)).content.decode()
    assert NOT_FOR_FACILITATORS not in page
    assert "Anna palautetta" not in page
    assert results_url(network, workshop) in page


def test_while_feedback_is_open_nothing_tells_a_new_answer(client, held):
    """A facilitator reads the results, the workshop page and the network page, a real attendee answers, and
    the facilitator reads again: every page is the same, with no count and no results."""
    network, workshop, people = held
    add_answers(workshop, [5, 4, 4, 3, 5, 2], comment=["Salainen palaute"] * 6)  # enough to show, if closed
    facilitator = client_for(client, people["facilitator"])
    urls = [results_url(network, workshop), workshop_url(network, workshop), network.url]
    before = [without_tokens(facilitator.get(url)) for url in urls]

    assert client_for(client, people["member"]).post(form_url(network, workshop), VALID).status_code == 302

    after = [without_tokens(client_for(client, people["facilitator"]).get(url)) for url in urls]
    assert before == after
    results, workshop_page, network_page = after
    closes = timezone.localtime(workshop.end + FEEDBACK_PERIOD)
    assert f"Palaute on auki {closes:%-d.%-m.%Y %H:%M} asti." in results
    assert "Vastauksia" not in results
    assert "Salainen palaute" not in results and "<svg" not in results
    assert "Palaute on auki" in workshop_page and "Palautteen tulokset (" not in workshop_page
    assert "Työpajojen palautteen keskiarvo" not in network_page
    assert not FeedbackClosure.objects.exists()


def test_after_closing_with_four_answers_nothing_is_shown(client, held):
    network, workshop, people = held
    add_answers(workshop, [5, 5, 4, 1], comment=["Tunnistettava palaute"] * 4)
    facilitator = client_for(client, people["facilitator"])

    closed = facilitator.post(close_url(network, workshop), follow=True)

    content = closed.content.decode()
    assert closed.redirect_chain == [(results_url(network, workshop), 302)]
    assert "Palaute suljettu. Uusia vastauksia ei enää oteta vastaan." in content
    assert TOO_FEW in content
    assert "Tunnistettava palaute" not in content
    assert "<svg" not in content and "Keskiarvo" not in content and "Kokonaisarvion keskiarvo" not in content
    assert "<dt>Vastauksia</dt>" not in content
    public = client_for(client, None).get(network.url)
    assert "Työpajojen palautteen keskiarvo" not in public.content.decode()
    [workshops] = [s.context for s in public.context["sections"] if s.template.startswith("workshops/")]
    assert workshops["feedback_average"] is None


def test_after_closing_with_five_answers_the_results_show_and_no_answer_is_added(client, held):
    network, workshop, people = held
    add_answers(workshop, [5, 4, 4, 3, 5], comment=["Hyvä", "", "Selkeä", "", "Kiitos"])
    facilitator = client_for(client, people["facilitator"])
    assert facilitator.post(close_url(network, workshop), follow=True).status_code == 200
    closure = FeedbackClosure.objects.get()
    assert closure.closed_by == people["facilitator"]
    shown = without_tokens(facilitator.get(results_url(network, workshop)))
    assert "4,2 / 5" in shown
    assert "Selkeä" in shown
    assert (
        "Työpajojen palautteen keskiarvo 4,2 / 5 (5 vastausta)"
        in client_for(client, None).get(network.url).content.decode()
    )

    member = client_for(client, people["member"])
    refused = member.post(form_url(network, workshop), {**VALID, "overall": "1"})

    assert refused.status_code == 403
    assert CLOSED in refused.content.decode()
    assert Feedback.objects.count() == 5
    assert not FeedbackRespondent.objects.filter(user=people["member"]).exists()
    assert without_tokens(client_for(client, people["facilitator"]).get(results_url(network, workshop))) == shown
    assert CLOSED in client_for(client, people["member"]).get(workshop_url(network, workshop)).content.decode()


def test_feedback_closes_by_itself_two_weeks_after_the_workshop_and_stays_closed(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-15)
    attend(workshop, people["member"])
    add_answers(workshop, [3, 3, 4, 4, 5])

    refused = client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    assert refused.status_code == 403 and CLOSED in refused.content.decode()
    # The first look after the closing time records it, and the results show.
    results = client_for(client, people["facilitator"]).get(results_url(network, workshop))
    assert "3,8 / 5" in results.content.decode()
    closure = FeedbackClosure.objects.get()
    assert (closure.closed, closure.closed_by) == (workshop.end + FEEDBACK_PERIOD, None)

    # Moving the workshop later does not reopen feedback whose results have been read.
    workshop.start += timedelta(days=10)
    workshop.end += timedelta(days=10)
    workshop.save_revision().publish()
    again = client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    assert again.status_code == 403 and CLOSED in again.content.decode()
    assert Feedback.objects.count() == 5


def test_the_hourly_command_records_the_closings_that_are_due(network_people):
    from django.core.management import call_command

    network, _other, _people = network_people
    due = make_workshop(network, days_from_now=-15)
    open_still = make_workshop(network, days_from_now=-13)

    output = io.StringIO()
    call_command("send_workshop_reminders", stdout=output)

    assert "Feedback closed for 1 workshops." in output.getvalue()
    assert list(FeedbackClosure.objects.values_list("workshop_id", flat=True)) == [due.pk]
    assert not FeedbackClosure.objects.filter(workshop=open_still).exists()


def test_a_cancelled_workshop_says_so_on_its_results_page(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-20, cancelled=True)

    content = client_for(client, people["facilitator"]).get(results_url(network, workshop)).content.decode()

    assert "Työpaja on peruttu, joten siitä ei kerätä palautetta." in content
    assert "Vastauksia tuli alle" not in content and "Sulje palaute nyt" not in content


# ---------- Closing ----------


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_closing(client, held, role):
    network, workshop, people = held
    client_for(client, people[role])

    fetched = client.get(close_url(network, workshop))
    sent = client.post(close_url(network, workshop))

    assert fetched.status_code == 405
    if role == "anonymous":
        assert_sent_to_sign_in(sent)
    elif role in ("outsider", "other_member"):
        assert sent.status_code == 403
        assert "networks/space/not_member.html" in [t.name for t in sent.templates]
    elif role in FACILITATORS:
        assert sent.status_code == 302
        assert FeedbackClosure.objects.get(workshop=workshop).closed_by == people[role]
    else:
        assert sent.status_code == 403
    if role not in FACILITATORS:
        assert not FeedbackClosure.objects.exists()


def test_closing_before_the_start_or_twice_is_refused_with_a_message(client, network_people):
    network, _other, people = network_people
    upcoming = make_workshop(network, days_from_now=2)
    client_for(client, people["facilitator"])

    early = client.post(close_url(network, upcoming), follow=True)
    assert "Palautetta ei suljettu: Palautteen voi sulkea, kun työpaja on alkanut." in early.content.decode()
    assert not FeedbackClosure.objects.exists()

    held = make_workshop(network, days_from_now=-1)
    client.post(close_url(network, held))
    first = FeedbackClosure.objects.get()
    again = client.post(close_url(network, held), follow=True)
    assert "Palaute oli jo suljettu." in again.content.decode()
    assert FeedbackClosure.objects.get() == first


# ---------- Who gets in ----------


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_form(client, held, role):
    network, workshop, people = held
    attend(workshop, *(user for user in people.values() if user is not None))
    client_for(client, people[role])

    shown = client.get(form_url(network, workshop))
    sent = client.post(form_url(network, workshop), VALID)

    if role == "anonymous":
        assert_sent_to_sign_in(shown)
        assert_sent_to_sign_in(sent)
    elif role in ANSWERERS:
        assert shown.status_code == 200
        assert sent.status_code == 302
        assert FeedbackRespondent.objects.get().user == people[role]
        assert Feedback.objects.count() == 1
    else:
        assert shown.status_code == 403
        assert sent.status_code == 403
    if role not in ANSWERERS:
        assert not Feedback.objects.exists()
        assert not FeedbackRespondent.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_results(client, held, role):
    network, workshop, people = held
    add_answers(workshop, [5, 4, 4, 3, 5], comment=["Salainen palaute"] * 5)
    close(workshop)
    client_for(client, people[role])

    shown = client.get(results_url(network, workshop))
    posted = client.post(results_url(network, workshop))

    assert posted.status_code == 405
    if role == "anonymous":
        assert_sent_to_sign_in(shown)
    elif role in FACILITATORS:
        assert shown.status_code == 200
        assert "Salainen palaute" in shown.content.decode()
    else:
        assert shown.status_code == 403
        assert "Salainen palaute" not in shown.content.decode()


def test_the_workshop_page_tells_each_person_where_feedback_stands(client, held):
    network, workshop, people = held
    add_answers(workshop, [5, 4])
    absent_member = make_membership(network, make_user("poissa@example.fi")).user  # did not attend

    def page(user):
        return client_for(client, user).get(workshop_url(network, workshop)).content.decode()

    member, absent = page(people["member"]), page(absent_member)
    facilitator, staff = page(people["facilitator"]), page(people["staff"])
    assert "Anna palautetta" in member
    assert results_url(network, workshop) not in member
    assert NOT_ATTENDED in absent and "Anna palautetta" not in absent
    closes = timezone.localtime(workshop.end + FEEDBACK_PERIOD)
    assert f"Palaute on auki {closes:%-d.%-m.%Y %H:%M} asti." in facilitator
    assert results_url(network, workshop) in facilitator
    assert "Palautteen tulokset (" not in facilitator
    assert NOT_FOR_STAFF not in staff and "Anna palautetta" not in staff  # not asked
    assert results_url(network, workshop) in staff


def test_the_workshop_page_says_nothing_of_feedback_before_the_start(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=3)

    page = client_for(client, people["member"]).get(workshop_url(network, workshop)).content.decode()

    assert 'id="feedback-heading"' not in page
    assert "Anna palautetta" not in page


# ---------- Results and the threshold ----------


def test_results_need_closing_and_five_answers():
    assert FEEDBACK_MIN_ANSWERS == 5
    assert FEEDBACK_PERIOD == timedelta(days=14)
    closure = FeedbackClosure()
    assert not is_shown(None, 50)
    assert not is_shown(closure, 4)
    assert is_shown(closure, 5)


def test_five_answers_show_averages_distributions_and_comments(client, held):
    network, workshop, people = held
    add_answers(
        workshop,
        [5, 5, 4, 4, 5],
        met_expectations=[5, 4, None, None, 3],
        useful_for_work=[None] * 5,
        learned_from_others=[1, 2, 3, 4, 5],
        will_apply=[4, 4, 4, 4, None],
        comment=["Öljyä lisää", "", "aamupäivä oli paras", "Bussi myöhässä <b>taas</b>", ""],
    )
    close(workshop)

    response = client_for(client, people["facilitator"]).get(results_url(network, workshop))

    assert response.status_code == 200
    results = response.context["results"]
    assert results.count == 5
    assert results.overall.average == pytest.approx(4.6)
    assert results.overall.counts == {1: 0, 2: 0, 3: 0, 4: 2, 5: 3}
    statements = {question.key: question for question in results.statements}
    assert statements["met_expectations"].average == pytest.approx(4.0)
    assert statements["met_expectations"].counts == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert statements["met_expectations"].dont_know == 2
    assert statements["useful_for_work"].average is None
    assert statements["useful_for_work"].dont_know == 5
    assert statements["learned_from_others"].average == pytest.approx(3.0)
    assert statements["will_apply"].average == pytest.approx(4.0)
    # An order that says nothing of who answered when: alphabetical; no empty comments.
    assert results.comments == ["aamupäivä oli paras", "Bussi myöhässä <b>taas</b>", "Öljyä lisää"]

    content = response.content.decode()
    assert "4,6 / 5" in content
    assert "Keskiarvo 4,0 / 5 (3 vastausta)" in content
    assert "En osaa sanoa: 2 vastausta" in content
    assert "Kukaan ei ottanut kantaa tähän väittämään." in content
    assert content.count("<svg") == 1 + len(Feedback.STATEMENTS) - 1  # no chart of a statement nobody took a stand on
    assert '<th scope="row">4 – hyvä</th><td>2</td>' in content
    assert '<th scope="row">Täysin samaa mieltä</th><td>1</td>' in content
    # Free text is plain text: escaped, never HTML.
    assert "Bussi myöhässä &lt;b&gt;taas&lt;/b&gt;" in content
    assert "<b>taas</b>" not in content
    assert "Sulje palaute nyt" not in content

    public = client_for(client, None).get(network.url)
    assert "Työpajojen palautteen keskiarvo 4,6 / 5 (5 vastausta)" in public.content.decode()


def test_the_running_average_counts_only_closed_workshops_with_enough_answers(held):
    """Otherwise the network's average minus a shown workshop's average would give away a small one's."""
    network, workshop, _people = held
    second = make_workshop(network, days_from_now=-30)
    add_answers(workshop, [5, 5, 5, 5, 4])
    add_answers(second, [1])
    close(second)
    assert network_running_average(network) is None, "the first is still open, the second has too few"

    close(workshop)
    average = network_running_average(network)
    assert (average.count, average.average) == (5, pytest.approx(4.8))
    assert average.display == "4,8"

    third = make_workshop(network, days_from_now=-20)
    add_answers(third, [1, 1, 1, 2, 2])
    assert network_running_average(network).count == 5, "the third is open"
    close(third)
    average = network_running_average(network)
    assert (average.count, average.average) == (10, pytest.approx(3.1))


def test_the_running_average_leaves_out_unpublished_workshops_and_other_networks(network_people):
    network, other, _people = network_people
    draft = make_workshop(network, days_from_now=-2)
    add_answers(draft, [1, 1, 1, 1, 1])
    close(draft)
    elsewhere = make_workshop(other, days_from_now=-2)
    add_answers(elsewhere, [2, 2, 2, 2, 2])
    close(elsewhere)
    draft.unpublish()

    assert network_running_average(network) is None
    assert network_running_average(other).average == pytest.approx(2.0)


def test_results_page_shows_the_network_average(client, held):
    network, workshop, people = held
    earlier = make_workshop(network, days_from_now=-20)
    add_answers(earlier, [3, 3, 3, 3, 4])
    close(earlier)
    add_answers(workshop, [5, 5])

    content = client_for(client, people["staff"]).get(results_url(network, workshop)).content.decode()

    assert "Palaute on auki" in content
    assert "Työpajojen palautteen keskiarvo 3,2 / 5 (5 vastausta)" in content


def test_workshop_results_while_open(held):
    _network, workshop, _people = held
    add_answers(workshop, [5, 5, 5, 5, 5])
    results = workshop_results(workshop, None)
    assert (results.closure, results.count, results.shown, results.overall, results.comments) == (
        None,
        None,
        False,
        None,
        [],
    )


# ---------- Queries ----------


@pytest.mark.parametrize("view", ["results", "open results", "network page", "form", "workshop page"])
def test_queries_stay_constant_as_answers_and_members_grow(client, held, view):
    network, workshop, people = held
    role = {
        "results": "facilitator",
        "open results": "facilitator",
        "network page": "anonymous",
        "form": "member",
        "workshop page": "facilitator",
    }
    url = {
        "results": results_url(network, workshop),
        "open results": results_url(network, workshop),
        "network page": network.url,
        "form": form_url(network, workshop),
        "workshop page": workshop_url(network, workshop),
    }[view]
    if view not in ("open results", "form"):
        close(workshop)
    client_for(client, people[role[view]])
    add_answers(workshop, [5, 4, 3, 2, 1], met_expectations=[5, None, 3, 2, 1], comment=["a", "b", "", "c", "d"])
    small = queries_for(client, url)

    for _index in range(10):
        make_membership(network)
    add_answers(workshop, [4] * 35, will_apply=[None, 5, 4, 3, 2] * 7, comment=["Hyvä"] * 35)
    earlier = make_workshop(network, days_from_now=-9)
    add_answers(earlier, [3] * 6)
    close(earlier)
    large = queries_for(client, url)

    assert_queries(QUERIES[view], small=small, large=large)


# ---------- The person's own data ----------


def test_the_data_export_names_the_workshops_and_explains_why_the_answers_are_not_there(client, held):
    network, workshop, people = held
    client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    add_answers(workshop, [1])  # someone else's

    exported = export_user_data(people["member"])["workshop_feedback"]

    assert exported["given_for"] == [
        {"network": network.title, "workshop": workshop.title, "workshop_start": workshop.start.isoformat()}
    ]
    assert "ilman yhteyttä sinuun" in exported["note"]
    assert "ei voi palauttaa sinulle eikä poistaa" in exported["note"]
    assert "Hyvä päivä" not in str(exported)
    assert export_user_data(people["contact"])["workshop_feedback"]["given_for"] == []


def test_deleting_the_account_forgets_who_answered_and_keeps_the_answers(client, held):
    network, workshop, people = held
    add_answers(workshop, [3, 3, 3])
    client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    client_for(client, people["contact"]).post(form_url(network, workshop), VALID)

    delete_account(people["member"])

    assert not FeedbackRespondent.objects.filter(user=people["member"]).exists()
    assert FeedbackRespondent.objects.filter(user=people["contact"]).exists()
    assert Feedback.objects.count() == 5
    people["contact"].delete()  # a user row removed outright: the answer stays
    assert Feedback.objects.count() == 5
    assert FeedbackRespondent.objects.count() == 3
    assert workshop_results(workshop, close(workshop)).overall.average == pytest.approx(3.4)
