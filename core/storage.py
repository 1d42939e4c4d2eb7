"""Object storage for private files (STORAGE_BACKEND=s3): django-storages' S3 backend, with writes that either
land whole or fail with a clear error.

A write the store refuses (unreachable, access denied, bucket missing, quota) raises `StorageRefused`, an
`AppError` (HTTP 503 with the project's JSON error shape): the caller's transaction rolls back, so no row points
at a file that is not there. The files this thread already stored in the same transaction (the first two
attachments of three) are deleted before the error is raised, so nothing is left half-stored in the bucket.
"""

from __future__ import annotations

import logging
import threading
from functools import partial
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.db import connection, transaction
from storages.backends.s3 import S3Storage

from core.files import StorageRefused

logger = logging.getLogger(__name__)

_stored = threading.local()  # names stored in the current transaction of this thread


def _pending() -> list[str]:
    names: list[str] | None = getattr(_stored, "names", None)
    if names is None:
        names = _stored.names = []
    return names


def _forget() -> None:
    _stored.names = []


def _keep(name: str) -> None:
    names = _pending()
    if name in names:
        names.remove(name)


class PrivateS3Storage(S3Storage):
    """A private bucket: every URL signed (settings.S3_STORAGE_OPTIONS), every refused write a StorageRefused."""

    def __init__(self, **settings: Any) -> None:
        if settings.get("client_config") is None:
            settings["client_config"] = Config(
                s3={"addressing_style": settings.get("addressing_style") or "path"},
                signature_version=settings.get("signature_version") or "s3v4",
                # a store that is down answers within seconds, not after botocore's long default backoff
                connect_timeout=5,
                read_timeout=60,
                retries={"mode": "standard", "max_attempts": 3},
            )
        super().__init__(**settings)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        try:
            saved = str(super().save(name, content, max_length=max_length))
        except (ClientError, BotoCoreError) as error:
            logger.error("The object store refused to store %s: %s", name, type(error).__name__)
            self._delete_stored_in_this_transaction()
            raise StorageRefused() from error
        if connection.in_atomic_block:
            _pending().append(saved)
            # Committed: the file is referenced, never to be removed here. Rolled back: the callback is dropped
            # and the name stays listed, an orphan that the next refused write in this thread cleans up too.
            transaction.on_commit(partial(_keep, saved))
        return saved

    def _delete_stored_in_this_transaction(self) -> None:
        """The transaction is about to roll back: the files it stored would be referenced by nothing."""
        for name in _pending():
            try:
                self.delete(name)
            except (ClientError, BotoCoreError):
                logger.warning("Could not remove %s after a refused write; it is referenced by nothing", name)
        _forget()
