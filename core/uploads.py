"""One check for every uploaded file: typed by its content (never by its name or the browser's claim), size-limited."""

from __future__ import annotations

from collections.abc import Collection

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext


class UploadRefused(ValueError):
    """Why a file was refused, in Vietnamese and English, naming the file."""


def check_upload(upload: UploadedFile, *, allowed: Collection[str], max_bytes: int, allowed_label: str) -> str:
    """Return the file's content type, or raise UploadRefused."""
    name = upload.name or "?"
    if upload.size is None or upload.size > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise UploadRefused(gettext("«%(name)s» lớn hơn %(limit)s MB") % {"name": name, "limit": limit})
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed:
        raise UploadRefused(
            gettext("«%(name)s» không phải tệp được phép (%(allowed_label)s)")
            % {"name": name, "allowed_label": allowed_label}
        )
    return str(kind.mime)


def check_attachment(upload: UploadedFile) -> str:
    """An attached file, whichever channel brought it (portal, counter, mailbox, chat): the content type, checked
    against the attachment settings (UPLOAD_ALLOWED_TYPES, UPLOAD_MAX_BYTES), or UploadRefused."""
    return check_upload(
        upload,
        allowed=settings.UPLOAD_ALLOWED_TYPES,
        max_bytes=settings.UPLOAD_MAX_BYTES,
        allowed_label=", ".join(sorted(settings.UPLOAD_ALLOWED_TYPES.values())),
    )
