"""Documents and images chosen in a page come from collections the page may show.

A network's page may show its own network's collections and collections without a view restriction; a page
outside any network only the unrestricted ones. Without this check an editor could post the id of another
network's private document into a chooser block (or a rich text link) and show its title, size and file name
to the wrong readers. Which collections a page may show besides the unrestricted ones is the page's to say
(`media_collections(parent)`, networks/models.py); this module only finds what the page's StreamFields
(at any depth: Struct, List and Stream blocks) and rich text fields refer to, and refuses what does not fit.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import StreamBlockValidationError
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction

# The message never names the refused file: its title is what must not leak.
REFUSED = {
    "document": _(
        "Tiedostoa ei voi käyttää tällä sivulla: sitä ei ole tai se on kokoelmassa, jota sivun lukijat eivät saa "
        "nähdä. Valitse tiedosto sivun verkoston omasta kokoelmasta tai julkisesta kokoelmasta."
    ),
    "image": _(
        "Kuvaa ei voi käyttää tällä sivulla: sitä ei ole tai se on kokoelmassa, jota sivun lukijat eivät saa "
        "nähdä. Valitse kuva sivun verkoston omasta kokoelmasta tai julkisesta kokoelmasta."
    ),
}


def media_fields(model):
    """The page model's fields that can refer to documents and images."""
    return [field for field in model._meta.get_fields() if isinstance(field, StreamField | RichTextField)]


def media_models():
    return {"document": get_document_model(), "image": get_image_model()}


def references(field, value):
    """[(place, kind, id)] for the documents and images that `value` of `field` refers to; the place is the
    index of the top-level block for a StreamField (the editor sees the error there), None for rich text."""
    kinds = {model: kind for kind, model in media_models().items()}
    parts: list[tuple[int | None, Any]]
    if isinstance(field, StreamField):
        parts = [(index, child.block.extract_references(child.value)) for index, child in enumerate(value)]
    else:
        parts = [(None, field.extract_references(value or ""))]
    return [
        (place, kinds[model], str(pk))
        for place, found in parts
        for model, pk, _model_path, _content_path in found
        if model in kinds
    ]


class CollectionRules:
    """Which collections a page may show: unrestricted ones, and those at or under `allowed` collections."""

    def __init__(self, allowed):
        self.allowed_paths = [collection.path for collection in allowed]
        self.restricted_paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))

    def permits(self, path):
        restricted = any(path.startswith(prefix) for prefix in self.restricted_paths)
        return not restricted or any(path.startswith(prefix) for prefix in self.allowed_paths)

    def refused(self, model, ids):
        """The ids among `ids` (strings) of `model`'s objects that do not exist or may not be shown."""
        numeric = [int(pk) for pk in ids if pk.isdigit()]
        paths = dict(model.objects.filter(pk__in=numeric).values_list("pk", "collection__path"))
        return {pk for pk in ids if not (pk.isdigit() and int(pk) in paths and self.permits(paths[int(pk)]))}


def refused_media(model, values, allowed):
    """{field name: [(place, kind, id)]} for the documents and images in `values` ({name: value}) of a page of
    `model` that do not exist or are outside the collections the page may show (`allowed`, besides unrestricted
    ones). Fields with nothing refused are left out."""
    fields = {field.name: field for field in media_fields(model) if field.name in values}
    found = {name: references(field, values[name]) for name, field in fields.items()}
    rules = CollectionRules(allowed)
    refused = {
        kind: rules.refused(model, {pk for refs in found.values() for _place, k, pk in refs if k == kind})
        for kind, model in media_models().items()
    }
    refused_refs = {name: [ref for ref in refs if ref[2] in refused[ref[1]]] for name, refs in found.items()}
    return {name: refs for name, refs in refused_refs.items() if refs}


def media_errors(model, refused):
    """{field name: ValidationError} for refused_media's answer: on a StreamField, at each block that holds a
    refused document or image."""
    errors = {}
    for name, refs in refused.items():
        places: dict[int | None, list[str]] = {}
        for place, kind, _pk in refs:
            if kind not in places.setdefault(place, []):
                places[place].append(kind)
        messages = {place: [REFUSED[kind] for kind in kinds] for place, kinds in places.items()}
        if isinstance(model._meta.get_field(name), StreamField):
            block_errors = {place: ValidationError(texts) for place, texts in messages.items()}
            errors[name] = StreamBlockValidationError(block_errors=block_errors)
        else:
            errors[name] = ValidationError(messages[None])
    return errors


def page_media_errors(page, allowed):
    """media_errors for a page instance as it is (for copies and moves, which pass no form)."""
    values = {field.name: getattr(page, field.name) for field in media_fields(type(page))}
    return media_errors(type(page), refused_media(type(page), values, allowed))
