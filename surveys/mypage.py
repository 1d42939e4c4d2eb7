"""The "my survey answers" section of a citizen's My page (`citizens.mypage`), their data download and what
closing the account does: the responses stay (they are counted in results) and lose their link to the account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from citizens import mypage
from citizens.models import Citizen
from surveys.models import Answer, Response


def _responses(citizen: Citizen) -> list[Response]:
    return list(Response.objects.filter(citizen=citizen).select_related("survey", "commune").order_by("-submitted_at"))


def context(request: HttpRequest, citizen: Citizen) -> dict[str, Any] | None:
    return {"responses": _responses(citizen)}


def export(citizen: Citizen) -> list[dict[str, Any]]:
    out = []
    for response in _responses(citizen):
        answers = Answer.objects.filter(response=response).select_related("question", "choice").order_by("pk")
        out.append(
            {
                "survey": response.survey.reference,
                "title": response.survey.title,
                "commune": response.commune.name,
                "submitted_at": response.submitted_at.isoformat(),
                "answers": [
                    {
                        "question": answer.question.text,
                        "answer": answer.choice.text
                        if answer.choice
                        else answer.value
                        if answer.value is not None
                        else answer.text,
                    }
                    for answer in answers
                ],
            }
        )
    return out


def forget(citizen: Citizen) -> None:
    Response.objects.filter(citizen=citizen).update(citizen=None)


def register() -> None:
    mypage.register(
        mypage.Section(
            key="surveys",
            title=_("Khảo sát tôi đã trả lời"),
            template="surveys/_mypage.html",
            context=context,
            order=50,
            export=export,
            forget=forget,
        )
    )
