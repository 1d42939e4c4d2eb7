"""Files on object storage (STORAGE_BACKEND=s3), against the S3 emulator (moto in server mode, see conftest):
a citizen's upload lands in the private bucket, officials get it through a link signed for a minute after the
permission check, nobody else gets a bucket address, a refused write stores nothing, and `move_files` moves
what the local disk holds, once."""

from __future__ import annotations

import datetime
import io
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Attachment, Petition
from documents import services as document_services
from documents.models import Document, DocumentKind
from tests.conftest import petition_payload
from tests.processes.steps import at, do
from tests.storage.conftest import objects, s3_client, s3_options
from workflows.models import WorkflowInstance

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def fetch(url: str) -> tuple[int, bytes, Any]:
    """GET `url` as a browser would (no credentials of ours): status, body, headers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the emulator on loopback
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def submit_on_portal(client: Any, *files: tuple[str, bytes]) -> Any:
    data = petition_payload()
    data["attachments"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post("/submit/", data)


def deny_writes(endpoint: str, bucket: str) -> None:
    """The bucket's policy refuses every PutObject (the emulator enforces it: 403 AccessDenied)."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        ],
    }
    s3_client(endpoint).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def test_an_upload_through_the_portal_lands_in_the_private_bucket(
    client, org, processes, bucket, s3_emulator, settings
):
    response = submit_on_portal(client, ("don.pdf", PDF), ("anh.png", PNG))

    assert response.status_code == 200
    stored = objects(s3_emulator, bucket)
    names = sorted(Attachment.objects.values_list("file", flat=True))
    assert sorted(stored) == names and len(names) == 2
    assert sorted(stored.values()) == sorted([PDF, PNG])
    assert not (settings.MEDIA_ROOT / "petitions").exists()  # nothing on the web server's disk
    # and each object is private: an anonymous GET of its plain address is refused by the store
    for name in names:
        status, body, _ = fetch(f"{s3_emulator}/{bucket}/{name}")
        assert status == 403, body
        assert PDF not in body and PNG not in body


