"""Materials of a network: the documents in its private collection, and the facilitators' upload form.

An upload is checked before anything is stored: the size (settings.UPLOAD_MAX_BYTES), the extension
(settings.WAGTAILDOCS_EXTENSIONS) and, for the common types, that the content is what the extension
claims (a PDF starts as a PDF, an Office file is a zip or an OLE2 container, a text file is not HTML or a
program, …). Only a file that passes all three becomes a Wagtail Document in the network's collection.
`check_upload` is that check on its own: the answer files of workshop tasks go through it too.
"""

import os

import filetype
from django import forms
from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model

SNIFF_BYTES = 8192

ZIP_SIGNATURES = (b"PK\x03\x04",)
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Markup that a browser would run or render if it ever got the file as HTML or SVG.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")

# What the first bytes of a file of each type must look like. Text types are checked separately.
IMAGE_KINDS = {"png": {"png"}, "jpg": {"jpg"}, "jpeg": {"jpg"}, "gif": {"gif"}, "webp": {"webp"}}
ZIP_TYPES = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
OLE2_TYPES = {"doc", "xls", "ppt"}
TEXT_TYPES = {"txt", "csv"}


def allowed_extensions():
    return [extension.lower() for extension in settings.WAGTAILDOCS_EXTENSIONS]


def extension_of(name):
    return os.path.splitext(name or "")[1][1:].lower()


def read_head(uploaded):
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    return head


def content_matches(extension, head):
    """Whether the file's first bytes fit its extension. Unknown extensions are left to the allowlist."""
    if extension == "pdf":
        return head.lstrip()[:5] == b"%PDF-"
    if extension in IMAGE_KINDS:
        kind = filetype.guess(head)
        return kind is not None and kind.extension in IMAGE_KINDS[extension]
    if extension in ZIP_TYPES:
        return head.startswith(ZIP_SIGNATURES)
    if extension in OLE2_TYPES:
        return head.startswith(OLE2_SIGNATURE)
    if extension == "rtf":
        return head.lstrip().startswith(b"{\\rtf")
    if extension in TEXT_TYPES:
        return looks_like_text(head)
    return True


def looks_like_text(head):
    if head.startswith(TEXT_BOMS[1:]):  # UTF-16 text has zero bytes of its own
        return True
    if b"\x00" in head:
        return False
    if filetype.guess(head) is not None:  # a program, an archive, an image, … renamed .txt
        return False
    start = head.removeprefix(TEXT_BOMS[0]).lstrip().lower()
    return not start.startswith(MARKUP_STARTS)


def upload_help_text():
    """What the upload fields say about the limits: the allowed types and the largest size."""
    return _("Sallitut tiedostotyypit: %(types)s. Enimmäiskoko %(size)s.") % {
        "types": ", ".join(allowed_extensions()),
        "size": filesizeformat(settings.UPLOAD_MAX_BYTES),
    }


def accept_attribute():
    """The file input's `accept`: the allowed extensions, so the browser offers only those."""
    return ",".join(f".{extension}" for extension in allowed_extensions())


def check_upload(uploaded):
    """Raises ValidationError (code "extension", "size" or "content") unless the uploaded file has an allowed
    extension, is within settings.UPLOAD_MAX_BYTES and its first bytes fit its extension. Reads only the
    file's head; the file is left at its start."""
    extension = extension_of(uploaded.name)
    if extension not in allowed_extensions():
        raise forms.ValidationError(
            _("Tiedostotyyppi ”%(type)s” ei ole sallittu. Sallitut tiedostotyypit: %(types)s."),
            code="extension",
            params={"type": extension or _("ei päätettä"), "types": ", ".join(allowed_extensions())},
        )
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("Tiedosto on liian suuri (%(size)s). Enimmäiskoko on %(limit)s."),
            code="size",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
        )
    if not content_matches(extension, read_head(uploaded)):
        raise forms.ValidationError(
            _("Tiedoston sisältö ei vastaa sen päätettä ”%(type)s”. Tallenna tiedosto oikeassa muodossa."),
            code="content",
            params={"type": extension},
        )


class DocumentUploadForm(forms.Form):
    """A facilitator adds a file to the network's materials."""

    title = forms.CharField(
        label=_("Otsikko"),
        max_length=255,
        required=False,
        help_text=_("Jos jätät tyhjäksi, otsikoksi tulee tiedoston nimi."),
    )
    file = forms.FileField(
        label=_("Tiedosto"),
        max_length=255,
        error_messages={
            "required": _("Valitse lähetettävä tiedosto."),
            "empty": _("Tiedosto on tyhjä. Valitse tiedosto, jossa on sisältöä."),
            "invalid": _("Lähetys ei sisältänyt tiedostoa. Valitse tiedosto uudelleen."),
            "missing": _("Lähetys ei sisältänyt tiedostoa. Valitse tiedosto uudelleen."),
            "max_length": _("Tiedoston nimi on liian pitkä (enintään 255 merkkiä)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = accept_attribute()
        self.fields["file"].help_text = upload_help_text()

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        check_upload(uploaded)
        return uploaded

    def save(self, network, user):
        """Stores the file as a Document in the network's collection. If the row cannot be written, the
        file written before it is removed, so a failed upload leaves nothing behind."""
        uploaded = self.cleaned_data["file"]
        title = self.cleaned_data["title"].strip() or os.path.splitext(os.path.basename(uploaded.name))[0]
        document = get_document_model()(
            title=title[:255], file=uploaded, collection=network.collection, uploaded_by_user=user
        )
        document._set_document_file_metadata()
        try:
            with transaction.atomic():
                document.save()
        except Exception:
            if document.file.name:
                document.file.storage.delete(document.file.name)
            raise
        return document
