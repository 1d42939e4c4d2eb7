"""Denunciations from 1 July 2026 (Law on Denunciations 25/2018/QH14 as amended by Laws 81/2025, 84/2025 and 136/2025;
Decree 31/2019 as amended by Decree 156/2026), as the law's own examples: extensions by written complexity finding
(Art. 30), the notices to the denounced person (Arts. 29, 35), the transfer notice (Art. 24), suspension and
continuation (Art. 34), withdrawal (Art. 33), and the handling of the conclusion (Art. 36). Each notice or decision
is a document in its official form (`documents/`): numbered, signed by the unit's leader (at once in the leader's own
decision, otherwise a draft the leader signs), its text read back from the PDF, and sent through the notification
outbox to each party with an address. The denouncer's name, phone and e-mail are in none of them. Dates counted by
hand on the 2026 calendar."""

from __future__ import annotations

import datetime
import io
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.forms.models import model_to_dict
from pypdf import PdfReader
from rest_framework.test import APIClient

from cases.models import Petition, PetitionStatus
from documents.models import Document, DocumentState
from notifications.models import Message
from tests.conftest import Org
from tests.processes.steps import at, clock_of, do, due_date, history, petition
from workflows.models import CaseEvent, HumanTask, InstanceStatus

D = datetime.date
NAME, PHONE, EMAIL = "Lê Thị Minh Hằng", "0913 222 444", "hang.le@example.vn"
SECRETS = [NAME, PHONE, PHONE.replace(" ", ""), EMAIL]
DENUNCIATION = {
    "petition_type": "denunciation",
    "title": "Tố cáo cán bộ xây dựng phường nhận tiền để bỏ qua vi phạm",
    "content": "Cán bộ phụ trách trật tự xây dựng nhận tiền của chủ công trình để không lập biên bản vi phạm.",
    "petitioner_name": NAME,
    "petitioner_phone": PHONE,
    "petitioner_email": EMAIL,
    "publish_consent": False,
}
DENOUNCED_EMAIL = "trat.tu@dongha.example.vn"
DENOUNCED = {
    "denounced_name": "Ông Phan Văn Quý, cán bộ trật tự xây dựng Phường Đông Hà",
    "denounced_address": "UBND Phường Đông Hà, 01 Trần Hưng Đạo",
    "denounced_email": DENOUNCED_EMAIL,
    "denounced_content": "Nhận tiền của chủ công trình để không lập biên bản vi phạm trật tự xây dựng.",
}


def issued(code: str, kind: str) -> list[Document]:
    """The documents of a case of one kind made through `documents/`, oldest first."""
    return list(Document.objects.filter(petition__tracking_code=code, kind=kind).order_by("pk"))


