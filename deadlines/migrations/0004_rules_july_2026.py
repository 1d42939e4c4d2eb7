"""The rule table as of 1 July 2026 (../shared/legal-deadlines.md, section "July 2026"; issue 14).

Versions already in force are frozen (`DeadlineRule.FROZEN_FIELDS`): a change of period or effective date is a
new version; the name, citation and internal note of an existing version are corrected in place. What this
migration does, rule by rule:

- Laws cited "as amended by …": the Law on Complaints 02/2011/QH13 and the Law on Denunciations 25/2018/QH14
  were amended by Laws 81/2025/QH15 and 84/2025/QH15 (in force 01/07/2025) and by Law 136/2025/QH15 (in force
  01/07/2026): every complaint and denunciation rule gets a version from each of those dates, with the same
  period and the amended citation, so that a case started before an amendment keeps citing the text then in
  force.
- complaint.accept: 7 working days from 01/07/2026, first and second instance, Art. 16(1) of Decree
  124/2020/NĐ-CP as amended by Decree 155/2026/NĐ-CP (citation of the existing 2026 version corrected).
- draft.consult, draft.agency_reply: Law 64/2025/QH15 took effect on 01/04/2025 (not 01/10/2025) and was amended
  by Law 87/2025/QH15 from 01/07/2025: versions from 01/04/2025 and 01/07/2025; the version seeded with the wrong
  date stays (frozen; same period) with the corrected citation and a note saying so.
- Reflections: Decree 20/2008/NĐ-CP as amended by Decree 92/2017/NĐ-CP governs reflections and recommendations on
  administrative regulations (reflection.transfer, reflection.resolve); other reflections follow the province's own
  regulation: reflection.resolve.province, set by the province (placeholder citation legal staff fill in; it takes
  effect on 01/01/2027 so that it stays editable until then).
- New rules: complaint.dialogue_notice (a minimum notice BEFORE the dialogue), complaint.suspension_notice,
  complaint.decision_send (first instance) and complaint.decision_send.second, denunciation.conclusion_handling,
  reception.first_outcome (Decree 154/2026/NĐ-CP from 01/07/2026, replacing Decree 64/2014/NĐ-CP).

No citation says "(cần kiểm tra)" any more: what is still open is written as a question in the version's `note`,
which only legal staff see.
"""

from __future__ import annotations

import datetime
import importlib
from typing import Any

from django.db import migrations

D = datetime.date
W, C = "working", "calendar"
AFTER, BEFORE = "after", "before"

COMPLAINTS_2011 = D(2012, 7, 1)
DENUNCIATIONS_2018 = D(2019, 1, 1)
CITIZEN_RECEPTION_2013 = D(2014, 7, 1)
DECREE_92_2017 = D(2017, 9, 25)  # Nghị định 92/2017/NĐ-CP in force
AMENDED_2025 = D(2025, 7, 1)  # Luật 81/2025/QH15, 84/2025/QH15 (and 87/2025/QH15) in force
AMENDED_2026 = D(2026, 7, 1)  # Luật 136/2025/QH15, Nghị định 154, 155, 156/2026/NĐ-CP in force
LEGAL_DOCUMENTS_2025 = D(2025, 4, 1)  # Luật 64/2025/QH15 in force
LEGAL_DOCUMENTS_WRONG_DATE = D(2025, 10, 1)  # the date migration 0002 seeded by mistake
PROVINCE_PLACEHOLDER_FROM = D(2027, 1, 1)