def test_an_official_downloads_through_a_link_signed_for_a_minute(client, org, processes, bucket, s3_emulator):
    submit_on_portal(client, ("don.pdf", PDF))
    petition = Petition.objects.get()
    attachment = petition.attachments.get()
    client.force_login(org.alice)

    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = client.get(f"/cases/{petition.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{s3_emulator}/{bucket}/petitions/")
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Date"] == ["20261205T090000Z"]  # valid from the request, for 60 s: then the store refuses it
    # the link is signed with the site's credentials, over its 60 s lifetime: the same request signed by boto3 at
    # that instant carries the same signature
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        reference = s3_client(s3_emulator).generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket,
                "Key": attachment.file.name,
                "ResponseContentDisposition": 'attachment; filename="don.pdf"',
                "ResponseContentType": "application/pdf",
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=60,
        )
    assert query["X-Amz-Signature"] == parse_qs(urlsplit(reference).query)["X-Amz-Signature"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    status, body, headers = fetch(link)
    assert status == 200 and body == PDF
    assert headers["Content-Disposition"] == 'attachment; filename="don.pdf"'
    # The emulator does not enforce the expiry; what it does enforce: without the signature the object is refused.
    assert fetch(link.split("?")[0])[0] == 403


def test_an_image_previewed_on_the_task_page_is_streamed_by_the_site(client, org, processes, bucket):
    """The page's Content-Security-Policy allows images only from the site: an <img> is never sent elsewhere."""
    submit_on_portal(client, ("anh.png", PNG))
    petition = Petition.objects.get()
    attachment = petition.attachments.get()
    client.force_login(org.alice)

    response = client.get(f"/cases/{petition.pk}/attachments/{attachment.pk}/?inline=1")

    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_nobody_without_permission_gets_a_bucket_address(client, org, processes, bucket, s3_emulator):
    submit_on_portal(client, ("don.pdf", PDF))
    petition = Petition.objects.get()
    attachment = petition.attachments.get()
    url = f"/cases/{petition.pk}/attachments/{attachment.pk}/"

    anonymous = client.get(url)
    client.force_login(org.grace)  # a reception officer of another commune
    stranger = client.get(url)
    client.logout()
    public_page = client.get(f"/track/{petition.tracking_code}/").content.decode()

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert stranger.status_code == 404 and "Location" not in stranger
    for text in (anonymous["Location"], stranger.content.decode(), public_page):
        assert s3_emulator not in text and bucket not in text and "X-Amz" not in text


def test_an_issued_document_goes_to_the_petitioner_only_with_the_access_key(
    submit, client_for, client, bucket, s3_emulator
):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        receipt = submit(
            petition_type="complaint",
            title="Khiếu nại quyết định xử phạt",
            content="Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC.",
            publish_consent=False,
        )
        code, access_key = receipt["tracking_code"], receipt["access_key"]
        clock.move_to(at("2026-11-04"))
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        notice = Document.objects.get(kind=DocumentKind.ACCEPTANCE)
        document_services.issue_document(document=notice, by=notice.unit.memberships.get(role="unit_leader").user)
    notice.refresh_from_db()
    assert notice.file.name in objects(s3_emulator, bucket)  # the issued PDF is in the bucket
    link = f"/track/{code}/documents/{notice.pk}/"

    asked = client.get(link)
    refused = client.post(link, {"access_key": "wrong"})
    given = client.post(link, {"access_key": access_key})

    for response in (asked, refused):
        assert s3_emulator not in response.content.decode() and "X-Amz" not in response.content.decode()
    assert refused.status_code == 403
    assert given.status_code == 302 and given["Location"].startswith(f"{s3_emulator}/{bucket}/")
    status, body, headers = fetch(given["Location"])
    assert status == 200 and body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"


def test_a_write_the_store_refuses_is_a_clear_error_and_nothing_is_stored(client, org, processes, bucket, s3_emulator):
    deny_writes(s3_emulator, bucket)

    response = submit_on_portal(client, ("don.pdf", PDF))

    assert response.status_code == 503
    assert "Không lưu được tệp vào kho lưu trữ" in response.content.decode()
    assert not Petition.objects.exists() and not Attachment.objects.exists() and not WorkflowInstance.objects.exists()
    assert objects(s3_emulator, bucket) == {}


def test_the_api_answers_a_refused_write_with_a_503_and_its_code(public, org, processes, bucket, s3_emulator):
    deny_writes(s3_emulator, bucket)

    response = public.post(
        "/api/v1/petitions",
        petition_payload(attachments=[SimpleUploadedFile("don.pdf", PDF, "application/pdf")]),
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 503
    assert response.json() == {
        "code": "storage_unavailable",
        "detail": "The file could not be stored; nothing has been recorded. Please try again later.",
    }
    assert not Petition.objects.exists()


def test_when_the_second_file_is_refused_the_first_is_removed_from_the_bucket(
    client, org, processes, bucket, s3_emulator, settings
):
    """The first attachment is stored, the second refused (it goes to a bucket whose policy denies writes): the
    petition is not recorded, and the first file does not stay behind in the bucket, referenced by nothing."""
    from django.core.files.storage import default_storage

    refusing = f"{bucket}-refusing"
    s3_client(s3_emulator).create_bucket(Bucket=refusing)
    deny_writes(s3_emulator, refusing)
    puts = []

    def second_put_to_the_refusing_bucket(params: dict[str, Any], **_: Any) -> None:
        puts.append(params["Key"])
        if len(puts) == 2:
            params["Bucket"] = refusing

    client_events = default_storage.connection.meta.client.meta.events  # type: ignore[attr-defined]
    client_events.register("before-parameter-build.s3.PutObject", second_put_to_the_refusing_bucket)
    try:
        response = submit_on_portal(client, ("don.pdf", PDF), ("anh.png", PNG))
    finally:
        client_events.unregister("before-parameter-build.s3.PutObject", second_put_to_the_refusing_bucket)

    assert len(puts) == 2
    assert response.status_code == 503
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    assert objects(s3_emulator, bucket) == {}


def test_an_unreachable_store_is_the_same_clear_error(client, org, processes, settings):
    options = s3_options("http://127.0.0.1:9", "nowhere")  # nothing listens on port 9 (discard)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.storage.PrivateS3Storage", "OPTIONS": options},
    }

    response = submit_on_portal(client, ("don.pdf", PDF))

    assert response.status_code == 503
    assert not Petition.objects.exists()


def test_a_document_whose_pdf_the_store_refuses_is_not_issued_and_takes_no_number(
    submit, client_for, bucket, s3_emulator
):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        submit(petition_type="complaint", title="Khiếu nại", content="Tôi khiếu nại quyết định xử phạt.")
        clock.move_to(at("2026-11-04"))
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        notice = Document.objects.get(kind=DocumentKind.ACCEPTANCE)
        deny_writes(s3_emulator, bucket)

        response = client_for("carol").post(f"/documents/{notice.pk}/", {"action": "approve"})

    assert response.status_code == 503
    assert "Không lưu được tệp vào kho lưu trữ" in response.content.decode()
    notice.refresh_from_db()
    assert notice.state != "issued" and notice.number is None and not notice.file
    assert objects(s3_emulator, bucket) == {}


# ---- move_files -------------------------------------------------------------------------------------------------


@pytest.fixture
def local_files(client, org, processes, settings) -> list[str]:
    """Two petitions' attachments on the local disk (the default storage), as before the move."""
    submit_on_portal(client, ("don.pdf", PDF))
    submit_on_portal(client, ("anh.png", PNG), ("phu-luc.pdf", PDF + b"% appendix\n"))
    names = sorted(Attachment.objects.values_list("file", flat=True))
    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    assert len(names) == 3 and all(disk.exists(name) for name in names)
    return names


@pytest.fixture
def target_bucket(s3_emulator: str, settings: Any) -> str:
    """A bucket named in the S3_* settings while the site still keeps its files on the disk."""
    name = "langnghe-move"
    client = s3_client(s3_emulator)
    if name not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=name)
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    settings.S3_STORAGE_OPTIONS = s3_options(s3_emulator, name)
    return name


