"""Downloads of private files: staff only, one permission per kind of file, each one logged.

Private files (breach address lists, exports, anything staff upload that is not a public
catalog or storefront image) live in the "private" storage (`shopsocial/storage.py`),
which has no public URL: its `url()` points here. The first path segment names the kind
of file, and `PRIVATE_FILE_PERMISSIONS` the staff permission that may download it; an
unknown kind or a missing file is a 404. The view sits under the admin, so the admin's
own sign-in (lockout, two-factor) guards it before the permission is checked.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest

from .storage import private_storage

logger = logging.getLogger(__name__)
# Stored names are `<kind>/<random>.<ext>`: anything else never names a private file.
STORED_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}/[A-Za-z0-9_-]{1,100}(\.[a-z0-9]{1,8})?")


def _download(request: HttpRequest, path: str) -> FileResponse:
    kind = path.split("/", 1)[0]
    permission = settings.PRIVATE_FILE_PERMISSIONS.get(kind)
    if permission is None or not STORED_NAME.fullmatch(path):
        raise Http404("No such file.")
    if not request.user.has_perm(permission):
        # Names only the account and the kind of file: never the file's contents or name.
        logger.warning("private file download refused: kind=%s user_id=%s", kind, request.user.pk)
        raise PermissionDenied
    try:
        if not private_storage.exists(path):
            raise Http404("No such file.")
        handle = private_storage.open(path, "rb")
    except (SuspiciousFileOperation, OSError) as exc:
        raise Http404("No such file.") from exc
    # Stored names are random (uuid), so the name carries no personal data either.
    logger.info(
        "private file downloaded: kind=%s file=%s user_id=%s",
        kind,
        PurePosixPath(path).name,
        request.user.pk,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=PurePosixPath(path).name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_download(request: HttpRequest, path: str) -> FileResponse:
    """Staff sign-in as for the admin (anonymous visitors are sent to sign in), then `_download`."""
    return admin.site.admin_view(_download)(request, path)