KN = "Luật Khiếu nại số 02/2011/QH13"
KN_2025 = f"{KN}, được sửa đổi, bổ sung bởi Luật số 81/2025/QH15 và Luật số 84/2025/QH15"
KN_2026 = f"{KN}, được sửa đổi, bổ sung bởi Luật số 81/2025/QH15, Luật số 84/2025/QH15 và Luật số 136/2025/QH15"
TC = "Luật Tố cáo số 25/2018/QH14"
TC_2025 = f"{TC}, được sửa đổi, bổ sung bởi Luật số 81/2025/QH15 và Luật số 84/2025/QH15"
TC_2026 = f"{TC}, được sửa đổi, bổ sung bởi Luật số 81/2025/QH15, Luật số 84/2025/QH15 và Luật số 136/2025/QH15"
TCD = "Luật Tiếp công dân số 42/2013/QH13"
TCD_2026 = f"{TCD}, được sửa đổi, bổ sung bởi Luật số 136/2025/QH15"
ND124_2026 = "Nghị định số 124/2020/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định số 155/2026/NĐ-CP"
ND20 = "Nghị định số 20/2008/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP"
BH_2025 = "Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15"
BH_2025_AMENDED = f"{BH_2025}, được sửa đổi, bổ sung bởi Luật số 87/2025/QH15"

# Starts with deadlines.models.PROVINCE_PLACEHOLDER_MARK (copied: a migration does not import the models module):
# the admin warns while a provincial rule still has it.
PROVINCE_PLACEHOLDER = "[TỈNH GHI] quy định của Ủy ban nhân dân tỉnh về tiếp nhận, xử lý phản ánh, kiến nghị"

WHICH_AMENDING_LAW = (
    "Câu hỏi mở: Luật số 81/2025/QH15 hay Luật số 84/2025/QH15 (hay cả hai) sửa đổi luật này? Nguồn của chúng tôi "
    "chỉ ghi chung «được sửa đổi bởi Luật 81/2025 và 84/2025». Thời hạn giữ nguyên như văn bản gốc."
)
LAW_136_UNCHANGED = (
    "Câu hỏi mở: Luật số 136/2025/QH15 có sửa điều này không? Nguồn của chúng tôi không thấy thay đổi thời hạn; "
    "đối chiếu văn bản hợp nhất khi có. Thời hạn giữ nguyên như phiên bản trước."
)

# Complaint and denunciation rules that get an "as amended" version on each amendment date: the article cited.
AMENDED_ARTICLES: dict[str, tuple[str, str]] = {
    "complaint.file": ("Điều 9", "complaint"),
    "complaint.resolve.first": ("Điều 28", "complaint"),
    "complaint.resolve.first.complex": ("Điều 28", "complaint"),
    "complaint.resolve.first.remote": ("Điều 28", "complaint"),
    "complaint.resolve.first.remote.complex": ("Điều 28", "complaint"),
    "complaint.appeal": ("Điều 33", "complaint"),
    "complaint.appeal.remote": ("Điều 33", "complaint"),
    "complaint.resolve.second": ("Điều 37", "complaint"),
    "complaint.resolve.second.complex": ("Điều 37", "complaint"),
    "complaint.resolve.second.remote": ("Điều 37", "complaint"),
    "complaint.resolve.second.remote.complex": ("Điều 37", "complaint"),
    "denunciation.classify": ("Điều 24", "denunciation"),
    "denunciation.classify.complex": ("Điều 24", "denunciation"),
    "denunciation.transfer": ("Điều 24", "denunciation"),
    "denunciation.notify": ("Điều 29", "denunciation"),
    "denunciation.resolve": ("Điều 30", "denunciation"),
}
RENAMED = {
    # The old name read "(cần kiểm tra, …)" — the law's "to check", but it looked like an open question.
    "denunciation.classify.complex": (
        "Tiếp nhận, phân loại tố cáo phải kiểm tra, xác minh ở nhiều địa điểm",
        "Classify a denunciation needing verification in several places",
    ),
}

