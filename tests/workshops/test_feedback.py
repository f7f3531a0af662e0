"""Workshop feedback: the form (once per member, from the workshop's start, never for a cancelled one),
the results for facilitators and the network's running average, both shown only from five answers up,
the permission matrix of both addresses, constant query counts, and the person's own data."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts.data import delete_account, export_user_data
from tests.conftest import ROLES, client_for, queries_for
from tests.factories import make_membership, make_user, make_workshop
from workshops.feedback_results import is_shown, network_running_average, workshop_results
from workshops.models import FEEDBACK_MIN_ANSWERS, Feedback
from workshops.views import feedback as feedback_views

pytestmark = pytest.mark.django_db

ALREADY = "Olet jo antanut palautteen tästä työpajasta. Kiitos!"
THRESHOLD = "Tulokset näytetään, kun vastauksia on vähintään 5, jotta yksittäistä vastaajaa ei voi tunnistaa."
VALID = {
    "overall": "4",
    "met_expectations": "5",
    "useful_for_work": "eos",
    "learned_from_others": "3",
    "will_apply": "4",
    "comment": "Hyvä päivä,\nkiitos!",
}
# Who has a membership in the network (and so may answer), and who manages it.
ANSWERERS = {"member", "contact", "facilitator"}
FACILITATORS = {"facilitator", "staff"}


def form_url(network, workshop):
    return reverse("workshop-feedback", args=[network.slug, workshop.pk])


def results_url(network, workshop):
    return reverse("workshop-feedback-results", args=[network.slug, workshop.pk])


def workshop_url(network, workshop):
    return reverse("space-workshop", args=[network.slug, workshop.pk])


def add_answers(workshop, grades, **fields):
    """One answer per grade in `grades`, each from a new person; `fields` maps a field to a list of values."""
    answers = [
        Feedback(
            workshop=workshop,
            user=make_user(),
            overall=grade,
            **{name: values[index] for name, values in fields.items()},
        )
        for index, grade in enumerate(grades)
    ]
    return Feedback.objects.bulk_create(answers)


@pytest.fixture
def held(network_people):
    """(network, a workshop that was held yesterday, people)."""
    network, _other, people = network_people
    return network, make_workshop(network, days_from_now=-1), people


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


def test_a_member_gives_feedback(client, held):
    network, workshop, people = held
    member = people["member"]

    response = client_for(client, member).post(form_url(network, workshop), VALID)

    assert response.status_code == 302
    assert response.url == workshop_url(network, workshop)
    answer = Feedback.objects.get()
    assert (answer.workshop, answer.user, answer.overall) == (workshop, member, 4)
    assert (answer.met_expectations, answer.useful_for_work, answer.learned_from_others) == (5, None, 3)
    assert answer.will_apply == 4
    assert answer.comment == "Hyvä päivä,\nkiitos!"
    page = client.get(workshop_url(network, workshop)).content.decode()
    assert "Kiitos palautteestasi" in page
    assert "Anna palautetta" not in page


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
    assert Feedback.objects.count() == 1


def test_two_racing_answers_keep_the_first(client, held, monkeypatch):
    """The second of two simultaneous requests passes the check and meets the unique constraint."""
    network, workshop, people = held
    client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    monkeypatch.setattr(feedback_views, "already_answered", lambda workshop, user: False)

    response = client.post(form_url(network, workshop), {**VALID, "overall": "1"})

    assert response.status_code == 409
    assert ALREADY in response.content.decode()
    assert list(Feedback.objects.values_list("overall", flat=True)) == [4]


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

    response = client_for(client, people["member"]).post(form_url(network, workshop), VALID)

    assert response.status_code == 302
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_feedback_for_a_cancelled_workshop(client, network_people, method):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=-1, cancelled=True)

    response = getattr(client_for(client, people["member"]), method)(form_url(network, workshop), VALID)

    assert response.status_code == 403
    assert "Työpaja on peruttu" in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_who_are_not_members_are_told_feedback_is_for_members(client, held, method):
    network, workshop, people = held

    response = getattr(client_for(client, people["staff"]), method)(form_url(network, workshop), VALID)

    assert response.status_code == 403
    assert "Palautteen antavat verkoston jäsenet." in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_workshop_of_another_network_is_not_found(client, network_people):
    network, other, people = network_people
    elsewhere = make_workshop(other, days_from_now=-1)

    client_for(client, people["facilitator"])
    assert client.get(form_url(network, elsewhere)).status_code == 404
    assert client.post(form_url(network, elsewhere), VALID).status_code == 404
    assert client.get(results_url(network, elsewhere)).status_code == 404
    assert not Feedback.objects.exists()


# ---------- Who gets in ----------


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_form(client, held, role):
    network, workshop, people = held
    client_for(client, people[role])

    shown = client.get(form_url(network, workshop))
    sent = client.post(form_url(network, workshop), VALID)

    if role == "anonymous":
        assert_sent_to_sign_in(shown)
        assert_sent_to_sign_in(sent)
    elif role in ANSWERERS:
        assert shown.status_code == 200
        assert sent.status_code == 302
        assert Feedback.objects.get().user == people[role]
    else:
        assert shown.status_code == 403
        assert sent.status_code == 403
    if role not in ANSWERERS:
        assert not Feedback.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_results(client, held, role):
    network, workshop, people = held
    add_answers(workshop, [5, 4, 4, 3, 5], comment=["Salainen palaute"] * 5)
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


def test_only_facilitators_see_the_results_link_on_the_workshop_page(client, held):
    network, workshop, people = held
    add_answers(workshop, [5, 4])

    member_page = client_for(client, people["member"]).get(workshop_url(network, workshop)).content.decode()
    facilitator_page = client_for(client, people["facilitator"]).get(workshop_url(network, workshop)).content.decode()

    assert "Anna palautetta" in member_page
    assert results_url(network, workshop) not in member_page
    assert "Palautteen tulokset (2 vastausta)" in facilitator_page
    assert "Anna palautetta" in facilitator_page  # a facilitator is a member too


def test_the_workshop_page_says_nothing_of_feedback_before_the_start(client, network_people):
    network, _other, people = network_people
    workshop = make_workshop(network, days_from_now=3)

    page = client_for(client, people["member"]).get(workshop_url(network, workshop)).content.decode()

    assert 'id="feedback-heading"' not in page
    assert "Anna palautetta" not in page


def test_staff_see_no_feedback_link_on_the_workshop_page(client, held):
    network, workshop, people = held

    page = client_for(client, people["staff"]).get(workshop_url(network, workshop)).content.decode()

    assert "Anna palautetta" not in page
    assert "Palautteen antavat verkoston jäsenet." in page
    assert "Palautteen tulokset (0 vastausta)" in page


# ---------- Results and the threshold ----------


def test_the_threshold_is_five():
    assert FEEDBACK_MIN_ANSWERS == 5
    assert not is_shown(4)
    assert is_shown(5)


def test_four_answers_show_no_results_anywhere(client, held):
    network, workshop, people = held
    add_answers(workshop, [5, 5, 4, 1], comment=["Tunnistettava palaute"] * 4)

    results = client_for(client, people["facilitator"]).get(results_url(network, workshop))
    public = client_for(client, None).get(network.url)

    content = results.content.decode()
    assert f"Vastauksia on 4. {THRESHOLD}" in content
    assert "Tunnistettava palaute" not in content
    assert "<svg" not in content
    assert "Keskiarvo" not in content
    assert "Kokonaisarvion keskiarvo" not in content
    assert "Työpajojen palautteen keskiarvo" not in content
    assert "Työpajojen palautteen keskiarvo" not in public.content.decode()
    assert public.context["feedback_average"] is None


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
    # Stable order that says nothing of who answered when; no empty comments.
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
    assert THRESHOLD not in content
    # Nothing names who answered.
    for answer in Feedback.objects.select_related("user"):
        assert answer.user.email not in content

    public = client_for(client, None).get(network.url)
    assert "Työpajojen palautteen keskiarvo 4,6 / 5 (5 vastausta)" in public.content.decode()


def test_the_running_average_counts_only_workshops_with_enough_answers(held):
    """Otherwise the network's average minus a shown workshop's average would give away a small one's."""
    network, workshop, _people = held
    second = make_workshop(network, days_from_now=-30)
    add_answers(workshop, [5, 5, 5, 5])
    add_answers(second, [1])
    assert network_running_average(network) is None

    add_answers(workshop, [4])  # the first workshop reaches five: 5+5+5+5+4
    average = network_running_average(network)
    assert (average.count, average.average) == (5, pytest.approx(4.8))
    assert average.display == "4,8"

    add_answers(second, [1, 1, 1, 2])  # the second reaches five too
    average = network_running_average(network)
    assert (average.count, average.average) == (10, pytest.approx(3.0))


