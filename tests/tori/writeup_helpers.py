"""Shared builders for the write-up and review tests: the people, the Tori, a posted act form and its files."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from tests.factories import make_tori


def tori_people_of(network_people):
    """(tori, network, people): the Tori index under the site's home page, and network_people's roles. The member
    and the contact person act for "Sipoon kunta" in the network."""
    network, _other_network, people = network_people
    home = network.get_parent().get_parent()
    return make_tori(home), network, people


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png(name="kuva.png", size=(40, 30)):
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def pdf(name="ohje.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", content_type="application/pdf"
    )


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "6",
    }


def act_data(organisation, next_step="save", images=(), attachments=(), figures=(), **overrides):
    """The POST of the act form: every required field, consent given, and the rows given."""
    data = {
        "title": "Laskutuksen lean",
        "summary": "Laskujen käsittely nopeutui neljäsosaan.",
        "problem": "Laskut kiersivät liian monen käden kautta.",
        "actions": "Kuvasimme prosessin yhdessä seinälle.",
        "by_management": "on",
        "by_staff": "on",
        "result": "Käsittelyaika lyheni.",
        "how_to_copy": "Aloita kuvaamalla nykyinen prosessi.",
        "sector": "talous",
        "organisation": str(organisation.pk),
        "network": "",
        "contact_name": "Maija Meikäläinen",
        "contact_title": "Talouspäällikkö",
        "contact_email": "maija@example.fi",
        "consent": "on",
        "consent_given_by": "Kunnanjohtaja Matti Virtanen",
        "consent_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "next": next_step,
        **management("figures", len(figures)),
        **management("images", len(images)),
        **management("attachments", len(attachments)),
    }
    for n, (label, before, after) in enumerate(figures):
        data.update({f"figures-{n}-label": label, f"figures-{n}-before": before, f"figures-{n}-after": after})
    for n, (upload, alt_text) in enumerate(images):
        data.update({f"images-{n}-file": upload, f"images-{n}-alt_text": alt_text, f"images-{n}-caption": ""})
    for n, upload in enumerate(attachments):
        data.update({f"attachments-{n}-file": upload, f"attachments-{n}-title": ""})
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts():
    """Rows that a refused form must not leave behind."""
    return (Page.objects.count(), get_image_model().objects.count(), get_document_model().objects.count())
