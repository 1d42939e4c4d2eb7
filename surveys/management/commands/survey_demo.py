"""Demo surveys on the demo province of `seed_demo`: the province's Fatherland Front committee (Ủy ban MTTQ, a unit
like any other, added if missing, with its three lanes: reception and handling officers, a leader), one survey open for answers and one with
its results published. Safe to run twice. Never run it in production.

Both are driven through their real process; the published one is closed early by its officer.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from deadlines import calendar
from organisation.models import Membership, Role, Unit
from surveys import identity, services
from surveys.models import Answer, QuestionKind, Survey, TextStatus
from surveys.services import QuestionInput
from workflows.models import HumanTask

PASSWORD = "langnghe-demo"  # noqa: S105 - demo data only, printed on purpose
FRONT = ("uy-ban-mttq-tinh", "Ủy ban MTTQ Việt Nam tỉnh Quảng Trị", "mặt trận")
OFFICIALS = [
    ("tiepnhan.mttq", "Phan Thị", "Hồng", Role.RECEPTION_OFFICER),
    ("xuly.mttq", "Lê Thị", "Thu Trang", Role.HANDLING_OFFICER),
    ("lanhdao.mttq", "Hoàng Văn", "Dũng", Role.UNIT_LEADER),
]
OPEN_TITLE = "Khảo sát ý kiến nhân dân về thực hiện dân chủ ở cơ sở năm 2026"
PUBLISHED_TITLE = "Khảo sát mức độ hài lòng về công khai thu chi ở xã, phường năm 2025"
QUESTIONS = [
    QuestionInput(
        kind="single",
        text="Bạn có được mời họp bàn về các công việc chung của thôn, tổ dân phố không?",
        choices=("Thường xuyên", "Thỉnh thoảng", "Chưa bao giờ"),
    ),
    QuestionInput(
        kind="multiple",
        text="Những nội dung nào đã được công khai ở nơi bạn sinh sống?",
        choices=("Dự toán, quyết toán ngân sách", "Quy hoạch sử dụng đất", "Các khoản đóng góp của nhân dân"),
    ),
    QuestionInput(
        kind="scale",
        text="Mức độ hài lòng của bạn với việc lấy ý kiến nhân dân ở cơ sở",
        scale_min=1,
        scale_max=5,
        scale_min_label="Rất không hài lòng",
        scale_max_label="Rất hài lòng",
    ),
    QuestionInput(kind="text", text="Bạn có kiến nghị gì để thực hiện dân chủ ở cơ sở tốt hơn?", required=False),
]
TEXTS = [
    "Đề nghị niêm yết công khai lâu hơn tại nhà văn hoá thôn.",
    "Nên gửi thông báo họp qua Zalo cho bà con đi làm xa.",
    "Cần giải thích rõ các khoản đóng góp trước khi thu.",
]


def _task(survey: Survey, element_id: str) -> HumanTask:
    return HumanTask.objects.open().get(instance_id=survey.workflow_id, element_id=element_id)


class Command(BaseCommand):
    help = "Load demo monitoring surveys (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        province = Unit.objects.filter(code="quang-tri").first()
        communes = list(Unit.objects.filter(is_commune=True).order_by("code").values_list("code", flat=True))
        if province is None or not communes:
            self.stdout.write("No demo province: run seed_demo first.")
            return
        with transaction.atomic():
            front, users = self._front(province)
            if not Survey.objects.filter(title=PUBLISHED_TITLE).exists():
                survey = self._survey(front, users, PUBLISHED_TITLE, communes, answers=40)
                services.complete_step(
                    survey=survey, task_id=_task(survey, "collect").task_id, user=users[0], data={"close_early": True}
                )
                for answer in Answer.objects.filter(question__survey=survey, question__kind=QuestionKind.TEXT):
                    services.moderate_text(answer=answer, user=users[0], approve=True)
                services.complete_step(
                    survey=survey, task_id=_task(survey, "approve_results").task_id, user=users[1], data={}
                )
            if not Survey.objects.filter(title=OPEN_TITLE).exists():
                self._survey(front, users, OPEN_TITLE, communes, answers=12)
        self.stdout.write(self.style.SUCCESS("Demo surveys loaded."))
        for username, family, given, role in OFFICIALS:
            self.stdout.write(f"  {username:<20} {family} {given} — {role.label}, {front.code}")

    def _front(self, province: Unit) -> tuple[Unit, list[Any]]:
        code, name, kind = FRONT
        front, _ = Unit.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "parent": province})
        users = []  # the handling officer, then the leader
        for username, family, given, role in OFFICIALS:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                user = get_user_model().objects.create_user(
                    username=username, password=PASSWORD, last_name=family, first_name=given
                )
            Membership.objects.get_or_create(user=user, unit=front, role=role)
            if role != Role.RECEPTION_OFFICER:
                users.append(user)
        return front, users

    def _survey(self, front: Unit, users: list[Any], title: str, communes: list[str], *, answers: int) -> Survey:
        officer, leader = users
        today = calendar.today()
        survey = services.create_survey(
            user=officer,
            owner=front,
            title=title,
            description="Mặt trận Tổ quốc lấy ý kiến nhân dân theo Luật Thực hiện dân chủ ở cơ sở (10/2022/QH15).",
            open_from=today,
            open_until=today + datetime.timedelta(days=30),
            communes=communes,
            questions=QUESTIONS,
        )
        services.complete_step(survey=survey, task_id=_task(survey, "prepare").task_id, user=officer, data={})
        services.complete_step(
            survey=survey, task_id=_task(survey, "review").task_id, user=leader, data={"review": "approve"}
        )
        survey.refresh_from_db()
        rng = random.Random(title)
        for number in range(answers):
            commune = services.check_commune(survey, communes[number % len(communes)])
            questions = services.questions_for(survey, commune)
            raw: dict[str, Any] = {}
            for question in questions:
                choices = [str(c.pk) for c in question.choices.all()]
                if question.kind == QuestionKind.SINGLE:
                    raw[question.field_name] = [rng.choice(choices)]
                elif question.kind == QuestionKind.MULTIPLE:
                    raw[question.field_name] = rng.sample(choices, rng.randint(1, len(choices)))
                elif question.kind == QuestionKind.SCALE:
                    raw[question.field_name] = [str(rng.choice([2, 3, 4, 4, 5, 5]))]
                elif number < len(TEXTS):
                    raw[question.field_name] = [TEXTS[number]]
            services.submit_response(
                survey=survey,
                commune=commune,
                respondent_key=identity.destination_hash(f"demo{number}@example.vn"),
                answers=services.check_answers(questions, raw),
            )
        assert not Answer.objects.filter(question__survey=survey, text_status=TextStatus.APPROVED).exists()
        return survey