def test_the_running_average_leaves_out_unpublished_workshops_and_other_networks(network_people):
    network, other, _people = network_people
    draft = make_workshop(network, days_from_now=-2)
    add_answers(draft, [1, 1, 1, 1, 1])
    add_answers(make_workshop(other, days_from_now=-2), [2, 2, 2, 2, 2])
    draft.unpublish()

    assert network_running_average(network) is None
    assert network_running_average(other).average == pytest.approx(2.0)


def test_results_page_shows_the_network_average(client, held):
    network, workshop, people = held
    add_answers(make_workshop(network, days_from_now=-20), [3, 3, 3, 3, 4])
    add_answers(workshop, [5, 5])

    content = client_for(client, people["staff"]).get(results_url(network, workshop)).content.decode()

    assert f"Vastauksia on 2. {THRESHOLD}" in content
    assert "Työpajojen palautteen keskiarvo 3,2 / 5 (5 vastausta)" in content


def test_workshop_results_without_answers():
    results = workshop_results(None)
    assert (results.count, results.shown, results.overall, results.comments) == (0, False, None, [])


# ---------- Queries ----------


@pytest.mark.parametrize("view", ["results", "network page", "form", "workshop page"])
def test_queries_stay_constant_as_answers_and_members_grow(client, held, view):
    network, workshop, people = held
    role = {"results": "facilitator", "network page": "anonymous", "form": "member", "workshop page": "facilitator"}
    url = {
        "results": results_url(network, workshop),
        "network page": network.url,
        "form": form_url(network, workshop),
        "workshop page": workshop_url(network, workshop),
    }[view]
    client_for(client, people[role[view]])
    add_answers(workshop, [5, 4, 3, 2, 1], met_expectations=[5, None, 3, 2, 1], comment=["a", "b", "", "c", "d"])
    small = queries_for(client, url)

    for _index in range(10):
        make_membership(network)
    add_answers(workshop, [4] * 35, will_apply=[None, 5, 4, 3, 2] * 7, comment=["Hyvä"] * 35)
    add_answers(make_workshop(network, days_from_now=-9), [3] * 6)
    large = queries_for(client, url)

    assert small == large


# ---------- The person's own data ----------


def test_own_feedback_is_in_the_data_export(client, held):
    network, workshop, people = held
    client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    add_answers(workshop, [1])  # someone else's

    exported = export_user_data(people["member"])["workshop_feedback"]

    assert len(exported) == 1
    assert exported[0]["network"] == network.title
    assert exported[0]["workshop"] == workshop.title
    assert exported[0]["overall"] == 4
    assert exported[0]["statements"]["useful_for_work"]["answer"] is None
    assert exported[0]["statements"]["met_expectations"]["answer"] == 5
    assert exported[0]["comment"] == "Hyvä päivä,\nkiitos!"


def test_feedback_stays_when_the_account_is_deleted(client, held):
    network, workshop, people = held
    add_answers(workshop, [3, 3, 3])
    client_for(client, people["member"]).post(form_url(network, workshop), VALID)
    client_for(client, people["contact"]).post(form_url(network, workshop), VALID)

    delete_account(people["member"])
    assert Feedback.objects.count() == 5
    people["contact"].delete()  # a user row removed outright: the answer stays, without its author
    assert Feedback.objects.filter(user__isnull=True).count() == 1

    assert Feedback.objects.count() == 5
    assert workshop_results(workshop).overall.average == pytest.approx(3.4)
