"""Sending an uploaded file, once the view has checked who may read it.

Uploaded files are never served from a public folder: every download goes through a view that
asks the permission layer first, then calls `send_stored_file`. How the bytes leave depends on
SENDFILE_BACKEND:

- "django" (the default, and `make run`'s embedded server): Django streams the file itself.
- "nginx": Django answers with an empty body and `X-Accel-Redirect: SENDFILE_URL/<name in
  storage>`; nginx then sends the file from an `internal` location (deploy/nginx-site.conf),
  which no browser can request directly. A gunicorn worker is not held for a slow download.
- "xsendfile": the same with `X-Sendfile: <absolute path>` (Apache's mod_xsendfile, lighttpd).

A small helper rather than django-sendfile2: that library's development backend reads the
whole file into memory, and the header itself is one line.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

BACKENDS = ("django", "nginx", "xsendfile")
MISSING = _("The file is missing from storage.")


def _backend() -> str:
    backend = settings.SENDFILE_BACKEND
    if backend not in BACKENDS:
        raise ImproperlyConfigured(f"SENDFILE_BACKEND must be one of {BACKENDS}, not {backend!r}")
    return backend


def _storage_name(stored: FieldFile) -> str:
    """The file's name in storage, refused if it could point outside the media folder."""
    name = stored.name or ""
    clean = posixpath.normpath(name)
    if not name or clean.startswith(("/", "..")) or clean != name:
        raise Http404(MISSING)
    return clean


def send_stored_file(
    stored: FieldFile,
    *,
    filename: str,
    content_type: str | None = None,
    as_attachment: bool = True,
) -> HttpResponseBase:
    """The response that sends `stored` under `filename` (the caller has checked permission).
    A file missing from storage is a 404 with a message, never a 500."""
    backend = _backend()
    if backend == "django":
        try:
            handle = stored.open("rb")
        except FileNotFoundError as exc:
            raise Http404(MISSING) from exc
        return FileResponse(
            handle, as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    name = _storage_name(stored)
    if not stored.storage.exists(name):
        raise Http404(MISSING)
    response = HttpResponse(
        content_type=content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    disposition = content_disposition_header(as_attachment, filename)
    if disposition:  # None only for an inline file without a name
        response["Content-Disposition"] = disposition
    if backend == "nginx":
        prefix = settings.SENDFILE_URL.rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{prefix}/{name}")
    else:
        # The path's UTF-8 bytes as they are on disk (HTTP headers are bytes; Django would
        # MIME-encode a non-Latin-1 value, which mod_xsendfile cannot read).
        response["X-Sendfile"] = stored.path.encode().decode("latin-1")
    return response
