"""Demo consultations on the demo province of `seed_demo`: one open for comment, one closed with its report
published. Safe to run twice (it does nothing when the demo consultations exist). Never run it in production.

The closed one is driven through its real process; only its window is moved into the past (a demo cannot wait
for a month), then the engine's own timer closes it as the deadline worker would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from consultation import services
from consultation.models import Comment, Consultation, ModerationMode
from organisation.models import Membership, Role, Unit
from workflows import services as workflow_services
from workflows.models import HumanTask

OPEN_TITLE = "Dự thảo Nghị quyết quy định mức hỗ trợ cải tạo, sửa chữa nhà ở cũ trên địa bàn tỉnh Quảng Trị"
CLOSED_TITLE = "Dự thảo Quyết định quy định quản lý chiếu sáng đô thị trên địa bàn tỉnh Quảng Trị"

OPEN_DRAFT = """# Nghị quyết quy định mức hỗ trợ cải tạo, sửa chữa nhà ở cũ

Căn cứ Luật Tổ chức chính quyền địa phương;
Căn cứ Luật Nhà ở.

## Chương I. QUY ĐỊNH CHUNG

### Điều 1. Phạm vi điều chỉnh
Nghị quyết này quy định mức hỗ trợ từ ngân sách tỉnh cho hộ gia đình cải tạo, sửa chữa nhà ở cũ.

### Điều 2. Đối tượng áp dụng
1. Hộ gia đình có nhà ở xây dựng trước năm 1995 bị xuống cấp.
2. Hộ gia đình chính sách, hộ nghèo, hộ cận nghèo.
3. Cơ quan, tổ chức, cá nhân có liên quan.

## Chương II. MỨC HỖ TRỢ VÀ THỦ TỤC

### Điều 3. Mức hỗ trợ
1. Hỗ trợ 30 triệu đồng mỗi hộ để sửa chữa mái nhà.
2. Hỗ trợ 50 triệu đồng mỗi hộ để gia cố móng, tường:
a) nhà cấp bốn;
b) nhà bán kiên cố.

### Điều 4. Hồ sơ, thủ tục
1. Hộ gia đình nộp đơn đề nghị tại Ủy ban nhân dân xã, phường nơi có nhà ở.
2. Ủy ban nhân dân xã, phường xét duyệt trong 15 ngày làm việc.

### Điều 5. Hiệu lực thi hành
Nghị quyết này có hiệu lực từ ngày 01 tháng 01 năm 2027.
"""

CLOSED_DRAFT = """# Quyết định quy định quản lý chiếu sáng đô thị

## Chương I. QUY ĐỊNH CHUNG

### Điều 1. Phạm vi điều chỉnh
Quyết định này quy định việc quản lý, vận hành hệ thống chiếu sáng công cộng đô thị.

### Điều 2. Nguyên tắc
1. Chiếu sáng bảo đảm an toàn giao thông và an ninh trật tự.
2. Sử dụng đèn tiết kiệm năng lượng.

## Chương II. QUẢN LÝ, VẬN HÀNH

### Điều 3. Thời gian chiếu sáng
1. Đèn đường bật từ 18 giờ đến 5 giờ sáng hôm sau.
2. Sau 23 giờ giảm một nửa số đèn trên các tuyến phụ.

