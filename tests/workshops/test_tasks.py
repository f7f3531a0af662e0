"""Workshop tasks: the facilitator's task, members' answers and files, who sees what, the overview of who
has answered, reminders, e-mail, the permission matrix of every task URL, and query counts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import workshops.data  # noqa: F401 - registers the exporter
from accounts.data import export_user_data
from core.text import render_markdown
from networks.actions import end_membership
from networks.models import Membership
from notices.models import Kind
from tests.conftest import ROLES, assert_queries, client_for, queries_for
from tests.factories import make_membership, make_organisation, make_user, make_workshop
from tests.notices.helpers import never
from workshops import answers as actions
from workshops.models import Submission, SubmissionFile, Task, WorkshopMailing
from workshops.notifications import mail_once, member_users

# Queries pinned at both data sizes (tests.conftest.assert_queries).
TASK_PAGE_QUERIES = {(role, visible): 16 for role in ("member", "facilitator") for visible in (False, True)}
OVERVIEW_QUERIES = {"person": 15, "organisation": 15}
REMIND_PAGE_QUERIES = {"person": 16, "organisation": 16}  # with their choices for tasks (notices.preferences)
WORKSHOP_PAGE_QUERIES = {"member": 19, "facilitator": 19}


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60
MEMBERS = {"member", "contact", "facilitator", "staff"}
FACILITATORS = {"facilitator", "staff"}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Answer files and public media in folders of this test (the private storage follows the setting)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def make_task(workshop, **fields):
    fields.setdefault("title", "Nykytilan kuvaus")
    fields.setdefault("instructions", "Kuvatkaa **nykytila** ja yksi kokeilu.")
    fields.setdefault("due", timezone.now() + timedelta(days=3))
    task = Task(workshop=workshop, **fields)
    task.instructions_html = render_markdown(task.instructions)
    task.save()
    return task


def close(task):
    Task.objects.filter(pk=task.pk).update(due=timezone.now() - timedelta(hours=1))
    task.refresh_from_db()


def pdf(name="liite.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def answer(task, user, text="Vastaus", files=(), organisation=None):
    return actions.save_answer(task, user, organisation, text, list(files))


def url(name, network, *args):
    return reverse(name, args=[network.slug, *args])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def setup(network_people):
    network, other, people = network_people
    workshop = make_workshop(network)
    task = make_task(workshop)
    return network, workshop, task, people


# ---------- The answer's lifecycle ----------


def test_a_member_answers_with_a_file_and_edits_before_the_due_date(client, setup, private_root, settings):
    network, _workshop, task, people = setup
    client_for(client, people["member"])
    task_url = url("task", network, task.pk)

    page = client.get(task_url)
    assert page.status_code == 200
    assert "<strong>nykytila</strong>" in page.content.decode()
    response = client.post(
        task_url,
        {"text": "Meillä **hyvin**. <script>alert(1)</script>", "version": "", "files": [pdf("Raportti 1.pdf")]},
    )

    assert response.status_code == 302
    assert response.url == task_url + "#oma-vastaus"
    assert "Vastauksesi on tallennettu" in messages_of(response)[0]
    submission = Submission.objects.get()
    assert (submission.user, submission.organisation, submission.updated_by) == (
        people["member"],
        None,
        people["member"],
    )
    assert "<strong>hyvin</strong>" in submission.text_html and "<script>" not in submission.text_html
    attachment = submission.files.get()
    assert (attachment.name, attachment.size, attachment.uploaded_by) == ("Raportti 1.pdf", len(PDF), people["member"])
    [stored] = stored_files(private_root)
    assert stored.read_bytes() == PDF
    assert "Raportti" not in stored.name  # a random name on disk
    assert stored_files(settings.MEDIA_ROOT) == []

    page = client.get(task_url)
    content = page.content.decode()
    assert "<strong>hyvin</strong>" in content and "&lt;script&gt;" in content and "<script>alert" not in content
    assert url("task-file", network, task.pk, attachment.pk) in content
    assert page.context["form"].initial["text"] == submission.text

    response = client.post(task_url, {"text": "Korjattu vastaus", "version": page.context["form"].initial["version"]})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.text == "Korjattu vastaus"
    assert submission.files.count() == 1  # the file stays
    assert Submission.objects.count() == 1


def test_after_the_due_date_every_post_is_refused_and_nothing_changes(client, setup, private_root):
    network, _workshop, task, people = setup
    submission = answer(task, people["member"], "Alkuperäinen", [pdf()])
    attachment = submission.files.get()
    close(task)
    client_for(client, people["member"])
    task_url = url("task", network, task.pk)
    before = (Submission.objects.get().text, Submission.objects.get().updated, stored_files(private_root))

    response = client.post(task_url, {"text": "Myöhästynyt muutos", "version": "", "files": [pdf("uusi.pdf")]})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Palautusaika on päättynyt" in content
    assert f"Palautusaika päättyi {timezone.localtime(task.due).strftime('%-d.%-m.%Y %H:%M')}" in content
    assert "Vastaustasi ei tallennettu" in content
    assert "Myöhästynyt muutos" in content  # offered back for copying
    assert 'role="alert"' in content
    assert (Submission.objects.get().text, Submission.objects.get().updated, stored_files(private_root)) == before
    assert SubmissionFile.objects.count() == 1

    response = client.post(url("task-file-delete", network, task.pk, attachment.pk))
    assert response.status_code == 302
    assert "Tiedostoa ”liite.pdf” ei poistettu" in messages_of(response)[0]
    assert SubmissionFile.objects.filter(pk=attachment.pk).exists()
    assert stored_files(private_root) == before[2]

    page = client.get(task_url)
    content = page.content.decode()
    assert page.context["form"] is None
    assert "Alkuperäinen" in content
    assert "vastausta ei voi enää muuttaa" in content
    assert url("task-file-delete", network, task.pk, attachment.pk) not in content
    assert 'enctype="multipart/form-data"' not in content


def test_a_task_that_closes_while_the_form_is_open_refuses_the_answer(setup, private_root, monkeypatch):
    _network, _workshop, task, people = setup
    close(task)
    with pytest.raises(actions.TaskClosed):
        answer(task, people["member"], "Liian myöhään", [pdf()])
    assert not Submission.objects.exists()
    assert stored_files(private_root) == []


def test_an_answer_needs_text_or_a_file(client, setup):
    network, _workshop, task, people = setup
    response = client_for(client, people["member"]).post(url("task", network, task.pk), {"text": "  ", "version": ""})
    assert response.status_code == 400
    assert "Kirjoita vastaus tai liitä vähintään yksi tiedosto" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_stale_form_does_not_overwrite_a_newer_answer(client, setup):
    network, _workshop, task, people = setup
    Task.objects.filter(pk=task.pk).update(answered_by=Task.AnsweredBy.ORGANISATION)
    task.refresh_from_db()
    organisation = Membership.objects.get(user=people["member"], network=network).organisation
    client_for(client, people["member"])
    opened = client.get(url("task", network, task.pk)).context["form"].initial["version"]
    answer(task, people["contact"], "Yhteyshenkilön versio", organisation=organisation)

    response = client.post(url("task", network, task.pk), {"text": "Jäsenen versio", "version": opened})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Vastausta on muokattu sillä välin" in content
    assert "Yhteyshenkilön versio" in content and "Jäsenen versio" in content
    assert Submission.objects.get().text == "Yhteyshenkilön versio"
    # Saving again from the re-shown form overwrites knowingly.
    response = client.post(
        url("task", network, task.pk),
        {"text": "Jäsenen versio", "version": response.context["form"]["version"].value()},
    )
    assert response.status_code == 302
    assert Submission.objects.get().text == "Jäsenen versio"


# ---------- Organisation tasks ----------


def test_an_organisation_answers_together(client, setup):
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    kemi = make_organisation("Kemin kaupunki")
    outsider_org_member = make_membership(network, make_user("kemi@example.fi"), "member", kemi).user
    task_url = url("task", network, task.pk)

    client_for(client, people["member"])
    assert "Organisaation Sipoon kunta vastaus" in client.get(task_url).content.decode()
    assert client.post(task_url, {"text": "Sipoon yhteinen vastaus", "version": ""}).status_code == 302

    client_for(client, people["contact"])
    page = client.get(task_url)
    assert page.context["own"].text == "Sipoon yhteinen vastaus"
    response = client.post(
        task_url, {"text": "Sipoon täydennetty vastaus", "version": page.context["form"].initial["version"]}
    )
    assert response.status_code == 302
    assert "Organisaationne vastaus on tallennettu" in messages_of(response)[0]

    submission = Submission.objects.get()
    assert submission.organisation.name == "Sipoon kunta"
    assert submission.user == people["member"] and submission.updated_by == people["contact"]
    assert submission.text == "Sipoon täydennetty vastaus"

    page = client_for(client, outsider_org_member).get(task_url)
    assert page.context["own"] is None
    assert page.context["others"] is None
    assert "Sipoon täydennetty vastaus" not in page.content.decode()


def test_a_member_without_an_organisation_can_ask_the_facilitator_and_nothing_is_stored(
    client, setup, django_capture_on_commit_callbacks
):
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    porvoo = make_organisation("Porvoon kaupunki")
    loner = make_membership(network, make_user("yksin@example.fi", organisation=porvoo)).user
    client_for(client, loner)

    page = client.get(url("task", network, task.pk))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Fasilitaattori ei ole vielä liittänyt sinua organisaatioon" in content
    assert "Lisää organisaatiosi profiiliisi" not in content  # the profile is no way to an answer
    assert page.context["form"] is None
    assert page.context["organisation_request_form"]["organisation"].value() == porvoo.pk

    response = client.post(url("task", network, task.pk), {"text": "Yritän silti", "version": ""})
    assert response.status_code == 400
    assert "Fasilitaattori ei ole vielä liittänyt sinua organisaatioon" in response.content.decode()
    assert not Submission.objects.exists()

    mail.outbox.clear()
    task_page = url("task", network, task.pk)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url("space-request-organisation", network), {"organisation": porvoo.pk, "next": task_page})
    assert asked.status_code == 302 and asked.url == task_page
    assert "Pyyntö lähti verkoston fasilitaattoreille" in messages_of(asked)[0]
    [sent] = mail.outbox
    assert sent.to == [people["facilitator"].email]
    edit = url("manage-organisation", network, Membership.objects.get(user=loner).pk)
    assert f"{edit}?organisaatio={porvoo.pk}" in sent.body
    assert Membership.objects.get(user=loner).organisation is None  # nothing changes before the facilitator acts

    again = client.post(url("space-request-organisation", network), {"organisation": porvoo.pk, "next": task_page})
    assert "Pyysit liittämistä organisaatioon äsken. Yritä uudelleen 12 tunnin kuluttua." in messages_of(again)[-1]
    assert len(mail.outbox) == 1

    facilitator = client_for(Client(), people["facilitator"])
    assert facilitator.get(f"{edit}?organisaatio={porvoo.pk}").context["form"]["organisation"].value() == str(porvoo.pk)
    assert facilitator.post(edit, {"organisation": porvoo.pk}).status_code == 302
    assert Membership.objects.get(user=loner).organisation == porvoo
    assert client.post(task_page, {"text": "Porvoosta", "version": ""}).status_code == 302
    assert Submission.objects.get().organisation == porvoo


def test_the_organisation_of_a_profile_opens_no_organisations_answer(client, setup):
    """The attack: a member whom no facilitator attached to an organisation writes Sipoo into their profile
    and then tries to read, overwrite and delete Sipoo's shared answer and its file."""
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    sipoo = Membership.objects.get(user=people["member"], network=network).organisation
    shared = answer(task, people["member"], "Sipoon yhteinen vastaus", [pdf("sipoo.pdf")], organisation=sipoo)
    attachment = shared.files.get()
    intruder = make_membership(network, make_user("tunkeilija@example.fi")).user
    client_for(client, intruder)

    profile = client.post(
        reverse("account_profile"),
        {"first_name": "Tuomas", "last_name": "Tunkeilija", "organisation": sipoo.pk, "language": "fi"},
    )
    assert profile.status_code == 302
    intruder.refresh_from_db()
    assert intruder.organisation == sipoo

    page = client.get(url("task", network, task.pk)).content.decode()
    assert "Sipoon yhteinen vastaus" not in page
    assert client.get(url("task-file", network, task.pk, attachment.pk)).status_code == 404
    overwrite = client.post(url("task", network, task.pk), {"text": "Korvattu", "version": ""})
    assert overwrite.status_code == 400
    assert client.post(url("task-file-delete", network, task.pk, attachment.pk)).status_code == 404

    shared.refresh_from_db()
    assert shared.text == "Sipoon yhteinen vastaus"
    assert list(shared.files.all()) == [attachment]
    assert Submission.objects.count() == 1


