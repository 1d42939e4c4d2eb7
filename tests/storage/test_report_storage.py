# ruff: noqa: F811 - the consultation fixtures are imported by name, then asked for by name
"""The published consultation report's PDF on object storage: the report worker stores it in the private bucket,
and the public report URL hands it out through a signed link; a store that refuses the PDF leaves the report
"being prepared" and the worker tries again after its backoff."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from consultation import report_renders
from tests.consultation.conftest import (  # noqa: F401 - fixtures
    at,
    clock,
    consultation,
    create_docket,
    lawyer,
    open_docket,
    post_comment,
)
from tests.consultation.test_report_pdf import publish_report  # noqa: F401 - fixture
from tests.storage.conftest import objects, s3_client
from tests.storage.test_object_storage import deny_writes, fetch


def test_the_report_pdf_is_stored_in_the_bucket_and_served_through_a_signed_link(
    publish_report, public, bucket, s3_emulator
):
    docket_id = publish_report()

    assert report_renders.run_pending() == 1

    name = consultation(docket_id).report_pdf.name
    assert list(objects(s3_emulator, bucket)) == [name]
    response = public.get(f"/consultations/{docket_id}/report.pdf")
    assert response.status_code == 302
    link = response["Location"]
    assert parse_qs(urlsplit(link).query)["X-Amz-Expires"] == ["60"]
    status, body, headers = fetch(link)
    assert status == 200 and body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    assert f'filename="{docket_id}-bao-cao.pdf"' in headers["Content-Disposition"]


def test_a_report_pdf_the_store_refuses_is_tried_again_after_its_backoff(
    publish_report, public, bucket, s3_emulator, clock
):
    docket_id = publish_report()
    deny_writes(s3_emulator, bucket)

    assert report_renders.run_pending() == 0

    render = consultation(docket_id).report_renders.get()
    assert render.rendered_at is None and render.last_error.startswith("storage: ")
    assert not consultation(docket_id).report_pdf and objects(s3_emulator, bucket) == {}
    assert public.get(f"/consultations/{docket_id}/report.pdf").status_code == 503  # "being prepared"

    s3_client(s3_emulator).delete_bucket_policy(Bucket=bucket)
    clock.move_to(at("2026-04-01", 1, 0))
    assert report_renders.run_pending() == 1
    assert public.get(f"/consultations/{docket_id}/report.pdf").status_code == 302