# Corrections of existing versions: (code, effective_from) -> fields (name, citation, note only; never frozen ones).
CORRECTIONS: dict[tuple[str, datetime.date], dict[str, str]] = {
    ("denunciation.classify.complex", DENUNCIATIONS_2018): {"name_vi": RENAMED["denunciation.classify.complex"][0]},
    ("complaint.accept", COMPLAINTS_2011): {
        "citation": "Điều 27 (lần đầu) và Điều 36 (lần hai) Luật Khiếu nại số 02/2011/QH13; Thông tư số "
        "05/2021/TT-TTCP: 10 ngày làm việc kể từ ngày nhận được khiếu nại",
        "note": "Câu hỏi mở: Điều 27 của Luật ghi «10 ngày»; cách tính theo ngày làm việc dựa vào Thông tư "
        "05/2021/TT-TTCP — ghi điều, khoản của Thông tư.",
    },
    ("complaint.accept", AMENDED_2026): {
        "name_vi": "Thụ lý hoặc không thụ lý khiếu nại (lần đầu và lần hai) và thông báo",
        "name_en": "Accept or refuse a complaint (first or second instance) and notify",
        "citation": f"Khoản 1 Điều 16 {ND124_2026}; Điều 27 và Điều 36 {KN_2026}: 07 ngày làm việc kể từ ngày "
        "nhận được khiếu nại, khiếu nại lần đầu và lần hai",
        "note": "",
    },
    ("reception.result", CITIZEN_RECEPTION_2013): {
        "citation": f"Điều 28 {TCD}; Nghị định số 64/2014/NĐ-CP: 10 ngày làm việc kể từ ngày tiếp nhận",
        "note": "Điều 28 quy định 10 ngày làm việc cho kết quả ĐẦU TIÊN (thụ lý, không thụ lý, chuyển đơn), không "
        "phải cho câu trả lời cuối cùng: dùng reception.first_outcome. Quy trình tiếp công dân đang dùng mã này; "
        "việc đổi quy trình sang reception.first_outcome do nhóm quy trình thực hiện.",
    },
    ("reflection.transfer", D(2008, 3, 1)): {
        "note": "Câu hỏi mở: ngày hiệu lực chính xác của Nghị định 20/2008/NĐ-CP (ban hành 14/02/2008) và điều quy "
        "định 05 ngày làm việc.",
    },
    ("reflection.resolve", D(2008, 3, 1)): {
        "citation": "Nghị định số 20/2008/NĐ-CP về tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về "
        "quy định hành chính",
        "note": "Câu hỏi mở: điều của Nghị định 20/2008/NĐ-CP quy định thời hạn xử lý, và thời hạn là 30 ngày theo "
        "lịch hay ngày làm việc.",
    },
    ("draft.consult", LEGAL_DOCUMENTS_WRONG_DATE): {
        "citation": f"{BH_2025_AMENDED}: thời gian lấy ý kiến ít nhất 20 ngày",
        "note": "Phiên bản này được tạo với ngày hiệu lực sai (01/10/2025); Luật 64/2025/QH15 có hiệu lực từ "
        "01/04/2025 (đã thêm các phiên bản từ 01/04/2025 và 01/07/2025). Giữ lại vì đã có hiệu lực và cùng thời "
        "hạn. Câu hỏi mở: điều, khoản của Luật 64/2025/QH15 quy định tối thiểu 20 ngày.",
    },
    ("draft.agency_reply", LEGAL_DOCUMENTS_WRONG_DATE): {
        "citation": f"{BH_2025_AMENDED}: cơ quan được lấy ý kiến trả lời trong 15 ngày",
        "note": "Phiên bản này được tạo với ngày hiệu lực sai (01/10/2025); Luật 64/2025/QH15 có hiệu lực từ "
        "01/04/2025 (đã thêm các phiên bản từ 01/04/2025 và 01/07/2025). Giữ lại vì đã có hiệu lực và cùng thời "
        "hạn. Câu hỏi mở: điều, khoản quy định thời hạn trả lời và thời hạn có đúng là 15 ngày không.",
    },
}

