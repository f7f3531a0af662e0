"""A network's materials: the list, the facilitators' upload with its limits, and who may download."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from wagtail.documents import get_document_model

from networks.actions import end_membership
from networks.models import Membership
from tests.conftest import ROLES, client_for
from tests.factories import make_membership, make_user

Document = get_document_model()

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
ZIP = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
UPLOADERS = {"facilitator", "staff"}
READERS = {"member", "contact", "facilitator", "staff"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def materials_url(network):
    return reverse("space-materials", args=[network.slug])


def upload(client, network, name, content, title=""):
    return client.post(materials_url(network), {"title": title, "file": SimpleUploadedFile(name, content)})


def make_document(network, content=PDF, name="muistio.pdf", title="Työpajan muistio"):
    return Document.objects.create(
        title=title, file=ContentFile(content, name=name), collection=network.collection, file_size=len(content)
    )


def downloaded(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# ---------- The list ----------


def test_members_see_the_networks_documents_with_type_size_and_date(client, network_people, media):
    network, other, people = network_people
    document = make_document(network, title="Lean-työpajan diat")
    make_document(other, title="LATU-verkoston salainen muistio")

    response = client_for(client, people["member"]).get(materials_url(network))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Lean-työpajan diat" in content
    assert f'href="{document.url}"' in content
    assert document.url.startswith("/documents/")  # Wagtail's serve view, never /media/
    assert "PDF" in content
    assert filesizeformat(len(PDF)) in content
    assert document.created_at.astimezone().strftime("%-d.%-m.%Y") in content
    assert "LATU-verkoston salainen muistio" not in content
    assert 'enctype="multipart/form-data"' not in content  # no upload form for members


def test_the_list_is_paginated(client, network_people, media):
    network, _other, people = network_people
    for n in range(25):
        make_document(network, title=f"Aineisto {n:02d}")
    client_for(client, people["member"])

    first = client.get(materials_url(network))
    second = client.get(materials_url(network) + "?page=2")
    broken = client.get(materials_url(network) + "?page=xyz")

    assert [d.title for d in first.context["documents"]][:2] == ["Aineisto 24", "Aineisto 23"]
    assert len(first.context["documents"]) == 20
    assert len(second.context["documents"]) == 5
    assert broken.status_code == 200 and broken.context["documents"].number == 1
    assert "?page=2" in first.content.decode()


# ---------- Uploading ----------


def test_facilitators_see_the_upload_form(client, network_people):
    network, _other, people = network_people
    response = client_for(client, people["facilitator"]).get(materials_url(network))
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert '<label for="id_file">' in content and '<label for="id_title">' in content


@pytest.mark.parametrize("role", ROLES)
def test_upload_matrix(client, network_people, media, role):
    network, _other, people = network_people

    response = upload(client_for(client, people[role]), network, "muistio.pdf", PDF, title="Muistio")

    if role in UPLOADERS:
        assert response.status_code == 302
        assert response.url == materials_url(network)
        document = Document.objects.get()
        assert document.collection_id == network.collection_id
        assert document.uploaded_by_user == people[role]
        assert document.title == "Muistio"
        assert document.file_size == len(PDF)
        assert stored_files(media) and stored_files(media)[0].read_bytes() == PDF
        assert "Muistio" in [str(m) for m in get_messages(response.wsgi_request)][0]
    else:
        if role == "anonymous":
            assert response.status_code == 302
            assert response.url.startswith(resolve_url(settings.LOGIN_URL))
        else:
            assert response.status_code == 403
        assert not Document.objects.exists()
        assert stored_files(media) == []


def test_a_member_who_posts_gets_the_finnish_403_page(client, network_people, media):
    network, _other, people = network_people
    response = upload(client_for(client, people["member"]), network, "muistio.pdf", PDF)
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "Ei käyttöoikeutta" in response.content.decode()


def test_after_upload_the_document_is_listed_and_the_message_shown(client, network_people, media):
    network, _other, people = network_people
    client_for(client, people["facilitator"])
    response = client.post(materials_url(network), {"file": SimpleUploadedFile("Työpaja 1 diat.pdf", PDF)}, follow=True)
    content = response.content.decode()
    document = Document.objects.get()
    assert document.title == "Työpaja 1 diat"  # the file name without its extension
    assert "on lisätty materiaaleihin" in content
    assert f'href="{document.url}"' in content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("raportti.PDF", PDF),
        ("kuva.png", PNG),
        ("esitys.pptx", ZIP),
        ("taulukko.ods", ZIP),
        ("vanha.doc", OLE2),
        ("osallistujat.csv", "nimi;kunta\nÄijä;Sipoo\n".encode()),
        ("muistio.txt", "\ufeffMuistiinpanot työpajasta".encode()),
        ("muistio.rtf", b"{\\rtf1\\ansi Muistio}"),
    ],
)
def test_allowed_types_are_stored(client, network_people, media, name, content):
    network, _other, people = network_people
    response = upload(client_for(client, people["facilitator"]), network, name, content)
    assert response.status_code == 302, response.content.decode()
    assert Document.objects.get().file_size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ohjelma.exe", b"MZ\x90\x00" + b"\x00" * 60, "ei ole sallittu"),
        ("sivu.html", b"<!doctype html><script>alert(1)</script>", "ei ole sallittu"),
        ("kuva.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "ei ole sallittu"),
        ("ilman-paatetta", PDF, "ei ole sallittu"),
        ("naamioitu.pdf", b"<html><script>alert(1)</script></html>", "ei vastaa"),
        ("naamioitu.png", PDF, "ei vastaa"),
        ("naamioitu.docx", PDF, "ei vastaa"),
        ("naamioitu.txt", b"<!DOCTYPE html><script>alert(1)</script>", "ei vastaa"),
        ("naamioitu.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48, "ei vastaa"),
        ("tyhja.pdf", b"", "Tiedosto on tyhjä"),
    ],
)
def test_forbidden_or_disguised_files_are_refused_and_nothing_is_stored(
    client, network_people, media, name, content, message
):
    network, _other, people = network_people

    response = upload(client_for(client, people["facilitator"]), network, name, content)

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Tiedostoa ei tallennettu" in body
    assert 'aria-invalid="true"' in body
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(client, network_people, media, settings):
    settings.UPLOAD_MAX_BYTES = 50
    network, _other, people = network_people

    response = upload(client_for(client, people["facilitator"]), network, "iso.pdf", PDF + b"x" * 100)

    assert response.status_code == 400
    assert "Tiedosto on liian suuri" in response.content.decode()
    assert f"Enimmäiskoko on {filesizeformat(50)}" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_missing_file_is_asked_for(client, network_people, media):
    network, _other, people = network_people
    response = client_for(client, people["facilitator"]).post(materials_url(network), {"title": "Ei tiedostoa"})
    assert response.status_code == 400
    assert "Valitse lähetettävä tiedosto" in response.content.decode()
    assert not Document.objects.exists()


def test_upload_limits_are_configured():
    assert settings.UPLOAD_MAX_BYTES == 50 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == settings.UPLOAD_MAX_BYTES
    assert set(settings.WAGTAILDOCS_EXTENSIONS) == {
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv",
        "png", "jpg", "jpeg", "gif", "webp",
    }  # fmt: skip


# ---------- Downloading: only through Wagtail's permission check ----------


@pytest.mark.parametrize("role", ROLES)
def test_only_members_can_download_a_networks_documents(client, network_people, media, role):
    network, _other, people = network_people
    document = make_document(network)

    response = client_for(client, people[role]).get(document.url)

    if role in READERS:
        assert response.status_code == 200
        assert downloaded(response) == PDF
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    else:  # signed in already: a sign-in page would go round in circles
        assert response.status_code == 403


def test_uploaded_documents_are_private_too(client, network_people, media):
    network, _other, people = network_people
    upload(client_for(client, people["facilitator"]), network, "muistio.pdf", PDF)
    document = Document.objects.get()

    assert client_for(client, people["other_member"]).get(document.url).status_code != 200
    assert client_for(client, None).get(document.url).status_code != 200
    response = client_for(client, people["contact"]).get(document.url)
    assert response.status_code == 200 and downloaded(response) == PDF


def test_the_media_folder_is_not_an_open_door(client, network_people, media):
    network, _other, people = network_people
    document = make_document(network)
    response = client_for(client, None).get(settings.MEDIA_URL + document.file.name)
    assert response.status_code == 404


def test_a_removed_member_loses_the_documents_at_once(client, network_people, media):
    network, _other, people = network_people
    document = make_document(network)
    member = make_user("lahtija@example.fi")
    membership = make_membership(network, member)
    client_for(client, member)
    assert client.get(document.url).status_code == 200

    end_membership(Membership.objects.get(pk=membership.pk))

    assert client.get(document.url).status_code != 200
    assert client.get(materials_url(network)).status_code == 403