def test_a_member_already_in_an_organisation_cannot_ask_again(client, setup):
    network, _workshop, _task, people = setup
    response = client_for(client, people["member"]).post(
        url("space-request-organisation", network), {"organisation": make_organisation().pk}
    )
    assert response.url == url("space", network)
    assert "Sinut on jo liitetty organisaatioon Sipoon kunta" in messages_of(response)[0]
    assert not mail.outbox


# ---------- Who sees which answers ----------


@pytest.mark.parametrize("visible", [False, True])
@pytest.mark.parametrize("role", sorted(MEMBERS))
def test_visibility_of_answers(client, setup, role, visible):
    network, _workshop, task, people = setup
    Task.objects.filter(pk=task.pk).update(answers_visible=visible)
    task.refresh_from_db()
    other = make_membership(network, make_user("muu@example.fi", first_name="Muu"), "member", make_organisation()).user
    mine = answer(task, people["member"], "Jäsenen vastaus", [pdf("jasen.pdf")])
    theirs = answer(task, other, "Muun vastaus", [pdf("muu.pdf")])

    content = client_for(client, people[role]).get(url("task", network, task.pk)).content.decode()

    sees_all = visible or role in FACILITATORS
    assert ("Jäsenen vastaus" in content) == (sees_all or role == "member")
    assert ("Muun vastaus" in content) == sees_all
    for submission, name in ((mine, "jasen.pdf"), (theirs, "muu.pdf")):
        link = url("task-file", network, task.pk, submission.files.get().pk)
        assert (link in content) == (name in content)
        response = client.get(link)
        if sees_all or (role == "member" and submission == mine):
            assert response.status_code == 200
        else:
            assert response.status_code == 404


