"""Legal documents as a legal officer reads them (issue 14, item 6): each notice or decision of a step is a PDF in
the official form (Decree 30/2020/NĐ-CP, Appendix I), numbered in the issuing unit's register, approved by its
leader, stored with the case, sent through the outbox, and shown redacted on the public status page once the case
is published. Dates below are on the 2026 calendar; the PDFs' text is read back as a reader would copy it."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.models import Petition
from documents import services
from documents.models import Document, DocumentForm, DocumentKind, DocumentState, FormVersionFrozen, RegisterCounter
from notifications.models import Message
from tests.conftest import PASSWORD
from tests.documents.conftest import pdf_text, squeezed
from tests.processes.steps import at, complete, do, petition, task_of
from workflows.models import CaseEvent

COMPLAINT = {
    "petition_type": "complaint",
    "title": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "content": "Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì không có hành vi lấn chiếm vỉa hè.",
}
DENOUNCER = "Trần Văn Tố"
DENUNCIATION = {
    "petition_type": "denunciation",
    "title": "Tố cáo cán bộ địa chính nhận tiền khi làm thủ tục",
    "content": "Cán bộ địa chính phường yêu cầu nộp thêm tiền ngoài quy định.",
    "petitioner_name": DENOUNCER,
    "petitioner_phone": "0909 888 777",
    "petitioner_email": "to.tran@example.vn",
    "publish_consent": False,
}


def decided_complaint(submit, client_for, clock, decision: str = "Huỷ một phần Quyết định 45/QĐ-XPHC.") -> str:
    """A complaint received on 2 November 2026, accepted on the 4th, decided by the leader on 5 December."""
    code = submit(**COMPLAINT)["tracking_code"]
    clock.move_to(at("2026-11-04"))
    do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
    do(client_for("carol"), "assign", {"handler": "bob", "instructions": "Xác minh biên bản"})
    do(client_for("bob"), "verify", {"findings": "Biên bản lập sai vị trí.", "dialogue_needed": False})
    clock.move_to(at("2026-12-05"))
    do(client_for("carol"), "decide", {"outcome": "partly", "decision": decision})
    return code


def accept(client, code: str) -> None:
    """The reception officer accepts the complaint `code` (one of several in the inbox)."""
    inbox = client.get("/api/v1/inbox", {"element_id": "accept_or_refuse"}).json()["results"]
    task = next(task for task in inbox if task["reference"] == code)
    complete(client, task, {"decision": "accept", "complexity": "normal"})


# What a denunciation's steps may also ask (the process's later versions name the denounced person at the notice).
DENOUNCED_FIELDS = {
    "denounced_name": "Lê Văn Bị, cán bộ địa chính phường",
    "denounced_address": "Trụ sở UBND phường Đông Hà",
    "denounced_email": "bi.le@example.vn",
    "denounced_content": "Yêu cầu nộp thêm tiền ngoài quy định khi làm thủ tục.",
}


def do_step(client, element_id: str, data: dict) -> dict:
    """`do`, adding the denounced person's details where the step's form asks for them."""
    task = task_of(client, element_id)
    form = client.get(f"/api/v1/tasks/{task['task_id']}").json()["form"]
    extra = {field["name"]: DENOUNCED_FIELDS[field["name"]] for field in form if field["name"] in DENOUNCED_FIELDS}
    return complete(client, task, {**extra, **data})


def issued(code: str, kind: str) -> Document:
    return Document.objects.get(petition__tracking_code=code, kind=kind, state=DocumentState.ISSUED)


def test_the_leaders_decision_is_issued_in_the_official_form_with_its_number_place_and_date(
    submit, client_for, django_capture_on_commit_callbacks
):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a complaint decided by the leader of Phường Đông Hà on Saturday 5 December 2026
        code = decided_complaint(submit, client_for, clock)

    # then the decision is a numbered PDF in the form of Decree 124/2020 as amended by Decree 155/2026
    decision = issued(code, DocumentKind.DECISION)
    assert decision.number_and_symbol == "01/QĐ-UBND"
    assert "155/2026" in decision.form.citation
    text = pdf_text(decision.file.read())
    for line in (
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG ĐÔNG HÀ",
        "Số: 01/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đông Hà, ngày 05 tháng 12 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc giải quyết khiếu nại",
        "Nơi nhận:",
        "- Ông/Bà Nguyễn Văn An;",
        "- Lưu: VT, hồ sơ;",
        "CHỦ TỊCH",
    ):
        assert line in text.splitlines(), (line, text)
    assert squeezed("Huỷ một phần Quyết định 45/QĐ-XPHC.") in squeezed(text)
    assert squeezed("Kết quả xác minh: khiếu nại đúng một phần.") in squeezed(text)
    # and the audit trail has the leader's approval and the issue, in the step that decided
    kinds = list(
        CaseEvent.objects.filter(instance=decision.petition.workflow, kind__startswith="document_").values_list(
            "kind", "actor__username"
        )
    )
    assert ("document_approved", "carol") in kinds and ("document_issued", "carol") in kinds


def test_a_notice_drafted_by_the_reception_officer_waits_for_a_leader_who_alone_may_approve_it(
    submit, client_for, client
):
    with time_machine.travel(at("2026-11-04"), tick=False):
        # given a complaint accepted by the reception officer: its acceptance notice is a draft without a number
        code = submit(**COMPLAINT)["tracking_code"]
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        notice = Document.objects.get(petition__tracking_code=code, kind=DocumentKind.ACCEPTANCE)
        assert (notice.state, notice.number) == (DocumentState.DRAFT, None)
        assert "DỰ THẢO" in pdf_text(client_for("alice").get(f"/documents/{notice.pk}/pdf/").getvalue())

        # when the reception officer and the handling officer try to approve it, they may not
        for username in ("alice", "bob"):
            client.login(username=username, password=PASSWORD)
            response = client.post(f"/documents/{notice.pk}/", {"action": "approve"})
            assert response.status_code == 403
            assert "Chỉ lãnh đạo đơn vị ban hành" in response.content.decode()
        # nor the province's leader, who may act on the ward's cases but does not sign in the ward's name
        client.login(username="henry", password=PASSWORD)
        assert client.post(f"/documents/{notice.pk}/", {"action": "approve"}).status_code == 403
        # nor a leader of another unit (Sở Xây dựng's), who does not even see the case
        client.login(username="frank", password=PASSWORD)
        assert client.post(f"/documents/{notice.pk}/", {"action": "approve"}).status_code == 404
        assert Document.objects.get(pk=notice.pk).state == DocumentState.DRAFT
        assert not Message.objects.filter(idempotency_key__startswith=f"document:{notice.pk}:").exists()

        # then the unit's leader sees it waiting, and approves it: numbered, stored and sent
        client.login(username="carol", password=PASSWORD)
        assert code in client.get("/documents/").content.decode()
        response = client.post(f"/documents/{notice.pk}/", {"action": "approve"})
        assert response.status_code == 302
        notice.refresh_from_db()
        assert notice.approved_by is not None
        assert (notice.state, notice.number_and_symbol, notice.approved_by.username) == (
            DocumentState.ISSUED,
            "01/TB-UBND",
            "carol",
        )
        text = pdf_text(notice.file.read())
        assert "Số: 01/TB-UBND" in text and "Đông Hà, ngày 04 tháng 11 năm 2026" in text
        assert squeezed("đã thụ lý giải quyết khiếu nại lần đầu của Ông/Bà Nguyễn Văn An") in squeezed(text)


def test_numbers_follow_each_other_per_unit_register_and_year(submit, client_for):
    with time_machine.travel(at("2026-12-30"), tick=False) as clock:
        # given three complaints of Phường Đông Hà accepted by the reception officer
        codes = [submit(**COMPLAINT)["tracking_code"] for _ in range(3)]
        for code in codes:
            accept(client_for("alice"), code)
        drafts = list(Document.objects.filter(kind=DocumentKind.ACCEPTANCE).order_by("pk"))
        leader = petition(codes[0]).workflow.unit.memberships.get(role="unit_leader").user

        # when the leader approves two of them in 2026 and the third on 2 January 2027
        first = services.issue_document(document=drafts[0], by=leader)
        second = services.issue_document(document=drafts[1], by=leader)
        clock.move_to(at("2027-01-04"))
        third = services.issue_document(document=drafts[2], by=leader)

    # then the 2026 register counts 01, 02 and the 2027 register starts again at 01
    assert [first.number_and_symbol, second.number_and_symbol] == ["01/TB-UBND", "02/TB-UBND"]
    assert (third.year, third.number_and_symbol) == (2027, "01/TB-UBND")
    assert list(RegisterCounter.objects.order_by("year").values_list("year", "register", "last_number")) == [
        (2026, "TB", 2),
        (2027, "TB", 1),
    ]


def test_a_number_already_used_in_the_register_is_refused_and_nothing_changes(submit, client_for, client):
    with time_machine.travel(at("2026-11-04"), tick=False):
        # given two acceptance notices, the first already issued as 01/TB-UBND
        first_code = submit(**COMPLAINT)["tracking_code"]
        second_code = submit(**COMPLAINT)["tracking_code"]
        accept(client_for("alice"), first_code)
        accept(client_for("alice"), second_code)
        first, second = Document.objects.order_by("pk")
        client.login(username="carol", password=PASSWORD)
        assert client.post(f"/documents/{first.pk}/", {"action": "approve"}).status_code == 302
        first.refresh_from_db()
        assert first.approved_by is not None
        last_event = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        messages = Message.objects.count()

        # when the leader gives the second the number 1 by hand, with a reason typed in the draft
        response = client.post(
            f"/documents/{second.pk}/",
            {"action": "approve", "number": "1", "extra_recipients": "Thanh tra tỉnh\nLưu: VT, hồ sơ"},
        )

        # then it is a 409 naming the rule, what was typed is still there, and nothing was numbered or sent
        assert response.status_code == 409
        page = response.content.decode()
        assert "Số 01 đã được dùng trong sổ TB năm 2026 của Phường Đông Hà" in page
        assert "Nghị định 30/2020/NĐ-CP, Điều 15" in page
        assert 'value="1"' in page
        assert "Thanh tra tỉnh" in page
        second.refresh_from_db()
        assert (second.state, second.number) == (DocumentState.DRAFT, None)
        assert "Thanh tra tỉnh" not in str(second.recipients)
        assert Message.objects.count() == messages
        assert not CaseEvent.objects.filter(pk__gt=last_event).exists()
        assert Document.objects.filter(number=1).count() == 1

        # and the API-less service says the same with its stable code
        with pytest.raises(services.NumberTaken) as refused:
            services.issue_document(document=second, by=first.approved_by, number=1)
        assert (refused.value.status, refused.value.code) == (409, "document_number_taken")
        # the next free number is given when the field is left empty
        assert client.post(f"/documents/{second.pk}/", {"action": "approve", "number": ""}).status_code == 302
        assert Document.objects.get(pk=second.pk).number_and_symbol == "02/TB-UBND"
        assert {first_code, second_code} == set(Document.objects.values_list("petition__tracking_code", flat=True))


def test_a_draft_that_is_refused_keeps_what_the_official_typed(submit, client_for, client):
    with time_machine.travel(at("2026-11-04"), tick=False):
        code = submit(**DENUNCIATION)["tracking_code"]
        do(client_for("bob"), "classify", {"decision": "accept"})
        do_step(client_for("bob"), "notify", {"notice_method": "email"})
        # the notice to the denounced person of what they are denounced for: its text is typed by the officer
        notice = Document.objects.get(petition__tracking_code=code, kind=DocumentKind.DENOUNCED_NOTICE)
        client.login(username="bob", password=PASSWORD)

        # when the handling officer types the denouncer's name into the draft
        typed = f"Ông {DENOUNCER} đã cung cấp tài liệu."
        response = client.post(f"/documents/{notice.pk}/", {"action": "save", "noi_dung": typed})

        # then it is refused, the text stays in the form, and the draft is unchanged
        assert response.status_code == 400
        assert "danh tính người tố cáo" in response.content.decode()
        assert typed in response.content.decode()
        assert DENOUNCER not in Document.objects.get(pk=notice.pk).body


def test_the_denouncers_name_is_in_no_document_sent_to_the_denounced_person(
    submit, client_for, django_capture_on_commit_callbacks
):
    with time_machine.travel(at("2026-11-02"), tick=False), django_capture_on_commit_callbacks(execute=True):
        # given a denunciation accepted, notified, verified and concluded by the leader
        code = submit(**DENUNCIATION)["tracking_code"]
        do(client_for("bob"), "classify", {"decision": "accept"})
        do_step(client_for("bob"), "notify", {"notice_method": "email"})
        do(client_for("carol"), "assign", {"handler": "bob"})
        do(client_for("bob"), "verify", {"findings": "Có thu thêm 2 triệu đồng ngoài quy định."})
        do(
            client_for("carol"),
            "conclude",
            {"outcome": "founded", "conclusion": "Tố cáo đúng. Kiểm điểm cán bộ, hoàn trả 2 triệu đồng."},
        )

    # then the conclusion goes to the denouncer and to the denounced person, and names neither the denouncer
    conclusion = issued(code, DocumentKind.CONCLUSION)
    labels = [item["label"] for item in conclusion.recipients]
    assert labels[0] == "Người tố cáo" and labels[1].startswith("Người bị tố cáo") and labels[-1] == "Lưu: VT, hồ sơ"
    text = pdf_text(conclusion.file.read())
    assert "KẾT LUẬN" in text.splitlines() and squeezed("Kết luận: tố cáo đúng.") in squeezed(text)
    for document in Document.objects.filter(petition__tracking_code=code):
        for part in (document.body, document.title, str(document.recipients), str(document.values)):
            assert DENOUNCER not in part and "0909" not in part and "to.tran" not in part
        if document.file:
            flat = squeezed(pdf_text(document.file.read()))
            assert squeezed(DENOUNCER) not in flat and "0909888777" not in flat
    # and the denouncer's own message is sealed and names them not either
    sent = Message.objects.get(idempotency_key=f"document:{conclusion.pk}:0")
    assert sent.sealed and DENOUNCER not in sent.text


def test_the_public_status_page_shows_an_issued_documents_text_redacted_only_once_published(submit, client_for, client):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a complaint whose decision quotes the complainant's name and phone
        decision = "Chấp nhận khiếu nại của ông Nguyễn Văn An (ĐT 0912 345 678); huỷ Quyết định 45/QĐ-XPHC."
        code = submit(**COMPLAINT, publish_consent=True)["tracking_code"]
        clock.move_to(at("2026-11-04"))
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        # before the decision is published, the public sees no document (the draft notice neither)
        assert "Văn bản đã ban hành" not in client.get(f"/track/{code}/").content.decode()
        do(client_for("carol"), "assign", {"handler": "bob", "instructions": "Xác minh"})
        do(client_for("bob"), "verify", {"findings": "Đúng.", "dialogue_needed": False})
        clock.move_to(at("2026-12-01"))
        do(client_for("carol"), "decide", {"outcome": "correct", "decision": decision})

    # then, published, the public page shows the decision with its number, without the name or the phone
    assert Petition.objects.get(tracking_code=code).published_at is not None
    page = client.get(f"/track/{code}/").content.decode()
    assert "Văn bản đã ban hành" in page and "01/QĐ-UBND" in page
    assert "huỷ Quyết định 45/QĐ-XPHC" in page
    assert "Nguyễn Văn An" not in page and "0912 345 678" not in page and "[***]" in page

    # and the document's own page asks for the access key before it gives the PDF
    document = issued(code, DocumentKind.DECISION)
    link = f"/track/{code}/documents/{document.pk}/"
    assert "Mã bí mật" in client.get(link).content.decode()
    refused = client.post(link, {"access_key": "wrong"})
    assert refused.status_code == 403 and refused["Content-Type"].startswith("text/html")


def test_without_publication_the_public_sees_no_document_but_the_petitioner_does(submit, client_for, client):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        receipt = submit(**COMPLAINT, publish_consent=False)
        code, access_key = receipt["tracking_code"], receipt["access_key"]
        clock.move_to(at("2026-11-04"))
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        notice = Document.objects.get(kind=DocumentKind.ACCEPTANCE)
        services.issue_document(document=notice, by=notice.unit.memberships.get(role="unit_leader").user)

    assert "Văn bản đã ban hành" not in client.get(f"/track/{code}/").content.decode()
    own = client.post("/track/", {"code": code, "access_key": access_key}).content.decode()
    assert "Văn bản đã ban hành" in own and "01/TB-UBND" in own and "Ông/Bà Nguyễn Văn An" in own
    response = client.post(f"/track/{code}/documents/{notice.pk}/", {"access_key": access_key})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Số: 01/TB-UBND" in pdf_text(b"".join(response.streaming_content))
    assert "no-store" in response["Cache-Control"]


def test_the_outbox_gets_one_message_per_recipient_and_the_petitioners_links_to_the_document(submit, client_for, org):
    with time_machine.travel(at("2026-03-02"), tick=False):
        # given a denunciation the leader transfers to Sở Xây dựng (its leader frank has an e-mail address)
        code = submit(**DENUNCIATION)["tracking_code"]
        do(client_for("bob"), "classify", {"decision": "transfer"})
        do(client_for("carol"), "prepare_transfer", {"transfer_to": "so-xay-dung"})

    # then the transfer slip is issued by Phường Đông Hà to Sở Xây dựng, with a copy to the denouncer
    slip = issued(code, DocumentKind.TRANSFER)
    assert (slip.unit.code, slip.number_and_symbol) == ("dong-ha", "01/PC-UBND")
    assert [item["label"] for item in slip.recipients] == ["Sở Xây dựng", "Người tố cáo", "Lưu: VT, hồ sơ"]
    text = squeezed(pdf_text(slip.file.read()))
    assert squeezed("Kính gửi: Sở Xây dựng.") in text and squeezed("giữ bí mật họ tên") in text
    messages = list(Message.objects.filter(idempotency_key__startswith=f"document:{slip.pk}:").order_by("pk"))
    assert [(m.addresses[0]["adapter"], m.addresses[0]["to"]) for m in messages] == [
        ("email", "frank@langnghe.test"),
        ("email", "to.tran@example.vn"),
    ]
    assert all(message.sealed for message in messages)  # a denunciation's: no provider error text kept
    to_denouncer = messages[1]
    assert to_denouncer.sealed and to_denouncer.link.endswith(f"/track/{code}/documents/{slip.pk}/")
    assert "01/PC-UBND" in to_denouncer.subject


def test_a_form_uses_only_the_whitelisted_placeholders(db):
    form = DocumentForm(
        kind=DocumentKind.DIALOGUE, title="GIẤY MỜI", citation="Nghị định 124/2020/NĐ-CP", effective_from="2027-01-01"
    )
    for body, named in (
        ("Kính gửi {{ xung_ho }}, số CCCD {{ so_cccd }}.", "{{ so_cccd }}"),
        ("{{ ho_ten.upper }}", "{{ ho_ten.upper }}"),
        ("{% load static %}{{ ho_ten }}", "static"),
        ("{% for x in ho_ten %}{{ x }}{% endfor %}", "for x in ho_ten"),
        ("{{ ho_ten|safe }}", "|safe"),
        ("{{ ho_ten|default:so_cccd }}", "{{ so_cccd }}"),
        ("{% if so_cccd %}x{% endif %}", "{{ so_cccd }}"),
    ):
        form.body = body
        with pytest.raises(ValidationError) as refused:
            form.full_clean()
        assert named in str(refused.value.message_dict["body"]), body
    form.body = (
        "Kính gửi {{ xung_ho|upper }}.{% if thoi_gian and not dia_diem %} Thời gian: {{ thoi_gian }}.{% endif %}"
        "{{ dia_diem|default:don_vi }}"
    )
    form.full_clean()


def test_a_used_form_is_never_edited_and_a_new_version_applies_from_its_date(submit, client_for):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        submit(**COMPLAINT)
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        used = Document.objects.get().form
        used.body += "\n\nThêm một câu."
        with pytest.raises(FormVersionFrozen):
            used.save()

        # when legal staff add a version from 1 January 2027
        DocumentForm.objects.create(
            kind=DocumentKind.ACCEPTANCE,
            title="THÔNG BÁO\nVề việc thụ lý (mẫu 2027)",
            body="{{ don_vi }} thụ lý đơn {{ ma_don }}.",
            symbol="TB",
            citation="Nghị định 155/2026/NĐ-CP",
            effective_from="2027-01-01",
        )
        clock.move_to(at("2027-01-04"))
        submit(**COMPLAINT)
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})

    # then the first notice keeps its version and the new one follows the 2027 form
    first, second = Document.objects.order_by("pk")
    assert first.form.effective_from.isoformat() == "2026-07-01"
    assert second.form.effective_from.isoformat() == "2027-01-01" and second.body.startswith("Phường Đông Hà thụ lý")


def test_the_api_refuses_a_used_number_with_409_and_an_official_who_is_not_a_leader_with_403(submit, client_for):
    with time_machine.travel(at("2026-11-04"), tick=False):
        first_code = submit(**COMPLAINT)["tracking_code"]
        second_code = submit(**COMPLAINT)["tracking_code"]
        accept(client_for("alice"), first_code)
        accept(client_for("alice"), second_code)
        first, second = Document.objects.order_by("pk")
        carol = client_for("carol")
        assert carol.post(f"/api/v1/case-documents/{first.pk}/issue", {}, format="json").json()["number"] == 1

        refused = client_for("alice").post(f"/api/v1/case-documents/{second.pk}/issue", {}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (403, "document_not_allowed")
        taken = carol.post(f"/api/v1/case-documents/{second.pk}/issue", {"number": 1}, format="json")
        assert (taken.status_code, taken.json()["code"]) == (409, "document_number_taken")
        assert "Nghị định 30/2020/NĐ-CP, Điều 15" in taken.json()["detail"]
        assert carol.get(f"/api/v1/case-documents/{second.pk}").json()["state"] == "draft"
        english = carol.post(
            f"/api/v1/case-documents/{second.pk}/issue", {"number": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Decree 30/2020/NĐ-CP, Art. 15(1)" in english.json()["detail"]


def test_legal_staff_edit_forms_in_the_admin_until_one_is_used(submit, client_for, client, django_user_model):
    legal = django_user_model.objects.create_superuser("lan", "lan@langnghe.test", PASSWORD)
    client.force_login(legal)
    form = DocumentForm.objects.get(kind=DocumentKind.DIALOGUE, effective_from="2026-07-01")
    url = f"/admin/documents/documentform/{form.pk}/change/"
    fields = {
        "kind": form.kind,
        "title": form.title,
        "symbol": form.symbol,
        "register": form.register,
        "citation": form.citation,
        "effective_from": "2026-07-01",
        "note": "",
    }
    # an unknown placeholder is refused, by name, and the form is unchanged
    response = client.post(url, {**fields, "body": "Mời {{ xung_ho }} lúc {{ gio_hen }}."})
    assert response.status_code == 200 and "{{ gio_hen }}" in response.content.decode()
    assert "gio_hen" not in DocumentForm.objects.get(pk=form.pk).body
    # a known one is saved
    assert client.post(url, {**fields, "body": "Mời {{ xung_ho }} lúc {{ thoi_gian }}."}).status_code == 302

    # once a document used a form, its admin page shows it read-only
    with time_machine.travel(at("2026-11-04"), tick=False):
        submit(**COMPLAINT)
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
    used = Document.objects.get().form
    page = client.get(f"/admin/documents/documentform/{used.pk}/change/").content.decode()
    assert 'name="body"' not in page and "thụ lý" in page


def test_a_transfer_signed_later_stays_with_the_unit_that_signs_it(submit, client_for, client):
    with time_machine.travel(at("2026-11-04"), tick=False):
        # given a reflection the reception officer of Phường Đông Hà transfers to Sở Xây dựng
        code = submit()["tracking_code"]
        do(client_for("alice"), "classify", {"decision": "transfer", "transfer_to": "so-xay-dung"})
        slip = Document.objects.get(petition__tracking_code=code, kind=DocumentKind.TRANSFER)
        assert (slip.state, slip.unit.code, petition(code).workflow.unit.code) == ("draft", "dong-ha", "so-xay-dung")

        # when Đông Hà's leader, who no longer handles the case, finds it waiting and signs it
        client.login(username="carol", password=PASSWORD)
        assert f"/documents/{slip.pk}/" in client.get("/documents/").content.decode()
        assert client.post(f"/documents/{slip.pk}/", {"action": "approve"}).status_code == 302

    # then it is Đông Hà's transfer slip no. 01, sent to Sở Xây dựng's leader and to the petitioner
    slip.refresh_from_db()
    text = pdf_text(slip.file.read())
    assert slip.number_and_symbol == "01/PC-UBND" and squeezed("Kính gửi: Sở Xây dựng.") in squeezed(text)
    assert text.splitlines()[-4:-2] == ["- Ông/Bà Nguyễn Văn An;", "- Lưu: VT, hồ sơ;"]
    sent = Message.objects.filter(idempotency_key__startswith=f"document:{slip.pk}:").order_by("pk")
    assert [m.addresses[0]["to"] for m in sent] == ["frank@langnghe.test", "an.nguyen@example.vn"]


def test_an_answer_is_an_official_letter_with_its_summary_under_the_number(submit, client_for, client):
    with time_machine.travel(at("2026-11-04"), tick=False):
        # given a reflection answered, the answer approved by the leader
        code = submit()["tracking_code"]
        do(client_for("alice"), "classify", {"decision": "accept"})
        do(client_for("carol"), "assign", {"handler": "bob"})
        do(client_for("bob"), "draft_answer", {"answer": "Đã thay bóng đèn ngày 20/11."})
        do(client_for("carol"), "approve", {"approval": "approve"})

    # then the answer is letter no. 01/UBND, «V/v trả lời đơn», and published with the petitioner's consent
    answer = issued(code, DocumentKind.ANSWER)
    lines = pdf_text(answer.file.read()).splitlines()
    assert "Số: 01/UBND" in lines and "V/v trả lời đơn" in lines
    assert "Đã thay bóng đèn ngày 20/11." in lines
    page = client.get(f"/track/{code}/").content.decode()
    assert "01/UBND" in page and "Đã thay bóng đèn ngày 20/11." in page
    # the acceptance of a reflection makes no document; nor is any notice but the answer shown to the public
    assert list(Document.objects.values_list("kind", flat=True)) == [DocumentKind.ANSWER]


def test_suspension_stop_and_other_notices_follow_the_law_of_their_petition(submit, client_for):
    with time_machine.travel(at("2026-11-04"), tick=False):
        complaint = petition(submit(**COMPLAINT)["tracking_code"])
        denunciation = petition(submit(**DENUNCIATION)["tracking_code"])
        carol = complaint.workflow.unit.memberships.get(role="unit_leader").user

        # when the leader suspends both, stops the complaint, and sends a notice of another kind
        suspended = [
            services.issue_document(
                document=services.draft_document(
                    case=case, kind=DocumentKind.SUSPENSION, by=carol, context={"ly_do": "Chờ kết quả giám định"}
                ),
                by=carol,
            )
            for case in (complaint, denunciation)
        ]
        stop = services.draft_document(
            case=complaint, kind=DocumentKind.STOP, by=carol, context={"ly_do": "Người khiếu nại rút đơn"}
        )
        notice = services.draft_document(
            case=denunciation,
            kind=DocumentKind.NOTICE,
            by=carol,
            context={"trich_yeu": "Về việc rút tố cáo", "noi_dung": "Đã nhận văn bản rút tố cáo."},
        )

    # then each cites its own law, and the other notice takes its title from what was given
    assert "Điều 11a" in suspended[0].body and "tạm đình chỉ việc giải quyết khiếu nại" in suspended[0].title
    assert "Luật Tố cáo năm 2018, Điều 34" in suspended[1].body and "người tố cáo, người bị tố cáo" in suspended[1].body
    assert DENOUNCER not in suspended[1].body
    assert [d.number_and_symbol for d in suspended] == ["01/QĐ-UBND", "02/QĐ-UBND"]  # one register of decisions
    assert stop.title == "QUYẾT ĐỊNH\nVề việc đình chỉ việc giải quyết khiếu nại" and "rút đơn" in stop.body
    assert notice.title == "THÔNG BÁO\nVề việc rút tố cáo" and notice.body.startswith("Kính gửi: Ông/Bà.")


def test_a_step_whose_handler_drafted_the_document_issues_that_draft_once(submit, client_for):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        # given a decision step whose document a handler already drafted under the step's source, with its recipients
        code = submit(**COMPLAINT)["tracking_code"]
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        do(client_for("carol"), "assign", {"handler": "bob", "instructions": "Xác minh"})
        do(client_for("bob"), "verify", {"findings": "Đúng.", "dialogue_needed": False})
        case = petition(code)
        services.draft_document(
            case=case,
            kind=DocumentKind.DECISION,
            by=None,
            context={"noi_dung": "Soạn trước."},
            recipients=[
                *services.default_recipients(case),
                {"role": "other", "label": "Thanh tra tỉnh", "send": False},
            ],
            source=f"step:{case.workflow.lock_version}:decided",
        )
        clock.move_to(at("2026-12-01"))
        do(client_for("carol"), "decide", {"outcome": "correct", "decision": "Chấp nhận khiếu nại."})

    # then that draft is the one issued, with its recipients, and no second decision exists
    decision = Document.objects.get(kind=DocumentKind.DECISION)
    assert decision.state == DocumentState.ISSUED and decision.number_and_symbol == "01/QĐ-UBND"
    assert "Thanh tra tỉnh" in [item["label"] for item in decision.recipients]


def test_a_department_heads_its_documents_under_its_superior_and_signs_as_director(org):
    # Decree 30/2020/NĐ-CP, Appendix I: the superior body's name above the issuing body's
    from documents.rendering import issuer_of

    department = issuer_of(org.so_xay_dung)
    assert (department.superior, department.name, department.abbreviation, department.signer_title) == (
        "UBND TỈNH",
        "SỞ XÂY DỰNG",
        "SXD",
        "GIÁM ĐỐC",
    )
    ward = issuer_of(org.dong_ha)
    assert (ward.superior, ward.name, ward.abbreviation) == ("", "ỦY BAN NHÂN DÂN\nPHƯỜNG ĐÔNG HÀ", "UBND")


def test_an_official_drafts_a_dialogue_invitation_from_the_case_page(submit, client_for, client):
    with time_machine.travel(at("2026-11-04"), tick=False):
        # given a complaint the handling officer is verifying
        code = submit(**COMPLAINT)["tracking_code"]
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        case = petition(code)
        client.login(username="bob", password=PASSWORD)
        assert "Giấy mời đối thoại" in client.get(f"/cases/{case.pk}/").content.decode()

        # when he drafts a dialogue invitation and types its time and place
        response = client.post(f"/cases/{case.pk}/documents/new/", {"kind": DocumentKind.DIALOGUE})
        invitation = Document.objects.get(kind=DocumentKind.DIALOGUE)
        assert response["Location"] == f"/documents/{invitation.pk}/"
        # the draft asks only what the invitation's form uses
        form = client.get(f"/documents/{invitation.pk}/").content.decode()
        assert 'name="thoi_gian"' in form and 'name="dia_diem"' in form
        assert 'name="nguoi_bi_to_cao"' not in form and 'name="han_moi"' not in form
        typed = {"action": "save", "thoi_gian": "08 giờ 00 ngày 12/11/2026", "dia_diem": "Trụ sở UBND phường Đông Hà"}
        assert client.post(f"/documents/{invitation.pk}/", typed).status_code == 302
        # and the leader approves it
        client.login(username="carol", password=PASSWORD)
        assert client.post(f"/documents/{invitation.pk}/", {"action": "approve"}).status_code == 302

    # then it is invitation no. 01/GM-UBND to the complainant, with the time and place
    invitation.refresh_from_db()
    text = squeezed(pdf_text(invitation.file.read()))
    assert invitation.number_and_symbol == "01/GM-UBND" and squeezed("GIẤY MỜI") in text
    assert squeezed("Thời gian: 08 giờ 00 ngày 12/11/2026.") in text
    assert squeezed("Địa điểm: Trụ sở UBND phường Đông Hà.") in text
    assert Message.objects.filter(idempotency_key=f"document:{invitation.pk}:0").exists()


def test_a_leaders_transfer_from_the_task_page_issues_the_transfer_slip(submit, client_for, client):
    with time_machine.travel(at("2026-11-04"), tick=False):
        # given a reflection waiting in Phường Đông Hà, transferred by its leader from the task page
        code = submit()["tracking_code"]
        case = petition(code)
        task = case.workflow.tasks.get(completed_at__isnull=True)
        client.login(username="carol", password=PASSWORD)
        moved = client.post(
            f"/tasks/{task.task_id}/",
            {"action": "transfer", "transfer_unit": "so-xay-dung", "transfer_reason": "Thuộc ngành xây dựng"},
        )
        assert moved.status_code == 302
        # a later step of the case adds no second slip
        do(client_for("dave"), "classify", {"decision": "accept"})

    # then Đông Hà's slip no. 01/PC-UBND says to whom and why, and goes to Sở Xây dựng and the petitioner
    slip = Document.objects.get(kind=DocumentKind.TRANSFER)
    text = squeezed(pdf_text(slip.file.read()))
    assert (slip.unit.code, slip.state, slip.number_and_symbol) == ("dong-ha", DocumentState.ISSUED, "01/PC-UBND")
    reason = "chuyển đơn đến Sở Xây dựng để xem xét, giải quyết theo thẩm quyền. Lý do: Thuộc ngành xây dựng."
    assert squeezed(reason) in text
    assert Message.objects.filter(idempotency_key__startswith=f"document:{slip.pk}:").count() == 2


def test_a_step_never_fails_for_want_of_a_form_and_says_which_is_missing(submit, client_for):
    # given legal staff removed every acceptance form (none used yet)
    DocumentForm.objects.filter(kind=DocumentKind.ACCEPTANCE).delete()
    with time_machine.travel(at("2026-11-04"), tick=False):
        code = submit(**COMPLAINT)["tracking_code"]
        # when the complaint is accepted
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})

    # then the case moved on, no document was made, and the audit trail names the missing form
    case = petition(code)
    assert case.status == "in_progress" and not Document.objects.exists()
    missing = CaseEvent.objects.get(instance=case.workflow, kind="document_form_missing")
    assert "Chưa có mẫu «Thông báo thụ lý» có hiệu lực ngày 04/11/2026" in missing.summary


def test_a_notice_the_law_wants_out_by_a_day_is_never_issued_after_it(submit, client_for, client):
    """A dialogue invitation drafted on 04/11 for a dialogue on 12/11 must go out by 07/11 (at least 5 days ahead,
    Art. 28 of Decree 124/2020 as amended): a leader approving it on 10/11 is refused, and nothing is sent."""
    with time_machine.travel(at("2026-11-04"), tick=False):
        code = submit(**COMPLAINT)["tracking_code"]
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        invitation = services.draft_document(
            case=petition(code),
            kind=DocumentKind.DIALOGUE,
            by=None,
            context={"thoi_gian": "08 giờ 00 ngày 12/11/2026"},
            send_by=at("2026-11-07").date(),
            send_by_basis="Điều 28 Nghị định 124/2020/NĐ-CP",
        )
        messages = Message.objects.count()
    with time_machine.travel(at("2026-11-10"), tick=False):
        client.login(username="carol", password=PASSWORD)
        response = client.post(f"/documents/{invitation.pk}/", {"action": "approve"})

    assert response.status_code == 409
    assert "phải gửi chậm nhất ngày 07/11/2026 (Điều 28 Nghị định 124/2020/NĐ-CP)" in response.content.decode()
    invitation.refresh_from_db()
    assert (invitation.state, invitation.number) == (DocumentState.DRAFT, None)
    assert Message.objects.count() == messages