### Điều 4. Trách nhiệm của Ủy ban nhân dân xã, phường
Ủy ban nhân dân xã, phường kiểm tra, báo cáo đèn hỏng trong 48 giờ.
"""

# (kind, organisation, author, email, article number or "", clause number or "", text, disposition, explanation)
CLOSED_COMMENTS = [
    (
        "person",
        "",
        "Nguyễn Văn Hải",
        "hai.nguyen@example.vn",
        "3",
        "2",
        "Đề nghị không giảm đèn sau 23 giờ ở các kiệt, hẻm vì người dân đi làm ca đêm về rất tối.",
        "accepted",
        "Tiếp thu: bỏ quy định giảm đèn tại các kiệt, hẻm; chỉ áp dụng trên tuyến phụ có lưu lượng thấp.",
    ),
    (
        "enterprise",
        "Công ty TNHH Điện chiếu sáng Quảng Trị",
        "Phạm Quốc Khánh",
        "khanh@chieusangqt.vn",
        "2",
        "2",
        "Đề nghị quy định rõ tiêu chuẩn đèn LED có hiệu suất tối thiểu 130 lm/W.",
        "partly_accepted",
        "Tiếp thu một phần: dẫn chiếu tiêu chuẩn quốc gia về hiệu suất đèn thay cho con số cụ thể.",
    ),
    (
        "association",
        "Hội Liên hiệp Phụ nữ phường Đông Hà",
        "Trần Thị Mỹ",
        "my.tran@example.vn",
        "4",
        "",
        "Thời hạn 48 giờ xử lý đèn hỏng là dài; đề nghị 24 giờ với các tuyến gần trường học.",
        "not_accepted",
        "Không tiếp thu: 48 giờ là thời gian tối thiểu để đơn vị vận hành chuẩn bị vật tư; tuyến gần trường học "
        "được ưu tiên xử lý trước.",
    ),
    (
        "person",
        "",
        "Lê Thị Thu",
        "thu.le@example.vn",
        "",
        "",
        "Cần công khai số điện thoại đường dây nóng báo đèn hỏng trên cột đèn.",
        "noted",
        "Ghi nhận: sẽ quy định trong quy chế phối hợp của Sở Xây dựng.",
    ),
]
OPEN_COMMENTS = [
    (
        "person",
        "",
        "Võ Thị Lan",
        "lan.vo@example.vn",
        "3",
        "1",
        "Mức 30 triệu đồng cho sửa mái là thấp so với giá vật liệu hiện nay.",
    ),
    (
        "agency",
        "Ủy ban nhân dân phường Nam Đông Hà",
        "Hoàng Văn Tâm",
        "tam@namdongha.gov.vn",
        "4",
        "2",
        "Đề nghị kéo dài thời hạn xét duyệt lên 20 ngày làm việc vì phải kiểm tra hiện trạng từng nhà.",
    ),
    ("person", "", "Đinh Văn Phúc", "phuc@example.vn", "", "", "Ủng hộ chính sách, đề nghị sớm ban hành."),
]


class Command(BaseCommand):
    help = "Load demo consultations (one open, one closed with its report published) on the seed_demo province."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_processes", verbosity=0)
        unit = Unit.objects.filter(code="so-xay-dung").first()
        if unit is None:
            raise CommandError("Run `manage.py seed_demo` first: the demo province has no Sở Xây dựng.")
        if Consultation.objects.filter(title__in=[OPEN_TITLE, CLOSED_TITLE]).exists():
            self.stdout.write("Demo consultations already loaded.")
            return
        User = get_user_model()
        drafter, leader = User.objects.get(username="xuly.sxd"), User.objects.get(username="lanhdao.sxd")
        lawyer = User.objects.get(username="phapche")
        # The province's legal officer appraises the department's drafts (a legal staff role in the drafting unit).
        Membership.objects.get_or_create(user=lawyer, unit=unit, role=Role.LEGAL_STAFF)
        with transaction.atomic():
            closed = self._closed(unit, drafter, leader, lawyer)
            opened = self._open(unit, drafter, lawyer)
        self.stdout.write(
            self.style.SUCCESS(f"Demo consultations loaded: {opened.reference} (open), {closed.reference} (closed).")
        )

    def _step(self, consultation: Consultation, user: Any, data: dict[str, Any]) -> None:
        task = HumanTask.objects.open().get(instance_id=consultation.workflow_id)
        services.complete_step(consultation=consultation, task_id=task.task_id, user=user, data=data)

    def _publish(self, unit: Unit, drafter: Any, lawyer: Any, title: str, draft: str, days: int) -> Consultation:
        today = timezone.localdate()
        consultation = services.create_consultation(
            user=drafter,
            unit=unit,
            kind="legal_document",
            title=title,
            summary="Sở Xây dựng lấy ý kiến nhân dân, doanh nghiệp và các tổ chức về dự thảo.",
            opens_on=today,
            closes_on=today + datetime.timedelta(days=days),
            moderation=ModerationMode.POST,
            draft=draft,
            source_name="du-thao.md",
        )
        self._step(consultation, drafter, {"note": "Hồ sơ lấy ý kiến đầy đủ."})
        self._step(consultation, lawyer, {"review": "approve"})
        return consultation

    def _comment(self, consultation: Consultation, row: tuple[str, ...]) -> Comment:
        kind, organisation, author, email, article_number, clause_number, text = row[:7]
        version = consultation.current_version
        assert version is not None
        article = version.articles.filter(number=article_number).first() if article_number else None
        clause = article.clauses.filter(number=clause_number).first() if article and clause_number else None
        return services.submit_comment(
            consultation=consultation,
            commenter_kind=kind,
            organisation_name=organisation,
            author_name=author,
            email=email,
            text=text,
            article=article,
            clause=clause,
        ).comment

    def _open(self, unit: Unit, drafter: Any, lawyer: Any) -> Consultation:
        consultation = self._publish(unit, drafter, lawyer, OPEN_TITLE, OPEN_DRAFT, days=45)
        for row in OPEN_COMMENTS:
            self._comment(consultation, row)
        return consultation

    def _closed(self, unit: Unit, drafter: Any, leader: Any, lawyer: Any) -> Consultation:
        consultation = self._publish(unit, drafter, lawyer, CLOSED_TITLE, CLOSED_DRAFT, days=30)
        comments = [self._comment(consultation, row) for row in CLOSED_COMMENTS]
        # Demo only: the window ran from 45 to 15 days ago; the engine's timer then closes it.
        today = timezone.localdate()
        moved = {"opens_on": today - datetime.timedelta(days=45), "closes_on": today - datetime.timedelta(days=15)}
        Consultation.objects.filter(pk=consultation.pk).update(
            **moved, published_at=timezone.now() - datetime.timedelta(days=45)
        )
        consultation.refresh_from_db()
        services.sync_window_clock(consultation, actor=drafter)
        workflow_services.fire_timers(instance_id=consultation.workflow_id)
        for comment, row in zip(comments, CLOSED_COMMENTS, strict=True):
            services.dispose_comment(comment=comment, user=drafter, disposition=row[7], explanation=row[8])
        consultation.refresh_from_db()
        self._step(
            consultation,
            drafter,
            {
                "summary": "Sở Xây dựng nhận được 4 góp ý của người dân, doanh nghiệp và hội đoàn thể; đã tiếp thu, "
                "giải trình từng góp ý như dưới đây."
            },
        )
        self._step(consultation, leader, {"approval": "approve"})
        return consultation