def pdf_text(document: Document) -> str:
    """The text of the issued PDF, without spaces (PDF text extraction splits Vietnamese words unevenly)."""
    with document.file.open("rb") as stored:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored.read())).pages)
    return "".join(text.split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def sent_to(code: str, subject: str) -> list[str]:
    """Who the outbox messages of the case with this subject go to (their first address), the denouncer first."""
    messages = Message.objects.filter(reference=code, subject__contains=subject)
    return sorted((str(m.addresses[0]["to"]) for m in messages), key=lambda address: address != EMAIL)


def labels(document: Document) -> list[str]:
    """The «Nơi nhận» of a document."""
    return [str(recipient["label"]) for recipient in document.recipients]


def sign(client: APIClient, document: Document) -> None:
    """The unit's leader signs a draft (what the document's page does)."""
    response = client.post(f"/api/v1/case-documents/{document.pk}/issue", {}, format="json")
    assert response.status_code == 200, response.json()
    document.refresh_from_db()


def assert_sealed(code: str, log: str = "") -> None:
    """The denouncer is in no event (documents included), no document, no message's text, no task, not in the
    case's engine state, no log line."""
    case = petition(code)
    assert not any(secret in json.dumps(case.workflow.state, ensure_ascii=False) for secret in SECRETS)
    for task in HumanTask.objects.filter(instance=case.workflow):
        assert not any(secret in str(model_to_dict(task)) for secret in SECRETS), task.element_id
    assert not any(secret in log for secret in SECRETS)
    for event in CaseEvent.objects.filter(instance=case.workflow):
        written = " ".join([event.summary, event.public_text, json.dumps(event.data, ensure_ascii=False)])
        assert not any(secret in written for secret in SECRETS), event.summary
    for document in Document.objects.filter(petition=case):
        written = " ".join([document.title, document.body, json.dumps(document.recipients, ensure_ascii=False)])
        assert not any(secret in written for secret in SECRETS), document.title
    for message in Message.objects.filter(reference=code):
        assert not any(secret in message.subject or secret in message.text for secret in SECRETS), message.subject


def accept(submit: Callable[..., dict[str, Any]], client_for: Callable[[str], APIClient], received: str) -> str:
    """A denunciation received on `received` and accepted the same day by Phường Đông Hà's handling officer."""
    code = str(submit(**DENUNCIATION)["tracking_code"])
    do(client_for("bob"), "classify", {"decision": "accept"})
    return code


def extend(client_for: Callable[[str], APIClient], code: str) -> Any:
    """The handling officer asks for one more extension of the resolution period; the leader decides it."""
    resolve = clock_of(petition(code), "resolve_clock")
    asked = client_for("bob").post(
        f"/api/v1/deadlines/{resolve.pk}/extension-requests", {"reason": "Phải xác minh tại ba công trình"}
    )
    if asked.status_code != 201:
        return asked
    return client_for("carol").post(f"/api/v1/extension-requests/{asked.json()['id']}/decision", {"approve": True})


def find(client_for: Callable[[str], APIClient], code: str, level: str, reasons: str, user: str = "carol") -> Any:
    return client_for(user).post(
        f"/api/v1/cases/{petition(code).pk}/denunciation/complexity", {"level": level, "reasons": reasons}
    )


def test_accepted_1_july_2026_complex_one_extension_of_30_days_notified_to_both_a_second_only_if_especially_complex(
    org, submit, client_for, caplog
):
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(at("2026-07-01"), tick=False):
        # given a denunciation accepted on Wednesday 1 July 2026, both parties notified
        code = accept(submit, client_for, "2026-07-01")
        do(client_for("bob"), "notify", {"notice_method": "email", **DENOUNCED})
        # its conclusion is due 30 days after acceptance: Friday 31 July 2026 (Art. 30)
        assert due_date(clock_of(petition(code), "resolve_clock").due_at) == D(2026, 7, 31)

        # when an extension is asked before anyone found the case complex, it is refused with the article
        refused = client_for("bob").post(
            f"/api/v1/deadlines/{clock_of(petition(code), 'resolve_clock').pk}/extension-requests",
            {"reason": "Cần thêm thời gian"},
        )
        assert refused.status_code == 400
        assert "phức tạp" in refused.json()["detail"] and "Điều 30" in refused.json()["detail"]
        # and a complexity finding without reasons is refused (the finding is written, with its reasons)
        bare = find(client_for, code, "complex", "  ")
        assert bare.status_code == 400 and "lý do" in bare.json()["detail"] and "Điều 30" in bare.json()["detail"]
        # and only a leader makes the finding
        assert find(client_for, code, "complex", "Nhiều công trình", user="bob").status_code == 403
        # and reasons that name the denouncer are refused (the finding is in the case's audit trail)
        named = find(client_for, code, "complex", f"Bà {NAME} cung cấp thêm chứng cứ ở nhiều nơi")
        assert named.status_code == 400 and "danh tính" in named.json()["detail"]

        # when the leader finds it complex, with reasons, and approves one extension
        assert find(client_for, code, "complex", "Phải xác minh tại nhiều công trình").status_code == 200
        assert extend(client_for, code).status_code == 200

    # then the period runs 30 more days: Sunday 30 August, then 31 August (swapped day off), 1 and 2 September
    # (National Day) are not working days: Thursday 3 September 2026
    resolve = clock_of(petition(code), "resolve_clock")
    assert (resolve.extensions, due_date(resolve.due_at)) == (1, D(2026, 9, 3))
    # and the extension is a written decision sent to the denouncer and the denounced person
    (decision,) = issued(code, "extension")
    assert decision.state == DocumentState.ISSUED and decision.approved_by == org.carol
    text = pdf_text(decision)
    for words in ("QUYẾT ĐỊNH", "Về việc gia hạn giải quyết tố cáo", "Điều 30", "03/09/2026", "vụ việc phức tạp"):
        assert squeezed(words) in text, words
    assert squeezed("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") in text and squeezed(decision.number_and_symbol) in text
    assert [r["label"] for r in decision.recipients][:2] == [
        "Người tố cáo",
        "Người bị tố cáo: " + DENOUNCED["denounced_name"] + ", " + DENOUNCED["denounced_address"],
    ]
    assert sent_to(code, "Quyết định gia hạn") == [EMAIL, DENOUNCED_EMAIL]

    with time_machine.travel(at("2026-08-20"), tick=False):
        # when a second extension is asked while the case is only complex, it is refused with the article
        second = extend(client_for, code)
        assert second.status_code == 400
        assert "một lần" in second.json()["detail"] and "đặc biệt phức tạp" in second.json()["detail"]
        assert "Điều 30" in second.json()["detail"]
        # when it is found especially complex, with its reasons, a second extension is granted: 3 September + 30 days
        # = Saturday 3 October → Monday 5 October 2026
        assert (
            find(client_for, code, "especially_complex", "Liên quan đến nhiều cơ quan, cần giám định").status_code
            == 200
        )
        assert extend(client_for, code).status_code == 200
        assert due_date(clock_of(petition(code), "resolve_clock").due_at) == D(2026, 10, 5)
        assert "gia hạn lần 2" in issued(code, "extension")[-1].body
        # and, twice extended, it can no longer be found merely complex
        lower = find(client_for, code, "complex", "Đã rõ hơn")
        assert lower.status_code == 400 and "Đã gia hạn 2 lần" in lower.json()["detail"]
        # and a third extension is refused by the law's limit, in the official's language
        third = extend(client_for, code)
        assert third.status_code == 400 and "Điều 30" in third.json()["detail"]

    # and the finding and its reasons are in the case's audit trail, the last one counting
    findings = CaseEvent.objects.filter(instance=petition(code).workflow, kind="complexity_found").order_by("pk")
    assert [(f.data["level"], f.data["reasons"]) for f in findings] == [
        ("complex", "Phải xác minh tại nhiều công trình"),
        ("especially_complex", "Liên quan đến nhiều cơ quan, cần giám định"),
    ]
    assert_sealed(code, caplog.text)


def test_an_extension_refused_in_english_cites_the_article(submit, client_for):
    with time_machine.travel(at("2026-07-01"), tick=False):
        # given an accepted denunciation that nobody found complex
        code = accept(submit, client_for, "2026-07-01")
        resolve = clock_of(petition(code), "resolve_clock")

        # when an English-speaking official asks for an extension
        response = client_for("bob").post(
            f"/api/v1/deadlines/{resolve.pk}/extension-requests",
            {"reason": "More time"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    # then the refusal is in English and names Article 30
    assert response.status_code == 400
    assert "Article 30" in response.json()["detail"] and "phức tạp" not in response.json()["detail"]


def test_transferred_the_denouncer_is_told_to_whom_within_5_working_days(submit, client_for, public):
    with time_machine.travel(at("2026-07-02"), tick=False) as clock:
        # given a denunciation received by Phường Đông Hà on Thursday 2 July 2026, found not competent on Friday 3 July
        code = submit(**DENUNCIATION)["tracking_code"]
        clock.move_to(at("2026-07-03"))
        do(client_for("bob"), "classify", {"decision": "transfer"})
        # the transfer is due 5 working days from receipt: 3, 6, 7, 8 and 9 July (Art. 24)
        assert due_date(clock_of(petition(code), "prepare_transfer").due_at) == D(2026, 7, 9)

        # when the leader signs the transfer to Sở Xây dựng on Wednesday 8 July
        clock.move_to(at("2026-07-08"))
        do(client_for("carol"), "prepare_transfer", {"transfer_to": "so-xay-dung"})

    # then the denouncer is told, that same day, to whom it went
    (slip,) = issued(code, "transfer")
    assert slip.state == DocumentState.ISSUED and slip.unit.name == "Phường Đông Hà"
    assert squeezed("chuyển đơn đến Sở Xây dựng") in pdf_text(slip)
    assert [r["label"] for r in slip.recipients][:2] == ["Sở Xây dựng", "Người tố cáo"]
    assert sent_to(code, "Phiếu chuyển") == [EMAIL, "frank@langnghe.test"]
    told = CaseEvent.objects.get(instance=petition(code).workflow, kind="denouncer_told_of_transfer")
    assert "Điều 24" in told.data["basis"] and (told.data["from"], told.data["to"]) == ("dong-ha", "so-xay-dung")
    assert due_date(told.created_at) == D(2026, 7, 8) <= D(2026, 7, 9)
    assert clock_of(petition(code), "prepare_transfer").on_time is True
    assert "Đã thông báo cho người tố cáo: tố cáo được chuyển đến Sở Xây dựng" in history(public, code)
    assert_sealed(code)


def test_not_accepted_the_denouncer_is_told_why_in_a_written_notice(submit, client_for):
    with time_machine.travel(at("2026-07-02"), tick=False):
        # given a denunciation received on Thursday 2 July 2026
        code = submit(**DENUNCIATION)["tracking_code"]

        # when it is not accepted because the same matter was already concluded
        do(client_for("bob"), "classify", {"decision": "refuse", "reason": "Nội dung đã được giải quyết năm 2025"})

    # then the denouncer receives the notice with the reason and the article
    assert petition(code).status == PetitionStatus.REJECTED
    (notice,) = issued(code, "refusal")
    assert "Nội dung đã được giải quyết năm 2025" in notice.body
    assert notice.recipients[0]["label"] == "Người tố cáo"
    # a handling officer's step: the notice waits as a draft for the leader to sign; the denouncer is told at once
    assert notice.state == DocumentState.DRAFT
    assert sent_to(code, "Thông báo không thụ lý") == [EMAIL]
    assert_sealed(code)


@pytest.mark.parametrize(
    "content",
    [f"Theo lời bà {NAME}, cán bộ nhận tiền", "Người báo tin (ĐT 0913.222.444) chứng kiến", f"Xem thư {EMAIL}"],
)
def test_the_denounced_persons_notice_never_contains_the_denouncers_name_phone_or_email(submit, client_for, content):
    with time_machine.travel(at("2026-07-01"), tick=False):
        # given a denunciation accepted on 1 July 2026
        code = accept(submit, client_for, "2026-07-01")

        # when the notice of the content denounced would name the denouncer, it is refused and nothing is sent
        refused = do(
            client_for("bob"), "notify", {"notice_method": "post", **DENOUNCED, "denounced_content": content}, 400
        )
        assert "danh tính người tố cáo" in refused["detail"]
        assert issued(code, "denounced_notice") == []

        # when it states the content only
        do(client_for("bob"), "notify", {"notice_method": "post", **DENOUNCED})

        # then the notice to the denounced person is drafted for the leader's signature (a handling officer's step)
        (notice,) = issued(code, "denounced_notice")
        assert notice.state == DocumentState.DRAFT
        assert labels(notice) == [
            "Người bị tố cáo: " + DENOUNCED["denounced_name"] + ", " + DENOUNCED["denounced_address"],
            "Lưu: VT, hồ sơ",
        ]
        # and once the leader signs it, it goes to the denounced person alone
        sign(client_for("carol"), notice)

    # then it tells the denounced person the content denounced, under Art. 29, and nothing of the denouncer
    text = pdf_text(notice)
    assert squeezed("THÔNG BÁO Về nội dung tố cáo") in text and squeezed(DENOUNCED["denounced_content"]) in text
    assert squeezed("Kính gửi: " + DENOUNCED["denounced_name"]) in text and "Điều 29" in notice.form.citation
    assert not any(squeezed(secret) in text for secret in SECRETS)
    (to_denounced,) = Message.objects.filter(reference=code, subject__contains=notice.number_and_symbol)
    assert to_denounced.addresses == [{"adapter": "email", "to": DENOUNCED_EMAIL}]
    assert DENOUNCED["denounced_content"] in to_denounced.text
    assert_sealed(code)


def test_the_conclusion_goes_to_the_denounced_person_and_is_handled_within_7_working_days_with_a_referral(
    submit, client_for, public, caplog
):
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(at("2026-07-01"), tick=False) as clock:
        # given a denunciation accepted on 1 July 2026, notified, verified
        code = accept(submit, client_for, "2026-07-01")
        do(client_for("bob"), "notify", {"notice_method": "post", **DENOUNCED})
        do(client_for("carol"), "assign", {"handler": "bob"})
        do(client_for("bob"), "verify", {"findings": "Chủ công trình xác nhận đã đưa 50 triệu đồng."})

        # when the leader issues the conclusion on Monday 27 July 2026, within the 30 days (to 31 July)
        clock.move_to(at("2026-07-27"))
        conclusion = "Tố cáo đúng: cán bộ đã nhận 50 triệu đồng để không lập biên bản."
        do(client_for("carol"), "conclude", {"outcome": "founded", "conclusion": conclusion})

        # then the conclusion goes to the denounced person and the denouncer is told of it (Art. 35)
        (sent,) = issued(code, "conclusion")
        assert sent.state == DocumentState.ISSUED
        text = pdf_text(sent)
        assert squeezed(conclusion) in text and squeezed("Người bị tố cáo: " + DENOUNCED["denounced_name"]) in text
        assert [r["label"] for r in sent.recipients][:2] == [
            "Người tố cáo",
            "Người bị tố cáo: " + DENOUNCED["denounced_name"] + ", " + DENOUNCED["denounced_address"],
        ]
        assert sent_to(code, "Kết luận") == [EMAIL, EMAIL, DENOUNCED_EMAIL]  # the notice and the document
        # and the resolution period ends (Art. 30): its clock is closed, the handling has 7 working days (Art. 36):
        # 28, 29, 30, 31 July, 3, 4, 5 August → Wednesday 5 August 2026
        case = petition(code)
        assert clock_of(case, "resolve_clock").closed_at is not None
        handling = clock_of(case, "handle_conclusion")
        assert (handling.rule_code, due_date(handling.due_at)) == ("denunciation.conclusion_handling", D(2026, 8, 5))
        assert public.get(f"/api/v1/petitions/{code}").json()["due_at"].startswith("2026-08-05")
        assert "Đang xử lý kết luận nội dung tố cáo" in str(public.get(f"/api/v1/petitions/{code}").json())

        # when the handling finds signs of a crime but names no investigation body, it is refused
        clock.move_to(at("2026-08-04"))
        crime = {"measures": "Tạm đình chỉ công tác cán bộ", "crime_signs": "yes", "publication": "office"}
        assert "investigation_body" in do(client_for("carol"), "handle_conclusion", crime, 400)["errors"]
        # and when it names it, on Tuesday 4 August (on time), even after the 31 July period had run out
        do(client_for("carol"), "handle_conclusion", {**crime, "investigation_body": "Cơ quan CSĐT Công an tỉnh"})

    # then the measures, the referral and the publication are recorded, the file is referred in writing
    case = petition(code)
    handled = CaseEvent.objects.get(instance=case.workflow, kind="conclusion_handled")
    assert handled.data == {
        "measures": "Tạm đình chỉ công tác cán bộ",
        "crime_signs": True,
        "investigation_body": "Cơ quan CSĐT Công an tỉnh",
        "publication": "office",
    }
    result, referral = issued(code, "notice")
    assert result.title == "THÔNG BÁO\nVề kết quả xử lý kết luận nội dung tố cáo"
    text = pdf_text(result)
    for words in ("Tạm đình chỉ công tác cán bộ", "chuyển đến Cơ quan CSĐT Công an tỉnh", "niêm yết tại trụ sở"):
        assert squeezed(words) in text, words
    assert squeezed("Khoản 1 Điều 36, Điều 39") in text
    assert labels(result)[:2] == [
        "Người tố cáo",
        "Người bị tố cáo: " + DENOUNCED["denounced_name"] + ", " + DENOUNCED["denounced_address"],
    ]
    assert sent_to(code, result.number_and_symbol) == [EMAIL, DENOUNCED_EMAIL]
    assert referral.title == "THÔNG BÁO\nVề việc chuyển hồ sơ vụ việc tố cáo có dấu hiệu tội phạm"
    assert labels(referral) == ["Cơ quan CSĐT Công an tỉnh", "Lưu: VT, hồ sơ"]
    assert squeezed("Kính gửi: Cơ quan CSĐT Công an tỉnh") in pdf_text(referral)
    assert squeezed("Điểm c khoản 1 Điều 36") in pdf_text(referral)
    # and the step was on time, no overdue was reported for a conclusion issued in time, the conclusion is public
    assert clock_of(case, "handle_conclusion").on_time is True
    assert not CaseEvent.objects.filter(instance=case.workflow, kind="overdue").exists()
    assert (case.workflow.status, case.published_at is not None) == (InstanceStatus.COMPLETED, True)
    assert "Đã xử lý kết luận nội dung tố cáo" in history(public, code)
    assert_sealed(code, caplog.text)


def test_suspension_and_continuation_are_decisions_to_both_parties_and_the_suspended_days_do_not_count(
    org: Org, submit, client_for
):
    with time_machine.travel(at("2026-07-01"), tick=False) as clock:
        # given a denunciation accepted on 1 July 2026 (conclusion due 31 July), both parties notified
        code = accept(submit, client_for, "2026-07-01")
        do(client_for("bob"), "notify", {"notice_method": "post", **DENOUNCED})
        carol, case = client_for("carol"), petition(code)

        # when a continuation is decided before any suspension, it is refused with the article
        early = carol.post(f"/api/v1/cases/{case.pk}/resume", {"reason": "Tiếp tục"})
        assert early.status_code == 400 and "Điều 34" in early.json()["detail"]

        # when the leader suspends it on Monday 6 July awaiting an expert assessment, and continues on Monday 13 July
        clock.move_to(at("2026-07-06"))
        assert carol.post(f"/api/v1/cases/{case.pk}/suspend", {"reason": "Chờ kết quả giám định"}).status_code == 200
        clock.move_to(at("2026-07-13"))
        assert carol.post(f"/api/v1/cases/{case.pk}/resume", {"reason": "Đã có kết quả giám định"}).status_code == 200

    # then 6 to 12 July do not count: 31 July + 7 days = Friday 7 August 2026
    assert due_date(clock_of(petition(code), "resolve_clock").due_at) == D(2026, 8, 7)
    # and each is a written decision to the denouncer and the denounced person
    (suspension,) = issued(code, "suspension")
    (continuation,) = issued(code, "continuation")
    text = pdf_text(suspension)
    for words in ("Về việc tạm đình chỉ việc giải quyết tố cáo", "Luật Tố cáo năm 2018, Điều 34", "từ ngày 06/07/2026"):
        assert squeezed(words) in text, words
    assert squeezed("Chờ kết quả giám định") in text and squeezed("người tố cáo, người bị tố cáo") in text
    text = pdf_text(continuation)
    assert squeezed("Về việc tiếp tục giải quyết tố cáo") in text and squeezed("đến ngày 07/08/2026") in text
    both = ["Người tố cáo", "Người bị tố cáo: " + DENOUNCED["denounced_name"] + ", " + DENOUNCED["denounced_address"]]
    assert labels(suspension)[:2] == labels(continuation)[:2] == both
    assert sent_to(code, suspension.number_and_symbol) == [EMAIL, DENOUNCED_EMAIL]
    assert sent_to(code, continuation.number_and_symbol) == [EMAIL, DENOUNCED_EMAIL]
    # (and the denouncer also hears of each new due date, as every petitioner does)
    assert sent_to(code, "Tạm dừng tính thời hạn") == [EMAIL]
    assert sent_to(code, "Tiếp tục giải quyết, thời hạn mới") == [EMAIL]
    assert_sealed(code)


def test_a_withdrawal_in_full_stops_the_resolution_by_a_decision_to_both_parties(submit, client_for, public, caplog):
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(at("2026-07-01"), tick=False) as clock:
        # given a denunciation accepted on 1 July 2026, both parties notified
        code = accept(submit, client_for, "2026-07-01")
        do(client_for("bob"), "notify", {"notice_method": "post", **DENOUNCED})
        carol, url = client_for("carol"), f"/api/v1/cases/{petition(code).pk}/denunciation/withdrawal"

        # when the denouncer withdraws part of it on Friday 3 July, the rest is resolved as before
        clock.move_to(at("2026-07-03"))
        part = carol.post(url, {"scope": "part", "withdrawn": "Nội dung về việc nhận quà Tết"})
        assert part.json() == {"status": "in_progress", "running": True}
        assert due_date(clock_of(petition(code), "resolve_clock").due_at) == D(2026, 7, 31)

        # when a withdrawal names the denouncer, it is refused
        named = carol.post(url, {"scope": "all", "withdrawn": f"Đơn rút của bà {NAME}"})
        assert named.status_code == 400 and "danh tính" in named.json()["detail"]

        # when the denouncer withdraws all of it in writing on Tuesday 7 July
        clock.move_to(at("2026-07-07"))
        stopped = carol.post(url, {"scope": "all", "withdrawn": "Toàn bộ nội dung tố cáo"})

    # then the resolution is stopped by a written decision to both parties, and the case ends
    assert stopped.status_code == 200, stopped.json()
    assert stopped.json() == {"status": "answered", "running": False}
    (decision,) = issued(code, "stop")
    assert decision.state == DocumentState.ISSUED and decision.issued_on == D(2026, 7, 7)
    text = pdf_text(decision)
    for words in ("Về việc đình chỉ việc giải quyết tố cáo", "Luật Tố cáo năm 2018, Điều 34", "Điều 33"):
        assert squeezed(words) in text, words
    assert squeezed("Người tố cáo rút toàn bộ nội dung tố cáo") in text
    assert sent_to(code, decision.number_and_symbol) == [EMAIL, DENOUNCED_EMAIL]
    case = petition(code)
    assert case.workflow.status == InstanceStatus.COMPLETED
    assert not case.workflow.tasks.open().exists()
    assert not case.workflow.deadlines.filter(closed_at__isnull=True).exists()
    assert "Việc giải quyết tố cáo được đình chỉ do người tố cáo rút tố cáo" in history(public, code)
    assert_sealed(code, caplog.text)


def test_a_withdrawal_with_grounds_of_a_violation_continues_and_none_is_taken_after_the_conclusion(submit, client_for):
    with time_machine.travel(at("2026-07-01"), tick=False):
        # given a denunciation accepted on 1 July 2026
        code = accept(submit, client_for, "2026-07-01")
        carol, url = client_for("carol"), f"/api/v1/cases/{petition(code).pk}/denunciation/withdrawal"

        # when it is withdrawn in full but there are grounds that the act broke the law, it continues (Art. 33)
        grounds = "Biên bản kiểm tra ghi nhận công trình vi phạm chưa bị xử lý"
        going_on = carol.post(url, {"scope": "all", "withdrawn": "Toàn bộ", "continue_reason": grounds})
        assert going_on.json() == {"status": "in_progress", "running": True}
        (going_on_notice,) = issued(code, "notice")
        assert grounds in going_on_notice.body and labels(going_on_notice) == ["Người tố cáo", "Lưu: VT, hồ sơ"]

        # and after the conclusion, a withdrawal is refused with the article
        do(client_for("bob"), "notify", {"notice_method": "post", **DENOUNCED})
        do(carol, "assign", {"handler": "bob"})
        do(client_for("bob"), "verify", {"findings": "Có vi phạm."})
        do(carol, "conclude", {"outcome": "founded", "conclusion": "Tố cáo đúng."})
        late = carol.post(url, {"scope": "all", "withdrawn": "Toàn bộ"})

    assert late.status_code == 400 and "Điều 33" in late.json()["detail"]
    assert Petition.objects.get(tracking_code=code).workflow.status == InstanceStatus.RUNNING  # at the handling


def test_a_continuation_states_the_new_end_of_the_resolution_period_even_while_the_notices_are_due(submit, client_for):
    with time_machine.travel(at("2026-07-01"), tick=False) as clock:
        # given a denunciation accepted on 1 July 2026, its notices due 8 July, its conclusion 31 July
        code = accept(submit, client_for, "2026-07-01")
        carol, case = client_for("carol"), petition(code)

        # when it is suspended on Monday 6 July, before the notices, and continued on Monday 13 July
        clock.move_to(at("2026-07-06"))
        assert (
            carol.post(f"/api/v1/cases/{case.pk}/suspend", {"reason": "Chờ hồ sơ của cơ quan khác"}).status_code == 200
        )
        clock.move_to(at("2026-07-13"))
        assert carol.post(f"/api/v1/cases/{case.pk}/resume", {"reason": "Đã nhận hồ sơ"}).status_code == 200

    # then the notices are due 15 July and the conclusion 7 August, which is the date the continuation states
    assert due_date(clock_of(petition(code), "notify").due_at) == D(2026, 7, 15)
    (continuation,) = issued(code, "continuation")
    assert "Thời hạn giải quyết đến ngày 07/08/2026" in continuation.body and "15/07/2026" not in continuation.body
    # and, the denounced person not yet known, the decisions name them as such and nothing is sent to them yet
    assert labels(continuation)[1] == "Người bị tố cáo (chưa ghi nhận địa chỉ)"
    assert sent_to(code, continuation.number_and_symbol) == [EMAIL]
