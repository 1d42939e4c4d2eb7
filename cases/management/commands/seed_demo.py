"""Demo data for a fresh start: a province with departments and wards/communes, officials in every role,
and petitions at every stage (received, transferred, in progress, answered and published, rejected), plus a
complaint, a denunciation and a petition heard at a citizen reception session, each part-way through its process.

Safe to run twice: it adds nothing that is already there. Never run it on a production database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import Channel, Petition, PetitionType
from cases.services import record_petition, submit_petition
from organisation.models import Membership, Role, Unit
from organisation.names import split_full_name
from places.loader import load_province
from workflows.models import HumanTask
from workflows.services import complete_task

COMPLAINT_TITLE = "Khiếu nại quyết định xử phạt lấn chiếm vỉa hè"
PASSWORD = "langnghe-demo"  # noqa: S105 - demo data only, printed on purpose

UNITS = [
    # code, name, kind, parent code, is_commune
    ("quang-tri", "UBND tỉnh Quảng Trị", "tỉnh", None, False),
    ("so-xay-dung", "Sở Xây dựng", "sở", "quang-tri", False),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "sở", "quang-tri", False),
    ("thanh-tra-tinh", "Thanh tra tỉnh", "cơ quan", "quang-tri", False),
    ("phuong-dong-ha", "Phường Đông Hà", "phường", "quang-tri", True),
    ("phuong-nam-dong-ha", "Phường Nam Đông Hà", "phường", "quang-tri", True),
    ("xa-gio-linh", "Xã Gio Linh", "xã", "quang-tri", True),
    ("xa-cam-lo", "Xã Cam Lộ", "xã", "quang-tri", True),
]

OFFICIALS = [
    # username, full name (family name first), unit code, roles. Every unit that can receive a petition — a commune
    # from the portal, any unit by transfer, the province for second-instance complaints — has all three lanes.
    ("tiepnhan.dongha", "Nguyễn Thị Lan", "phuong-dong-ha", [Role.RECEPTION_OFFICER]),
    ("xuly.dongha", "Trần Văn Minh", "phuong-dong-ha", [Role.HANDLING_OFFICER]),
    ("lanhdao.dongha", "Lê Quốc Hùng", "phuong-dong-ha", [Role.UNIT_LEADER]),
    ("tiepnhan.namdongha", "Lê Thị Hằng", "phuong-nam-dong-ha", [Role.RECEPTION_OFFICER]),
    ("xuly.namdongha", "Nguyễn Văn Hải", "phuong-nam-dong-ha", [Role.HANDLING_OFFICER]),
    ("lanhdao.namdongha", "Phan Thị Thanh", "phuong-nam-dong-ha", [Role.UNIT_LEADER]),
    ("tiepnhan.giolinh", "Phạm Thị Hoa", "xa-gio-linh", [Role.RECEPTION_OFFICER]),
    ("xuly.giolinh", "Võ Văn Nam", "xa-gio-linh", [Role.HANDLING_OFFICER]),
    ("lanhdao.giolinh", "Hoàng Thị Mai", "xa-gio-linh", [Role.UNIT_LEADER]),
    ("tiepnhan.camlo", "Trần Thị Yến", "xa-cam-lo", [Role.RECEPTION_OFFICER]),
    ("xuly.camlo", "Hồ Văn Sơn", "xa-cam-lo", [Role.HANDLING_OFFICER]),
    ("lanhdao.camlo", "Nguyễn Đình Phúc", "xa-cam-lo", [Role.UNIT_LEADER]),
    ("tiepnhan.sxd", "Đặng Văn Tùng", "so-xay-dung", [Role.RECEPTION_OFFICER]),
    ("xuly.sxd", "Bùi Thị Thu", "so-xay-dung", [Role.HANDLING_OFFICER]),
    ("lanhdao.sxd", "Ngô Văn Bình", "so-xay-dung", [Role.UNIT_LEADER]),
    ("tiepnhan.snnmt", "Lương Thị Hà", "so-nong-nghiep-moi-truong", [Role.RECEPTION_OFFICER]),
    ("xuly.snnmt", "Cao Văn Thắng", "so-nong-nghiep-moi-truong", [Role.HANDLING_OFFICER]),
    ("lanhdao.snnmt", "Đoàn Minh Tâm", "so-nong-nghiep-moi-truong", [Role.UNIT_LEADER]),
    ("tiepnhan.thanhtra", "Vũ Thị Hạnh", "thanh-tra-tinh", [Role.RECEPTION_OFFICER]),
    ("xuly.thanhtra", "Tạ Văn Long", "thanh-tra-tinh", [Role.HANDLING_OFFICER]),
    ("lanhdao.thanhtra", "Lâm Quang Vinh", "thanh-tra-tinh", [Role.UNIT_LEADER]),
    ("tiepnhan.tinh", "Châu Thị Nga", "quang-tri", [Role.RECEPTION_OFFICER]),
    ("xuly.tinh", "Kiều Văn Phong", "quang-tri", [Role.HANDLING_OFFICER]),
    ("lanhdao.tinh", "Trương Minh Đức", "quang-tri", [Role.UNIT_LEADER]),
    # Two legal officers: a process version is published only when one drafts and another reviews it.
    ("phapche", "Đỗ Thị Ngọc", "quang-tri", [Role.LEGAL_STAFF]),
    ("phapche2", "Lý Văn Khoa", "quang-tri", [Role.LEGAL_STAFF]),
]

# username, full name, the lane they hold in every commune of the province that has no official of its own.
OTHER_COMMUNES_OFFICIALS = [
    ("tiepnhan.xaphuong", "Đinh Thị Thu", Role.RECEPTION_OFFICER),
    ("xuly.xaphuong", "Mai Văn Lộc", Role.HANDLING_OFFICER),
    ("lanhdao.xaphuong", "Tôn Nữ Diệu", Role.UNIT_LEADER),
]


class Command(BaseCommand):
    help = "Load demo units, officials and petitions (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_processes", verbosity=0)
        first_run = not Unit.objects.filter(code="quang-tri").exists()
        with transaction.atomic():
            # Every run: a demo database loaded before gets the units and officials added since, once.
            self._units_and_officials()
        if first_run:
            with transaction.atomic():
                self._petitions()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already loaded.")
        # Added later than the rest: a demo database loaded before gets them on its next run, once.
        if not Petition.objects.filter(title=COMPLAINT_TITLE).exists():
            with transaction.atomic():
                self._complaint_denunciation_reception()
            self.stdout.write(self.style.SUCCESS("Demo complaint, denunciation and reception petition loaded."))
        call_command("consultation_demo", stdout=self.stdout)
        call_command("survey_demo", stdout=self.stdout)  # the Fatherland Front committee and its surveys
        call_command("social_demo", stdout=self.stdout)  # a case that came in through Zalo (channels/fixtures/)
        call_command("mail_demo", stdout=self.stdout)  # a case that came in by e-mail, a mail waiting in the queue
        self.stdout.write(f"Demo officials (password «{PASSWORD}»; admin: superuser for /admin/):")
        for username, name, unit_code, roles in OFFICIALS:
            labels = ", ".join(str(role.label) for role in roles)
            self.stdout.write(f"  {username:<20} {name} — {labels}, {unit_code}")
        for username, name, role in OTHER_COMMUNES_OFFICIALS:
            self.stdout.write(f"  {username:<20} {name} — {role.label}, các xã/phường khác")

    def _units_and_officials(self) -> None:
        units: dict[str, Unit] = {}
        for code, name, kind, parent, is_commune in UNITS:
            units[code], _created = Unit.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "parent": units.get(parent) if parent else None,
                    "is_commune": is_commune,
                },
            )
        # The real communes, wards and special zone of Quảng Trị after 1 July 2025 (the four above keep their codes),
        # with their approximate points (places/data/44-quang-tri.csv).
        load_province("44")
        User = get_user_model()
        for username, full_name, unit_code, roles in OFFICIALS:
            if User.objects.filter(username=username).exists():
                continue
            last, first = split_full_name(full_name)
            user = User.objects.create_user(username=username, password=PASSWORD, first_name=first, last_name=last)
            for role in roles:
                Membership.objects.create(user=user, unit=units[unit_code], role=role)
            if Role.LEGAL_STAFF in roles:  # legal staff keep the deadline rules and holidays in /admin/deadlines/
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                user.groups.add(Group.objects.get(name="legal_staff"))  # deadlines/migrations/0006_legal_staff_group.py
        # The province's other communes, wards and special zone (loaded above) are staffed in the demo by three shared
        # officials, one per lane, so that a petition sent to any of them is handled.
        for username, full_name, role in OTHER_COMMUNES_OFFICIALS:
            shared = User.objects.filter(username=username).first()
            if shared is None:
                last, first = split_full_name(full_name)
                shared = User.objects.create_user(
                    username=username, password=PASSWORD, first_name=first, last_name=last
                )
            staffed = Membership.objects.filter(role=role).values("unit")
            Membership.objects.bulk_create(
                Membership(user=shared, unit=unit, role=role)
                for unit in Unit.objects.filter(is_commune=True).exclude(pk__in=staffed)
            )
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@localhost", PASSWORD)

    def _step(self, petition: Petition, username: str, data: dict[str, Any], element_id: str | None = None) -> None:
        user = get_user_model().objects.get(username=username)
        tasks = HumanTask.objects.open().filter(instance=petition.workflow)
        task = tasks.get(element_id=element_id) if element_id else tasks.get()
        complete_task(task_id=task.task_id, user=user, data=data)
        petition.refresh_from_db()

    def _petitions(self) -> None:
        dong_ha = Unit.objects.get(code="phuong-dong-ha")
        gio_linh = Unit.objects.get(code="xa-gio-linh")
        answered = submit_petition(
            petition_type="reflection",
            title="Đèn đường hỏng trên đường Lê Duẩn",
            content="Ba cột đèn đường trước số 120 Lê Duẩn không sáng đã hai tuần, buổi tối rất nguy hiểm cho người đi bộ.",
            commune=dong_ha,
            latitude=Decimal("16.816850"),
            longitude=Decimal("107.094320"),
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912 345 678",
            publish_consent=True,
        ).petition
        self._step(answered, "tiepnhan.dongha", {"decision": "accept"})
        self._step(
            answered, "lanhdao.dongha", {"handler": "xuly.dongha", "instructions": "Kiểm tra hiện trường trong tuần."}
        )
        self._step(
            answered,
            "xuly.dongha",
            {"answer": "Phường đã phối hợp với đơn vị điện lực thay bóng ba cột đèn; đèn sáng lại từ ngày 20/11."},
        )
        self._step(answered, "lanhdao.dongha", {"approval": "approve"})

        returned = submit_petition(
            petition_type="recommendation",
            title="Đề nghị lắp biển báo giảm tốc gần trường tiểu học",
            content="Đề nghị lắp biển báo và gờ giảm tốc trên đường trước Trường Tiểu học Gio Linh vì xe chạy nhanh giờ tan học.",
            commune=gio_linh,
            petitioner_name="Trần Thị Bích",
            petitioner_email="bich.tran@example.vn",
            publish_consent=True,
        ).petition
        self._step(returned, "tiepnhan.giolinh", {"decision": "accept"})
        self._step(returned, "lanhdao.giolinh", {"handler": "xuly.giolinh"})
        self._step(returned, "xuly.giolinh", {"answer": "Sẽ xem xét."})
        self._step(returned, "lanhdao.giolinh", {"approval": "return", "comments": "Nêu rõ thời gian lắp biển báo."})

        transferred = submit_petition(
            petition_type="reflection",
            title="Công trình xây dựng lấn chiếm vỉa hè",
            content="Công trình nhà ở tại số 45 đường Hùng Vương để vật liệu xây dựng trên vỉa hè nhiều tháng nay.",
            commune=dong_ha,
            petitioner_name="Lê Văn Cường",
            petitioner_phone="0987 654 321",
        ).petition
        self._step(transferred, "tiepnhan.dongha", {"decision": "transfer", "transfer_to": "so-xay-dung"})

        rejected = submit_petition(
            petition_type="reflection",
            title="Hỏi về giá vé máy bay",
            content="Tại sao giá vé máy bay dịp Tết lại cao như vậy, đề nghị giải thích.",
            commune=gio_linh,
            petitioner_name="Phạm Văn Dũng",
            petitioner_phone="0905 111 222",
        ).petition
        self._step(
            rejected,
            "tiepnhan.giolinh",
            {
                "decision": "reject",
                "reason": "Nội dung không thuộc thẩm quyền của chính quyền địa phương; đề nghị gửi Bộ Tài chính.",
            },
        )

        submit_petition(
            petition_type="reflection",
            title="Rác thải tồn đọng tại chợ Đông Hà",
            content="Khu vực phía sau chợ Đông Hà rác thải không được thu gom ba ngày, bốc mùi hôi.",
            commune=dong_ha,
            petitioner_name="Hồ Thị Em",
            petitioner_phone="0935 000 111",
            publish_consent=True,
        )

    def _complaint_denunciation_reception(self) -> None:
        dong_ha = Unit.objects.get(code="phuong-dong-ha")
        gio_linh = Unit.objects.get(code="xa-gio-linh")
        # A first-instance complaint, accepted and being verified; its 30-day clock runs from acceptance.
        complaint = submit_petition(
            petition_type=PetitionType.COMPLAINT,
            title=COMPLAINT_TITLE,
            content="Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì gian hàng của tôi đặt trong phần đất nhà mình, "
            "không lấn chiếm vỉa hè.",
            commune=dong_ha,
            petitioner_name="Đinh Văn Khải",
            petitioner_phone="0914 555 666",
            publish_consent=True,
        ).petition
        self._step(complaint, "tiepnhan.dongha", {"decision": "accept", "complexity": "normal"})
        self._step(
            complaint, "lanhdao.dongha", {"handler": "xuly.dongha", "instructions": "Đo lại ranh giới gian hàng."}
        )
        # A denunciation, accepted; the denouncer was notified and the leader is to assign the verification.
        denunciation = submit_petition(
            petition_type=PetitionType.DENUNCIATION,
            title="Tố cáo việc thu tiền ngoài quy định khi cấp giấy phép",
            content="Cán bộ một cửa của xã yêu cầu nộp thêm tiền «bồi dưỡng» khi nhận hồ sơ cấp giấy phép xây dựng.",
            commune=gio_linh,
            petitioner_name="Mai Thị Lụa",
            petitioner_phone="0916 777 888",
        ).petition
        self._step(denunciation, "xuly.giolinh", {"decision": "accept"}, "classify")
        # Both notices of Art. 29: to the denouncer, and the content denounced to the denounced person.
        self._step(
            denunciation,
            "xuly.giolinh",
            {
                "notice_method": "post",
                "denounced_name": "Cán bộ bộ phận một cửa, UBND xã Gio Linh",
                "denounced_address": "UBND xã Gio Linh",
                "denounced_content": "Thu tiền «bồi dưỡng» ngoài quy định khi nhận hồ sơ cấp giấy phép xây dựng.",
            },
            "notify",
        )
        # A recommendation heard at a citizen reception session, accepted and waiting for a handling officer.
        reception = record_petition(
            recorded_by=get_user_model().objects.get(username="tiepnhan.dongha"),
            channel=Channel.RECEPTION,
            petition_type=PetitionType.RECOMMENDATION,
            title="Đề nghị nạo vét cống thoát nước đường Trần Hưng Đạo",
            content="Tại buổi tiếp công dân, bà Cúc đề nghị nạo vét cống thoát nước vì mưa lớn là ngập cả đoạn đường.",
            commune=dong_ha,
            petitioner_name="Võ Thị Cúc",
            petitioner_phone="0935 222 333",
            publish_consent=True,
        ).petition
        self._step(reception, "tiepnhan.dongha", {"decision": "accept"})
