"""Private files are never served by a raw path: under /media/ only public images and their renditions are,
in development (SERVE_MEDIA on, as `make run` has it) and in production (off: nginx serves the images)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import resolve

from config.media import serve_public_media
from tests.conftest import ADMIN_ROLES, client_for
from tests.factories import PDF, make_document, make_image

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MEMBERS_OF_OTHER = {"other_member", "staff", "superuser"}


@pytest.fixture
def media_files(admin_people, settings, tmp_path):
    """Another network's private document, an unfinished admin upload, a public image and its rendition."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # Wagtail caches renditions by image id, and ids come round again between tests
    _network, other, _people = admin_people
    document = make_document(other.collection, title="Toisen verkoston salainen muistio", name="salainen.pdf")
    upload = default_storage.save("wagtail_uploads/kesken.pdf", ContentFile(PDF))
    image = make_image(other.collection)
    rendition = image.get_rendition("fill-4x4")
    return {
        "documents/": document.file.name,
        "wagtail_uploads/": upload,
        "original_images/": image.file.name,
        "images/": rendition.file.name,
    }, document


def media_url(name):
    return settings.MEDIA_URL + name


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_raw_media_paths_serve_only_public_images_in_development(client, admin_people, media_files, settings, role):
    settings.SERVE_MEDIA = True  # as config.settings.dev has it
    files, _document = media_files
    client = client_for(client, admin_people[2][role])

    for folder, name in files.items():
        assert name.startswith(folder)
        response = client.get(media_url(name))
        if folder in ("original_images/", "images/"):
            assert response.status_code == 200, name
        else:
            assert response.status_code == 404, f"{role} read {name} by its raw path"


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_raw_media_paths_serve_nothing_when_the_proxy_serves_media(client, admin_people, media_files, settings, role):
    settings.SERVE_MEDIA = False  # production: nginx serves the image folders itself
    files, _document = media_files
    client = client_for(client, admin_people[2][role])
    for name in files.values():
        assert client.get(media_url(name)).status_code == 404


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_the_private_document_is_reachable_only_through_the_checked_view(client, admin_people, media_files, role):
    _files, document = media_files
    response = client_for(client, admin_people[2][role]).get(document.url)
    if role in MEMBERS_OF_OTHER:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "original_images/../documents/{document}",
        "images/../../media/documents/{document}",
        "original_images/%2e%2e/documents/{document}",
        "./documents/{document}",
        "original_images/../wagtail_uploads/kesken.pdf",
    ],
)
def test_a_detour_through_an_image_folder_does_not_reach_documents(client, media_files, settings, path):
    settings.SERVE_MEDIA = True
    files, _document = media_files
    document = files["documents/"].removeprefix("documents/")
    assert client.get(media_url(path.format(document=document))).status_code == 404


def test_media_urls_never_depend_on_debug():
    """`make run` has DEBUG on; the raw path still goes to the view that serves public images only."""
    assert resolve("/media/documents/salainen.pdf").func is serve_public_media


def test_the_nginx_example_serves_only_the_image_folders_from_disk():
    conf = (ROOT / "site" / "deploy" / "nginx.conf").read_text()
    served = re.findall(r"location\s+(\S+)\s*\{[^}]*\b(?:alias|root)\b", conf)
    assert sorted(served) == ["/media/images/", "/media/original_images/"]
    assert re.search(r"location\s+/media/\s*\{\s*return 404;\s*\}", conf)
