import re

from django.http import QueryDict
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import ChooserBlock, ListBlock, StreamBlock, StructBlock
from wagtail.fields import StreamField

from .chosen_media import media_errors, media_fields, media_models, refused_media


def chooser_inputs(block, name, model):
    """A pattern for the names of the posted inputs in which `block` (at any depth) holds chosen objects of
    `model`, a document or image model; None if it has no such chooser. `name` is a pattern itself."""
    if isinstance(block, ChooserBlock):
        return name if block.model_class is model else None
    if isinstance(block, StreamBlock | ListBlock):
        children = block.child_blocks.values() if isinstance(block, StreamBlock) else [block.child_block]
        nested = [chooser_inputs(child, rf"{name}-\d+-value", model) for child in children]
    elif isinstance(block, StructBlock):
        nested = [
            chooser_inputs(child, f"{name}-{re.escape(child_name)}", model)
            for child_name, child in block.child_blocks.items()
        ]
    else:
        return None
    nested = [pattern for pattern in nested if pattern]
    return f"(?:{'|'.join(nested)})" if nested else None


class PageForm(WagtailAdminPageForm):
    """The admin form of every page type (its `base_form_class`): the documents and images chosen in the page's
    StreamFields and rich text must come from collections the page may show (core/chosen_media.py). The editor
    sees the refusal on the field, at the block that holds it.

    A page type says which restricted collections it may show with `media_collections(parent)`; a page type
    without it may show only unrestricted ones.
    """

    def clean(self):
        cleaned_data = super().clean()
        model = type(self.instance)
        media_collections = getattr(self.instance, "media_collections", None)
        allowed = media_collections(self.parent_page) if media_collections else []
        values = {field.name: cleaned_data[field.name] for field in media_fields(model) if field.name in cleaned_data}
        refused = refused_media(model, values, allowed)
        for name, error in media_errors(model, refused).items():
            self.add_error(name, error)
        self.forget_refused_choices(refused)
        return cleaned_data

    def forget_refused_choices(self, refused):
        """Empties the choosers that hold a refused document or image in the posted data, so that the form shown
        again with the error does not show the refused document's title either."""
        inputs = []
        for name, refs in refused.items():
            field = self.instance._meta.get_field(name)
            if not isinstance(field, StreamField):
                continue
            for kind, model in media_models().items():
                pattern = chooser_inputs(field.stream_block, re.escape(self.add_prefix(name)), model)
                if pattern:
                    inputs.append((re.compile(pattern), {pk for _place, k, pk in refs if k == kind}))
        if not inputs:
            return
        self.data: QueryDict = self.data.copy()
        for key in list(self.data):
            if any(pattern.fullmatch(key) and self.data[key] in ids for pattern, ids in inputs):
                self.data[key] = ""
