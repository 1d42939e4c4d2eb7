"""Handing out a stored private file, after the caller's permission check.

On the local disk the application streams the file. On object storage (STORAGE_BACKEND=s3) a download is a
redirect to a URL signed for `S3_SIGNED_URL_SECONDS` (60 s by default) that names the file and its type: the
bucket itself is private, so the signed URL is the only way in, and it stops working soon after. Inline
previews that a page embeds (an image on the task page) are streamed by the application all the same: the
Content-Security-Policy allows images only from the site itself.

Every view that calls `serve` has checked, before the call, that the user may have the file; nothing here
checks permission.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy

from core.errors import AppError


class StorageRefused(AppError):
    code = "storage_unavailable"
    status = 503

    def __init__(self, message: Any = None) -> None:
        super().__init__(
            message
            or gettext_lazy("Không lưu được tệp vào kho lưu trữ; chưa có gì được ghi nhận. Vui lòng thử lại sau.")
        )


def signs_urls(storage: Storage) -> bool:
    """Whether the storage hands out signed URLs (an S3 bucket with query-string authentication)."""
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def signed_url(file: FieldFile, *, filename: str, content_type: str, as_attachment: bool = True) -> str:
    """A URL of the object signed for S3_SIGNED_URL_SECONDS; the response names the file and its type."""
    parameters: dict[str, Any] = {
        "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
        "ResponseContentType": content_type or "application/octet-stream",
        "ResponseCacheControl": "private, no-store",
    }
    storage: Any = file.storage
    return str(storage.url(file.name, parameters=parameters, expire=settings.S3_SIGNED_URL_SECONDS))


def serve(
    file: FieldFile,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
    redirect: bool = True,
) -> HttpResponseBase:
    """The file as a response: a redirect to a short-lived signed URL on object storage (unless `redirect` is
    off: an image the page itself shows), else the bytes streamed by the application. Never cached by shared
    caches. Call only after checking permission."""
    response: HttpResponseBase
    if redirect and signs_urls(file.storage):
        response = HttpResponseRedirect(
            signed_url(file, filename=filename, content_type=content_type, as_attachment=as_attachment)
        )
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    patch_cache_control(response, private=True, no_store=True)
    return response