def test_members_are_told_who_sees_their_answer(client, setup):
    network, _workshop, task, people = setup
    client_for(client, people["member"])
    assert "Vain vastaaja ja fasilitaattorit" in client.get(url("task", network, task.pk)).content.decode()
    Task.objects.filter(pk=task.pk).update(answers_visible=True)
    assert "Kaikki verkoston jäsenet" in client.get(url("task", network, task.pk)).content.decode()


# ---------- Files: validation, storage and download ----------


def post_files(client, network, task, files, text="Teksti, joka ei saa tallentua"):
    return client.post(url("task", network, task.pk), {"text": text, "version": "", "files": files})


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(client, setup, private_root, settings):
    settings.UPLOAD_MAX_BYTES = 50
    network, _workshop, task, people = setup

    response = post_files(client_for(client, people["member"]), network, task, [pdf("iso.pdf", PDF + b"x" * 100)])

    assert response.status_code == 400
    content = response.content.decode()
    assert "iso.pdf: Tiedosto on liian suuri" in content
    assert f"Enimmäiskoko on {filesizeformat(50)}" in content
    assert "Vastausta ei tallennettu" in content
    assert "Teksti, joka ei saa tallentua" in content  # the text is kept in the form
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()
    assert stored_files(private_root) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ohjelma.exe", EXE, "ohjelma.exe: Tiedostotyyppi ”exe” ei ole sallittu"),
        ("sivu.html", b"<!doctype html><script>alert(1)</script>", "ei ole sallittu"),
        ("naamioitu.pdf", b"<html><script>alert(1)</script></html>", "naamioitu.pdf: Tiedoston sisältö ei vastaa"),
        ("naamioitu.png", PDF, "ei vastaa"),
        ("tyhja.pdf", b"", "tyhja.pdf: tiedosto on tyhjä"),
    ],
)
def test_forbidden_or_disguised_files_are_refused_and_nothing_is_stored(
    client, setup, private_root, name, content, message
):
    network, _workshop, task, people = setup
    response = post_files(client_for(client, people["member"]), network, task, [pdf(name, content)])
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body
    assert not Submission.objects.exists()
    assert stored_files(private_root) == []


def test_one_bad_file_among_good_ones_saves_nothing_not_even_the_text(client, setup, private_root):
    network, _workshop, task, people = setup
    existing = answer(task, people["member"], "Vanha teksti", [pdf("vanha.pdf")])
    before = stored_files(private_root)
    client_for(client, people["member"])
    version = client.get(url("task", network, task.pk)).context["form"].initial["version"]

    response = client.post(
        url("task", network, task.pk),
        {"text": "Uusi teksti", "version": version, "files": [pdf("hyva.pdf"), pdf("paha.exe", EXE)]},
    )

    assert response.status_code == 400
    assert "paha.exe" in response.content.decode()
    existing.refresh_from_db()
    assert existing.text == "Vanha teksti"
    assert [f.name for f in existing.files.all()] == ["vanha.pdf"]
    assert stored_files(private_root) == before


def test_several_files_at_once_and_the_limit_per_answer(client, setup, private_root, monkeypatch):
    network, _workshop, task, people = setup
    monkeypatch.setattr("workshops.forms.tasks.MAX_FILES_PER_ANSWER", 3)
    client_for(client, people["member"])
    response = post_files(client, network, task, [pdf("a.pdf"), pdf("b.pdf")], text="")
    assert response.status_code == 302
    assert sorted(Submission.objects.get().files.values_list("name", flat=True)) == ["a.pdf", "b.pdf"]

    version = client.get(url("task", network, task.pk)).context["form"].initial["version"]
    response = client.post(
        url("task", network, task.pk), {"text": "", "version": version, "files": [pdf("c.pdf"), pdf("d.pdf")]}
    )
    assert response.status_code == 400
    assert "enintään 3 tiedostoa, ja siinä on jo 2" in response.content.decode()
    assert SubmissionFile.objects.count() == 2
    assert len(stored_files(private_root)) == 2