# New versions and new rules:
# code, name_vi, name_en, citation, day_kind, days, direction, effective_from, note, set_by_province
# fmt: off
NEW: list[tuple[str, str, str, str, str, int, str, datetime.date, str, bool]] = [
    (
        "complaint.accept",
        "Thụ lý hoặc từ chối thụ lý khiếu nại lần đầu và thông báo",
        "Accept or refuse a first-instance complaint and notify",
        f"Điều 27 (lần đầu) và Điều 36 (lần hai) {KN_2025}; Thông tư số 05/2021/TT-TTCP: 10 ngày làm việc kể từ "
        "ngày nhận được khiếu nại",
        W, 10, AFTER, AMENDED_2025,
        WHICH_AMENDING_LAW,
        False,
    ),
    (
        "draft.consult",
        "Lấy ý kiến về dự thảo văn bản quy phạm pháp luật",
        "Public comment period on a draft legal document",
        f"{BH_2025}: thời gian lấy ý kiến ít nhất 20 ngày",
        C, 20, AFTER, LEGAL_DOCUMENTS_2025,
        "Câu hỏi mở: điều, khoản của Luật 64/2025/QH15 quy định tối thiểu 20 ngày.",
        False,
    ),
    (
        "draft.consult",
        "Lấy ý kiến về dự thảo văn bản quy phạm pháp luật",
        "Public comment period on a draft legal document",
        f"{BH_2025_AMENDED}: thời gian lấy ý kiến ít nhất 20 ngày",
        C, 20, AFTER, AMENDED_2025,
        "Câu hỏi mở: điều, khoản của Luật 64/2025/QH15 quy định tối thiểu 20 ngày; Luật 87/2025/QH15 có sửa "
        "thời hạn này không.",
        False,
    ),
    (
        "draft.agency_reply",
        "Cơ quan được lấy ý kiến góp ý dự thảo",
        "Consulted agencies reply to a request for comments",
        f"{BH_2025}: cơ quan được lấy ý kiến trả lời trong 15 ngày",
        C, 15, AFTER, LEGAL_DOCUMENTS_2025,
        "Câu hỏi mở: điều, khoản quy định thời hạn trả lời và thời hạn có đúng là 15 ngày không.",
        False,
    ),
    (
        "draft.agency_reply",
        "Cơ quan được lấy ý kiến góp ý dự thảo",
        "Consulted agencies reply to a request for comments",
        f"{BH_2025_AMENDED}: cơ quan được lấy ý kiến trả lời trong 15 ngày",
        C, 15, AFTER, AMENDED_2025,
        "Câu hỏi mở: điều, khoản quy định thời hạn trả lời và thời hạn có đúng là 15 ngày không.",
        False,
    ),
    (
        "reflection.transfer",
        "Chuyển phản ánh, kiến nghị về quy định hành chính đến cơ quan có thẩm quyền",
        "Transfer a reflection or recommendation on administrative regulations to the competent body",
        f"{ND20}: chuyển phản ánh, kiến nghị về quy định hành chính trong 05 ngày làm việc",
        W, 5, AFTER, DECREE_92_2017,
        "Câu hỏi mở: điều quy định 05 ngày làm việc, và ngày hiệu lực của Nghị định 92/2017/NĐ-CP (25/09/2017).",
        False,
    ),
    (
        "reflection.resolve",
        "Xử lý phản ánh, kiến nghị về quy định hành chính và công khai kết quả",
        "Handle a reflection or recommendation on administrative regulations and publish the result",
        f"{ND20}: xử lý phản ánh, kiến nghị về quy định hành chính",
        C, 30, AFTER, DECREE_92_2017,
        "Câu hỏi mở: điều quy định thời hạn xử lý, và 30 ngày là ngày theo lịch hay ngày làm việc. Phản ánh, "
        "kiến nghị KHÔNG về quy định hành chính theo quy định của tỉnh: reflection.resolve.province.",
        False,
    ),
    (
        "reflection.resolve.province",
        "Xử lý phản ánh, kiến nghị (theo quy định của tỉnh)",
        "Handle a reflection or recommendation (province's regulation)",
        PROVINCE_PLACEHOLDER,
        C, 30, AFTER, PROVINCE_PLACEHOLDER_FROM,
        "DO TỈNH QUY ĐỊNH. Cán bộ pháp chế ghi: số, ngày ban hành, điều của quy định của tỉnh; thời hạn (số "
        "ngày, ngày làm việc hay theo lịch) và ngày hiệu lực. 30 ngày chỉ là giá trị tạm. Phiên bản này sửa được "
        "cho đến ngày có hiệu lực.",
        True,
    ),
    (
        "complaint.dialogue_notice",
        "Thông báo đối thoại giải quyết khiếu nại (báo trước ít nhất)",
        "Notice of the complaint dialogue (minimum notice)",
        f"Điều 28 {ND124_2026}: thông báo về việc đối thoại chậm nhất 05 ngày trước ngày đối thoại",
        C, 5, BEFORE, AMENDED_2026,
        "Câu hỏi mở: «05 ngày» là ngày theo lịch? Hệ thống tính: ngày gửi thông báo muộn nhất là ngày thứ 5 trước "
        "ngày đối thoại, rơi vào ngày nghỉ thì lùi về ngày làm việc liền trước.",
        False,
    ),
    (
        "complaint.suspension_notice",
        "Gửi quyết định tạm đình chỉ giải quyết khiếu nại",
        "Send the decision suspending a complaint's resolution",
        f"Điều 11a {KN_2026}; Điều 28a {ND124_2026}: gửi quyết định tạm đình chỉ trong 03 ngày làm việc kể từ "
        "ngày ban hành",
        W, 3, AFTER, AMENDED_2026,
        "",
        False,
    ),
    (
        "complaint.decision_send",
        "Gửi quyết định giải quyết khiếu nại lần đầu",
        "Send the first-instance complaint decision",
        f"Điều 32 {KN}: 03 ngày làm việc kể từ ngày có quyết định giải quyết khiếu nại",
        W, 3, AFTER, COMPLAINTS_2011,
        "Câu hỏi mở: xác nhận 03 ngày làm việc của Điều 32 trên văn bản hợp nhất (03/VBHN-VPQH).",
        False,
    ),
    (
        "complaint.decision_send.second",
        "Gửi quyết định giải quyết khiếu nại lần hai",
        "Send the second-instance complaint decision",
        f"Điều 41 {KN}: chậm nhất 07 ngày làm việc kể từ ngày ban hành quyết định giải quyết khiếu nại lần hai",
        W, 7, AFTER, COMPLAINTS_2011,
        "Câu hỏi mở: xác nhận 07 ngày làm việc của Điều 41 trên văn bản hợp nhất (03/VBHN-VPQH).",
        False,
    ),
    (
        "denunciation.conclusion_handling",
        "Xử lý kết luận nội dung tố cáo",
        "Act on the conclusion of a denunciation",
        f"Khoản 1 Điều 36 {TC}: chậm nhất 07 ngày làm việc kể từ ngày ban hành kết luận nội dung tố cáo",
        W, 7, AFTER, DENUNCIATIONS_2018,
        "Câu hỏi mở: xác nhận số điều (Điều 36) và 07 ngày làm việc trên văn bản Luật Tố cáo 2018.",
        False,
    ),
    (
        "reception.first_outcome",
        "Thông báo kết quả ban đầu xử lý đơn nhận tại buổi tiếp công dân",
        "First-outcome notice of a petition received at a citizen reception",
        f"Điều 28 {TCD}; Nghị định số 64/2014/NĐ-CP: trong 10 ngày làm việc thông báo việc thụ lý, không thụ lý "
        "(nêu lý do) hoặc chuyển đơn (nêu nơi chuyển)",
        W, 10, AFTER, CITIZEN_RECEPTION_2013,
        "",
        False,
    ),
    (
        "reception.first_outcome",
        "Thông báo kết quả ban đầu xử lý đơn nhận tại buổi tiếp công dân",
        "First-outcome notice of a petition received at a citizen reception",
        f"Điều 28 {TCD_2026}; Nghị định số 154/2026/NĐ-CP (thay thế Nghị định số 64/2014/NĐ-CP): trong 10 ngày làm "
        "việc thông báo việc thụ lý, không thụ lý (nêu lý do) hoặc chuyển đơn (nêu nơi chuyển)",
        W, 10, AFTER, AMENDED_2026,
        "Câu hỏi mở: điều của Nghị định 154/2026/NĐ-CP quy định thông báo này (nguồn chỉ ghi Nghị định thay thế "
        "Nghị định 64/2014/NĐ-CP).",
        False,
    ),
    (
        "reception.result",
        "Thông báo kết quả xử lý đơn tại nơi tiếp công dân",
        "Notify the result of handling a petition received at a citizen reception",
        f"Điều 28 {TCD_2026}; Nghị định số 154/2026/NĐ-CP: 10 ngày làm việc kể từ ngày tiếp nhận",
        W, 10, AFTER, AMENDED_2026,
        "Điều 28 quy định 10 ngày làm việc cho kết quả ĐẦU TIÊN (thụ lý, không thụ lý, chuyển đơn), không phải cho "
        "câu trả lời cuối cùng: dùng reception.first_outcome. Quy trình tiếp công dân đang dùng mã này; việc đổi "
        "quy trình sang reception.first_outcome do nhóm quy trình thực hiện.",
        False,
    ),
]
# fmt: on