def move_files(*args: str) -> str:
    out = io.StringIO()
    call_command("move_files", "--to", "s3", *args, stdout=out)
    return out.getvalue()


def test_move_files_moves_every_file_once_and_a_second_run_changes_nothing(
    local_files, target_bucket, s3_emulator, settings
):
    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    before = {name: disk.open(name).read() for name in local_files}

    first = move_files()
    second = move_files()

    assert first.startswith("moved 3 (")
    assert "already in the bucket 0, removed from disk 3, missing 0, failed 0" in first
    assert second.startswith("moved 0 (0 bytes), already in the bucket 3, removed from disk 0")
    assert objects(s3_emulator, target_bucket) == before  # same names, same bytes
    assert not any(disk.exists(name) for name in local_files)


def test_move_files_resumes_after_a_copy_that_kept_the_disk(local_files, target_bucket, s3_emulator, settings):
    """An interrupted move (here: a first run that only copied) is finished by the next run, which checks the
    copies against the disk before removing anything."""
    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    copied = move_files("--keep-local")
    # one copy in the bucket differs from the disk (a broken upload): it is uploaded again, not trusted
    s3_client(s3_emulator).put_object(Bucket=target_bucket, Key=local_files[0], Body=b"truncated")

    finished = move_files()

    assert copied.startswith("moved 3 (") and "removed from disk 0" in copied
    assert finished.startswith("moved 1 (") and "already in the bucket 2, removed from disk 3" in finished
    assert all(len(content) > len(b"truncated") for content in objects(s3_emulator, target_bucket).values())
    assert not any(disk.exists(name) for name in local_files)


def test_move_files_into_a_bucket_that_refuses_keeps_the_files_on_disk(
    local_files, target_bucket, s3_emulator, settings
):
    deny_writes(s3_emulator, target_bucket)

    with pytest.raises(CommandError, match="3 files did not reach the bucket intact; they stay on the disk"):
        move_files()

    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    assert all(disk.exists(name) for name in local_files)
    s3_client(s3_emulator).delete_bucket_policy(Bucket=target_bucket)


def test_move_files_without_a_bucket_says_what_to_set(db, settings):
    settings.S3_STORAGE_OPTIONS = {**settings.S3_STORAGE_OPTIONS, "bucket_name": ""}

    with pytest.raises(CommandError, match="S3_BUCKET is not set"):
        move_files()


def test_a_file_saved_on_the_default_storage_after_the_switch_is_in_the_bucket(bucket, s3_emulator, db):
    from django.core.files.storage import default_storage

    name = default_storage.save("reports/x.pdf", ContentFile(PDF))

    assert objects(s3_emulator, bucket) == {name: PDF}
