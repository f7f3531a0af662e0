"""The Wagtail admin's document form (settings.WAGTAILDOCS_DOCUMENT_FORM_BASE): the same upload check as
the member space's, so a facilitator cannot put a file in the network's materials through the admin that
the member space would refuse."""

from wagtail.documents.forms import BaseDocumentForm

from .documents import check_upload


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:  # a new file, not the one already stored
            check_upload(uploaded)
        return uploaded
