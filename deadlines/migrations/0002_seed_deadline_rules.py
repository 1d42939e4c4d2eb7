"""Seed the deadline rules of the reference table (../shared/legal-deadlines.md).

Each row is one version: (code, effective_from) is unique and a change in the law is a new row. Rules with
no day count are not rows: complaint.suspend is the `suspended_days` argument of `compute_due` (stop the
clock), denunciation.protect is an obligation without a time limit, and draft.report is due "before
submission", an event rather than a period. Citations marked "cần kiểm tra" (verify) must be confirmed by
legal staff, who correct them by adding a new version in the admin.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations

COMPLAINTS_2011 = datetime.date(2012, 7, 1)  # Luật Khiếu nại số 02/2011/QH13 in force
DENUNCIATIONS_2018 = datetime.date(2019, 1, 1)  # Luật Tố cáo số 25/2018/QH14 in force
CITIZEN_RECEPTION_2013 = datetime.date(2014, 7, 1)  # Luật Tiếp công dân số 42/2013/QH13 in force
DECREE_20_2008 = datetime.date(2008, 3, 1)  # Nghị định 20/2008/NĐ-CP (issued 2008-02-14; verify the exact date)
GRASSROOTS_2022 = datetime.date(2023, 7, 1)  # Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 in force
LEGAL_DOCUMENTS_2015 = datetime.date(2016, 7, 1)  # Luật Ban hành văn bản QPPL số 80/2015/QH13 in force
LEGAL_DOCUMENTS_2025 = datetime.date(2025, 10, 1)  # Luật số 64/2025/QH15 (verify the effective date)
COMPLAINT_ACCEPT_2026 = datetime.date(2026, 7, 1)  # acceptance shortened to 7 working days (verify)

W, C = "working", "calendar"

# code, name_vi, name_en, citation, day_kind, days, max_extensions, extension_days, effective_from
# fmt: off
RULES: list[tuple[str, str, str, str, str, int, int, int, datetime.date]] = [
    (
        "complaint.file",
        "Thời hiệu khiếu nại",
        "Time limit to file a complaint",
        "Điều 9 Luật Khiếu nại 2011 (02/2011/QH13): 90 ngày kể từ ngày nhận được hoặc biết được quyết định, hành vi",
        C, 90, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.accept",
        "Thụ lý hoặc từ chối thụ lý khiếu nại lần đầu và thông báo",
        "Accept or refuse a first-instance complaint and notify",
        "Điều 27 Luật Khiếu nại 2011 (02/2011/QH13); Thông tư 05/2021/TT-TTCP: 10 ngày làm việc",
        W, 10, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.accept",
        "Thụ lý hoặc từ chối thụ lý khiếu nại lần đầu và thông báo",
        "Accept or refuse a first-instance complaint and notify",
        "Điều 27 Luật Khiếu nại 2011 (02/2011/QH13); Nghị định 155/2026/NĐ-CP: 7 ngày làm việc (cần kiểm tra)",
        W, 7, 0, 0, COMPLAINT_ACCEPT_2026,
    ),
    (
        "complaint.resolve.first",
        "Giải quyết khiếu nại lần đầu",
        "Resolve a first-instance complaint",
        "Điều 28 Luật Khiếu nại 2011 (02/2011/QH13): không quá 30 ngày kể từ ngày thụ lý",
        C, 30, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.resolve.first.complex",
        "Giải quyết khiếu nại lần đầu (vụ việc phức tạp)",
        "Resolve a complex first-instance complaint",
        "Điều 28 Luật Khiếu nại 2011 (02/2011/QH13): vụ việc phức tạp không quá 45 ngày kể từ ngày thụ lý",
        C, 45, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.resolve.first.remote",
        "Giải quyết khiếu nại lần đầu (vùng sâu, vùng xa)",
        "Resolve a first-instance complaint (remote area)",
        "Điều 28 Luật Khiếu nại 2011 (02/2011/QH13): vùng sâu, vùng xa đi lại khó khăn không quá 45 ngày",
        C, 45, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.resolve.first.remote.complex",
        "Giải quyết khiếu nại lần đầu (vùng sâu, vùng xa, vụ việc phức tạp)",
        "Resolve a complex first-instance complaint (remote area)",
        "Điều 28 Luật Khiếu nại 2011 (02/2011/QH13): vùng sâu, vùng xa, vụ việc phức tạp không quá 60 ngày",
        C, 60, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.appeal",
        "Thời hạn khiếu nại lần hai",
        "Time limit to file a second-instance complaint",
        "Điều 33 Luật Khiếu nại 2011 (02/2011/QH13): 30 ngày kể từ ngày hết thời hạn giải quyết hoặc nhận quyết định",
        C, 30, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.appeal.remote",
        "Thời hạn khiếu nại lần hai (vùng sâu, vùng xa)",
        "Time limit to file a second-instance complaint (remote area)",
        "Điều 33 Luật Khiếu nại 2011 (02/2011/QH13): vùng sâu, vùng xa đi lại khó khăn 45 ngày",
        C, 45, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.resolve.second",
        "Giải quyết khiếu nại lần hai",
        "Resolve a second-instance complaint",
        "Điều 37 Luật Khiếu nại 2011 (02/2011/QH13): không quá 45 ngày kể từ ngày thụ lý",
        C, 45, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.resolve.second.complex",
        "Giải quyết khiếu nại lần hai (vụ việc phức tạp)",
        "Resolve a complex second-instance complaint",
        "Điều 37 Luật Khiếu nại 2011 (02/2011/QH13): vụ việc phức tạp không quá 60 ngày kể từ ngày thụ lý",
        C, 60, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.resolve.second.remote",
        "Giải quyết khiếu nại lần hai (vùng sâu, vùng xa)",
        "Resolve a second-instance complaint (remote area)",
        "Điều 37 Luật Khiếu nại 2011 (02/2011/QH13): vùng sâu, vùng xa đi lại khó khăn không quá 60 ngày",
        C, 60, 0, 0, COMPLAINTS_2011,
    ),
    (
        "complaint.resolve.second.remote.complex",
        "Giải quyết khiếu nại lần hai (vùng sâu, vùng xa, vụ việc phức tạp)",
        "Resolve a complex second-instance complaint (remote area)",
        "Điều 37 Luật Khiếu nại 2011 (02/2011/QH13): vùng sâu, vùng xa, vụ việc phức tạp không quá 70 ngày",
        C, 70, 0, 0, COMPLAINTS_2011,
    ),
    (
        "denunciation.classify",
        "Tiếp nhận, phân loại, kiểm tra điều kiện thụ lý tố cáo",
        "Receive, classify and check a denunciation for acceptance",
        "Điều 24 Luật Tố cáo 2018 (25/2018/QH14): 07 ngày làm việc kể từ ngày nhận được tố cáo",
        W, 7, 0, 0, DENUNCIATIONS_2018,
    ),
    (
        "denunciation.classify.complex",
        "Tiếp nhận, phân loại tố cáo (cần kiểm tra, xác minh ở nhiều địa điểm)",
        "Classify a denunciation needing verification in several places",
        "Điều 24 Luật Tố cáo 2018 (25/2018/QH14): trường hợp phải kiểm tra, xác minh tại nhiều địa điểm "
        "không quá 10 ngày làm việc",
        W, 10, 0, 0, DENUNCIATIONS_2018,
    ),
    (
        "denunciation.transfer",
        "Chuyển tố cáo không thuộc thẩm quyền",
        "Transfer a denunciation to the competent body",
        "Điều 24 Luật Tố cáo 2018 (25/2018/QH14): 05 ngày làm việc",
        W, 5, 0, 0, DENUNCIATIONS_2018,
    ),
    (
        "denunciation.notify",
        "Thông báo việc thụ lý tố cáo cho người tố cáo",
        "Notify the denouncer of the acceptance",
        "Điều 29 Luật Tố cáo 2018 (25/2018/QH14): 05 ngày làm việc kể từ ngày ra quyết định thụ lý",
        W, 5, 0, 0, DENUNCIATIONS_2018,
    ),
    (
        "denunciation.resolve",
        "Giải quyết tố cáo",
        "Resolve a denunciation",
        "Điều 30 Luật Tố cáo 2018 (25/2018/QH14): không quá 30 ngày kể từ ngày thụ lý; vụ việc phức tạp gia hạn "
        "một lần, đặc biệt phức tạp gia hạn hai lần, mỗi lần không quá 30 ngày",
        C, 30, 2, 30, DENUNCIATIONS_2018,
    ),
    (
        "reception.result",
        "Thông báo kết quả xử lý đơn tại nơi tiếp công dân",
        "Notify the result of handling a petition received at a citizen reception",
        "Điều 28 Luật Tiếp công dân 2013 (42/2013/QH13): 10 ngày làm việc",
        W, 10, 0, 0, CITIZEN_RECEPTION_2013,
    ),
    (
        "reflection.transfer",
        "Chuyển phản ánh, kiến nghị đến cơ quan có thẩm quyền",
        "Transfer a reflection or recommendation to the competent body",
        "Nghị định 20/2008/NĐ-CP về tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính: 05 ngày làm việc",
        W, 5, 0, 0, DECREE_20_2008,
    ),
    (
        "reflection.resolve",
        "Xử lý phản ánh, kiến nghị và công khai kết quả",
        "Handle a reflection or recommendation and publish the result",
        "Nghị định 20/2008/NĐ-CP về tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính: 30 ngày "
        "(cần kiểm tra)",
        C, 30, 0, 0, DECREE_20_2008,
    ),
    (
        "grassroots.publish",
        "Công khai thông tin ở cơ sở",
        "Publish information at grassroots level",
        "Luật Thực hiện dân chủ ở cơ sở 2022 (10/2022/QH15): chậm nhất 05 ngày làm việc kể từ ngày văn bản "
        "được ban hành; niêm yết ít nhất 30 ngày",
        W, 5, 0, 0, GRASSROOTS_2022,
    ),
    (
        "draft.consult",
        "Lấy ý kiến về dự thảo văn bản quy phạm pháp luật",
        "Public comment period on a draft legal document",
        "Điều 57 Luật Ban hành văn bản quy phạm pháp luật 2015 (80/2015/QH13): ít nhất 60 ngày",
        C, 60, 0, 0, LEGAL_DOCUMENTS_2015,
    ),
    (
        "draft.consult",
        "Lấy ý kiến về dự thảo văn bản quy phạm pháp luật",
        "Public comment period on a draft legal document",
        "Luật Ban hành văn bản quy phạm pháp luật 2025 (64/2025/QH15): ít nhất 20 ngày "
        "(cần kiểm tra điều khoản và ngày hiệu lực)",
        C, 20, 0, 0, LEGAL_DOCUMENTS_2025,
    ),
    (
        "draft.agency_reply",
        "Cơ quan được lấy ý kiến góp ý dự thảo",
        "Consulted agencies reply to a request for comments",
        "Luật Ban hành văn bản quy phạm pháp luật 2025 (64/2025/QH15): 15 ngày (cần kiểm tra)",
        C, 15, 0, 0, LEGAL_DOCUMENTS_2025,
    ),
]
# fmt: on


def seed_rules(apps: Any, schema_editor: Any) -> None:
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for code, name_vi, name_en, citation, day_kind, days, max_extensions, extension_days, effective_from in RULES:
        DeadlineRule.objects.update_or_create(
            code=code,
            effective_from=effective_from,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "citation": citation,
                "day_kind": day_kind,
                "days": days,
                "max_extensions": max_extensions,
                "extension_days": extension_days,
            },
        )


def unseed_rules(apps: Any, schema_editor: Any) -> None:
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for code, *_, effective_from in RULES:
        DeadlineRule.objects.filter(code=code, effective_from=effective_from).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed_rules, unseed_rules)]