def test_a_failure_after_files_were_written_removes_them(setup, private_root, monkeypatch):
    _network, _workshop, task, people = setup
    original_save = SubmissionFile.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.name)
        if len(calls) == 2:
            raise RuntimeError("levy täynnä")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(SubmissionFile, "save", failing_save)
    with pytest.raises(RuntimeError):
        answer(task, people["member"], "Teksti", [pdf("eka.pdf"), pdf("toka.pdf")])
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()
    assert stored_files(private_root) == []


def test_removing_a_file_before_the_due_date(client, setup, private_root, django_capture_on_commit_callbacks):
    network, _workshop, task, people = setup
    submission = answer(task, people["member"], "Teksti", [pdf("pois.pdf"), pdf("jaa.pdf")])
    gone = submission.files.get(name="pois.pdf")
    client_for(client, people["member"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("task-file-delete", network, task.pk, gone.pk))

    assert response.status_code == 302
    assert response.url == url("task", network, task.pk) + "#oma-vastaus"
    assert "Tiedosto ”pois.pdf” on poistettu vastauksesta" in messages_of(response)[0]
    assert list(submission.files.values_list("name", flat=True)) == ["jaa.pdf"]
    assert len(stored_files(private_root)) == 1
    assert client.get(url("task-file", network, task.pk, gone.pk)).status_code == 404


def test_removing_the_only_content_of_an_answer_removes_the_answer(client, setup, private_root):
    network, _workshop, task, people = setup
    attachment = answer(task, people["member"], "", [pdf("ainoa.pdf")]).files.get()
    response = client_for(client, people["member"]).post(url("task-file-delete", network, task.pk, attachment.pk))
    assert "poistettiin kokonaan" in messages_of(response)[0]
    assert not Submission.objects.exists()
    assert client.get(url("task", network, task.pk)).context["own"] is None


def test_a_facilitator_may_remove_a_file_from_a_members_answer(client, setup, private_root):
    network, _workshop, task, people = setup
    submission = answer(task, people["member"], "Teksti", [pdf("vaara.pdf")])
    client_for(client, people["facilitator"])
    page = client.get(url("task", network, task.pk)).content.decode()
    attachment = submission.files.get()
    assert url("task-file-delete", network, task.pk, attachment.pk) in page
    assert client.post(url("task-file-delete", network, task.pk, attachment.pk)).status_code == 302
    assert not submission.files.exists()
    assert Submission.objects.get().text == "Teksti"


def test_deleting_a_task_removes_its_files_from_storage(setup, private_root, django_capture_on_commit_callbacks):
    _network, _workshop, task, people = setup
    answer(task, people["member"], "Teksti", [pdf("a.pdf"), pdf("b.pdf")])
    assert len(stored_files(private_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        task.delete()
    assert stored_files(private_root) == []


def test_a_download_is_an_attachment_with_the_original_name(client, setup, private_root):
    network, _workshop, task, people = setup
    attachment = answer(task, people["member"], "", [pdf("Sipoon raportti.pdf")]).files.get()

    response = client_for(client, people["facilitator"]).get(url("task-file", network, task.pk, attachment.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Sipoon" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    # Not reachable through the public media address.
    assert client.get(settings.MEDIA_URL + attachment.file.name).status_code == 404


def test_a_file_is_not_found_through_another_task_or_network(client, setup, network_people):
    network, workshop, task, people = setup
    _network, other, _people = network_people
    attachment = answer(task, people["member"], "", [pdf()]).files.get()
    second = make_task(workshop, title="Toinen")
    other_task = make_task(make_workshop(other))
    client_for(client, people["staff"])
    assert client.get(url("task-file", network, second.pk, attachment.pk)).status_code == 404
    assert client.get(url("task-file", other, other_task.pk, attachment.pk)).status_code == 404
    assert client.get(url("task-file", network, task.pk, 999999)).status_code == 404
    assert client.get(url("task", network, other_task.pk)).status_code == 404
    assert client.get(url("task", network, 999999)).status_code == 404
    assert client.get(url("task-create", network, 999999)).status_code == 404


def test_a_missing_stored_file_is_not_found(client, setup, private_root):
    network, _workshop, task, people = setup
    attachment = answer(task, people["member"], "", [pdf()]).files.get()
    for path in stored_files(private_root):
        path.unlink()
    response = client_for(client, people["member"]).get(url("task-file", network, task.pk, attachment.pk))
    assert response.status_code == 404


# ---------- Creating and editing tasks ----------


def task_data(**overrides):
    due = timezone.localtime(timezone.now() + timedelta(days=10))
    data = {
        "kind": "pre",
        "title": "Kuvatkaa nykytila",
        "instructions": "Kirjoittakaa **puoli sivua**.\n\n- yksi\n- kaksi",
        "due": due.strftime("%Y-%m-%dT%H:%M"),
        "answered_by": "person",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_creating_a_task_emails_the_members_once(client, setup, django_capture_on_commit_callbacks):
    network, workshop, _task, people = setup
    never(people["contact"], Kind.TASKS)
    gone = make_membership(network, make_user("entinen@example.fi"))
    end_membership(gone)
    client_for(client, people["facilitator"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("task-create", network, workshop.pk), task_data())

    task = Task.objects.get(title="Kuvatkaa nykytila")
    assert response.status_code == 302
    assert response.url == url("task", network, task.pk)
    assert "on julkaistu" in messages_of(response)[0] and "1 jäsenelle" in messages_of(response)[0]
    assert task.created_by == people["facilitator"] and task.workshop_id == workshop.pk
    assert "<strong>puoli sivua</strong>" in task.instructions_html and "<ul>" in task.instructions_html
    assert [email.to for email in mail.outbox] == [[people["member"].email]]
    email = mail.outbox[0]
    assert "Ennakkotehtävä: Kuvatkaa nykytila" in email.subject
    assert url("task", network, task.pk) in email.body
    assert workshop.title in email.body
    assert WorkshopMailing.objects.get(workshop=workshop, key=f"task:{task.pk}").recipients == 1
    # The same news is never sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = mail_once(workshop, network, f"task:{task.pk}", member_users(network), Kind.TASKS, "task_published", {})
        assert again is None
    assert len(mail.outbox) == 1


def test_the_due_time_is_helsinki_time(client, setup):
    network, workshop, _task, people = setup
    year = timezone.now().year + 1
    response = client_for(client, people["facilitator"]).post(
        url("task-create", network, workshop.pk), task_data(due=f"{year}-01-15T16:00")
    )
    assert response.status_code == 302
    task = Task.objects.get(title="Kuvatkaa nykytila")
    assert task.due == datetime(year, 1, 15, 14, 0, tzinfo=UTC)
    page = client.get(url("task-edit", network, task.pk))
    assert f'value="{year}-01-15T16:00"' in page.content.decode()
    assert "15.1." in client.get(url("task", network, task.pk)).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Anna tehtävälle otsikko"),
        ({"instructions": ""}, "Kirjoita ohjeet"),
        ({"due": ""}, "Anna palautuksen takaraja"),
        ({"due": "huomenna"}, "Anna takaraja muodossa"),
        ({"due": "2001-01-01T10:00"}, "Takarajan pitää olla tulevaisuudessa"),
        ({"due": "0001-01-01T00:00"}, "Tarkista vuosiluku"),
        ({"due": "9999-12-31T23:59"}, "Tarkista vuosiluku"),
        ({"kind": "muu"}, "Valitse tehtävän laji"),
        ({"answered_by": None}, "Valitse, kuka vastaa"),
    ],
)
def test_a_bad_task_form_is_shown_again_with_its_errors(client, setup, overrides, message):
    network, workshop, _task, people = setup
    response = client_for(client, people["facilitator"]).post(
        url("task-create", network, workshop.pk), task_data(**overrides)
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Tehtävää ei julkaistu" in content and 'role="alert"' in content
    assert Task.objects.count() == 1
    assert mail.outbox == []


def test_editing_a_task(client, setup):
    network, _workshop, task, people = setup
    client_for(client, people["facilitator"])
    response = client.post(
        url("task-edit", network, task.pk),
        task_data(title="Uusi otsikko", kind="inter", instructions="*Uudet* ohjeet", answered_by="organisation"),
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.kind, task.answered_by) == ("Uusi otsikko", "inter", "organisation")
    assert task.instructions_html == "<p><em>Uudet</em> ohjeet</p>"
    assert mail.outbox == []  # editing sends nothing


def test_who_answers_cannot_change_once_there_are_answers(client, setup):
    network, _workshop, task, people = setup
    answer(task, people["member"])
    client_for(client, people["facilitator"])
    response = client.post(url("task-edit", network, task.pk), task_data(title="Muutettu", answered_by="organisation"))
    assert response.status_code == 400
    assert "vastaajaa ei voi enää vaihtaa" in response.content.decode()
    task.refresh_from_db()
    assert (task.answered_by, task.title) == ("person", "Nykytilan kuvaus")
    # Other changes still go through.
    response = client.post(url("task-edit", network, task.pk), task_data(title="Muutettu"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Muutettu"


def test_private_answers_are_not_opened_to_all_afterwards(client, setup):
    network, _workshop, task, people = setup
    answer(task, people["member"])
    client_for(client, people["facilitator"])
    response = client.post(url("task-edit", network, task.pk), task_data(answers_visible="on"))
    assert response.status_code == 400
    assert "Niitä ei voi jälkikäteen avata" in response.content.decode()
    assert not Task.objects.get(pk=task.pk).answers_visible


def test_a_task_can_be_edited_past_its_due_date(client, setup):
    """Extending or closing early is the facilitator's call: only a new task must be in the future."""
    network, _workshop, task, people = setup
    past = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(client, people["facilitator"]).post(url("task-edit", network, task.pk), task_data(due=past))
    assert response.status_code == 302
    assert not Task.objects.get(pk=task.pk).is_open


# ---------- Who has answered, and reminders ----------


def test_the_overview_shows_who_has_and_has_not_answered_per_organisation(client, setup):
    network, _workshop, task, people = setup
    kemi = make_organisation("Kemin kaupunki")
    kemilainen = make_membership(
        network, make_user("k@example.fi", first_name="Kalle", last_name="Kemi"), "member", kemi
    ).user
    submission = answer(task, people["member"], "Sipoon jäsen vastasi")
    answer(task, people["facilitator"], "Fasilitaattorin kokeilu")

    response = client_for(client, people["facilitator"]).get(url("task-answers", network, task.pk))

    assert response.status_code == 200
    status = response.context["status"]
    assert [group.organisation.name for group in status.groups] == ["Kemin kaupunki", "Sipoon kunta"]
    assert (status.answered_count, status.expected_count) == (1, 3)
    assert [row.user for row in status.groups[0].members] == [kemilainen]
    assert status.groups[1].answered_count == 1
    assert [s.user for s in status.others] == [people["facilitator"]]
    content = response.content.decode()
    assert "1/3 jäsenestä on vastannut" in content
    assert f"{url('task', network, task.pk)}#vastaus-{submission.pk}" in content
    assert "Kalle Kemi" in content
    assert "Muistutusta ei ole vielä lähetetty." in content


def test_the_overview_of_an_organisation_task(client, setup):
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    make_membership(network, make_user("k@example.fi"), "member", make_organisation("Kemin kaupunki"))
    make_membership(network, make_user("yksin@example.fi", first_name="Yrjö", last_name="Yksin"))
    sipoo = Membership.objects.get(user=people["member"], network=network).organisation
    answer(task, people["contact"], "Yhteinen", organisation=sipoo)

    response = client_for(client, people["staff"]).get(url("task-answers", network, task.pk))

    status = response.context["status"]
    assert (status.answered_count, status.expected_count) == (1, 2)
    assert [(g.organisation.name, g.submission is not None) for g in status.groups] == [
        ("Kemin kaupunki", False),
        ("Sipoon kunta", True),
    ]
    assert [row.user.email for row in status.without_organisation.members] == ["yksin@example.fi"]
    content = response.content.decode()
    assert "1/2 organisaatiosta on vastannut" in content
    assert "Yrjö Yksin" in content and "eivät voi vastata" in content


def test_a_reminder_goes_to_notifiable_members_who_have_not_answered(client, setup, django_capture_on_commit_callbacks):
    network, _workshop, task, people = setup
    quiet = make_membership(network, never(make_user("hiljainen@example.fi"), Kind.TASKS)).user
    waiting = make_membership(network, make_user("odottaa@example.fi"), "member", make_organisation()).user
    answer(task, people["member"])
    client_for(client, people["facilitator"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("task-remind", network, task.pk))

    assert response.status_code == 302
    assert response.url == url("task-answers", network, task.pk)
    assert "2 jäsenelle" in messages_of(response)[0]
    assert sorted(email.to[0] for email in mail.outbox) == sorted([people["contact"].email, waiting.email])
    assert quiet.email not in [email.to[0] for email in mail.outbox]
    assert all(len(email.to) == 1 for email in mail.outbox)
    assert "Muistutus: Nykytilan kuvaus" in mail.outbox[0].subject
    assert url("task", network, task.pk) in mail.outbox[0].body
    task.refresh_from_db()
    assert task.reminded is not None
    page = client.get(url("task-answers", network, task.pk)).content.decode()
    sent_at = timezone.localtime(task.reminded).strftime("%-d.%-m.%Y %H:%M")
    assert sent_at in page
    assert "Seuraavan muistutuksen voi lähettää" in page and "Lähetä muistutus" not in page

    # Pressed again at once (or by a second facilitator with the page open): refused, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url("task-remind", network, task.pk))
    assert messages_of(again)[-1] == (
        f"Muistutusta ei lähetetty. Tehtävästä on jo muistutettu {sent_at}. Yritä uudelleen 12 tunnin kuluttua."
    )
    assert len(mail.outbox) == 2
    assert Task.objects.get(pk=task.pk).reminded == task.reminded

    # After the cooldown it can be sent again.
    Task.objects.filter(pk=task.pk).update(reminded=task.reminded - timedelta(hours=12, seconds=1))
    assert "Lähetä muistutus uudelleen" in client.get(url("task-answers", network, task.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("task-remind", network, task.pk))
    assert len(mail.outbox) == 4


def test_the_reminder_asks_first_and_says_to_whom(client, setup, django_capture_on_commit_callbacks):
    network, _workshop, task, people = setup
    quiet = make_membership(network, never(make_user("hiljainen@example.fi"), Kind.TASKS)).user
    answer(task, people["member"])
    client_for(client, people["facilitator"])
    remind_url = url("task-remind", network, task.pk)

    overview = client.get(url("task-answers", network, task.pk)).content.decode()
    assert f'href="{remind_url}"' in overview and f'action="{remind_url}"' not in overview

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(remind_url)
    content = page.content.decode()
    assert page.status_code == 200 and mail.outbox == []  # looking sends nothing
    assert content.count("<h1") == 1
    assert "Muistutus lähetetään 1 henkilölle" in content
    assert people["contact"].email in content  # who gets it
    assert quiet.email in content and "eivät ota vastaan sähköposti-ilmoituksia" in content  # who does not
    assert people["member"].email not in content  # answered
    assert f'action="{remind_url}"' in content and "Lähetä muistutus 1 henkilölle" in content
    assert f'href="{url("task-answers", network, task.pk)}"' in content  # cancel
    assert "Muistutusta ei ole vielä lähetetty." in content

    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind_url)
    task.refresh_from_db()
    assert (task.reminded_recipients, [email.to for email in mail.outbox]) == (1, [[people["contact"].email]])
    sent_at = timezone.localtime(task.reminded).strftime("%-d.%-m.%Y %H:%M")
    for target in (remind_url, url("task-answers", network, task.pk)):
        content = client.get(target).content.decode()
        assert "Viimeksi lähetetty" in content and f"{sent_at}</time> (1 henkilölle)" in content
    content = client.get(remind_url).content.decode()
    assert "Seuraavan muistutuksen voi lähettää" in content and f'action="{remind_url}"' not in content


def test_a_double_submitted_reminder_is_sent_once(client, setup, django_capture_on_commit_callbacks):
    network, _workshop, task, people = setup
    client_for(client, people["facilitator"])
    remind_url = url("task-remind", network, task.pk)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(remind_url)
        second = client.post(remind_url)

    assert len(mail.outbox) == 2  # member and contact, once each
    assert "Muistutus lähti" in messages_of(first)[0]
    assert messages_of(second)[-1].startswith("Muistutusta ei lähetetty. Tehtävästä on jo muistutettu")
    assert Task.objects.get(pk=task.pk).reminded_recipients == 2


def test_a_reminder_within_the_cooldown_is_refused_without_email(client, setup, django_capture_on_commit_callbacks):
    network, _workshop, task, people = setup
    reminded = timezone.now() - timedelta(hours=settings.TASK_REMINDER_COOLDOWN_HOURS) + timedelta(minutes=5)
    Task.objects.filter(pk=task.pk).update(reminded=reminded, reminded_recipients=2)
    client_for(client, people["staff"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("task-remind", network, task.pk))

    assert response.status_code == 302
    assert "Yritä uudelleen 5 minuutin kuluttua." in messages_of(response)[-1]
    assert mail.outbox == []
    assert Task.objects.get(pk=task.pk).reminded == reminded


def test_a_member_cannot_send_or_see_the_reminder(client, setup, django_capture_on_commit_callbacks):
    network, _workshop, task, people = setup
    for role in ("member", "contact"):
        client_for(client, people[role])
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(url("task-remind", network, task.pk)).status_code == 403
            assert client.post(url("task-remind", network, task.pk)).status_code == 403
    assert mail.outbox == []
    assert Task.objects.get(pk=task.pk).reminded is None


def test_a_reminder_of_an_organisation_task_skips_organisations_that_answered(
    client, setup, django_capture_on_commit_callbacks
):
    network, workshop, _task, people = setup
    task = make_task(workshop, answered_by=Task.AnsweredBy.ORGANISATION)
    kemi = make_membership(network, make_user("kemi@example.fi"), "member", make_organisation("Kemi")).user
    make_membership(network, make_user("yksin@example.fi"))  # no organisation: cannot answer
    sipoo = Membership.objects.get(user=people["member"], network=network).organisation
    answer(task, people["member"], organisation=sipoo)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, people["staff"]).post(url("task-remind", network, task.pk))

    assert [email.to for email in mail.outbox] == [[kemi.email]]
    assert "1 jäsenelle" in messages_of(response)[0]
    assert "Organisaatiosi ei ole vielä vastannut" in mail.outbox[0].body


def test_no_reminder_when_everyone_has_answered_or_nobody_takes_email(
    client, setup, django_capture_on_commit_callbacks
):
    network, _workshop, task, people = setup
    answer(task, people["member"])
    never(people["contact"], Kind.TASKS)
    client_for(client, people["facilitator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("task-remind", network, task.pk))
    assert "Muistutusta ei lähetetty" in messages_of(response)[0]
    assert mail.outbox == []
    assert Task.objects.get(pk=task.pk).reminded is None

    answer(task, people["contact"])
    response = client.post(url("task-remind", network, task.pk))
    assert "Kaikki ovat jo vastanneet" in messages_of(response)[-1]


def test_no_reminder_after_the_due_date(client, setup, django_capture_on_commit_callbacks):
    network, _workshop, task, people = setup
    close(task)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, people["facilitator"]).post(url("task-remind", network, task.pk))
    assert response.status_code == 302
    assert "Muistutusta ei lähetetty" in messages_of(response)[0] and "Palautusaika päättyi" in messages_of(response)[0]
    assert mail.outbox == []
    assert Task.objects.get(pk=task.pk).reminded is None
    assert "muistutusta ei voi enää lähettää" in client.get(url("task-answers", network, task.pk)).content.decode()


# ---------- The workshop page's task list ----------


def test_the_workshop_page_lists_its_tasks_with_the_persons_status(client, setup):
    network, workshop, task, people = setup
    closed = make_task(workshop, title="Välitehtävä: kokeilu", kind=Task.Kind.INTER)
    close(closed)
    make_task(make_workshop(network), title="Toisen työpajan tehtävä")
    answer(task, people["member"])
    workshop_url = url("space-workshop", network, workshop.pk)

    response = client_for(client, people["member"]).get(workshop_url)
    content = response.content.decode()
    assert [(t.title, t.answered) for t in response.context["workshop_tasks"]] == [
        ("Välitehtävä: kokeilu", False),
        ("Nykytilan kuvaus", True),
    ]
    assert url("task", network, task.pk) in content
    assert "Toisen työpajan tehtävä" not in content
    assert "Vastattu" in content and "Palautusaika päättyi" in content and "aikaa" in content
    assert url("task-answers", network, task.pk) not in content

    content = client_for(client, people["facilitator"]).get(workshop_url).content.decode()
    assert url("task-answers", network, task.pk) in content
    assert "1 vastaus" in content


# ---------- The data export ----------


def test_a_persons_answers_are_in_their_data_export(setup):
    _network, _workshop, task, people = setup
    answer(task, people["member"], "Oma vastaus", [pdf("oma.pdf")])
    answer(task, people["contact"], "Toisen vastaus")
    exported = export_user_data(people["member"])["workshop_task_answers"]
    assert len(exported) == 1
    assert exported[0]["text"] == "Oma vastaus"
    assert exported[0]["task"] == "Nykytilan kuvaus"
    assert exported[0]["files"][0]["name"] == "oma.pdf"


# ---------- Who may do what: every URL × every role ----------


def matrix_urls(network, workshop, task, attachment):
    return {
        "task-create": url("task-create", network, workshop.pk),
        "task": url("task", network, task.pk),
        "task-edit": url("task-edit", network, task.pk),
        "task-answers": url("task-answers", network, task.pk),
        "task-remind": url("task-remind", network, task.pk),
        "task-file": url("task-file", network, task.pk, attachment.pk),
        "task-file-delete": url("task-file-delete", network, task.pk, attachment.pk),
    }


# (view, method): the status for a member who does not own the file, and for its owner ("member").
EXPECTED = {
    ("task-create", "get"): {"member": 403, "contact": 403, "facilitator": 200},
    ("task-create", "post"): {"member": 403, "contact": 403, "facilitator": 302},
    ("task", "get"): {"member": 200, "contact": 200, "facilitator": 200},
    ("task", "post"): {"member": 302, "contact": 302, "facilitator": 302},
    ("task-edit", "get"): {"member": 403, "contact": 403, "facilitator": 200},
    ("task-edit", "post"): {"member": 403, "contact": 403, "facilitator": 302},
    ("task-answers", "get"): {"member": 403, "contact": 403, "facilitator": 200},
    ("task-remind", "get"): {"member": 403, "contact": 403, "facilitator": 200},
    ("task-remind", "post"): {"member": 403, "contact": 403, "facilitator": 302},
    ("task-file", "get"): {"member": 200, "contact": 404, "facilitator": 200},
    ("task-file-delete", "post"): {"member": 302, "contact": 404, "facilitator": 302},
}


@pytest.mark.parametrize(("view", "method"), list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, setup, private_root, role, view, method):
    network, workshop, task, people = setup
    attachment = answer(task, people["member"], "Jäsenen vastaus", [pdf()]).files.get()
    target = matrix_urls(network, workshop, task, attachment)[view]
    data = {
        "task-create": task_data(title="Matriisin tehtävä"),
        "task-edit": task_data(title="Matriisin muokkaus"),
        "task": {"text": "Matriisin vastaus", "version": ""},
    }.get(view, {})
    if view == "task" and role == "member":
        data["version"] = actions.version_of(attachment.submission)

    response = getattr(client_for(client, people[role]), method)(target, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    elif role in ("outsider", "other_member"):
        assert response.status_code == 403
        assert network.title in response.content.decode()
    else:
        expected = EXPECTED[(view, method)]["facilitator" if role in FACILITATORS else role]
        assert response.status_code == expected
    allowed = response.status_code in (200, 302) and role != "anonymous"
    if view == "task-create" and method == "post":
        assert Task.objects.filter(title="Matriisin tehtävä").exists() == allowed
    if view == "task-edit" and method == "post":
        assert Task.objects.filter(title="Matriisin muokkaus").exists() == allowed
    if view == "task" and method == "post":
        assert Submission.objects.filter(text="Matriisin vastaus").exists() == allowed
    if view == "task-file-delete":
        assert SubmissionFile.objects.filter(pk=attachment.pk).exists() != allowed
    if view == "task-file" and allowed:
        assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("view", "wrong"),
    [
        ("task-create", "put"),
        ("task", "delete"),
        ("task-edit", "patch"),
        ("task-answers", "post"),
        ("task-remind", "put"),
        ("task-file", "post"),
        ("task-file-delete", "get"),
    ],
)
def test_other_methods_are_not_allowed(client, setup, view, wrong):
    network, workshop, task, people = setup
    attachment = answer(task, people["member"], "", [pdf()]).files.get()
    target = matrix_urls(network, workshop, task, attachment)[view]
    assert getattr(client_for(client, people["staff"]), wrong)(target).status_code == 405


def test_a_removed_member_loses_their_answer_page_at_once(client, setup):
    network, _workshop, task, people = setup
    attachment = answer(task, people["member"], "", [pdf()]).files.get()
    end_membership(Membership.objects.active().get(user=people["member"], network=network))
    client_for(client, people["member"])
    assert client.get(url("task", network, task.pk)).status_code == 403
    assert client.get(url("task-file", network, task.pk, attachment.pk)).status_code == 403


def test_task_pages_are_accessible_html(client, setup):
    network, workshop, task, people = setup
    answer(task, people["member"], "Vastaus", [pdf()])
    client_for(client, people["facilitator"])
    for target in (
        url("task", network, task.pk),
        url("task-answers", network, task.pk),
        url("task-create", network, workshop.pk),
        url("task-edit", network, task.pk),
    ):
        content = client.get(target).content.decode()
        assert content.count("<h1") == 1, target
        assert "style=" not in content and "<style" not in content, target
        assert not re.search(r"<script(?![^>]*\bsrc=)", content), f"an inline script in {target}"
        assert 'aria-current="page"' in content, target
    form = client.get(url("task-create", network, workshop.pk)).content.decode()
    assert '<legend class="form-field__legend">' in form
    assert 'type="datetime-local"' in form
    page = client_for(client, people["member"]).get(url("task", network, task.pk)).content.decode()
    assert " multiple" in page and 'accept=".' in page
    assert '<label for="id_text">' in page and '<label for="id_files">' in page


# ---------- Queries do not grow with members and answers ----------


def grow(network, task, members, answers_each=True):
    organisations = [make_organisation() for _ in range(max(1, members // 3))]
    for n in range(members):
        user = make_user(first_name="Jäsen", last_name=f"N{n}")
        make_membership(network, user, "member", organisations[n % len(organisations)])
        if answers_each and n % 2 == 0:
            answer(task, user, f"Vastaus {n}", [pdf(f"liite-{n}.pdf")])


@pytest.mark.parametrize("visible", [False, True])
@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_task_page_queries_stay_constant(client, setup, role, visible):
    network, _workshop, task, people = setup
    Task.objects.filter(pk=task.pk).update(answers_visible=visible)
    answer(task, people["member"], "Oma", [pdf()])
    client_for(client, people[role])
    target = url("task", network, task.pk)
    grow(network, task, 3)
    small = queries_for(client, target)
    grow(network, task, 27)
    large = queries_for(client, target)
    assert_queries(TASK_PAGE_QUERIES[role, visible], small=small, large=large)


@pytest.mark.parametrize("answered_by", ["person", "organisation"])
def test_answers_overview_queries_stay_constant(client, setup, answered_by):
    network, _workshop, task, people = setup
    Task.objects.filter(pk=task.pk).update(answered_by=answered_by)
    task.refresh_from_db()
    client_for(client, people["facilitator"])
    target = url("task-answers", network, task.pk)

    def grow_answers(members):
        organisations = [make_organisation() for _ in range(max(1, members // 3))]
        for n in range(members):
            organisation = organisations[n % len(organisations)]
            user = make_user(first_name="Jäsen", last_name=f"N{n}")
            make_membership(network, user, "member", organisation)
            if n % 2 == 0 and not Submission.objects.filter(task=task, organisation=organisation).exists():
                answer(task, user, "Vastaus", [pdf()], organisation=organisation if task.per_organisation else None)

    grow_answers(3)
    small = queries_for(client, target)
    grow_answers(27)
    large = queries_for(client, target)
    assert_queries(OVERVIEW_QUERIES[answered_by], small=small, large=large)


@pytest.mark.parametrize("answered_by", ["person", "organisation"])
def test_reminder_page_queries_stay_constant(client, setup, answered_by):
    network, _workshop, task, people = setup
    Task.objects.filter(pk=task.pk).update(answered_by=answered_by)
    task.refresh_from_db()
    client_for(client, people["facilitator"])
    target = url("task-remind", network, task.pk)

    def grow_members(members):
        organisations = [make_organisation() for _ in range(max(1, members // 3))]
        for n in range(members):
            organisation = organisations[n % len(organisations)]
            user = make_user(first_name="Jäsen", last_name=f"N{n}")
            if n % 4 == 0:
                never(user, Kind.TASKS)
            make_membership(network, user, "member", organisation)
            if n % 3 == 0 and not Submission.objects.filter(task=task, organisation=organisation).exists():
                answer(task, user, "Vastaus", organisation=organisation if task.per_organisation else None)

    grow_members(3)
    small = queries_for(client, target)
    grow_members(27)
    large = queries_for(client, target)
    assert_queries(REMIND_PAGE_QUERIES[answered_by], small=small, large=large)


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_workshop_page_queries_stay_constant_as_tasks_and_answers_grow(client, setup, role):
    network, workshop, task, people = setup
    client_for(client, people[role])
    target = url("space-workshop", network, workshop.pk)
    grow(network, task, 3)
    make_task(workshop, title="Toinen")
    small = queries_for(client, target)
    grow(network, task, 27)
    for n in range(8):
        make_task(workshop, title=f"Lisätehtävä {n}", answered_by=Task.AnsweredBy.ORGANISATION)
    large = queries_for(client, target)
    assert_queries(WORKSHOP_PAGE_QUERIES[role], small=small, large=large)


def test_who_answers_is_checked_again_when_the_task_is_saved(setup):
    """An answer that arrives while the facilitator's form is open still locks who answers."""
    _network, _workshop, task, people = setup
    answer(task, people["member"])
    with pytest.raises(actions.AnsweredByLocked, match="vastaajaa ei voi enää vaihtaa"):
        actions.update_task(task, answered_by=Task.AnsweredBy.ORGANISATION)
    assert Task.objects.get(pk=task.pk).answered_by == Task.AnsweredBy.PERSON
