"""The published report's PDF is rendered by the report worker, once, and served from storage: never in a web
request. Until it is ready the public pages say it is being prepared and its URL answers 503."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from consultation import handlers, report, report_renders
from consultation.models import Comment, Stage
from tests.consultation.conftest import at, complete, consultation
from tests.consultation.test_journey import pdf_text
from workflows.handlers import HandlerContext
from workflows.sweep import sweep

PREPARING = "Bản PDF đang được chuẩn bị"
EXPLANATION = "Nâng mức hỗ trợ sửa mái lên 35 triệu đồng."


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reports rendered to PDF (by reference), counted wherever the rendering happens."""
    rendered: list[str] = []
    real = report.render_pdf

    def counting(data: report.Report) -> bytes:
        rendered.append(data.consultation.reference)
        return real(data)

    monkeypatch.setattr(report, "render_pdf", counting)
    return rendered


@pytest.fixture
def publish_report(open_docket, client_for, post_comment, clock) -> Callable[[], str]:
    """A consultation whose report the leader has just approved and published; returns its docket id."""

    def publish() -> str:
        docket_id = open_docket()
        post_comment(docket_id)
        clock.move_to(at("2026-04-01", 0, 5))
        sweep()
        erin = client_for("erin")
        response = erin.post(
            f"/api/v1/comments/{docket_id}-0001/disposition",
            {"disposition": "partly_accepted", "explanation": EXPLANATION},
            format="json",
        )
        assert response.status_code == 200, response.json()
        complete(erin, docket_id, {"summary": "Sở Xây dựng nhận được 1 góp ý."})
        complete(client_for("frank"), docket_id, {"approval": "approve"})
        assert consultation(docket_id).stage == Stage.REPORT_PUBLISHED
        return docket_id

    return publish


def test_publishing_the_report_does_not_render_it_and_the_pdf_is_being_prepared(publish_report, public, renders):
    docket_id = publish_report()

    assert renders == []
    pdf = public.get(f"/consultations/{docket_id}/report.pdf")
    assert pdf.status_code == 503 and pdf["Retry-After"]
    assert PREPARING in pdf.content.decode()
    assert PREPARING in public.get(f"/consultations/{docket_id}/").content.decode()
    assert PREPARING in public.get(f"/consultations/{docket_id}/report/").content.decode()
    assert renders == []  # asking for it did not render it either


def test_the_worker_renders_once_even_when_run_twice_and_the_url_serves_the_stored_file(
    publish_report, public, renders
):
    docket_id = publish_report()

    call_command("run_report_renders", "--once", stdout=_Quiet())
    call_command("run_report_renders", "--once", stdout=_Quiet())

    assert renders == [docket_id]
    stored = consultation(docket_id).report_pdf
    with stored.open("rb") as file:
        stored_bytes = file.read()
    pdf = public.get(f"/consultations/{docket_id}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    served = b"".join(pdf.streaming_content)
    assert served == stored_bytes and EXPLANATION in pdf_text(served)
    assert f'filename="{docket_id}-bao-cao.pdf"' in pdf["Content-Disposition"]
    assert renders == [docket_id]  # served from storage, not rendered again
    assert PREPARING not in public.get(f"/consultations/{docket_id}/").content.decode()


def test_two_workers_never_claim_the_same_render(publish_report, renders):
    docket_id = publish_report()

    first, second = report_renders.claim(), report_renders.claim()

    assert first is not None and first.consultation.reference == docket_id
    assert second is None
    assert report_renders.run_pending() == 0  # leased to the first worker: nobody else takes it
    assert report_renders.render_claimed(first) is True
    assert renders == [docket_id]


def test_republishing_a_changed_report_renders_it_again(publish_report, public, renders, client_for):
    docket_id = publish_report()
    report_renders.run_pending()
    first = consultation(docket_id)
    with first.report_pdf.open("rb") as file:
        assert "35 triệu" in pdf_text(file.read())

    # when the report is corrected and published again
    Comment.objects.filter(consultation=first).update(explanation="Nâng mức hỗ trợ sửa mái lên 38 triệu đồng.")
    handlers.publish_report(HandlerContext(instance=first.workflow, data={}, actor=first.report_approved_by))

    # then the old PDF is no longer served; the worker renders the new one, which is served
    assert public.get(f"/consultations/{docket_id}/report.pdf").status_code == 503
    assert report_renders.run_pending() == 1
    pdf = public.get(f"/consultations/{docket_id}/report.pdf")
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "38 triệu" in text and "35 triệu" not in text
    assert renders == [docket_id, docket_id]


def test_a_failed_rendering_is_tried_again_later(publish_report, public, monkeypatch, clock):
    docket_id = publish_report()
    real = report.render_pdf

    def broken(data: report.Report) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(report, "render_pdf", broken)
    assert report_renders.run_pending() == 0
    assert public.get(f"/consultations/{docket_id}/report.pdf").status_code == 503

    monkeypatch.setattr(report, "render_pdf", real)
    assert report_renders.run_pending() == 0  # waits for its backoff
    clock.move_to(at("2026-04-01", 1, 0))
    assert report_renders.run_pending() == 1
    assert public.get(f"/consultations/{docket_id}/report.pdf").status_code == 200


class _Quiet:
    def write(self, text: Any) -> None:
        pass

    def flush(self) -> None:
        pass
