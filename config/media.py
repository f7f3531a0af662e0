"""The raw /media/ path: public images and their renditions only, in every mode.

MEDIA_ROOT also holds the documents (a network's private material, served only by Wagtail's checked view at
/documents/<id>/<name>) and the admin's unfinished multi-uploads (wagtail_uploads/, which may be private
documents too). None of those is ever served from here. In production the reverse proxy serves the image
folders itself (site/deploy/nginx.conf) and SERVE_MEDIA is off; in development this view serves them.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve

# Wagtail's originals (Image.file) and renditions: the only files under MEDIA_ROOT anyone may fetch by path.
PUBLIC_MEDIA_FOLDERS = ("original_images", "images")


def serve_public_media(request, path):
    # Normalised first, so that "original_images/../documents/…" is judged as the documents path it is.
    path = posixpath.normpath(path).lstrip("/")
    if not settings.SERVE_MEDIA or path.split("/", 1)[0] not in PUBLIC_MEDIA_FOLDERS:
        raise Http404("Not a public media path")
    return serve(request, path, document_root=settings.MEDIA_ROOT)