# The "as amended" versions of the complaint.decision_send* and denunciation.conclusion_handling rules added above.
AMENDED_ARTICLES.update(
    {
        "complaint.decision_send": ("Điều 32", "complaint"),
        "complaint.decision_send.second": ("Điều 41", "complaint"),
        "denunciation.conclusion_handling": ("Khoản 1 Điều 36", "denunciation"),
    }
)


def _tail(citation: str) -> str:
    """What a citation says after the law's name (": không quá 30 ngày …"), or nothing."""
    _, separator, tail = citation.partition(": ")
    return f": {tail}" if separator else ""


def _amended_versions(Rule: Any) -> list[dict[str, Any]]:
    rows = []
    for code, (article, law) in AMENDED_ARTICLES.items():
        base = Rule.objects.filter(code=code, effective_from__lt=AMENDED_2025).order_by("-effective_from").first()
        for effective_from, text, note in (
            (AMENDED_2025, KN_2025 if law == "complaint" else TC_2025, WHICH_AMENDING_LAW),
            (AMENDED_2026, KN_2026 if law == "complaint" else TC_2026, LAW_136_UNCHANGED),
        ):
            if code == "complaint.accept" or Rule.objects.filter(code=code, effective_from=effective_from).exists():
                continue
            name_vi, name_en = RENAMED.get(code, (base.name_vi, base.name_en))
            rows.append(
                {
                    "code": code,
                    "effective_from": effective_from,
                    "name_vi": name_vi,
                    "name_en": name_en,
                    "citation": f"{article} {text}{_tail(base.citation)}",
                    "note": note,
                    "day_kind": base.day_kind,
                    "days": base.days,
                    "max_extensions": base.max_extensions,
                    "extension_days": base.extension_days,
                    "remind_before_days": base.remind_before_days,
                    "direction": AFTER,
                }
            )
    return rows


def forwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("deadlines", "DeadlineRule")
    for (code, effective_from), fields in CORRECTIONS.items():
        Rule.objects.filter(code=code, effective_from=effective_from).update(**fields)
    for code, name_vi, name_en, citation, day_kind, days, direction, effective_from, note, provincial in NEW:
        Rule.objects.get_or_create(
            code=code,
            effective_from=effective_from,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "citation": citation,
                "day_kind": day_kind,
                "days": days,
                "direction": direction,
                "note": note,
                "set_by_province": provincial,
            },
        )
    for row in _amended_versions(Rule):
        Rule.objects.create(**row)


def backwards(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("deadlines", "DeadlineRule")
    seeded = importlib.import_module("deadlines.migrations.0002_seed_deadline_rules")
    for code in AMENDED_ARTICLES:
        Rule.objects.filter(code=code, effective_from__in=[AMENDED_2025, AMENDED_2026]).exclude(
            code="complaint.accept"
        ).delete()
    for code, *_, effective_from, _note, _provincial in NEW:
        Rule.objects.filter(code=code, effective_from=effective_from).delete()
    for code, name_vi, name_en, citation, *_, effective_from in seeded.RULES:
        Rule.objects.filter(code=code, effective_from=effective_from).update(
            name_vi=name_vi, name_en=name_en, citation=citation, note=""
        )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_rule_direction_note_province")]

    operations = [migrations.RunPython(forwards, backwards)]
