"""Move the files every model refers to from the local disk (MEDIA_ROOT) to the object store (S3_* settings).

Idempotent and resumable: each file is copied under the same name, checked (size, and the MD5 digest the store
reports, or the bytes read back when it reports none), and only then removed from the disk (unless
`--keep-local`). A second run finds the files already there and only removes what a first, interrupted run
left on the disk. The database does not change: a file keeps its name, only the storage behind it changes, so
run this before switching `STORAGE_BACKEND=s3`, then once more after the switch for files written meanwhile.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

CHUNK = 1024 * 1024


@dataclass
class MoveReport:
    moved: int = 0
    already: int = 0  # in the store with the same content (an earlier run)
    missing: list[str] = field(default_factory=list)  # referenced, on neither side
    failed: list[str] = field(default_factory=list)  # copied, but the store's copy differs; or refused
    removed_local: int = 0
    bytes_moved: int = 0


def referenced_files() -> Iterator[tuple[str, str]]:
    """(model label.field, file name) of every stored file every model refers to, each name once."""
    seen: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            names = (
                model._default_manager.exclude(**{model_field.name: ""})
                .exclude(**{f"{model_field.name}__isnull": True})
                .order_by("pk")
                .values_list(model_field.name, flat=True)
            )
            for name in names.iterator(chunk_size=2000):
                if name and name not in seen:
                    seen.add(name)
                    yield f"{model._meta.label}.{model_field.name}", name


def _digests(local: FileSystemStorage, name: str) -> tuple[int, str, str]:
    md5, sha256, size = hashlib.md5(usedforsecurity=False), hashlib.sha256(), 0
    with local.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            md5.update(chunk)
            sha256.update(chunk)
            size += len(chunk)
    return size, md5.hexdigest(), sha256.hexdigest()


def object_store(**overrides: Any) -> Any:
    """The configured bucket (S3_* settings), whatever STORAGE_BACKEND says."""
    from core.storage import PrivateS3Storage

    options = {**settings.S3_STORAGE_OPTIONS, **overrides}
    if not options.get("bucket_name"):
        raise CommandError("S3_BUCKET is not set: name the bucket (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, …) first.")
    return PrivateS3Storage(**options)


def _same(target: Any, name: str, size: int, md5: str, sha256: str) -> bool:
    """Whether the store holds exactly these bytes under `name` (False if it holds nothing there)."""
    from botocore.exceptions import ClientError

    try:
        head = target.connection.meta.client.head_object(Bucket=target.bucket_name, Key=target._normalize_name(name))
    except ClientError as error:
        if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise
    if int(head["ContentLength"]) != size:
        return False
    etag = str(head.get("ETag", "")).strip('"')
    if etag and "-" not in etag:  # a single-part upload: the ETag is the content's MD5
        return etag == md5
    digest = hashlib.sha256()  # a multipart upload's ETag is no digest of the content: read it back
    with target.open(name, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == sha256


def move(*, target: Any, local: FileSystemStorage, keep_local: bool = False, dry_run: bool = False) -> MoveReport:
    from botocore.exceptions import BotoCoreError, ClientError

    from core.files import StorageRefused

    report = MoveReport()
    for _label, name in referenced_files():
        on_disk = local.exists(name)
        try:
            if not on_disk:
                if target.exists(name):
                    report.already += 1
                else:
                    report.missing.append(name)
                continue
            size, md5, sha256 = _digests(local, name)
            if _same(target, name, size, md5, sha256):
                report.already += 1
            elif dry_run:
                report.moved += 1
                continue
            else:
                with local.open(name, "rb") as handle:
                    saved = target.save(name, File(handle, name=name))
                if saved != name or not _same(target, name, size, md5, sha256):
                    report.failed.append(name)
                    continue
                report.moved += 1
                report.bytes_moved += size
        except (ClientError, BotoCoreError, StorageRefused) as error:
            report.failed.append(f"{name} ({type(error).__name__})")
            continue
        if not keep_local and not dry_run:
            local.delete(name)
            report.removed_local += 1
    return report


class Command(BaseCommand):
    help = "Move stored files (attachments, documents, reports, mails) from MEDIA_ROOT to the S3 bucket."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", choices=["s3"], required=True, help="Where to: the bucket of the S3_* settings.")
        parser.add_argument("--keep-local", action="store_true", help="Copy only: leave the files on the disk.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would move; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        # file_overwrite: a file keeps its name in the store (the rows refer to it), never a renamed copy
        target = object_store(file_overwrite=True)
        local = FileSystemStorage(location=settings.MEDIA_ROOT)
        report = move(target=target, local=local, keep_local=options["keep_local"], dry_run=options["dry_run"])
        verb = "would move" if options["dry_run"] else "moved"
        self.stdout.write(
            f"{verb} {report.moved} ({report.bytes_moved} bytes), already in the bucket {report.already}, "
            f"removed from disk {report.removed_local}, missing {len(report.missing)}, failed {len(report.failed)}"
        )
        for name in report.missing:
            self.stdout.write(f"  missing (on neither side): {name}")
        for name in report.failed:
            self.stdout.write(f"  failed: {name}")
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} files did not reach the bucket intact; they stay on the disk. Run again."
            )
