"""The member's form for an act: its fields, the figures, the images (with alternative text) and the attachments.

A form decides what it can from its own input (a missing field, a date in the future, an upload that is not an
image); whether the person may write for the organisation is the action's (tori.actions), which the form's
choices only mirror. Uploads go through `networks.documents.check_upload` (type, size, content), and images also
through Pillow. No file is stored by the form.
"""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage

from networks.documents import accept_attribute, check_upload, extension_of, upload_help_text
from networks.models import Theme

from .actions import ACT_FIELDS, MAX_ROWS, ActInput, AttachmentInput, ImageInput
from .models import ActPage, Sector

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")
IMAGE_MAX_BYTES = 10 * 1024 * 1024  # at most UPLOAD_MAX_BYTES
IMAGE_MAX_PIXELS = 40_000_000


def model_field(name, **kwargs):
    return ActPage._meta.get_field(name).formfield(**kwargs)


def textarea(rows):
    return forms.Textarea(attrs={"rows": rows})


class ActForm(forms.Form):
    title = forms.CharField(
        label=_("Otsikko"), max_length=255, help_text=_("Lyhyt ja kuvaava, esim. ”Laskutuksen lean”.")
    )
    summary = model_field("summary", widget=textarea(3))
    problem = model_field("problem", label=_("Mikä oli ongelma?"), widget=textarea(6))
    actions = model_field("actions", label=_("Mitä tehtiin?"), widget=textarea(8))
    by_management = forms.BooleanField(label=_("Johto"), required=False)
    by_supervisors = forms.BooleanField(label=_("Esihenkilöt"), required=False)
    by_staff = forms.BooleanField(label=_("Henkilöstö"), required=False)
    result = model_field("result", label=_("Mikä oli tulos?"), widget=textarea(6))
    how_to_copy = model_field(
        "how_to_copy",
        label=_("Näin kopioit tämän"),
        help_text=_("Mitä toisen työpaikan kannattaa tehdä ensin, ja mitä välttää?"),
        widget=textarea(6),
    )
    sector = forms.ChoiceField(label=_("Toimiala"), choices=[("", "—"), *Sector.choices])
    themes = forms.ModelMultipleChoiceField(
        label=_("Teemat"), queryset=Theme.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisaatio"),
        queryset=None,
        empty_label="—",
        help_text=_("Organisaatio, jonka nimissä teko julkaistaan: se, jota edustat verkostossasi."),
        error_messages={
            "invalid_choice": _(
                "Voit kirjoittaa teon vain sen organisaation nimissä, jota edustat jossakin verkostossasi."
            )
        },
    )
    network = forms.ModelChoiceField(
        label=_("Verkosto"),
        queryset=None,
        required=False,
        empty_label=_("Ei verkostoa"),
        help_text=_("Verkosto, jossa teko syntyi, jos se syntyi verkostossa."),
        error_messages={"invalid_choice": _("Voit liittää tekoon vain verkoston, jonka jäsen olet.")},
    )
    contact_name = model_field("contact_name", label=_("Nimi"))
    contact_title = model_field("contact_title", label=_("Tehtävänimike"))
    contact_email = model_field(
        "contact_email",
        label=_("Sähköposti"),
        help_text=_("Ei näy sivulla: kävijät kirjoittavat yhteyshenkilölle sivuston kautta."),
    )
    consent = forms.BooleanField(
        label=_("Organisaatio on antanut luvan julkaisuun"),
        error_messages={
            "required": _(
                "Tekoa ei voi tallentaa ilman organisaation lupaa julkaisuun. Pyydä lupa ja merkitse se tähän."
            )
        },
    )
    consent_given_by = model_field("consent_given_by", label=_("Luvan antaja"))
    consent_date = forms.DateField(label=_("Luvan päivämäärä"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisations, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["network"].queryset = networks

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Kirjoita teolle otsikko."), code="required")
        return title

    def clean_consent_date(self):
        value = self.cleaned_data["consent_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Luvan päivämäärä ei voi olla tulevaisuudessa."), code="future")
        return value


class FigureForm(forms.Form):
    label = forms.CharField(label=_("Mittari"), max_length=120, required=False)
    before = forms.CharField(label=_("Ennen"), max_length=40, required=False)
    after = forms.CharField(label=_("Jälkeen"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("label") or data.get("before") or data.get("after")) and not (
            data.get("label") and data.get("after")
        ):
            raise forms.ValidationError(_("Anna tulosluvulle mittari ja arvo jälkeen (arvo ennen on valinnainen)."))
        return data


def check_image(uploaded):
    """An image the site may show: an image type, within the size limits, and a picture Pillow can read."""
    extension = extension_of(uploaded.name)
    if extension not in IMAGE_EXTENSIONS:
        raise forms.ValidationError(_("Kuvan on oltava JPEG-, PNG-, GIF- tai WebP-kuva."), code="extension")
    check_upload(uploaded)
    limit = min(IMAGE_MAX_BYTES, settings.UPLOAD_MAX_BYTES)
    if uploaded.size > limit:
        raise forms.ValidationError(
            _("Kuva on liian suuri (%(size)s). Enimmäiskoko on %(limit)s."),
            code="size",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    try:
        uploaded.seek(0)
        with PILImage.open(uploaded) as picture:
            width, height = picture.size
            picture.verify()
    except Exception as error:
        raise forms.ValidationError(_("Tiedosto ei ole kelvollinen kuva."), code="content") from error
    finally:
        uploaded.seek(0)
    if width * height > IMAGE_MAX_PIXELS:
        raise forms.ValidationError(
            _("Kuvassa on liikaa pikseleitä. Pienennä kuvaa ja yritä uudelleen."), code="pixels"
        )


class ImageRowForm(forms.Form):
    existing = forms.IntegerField(required=False, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Kuva"), required=False)
    alt_text = forms.CharField(
        label=_("Vaihtoehtoinen teksti"),
        max_length=250,
        required=False,
        help_text=_("Mitä kuvassa on, näkövammaiselle lukijalle. Pakollinen."),
    )
    caption = forms.CharField(label=_("Kuvateksti"), max_length=250, required=False)
    remove = forms.BooleanField(label=_("Poista kuva"), required=False)

    def __init__(self, *args, existing_objects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in IMAGE_EXTENSIONS)
        self.existing_objects = existing_objects or {}

    @property
    def existing_object(self):
        return self.existing_objects.get(self.initial.get("existing"))

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            check_image(uploaded)
        return uploaded

    def clean(self):
        data = super().clean()
        if data.get("remove"):
            return data
        if (data.get("file") or data.get("existing")) and not (data.get("alt_text") or "").strip():
            self.add_error("alt_text", _("Kirjoita kuvalle vaihtoehtoinen teksti."))
        elif (data.get("alt_text") or data.get("caption")) and not (data.get("file") or data.get("existing")):
            self.add_error("file", _("Valitse kuva."))
        return data

    def row(self):
        data = self.cleaned_data
        if not data or data.get("remove") or not (data.get("file") or data.get("existing")):
            return None
        return ImageInput(
            alt_text=data["alt_text"].strip(),
            caption=data.get("caption", "").strip(),
            existing=None if data.get("file") else data.get("existing"),
            upload=data.get("file"),
        )


class AttachmentRowForm(forms.Form):
    existing = forms.IntegerField(required=False, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Tiedosto"), required=False)
    title = forms.CharField(
        label=_("Otsikko"),
        max_length=255,
        required=False,
        help_text=_("Jos jätät tyhjäksi, otsikoksi tulee tiedoston nimi."),
    )
    remove = forms.BooleanField(label=_("Poista liite"), required=False)

    def __init__(self, *args, existing_objects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = accept_attribute()
        self.fields["file"].help_text = upload_help_text()
        self.existing_objects = existing_objects or {}

    @property
    def existing_object(self):
        return self.existing_objects.get(self.initial.get("existing"))

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            check_upload(uploaded)
        return uploaded

    def row(self):
        data = self.cleaned_data
        if not data or data.get("remove") or not (data.get("file") or data.get("existing")):
            return None
        return AttachmentInput(
            title=data.get("title", ""),
            existing=None if data.get("file") else data.get("existing"),
            upload=data.get("file"),
        )


def row_formset(form_class, rows):
    return forms.formset_factory(
        form_class, extra=max(0, MAX_ROWS - rows), max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
    )


class ActForms:
    """The act's form with its three formsets, bound together: valid only when all are, and `input()` gives the
    action's ActInput."""

    def __init__(self, data=None, files=None, *, act=None, author, organisations, networks, initial=None):
        initial = initial or {}
        figures = [{"label": f.label, "before": f.before, "after": f.after} for f in act.figures.all()] if act else []
        images = list(act.images.all()) if act else []
        attachments = list(act.attachments.all()) if act else []
        self.form = ActForm(data, organisations=organisations, networks=networks, initial=initial)
        self.figures = row_formset(FigureForm, len(figures))(data, prefix="figures", initial=figures)
        self.images = row_formset(ImageRowForm, len(images))(
            data,
            files,
            prefix="images",
            initial=[{"existing": i.image_id, "alt_text": i.alt_text, "caption": i.caption} for i in images],
            form_kwargs={"existing_objects": {i.image_id: i.image for i in images}},
        )
        self.attachments = row_formset(AttachmentRowForm, len(attachments))(
            data,
            files,
            prefix="attachments",
            initial=[{"existing": a.document_id, "title": a.document.title} for a in attachments],
            form_kwargs={"existing_objects": {a.document_id: a.document for a in attachments}},
        )

    def is_valid(self):
        return all([self.form.is_valid(), self.figures.is_valid(), self.images.is_valid(), self.attachments.is_valid()])

    @property
    def has_errors(self):
        return bool(
            self.form.errors
            or self.figures.total_error_count()
            or self.images.total_error_count()
            or self.attachments.total_error_count()
        )

    def input(self) -> ActInput:
        data = self.form.cleaned_data
        return ActInput(
            fields={name: data.get(name) for name in ACT_FIELDS},
            consent=data["consent"],
            themes=list(data["themes"]),
            figures=[
                (row["label"].strip(), row["before"].strip(), row["after"].strip())
                for row in self.figures.cleaned_data
                if row.get("label")
            ],
            images=[row for form in self.images.forms if (row := form.row())],
            attachments=[row for form in self.attachments.forms if (row := form.row())],
        )


def initial_for(act, author):
    """The form's starting values: the act's latest version, or for a new act the author as its contact person."""
    if act is None:
        return {
            "contact_name": author.get_full_name(),
            "contact_title": getattr(author, "job_title", "") or "",
            "contact_email": author.email,
        }
    values = {name: getattr(act, name) for name in ACT_FIELDS if name not in ("organisation", "network")}
    values.update(
        organisation=act.organisation_id,
        network=act.network_id,
        themes=[theme.pk for theme in act.themes.all()],
        consent=bool(act.consent_given_by),
    )
    return values
