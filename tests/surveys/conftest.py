"""Fixtures for surveys: a survey of Phường Đông Hà about two communes, with one question of each kind and one
asked only in Xã Gio Linh; helpers to take it through its process and to answer it by one-time code."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from surveys import services
from surveys.models import Question, Survey
from surveys.services import QuestionInput
from tests.conftest import Org
from workflows.models import HumanTask

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=HCM)


@pytest.fixture(autouse=True)
def _fresh_forms() -> None:
    services._tally_ids.clear()
    services._forms.clear()  # a rolled-back test lets SQLite hand the same id to another survey


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at("2026-03-02"), tick=False) as traveller:
        yield traveller


QUESTIONS = [
    QuestionInput(kind="single", text="Bạn có được thông báo lịch họp tổ dân phố không?", choices=("Có", "Không")),
    QuestionInput(
        kind="multiple",
        text="Những nội dung nào được công khai ở nơi bạn ở?",
        choices=("Ngân sách xã", "Quy hoạch", "Thu chi quỹ"),
    ),
    QuestionInput(
        kind="scale",
        text="Mức hài lòng với việc lấy ý kiến nhân dân",
        scale_min=1,
        scale_max=5,
        scale_min_label="Rất không hài lòng",
        scale_max_label="Rất hài lòng",
    ),
    QuestionInput(kind="text", text="Ý kiến khác của bạn", required=False),
    QuestionInput(
        kind="single",
        text="Xã có tổ chức đối thoại với nông dân không?",
        choices=("Có", "Không"),
        communes=("gio-linh",),
    ),
]


def make_survey(org: Org, **overrides: Any) -> Survey:
    arguments: dict[str, Any] = {
        "user": org.bob,
        "owner": org.dong_ha,
        "title": "Khảo sát thực hiện dân chủ ở cơ sở năm 2026",
        "description": "Ý kiến của bạn giúp chính quyền làm tốt hơn.",
        "open_from": datetime.date(2026, 3, 2),
        "open_until": datetime.date(2026, 3, 20),
        "communes": ["dong-ha", "gio-linh"],
        "questions": QUESTIONS,
    }
    arguments.update(overrides)
    return services.create_survey(**arguments)


def task(survey: Survey, element_id: str) -> HumanTask:
    return HumanTask.objects.open().get(instance_id=survey.workflow_id, element_id=element_id)


def step(survey: Survey, element_id: str, user: Any, **data: Any) -> Survey:
    return services.complete_step(survey=survey, task_id=task(survey, element_id).task_id, user=user, data=data)


@pytest.fixture
def survey(org: Org, processes: None, clock: Any) -> Survey:
    return make_survey(org)


@pytest.fixture
def open_survey(org: Org, survey: Survey) -> Survey:
    step(survey, "prepare", org.bob)
    return step(survey, "review", org.carol, review="approve")


def q(survey: Survey, position: int) -> Question:
    return survey.questions.get(position=position)


def good_answers(survey: Survey, *, commune: str = "dong-ha") -> dict[str, Any]:
    answers: dict[str, Any] = {
        q(survey, 1).field_name: [str(q(survey, 1).choices.get(position=1).pk)],
        q(survey, 2).field_name: [str(c.pk) for c in q(survey, 2).choices.filter(position__in=[1, 3])],
        q(survey, 3).field_name: ["4"],
        q(survey, 4).field_name: ["Nên công khai thu chi sớm hơn."],
    }
    if commune == "gio-linh":
        answers[q(survey, 5).field_name] = [str(q(survey, 5).choices.get(position=2).pk)]
    return answers


def code_from_outbox(contact: str) -> str:
    """The one-time code of the newest message queued to `contact` (the notification outbox)."""
    from notifications.models import Message
    from surveys.identity import normalize_destination

    _, address = normalize_destination(contact)
    for message in Message.objects.order_by("-pk"):
        if address in [str(a.get("to", "")) for a in message.addresses]:
            return re.findall(r"\b\d{6}\b", message.text)[-1]
    raise AssertionError(f"no message to {contact}")


@pytest.fixture
def answer_by_code(client: Any) -> Callable[..., Any]:
    def answer(survey: Survey, contact: str, data: dict[str, Any], *, commune: str = "dong-ha") -> Any:
        url = f"/surveys/{survey.pk}/"
        first = client.post(url, {"action": "request_code", "commune": commune, "contact": contact, **data})
        assert first.status_code == 200, first.content.decode()[:2000]
        code = code_from_outbox(contact)
        return client.post(
            url, {"action": "answer", "commune": commune, "contact": contact, "code": code, "code_sent": "1", **data}
        )

    return answer
