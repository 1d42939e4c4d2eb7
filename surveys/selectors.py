"""Reads for surveys: public lists, the results (from the tallies: a few rows, whatever the number of answers),
the approved free texts (redacted), export rows, and the officials' page of a task."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse

from surveys.models import Answer, Question, QuestionKind, Survey, SurveyState, Tally, TallyKind, TextStatus

if TYPE_CHECKING:
    from workflows.models import HumanTask

PUBLIC_STATES = (SurveyState.OPEN, SurveyState.CLOSED, SurveyState.PUBLISHED)


def task_work_url(task: HumanTask) -> str:
    survey = Survey.objects.filter(workflow_id=task.instance_id).only("pk").first()
    return reverse("surveys:manage", args=[survey.pk]) if survey else ""


def public_surveys() -> QuerySet[Survey]:
    """What the public list shows: surveys open for answers and those whose results are published."""
    return (
        Survey.objects.filter(state__in=(SurveyState.OPEN, SurveyState.PUBLISHED))
        .select_related("owner")
        .order_by("-opened_at", "-pk")
    )


def public_survey(pk: int, *, with_owner: bool = True) -> Survey | None:
    """The survey if the public may see it. `with_owner=False` for an answer: it is read on every one and needs
    only the survey's row (the owner is read on demand by a page that shows it)."""
    surveys = Survey.objects.select_related("owner") if with_owner else Survey.objects.all()
    try:
        return surveys.get(pk=pk, state__in=PUBLIC_STATES)  # not .first(): no ORDER BY to compile and run
    except Survey.DoesNotExist:
        return None


def results_visible(survey: Survey, *, official: bool) -> bool:
    return official or survey.state == SurveyState.PUBLISHED


def percent(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


@dataclass
class Bucket:
    key: int
    label: str
    count: int = 0
    percent: float = 0.0


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    buckets: list[Bucket] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        q = self.question
        return {
            "id": q.pk,
            "position": q.position,
            "kind": q.kind,
            "text": q.text,
            "answered": self.answered,
            "choices": [{"key": b.key, "label": b.label, "count": b.count, "percent": b.percent} for b in self.buckets],
            "mean": self.mean,
            "approved_texts": self.texts,
        }


@dataclass
class Results:
    survey: Survey
    responses: int
    communes: list[dict[str, Any]]
    questions: list[QuestionResult]
    commune: str = ""


def results(survey: Survey, *, commune: str = "", with_texts: bool = True, text_limit: int | None = 50) -> Results:
    """Counts and percentages per question (all communes, or one), and per commune, read from the tallies."""
    communes = list(survey.communes.order_by("name").values("pk", "code", "name"))
    by_code = {row["code"]: row for row in communes}
    selected = by_code.get(commune)
    rows = Tally.objects.filter(survey=survey).values_list("commune_id", "question_id", "kind", "bucket", "count")
    responses_by_commune: dict[int, int] = defaultdict(int)
    counts: dict[tuple[int | None, str, int], int] = defaultdict(int)
    for commune_id, question_id, kind, bucket, count in rows:
        if kind == TallyKind.RESPONSES:
            responses_by_commune[commune_id] += count
        if selected is None or commune_id == selected["pk"]:
            counts[(question_id, kind, bucket)] += count
    total = sum(responses_by_commune.values())
    responses = responses_by_commune.get(selected["pk"], 0) if selected else total
    commune_rows = [
        {
            "code": row["code"],
            "name": row["name"],
            "responses": responses_by_commune.get(row["pk"], 0),
            "percent": percent(responses_by_commune.get(row["pk"], 0), total),
        }
        for row in communes
    ]
    texts: dict[int, list[str]] = defaultdict(list)
    if with_texts:
        for question_id, text in approved_texts(survey, commune=selected["pk"] if selected else None):
            if text_limit is None or len(texts[question_id]) < text_limit:
                texts[question_id].append(text)
    out: list[QuestionResult] = []
    for question in survey.questions.prefetch_related("choices"):
        answered = counts.get((question.pk, TallyKind.ANSWERED, 0), 0)
        result = QuestionResult(question, answered=answered, texts=texts.get(question.pk, []))
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            keys = [(c.pk, c.text) for c in question.choices.all()]
        elif question.kind == QuestionKind.SCALE:
            ends = {question.scale_min: question.scale_min_label, question.scale_max: question.scale_max_label}
            keys = [(v, f"{v} ({ends[v]})" if ends.get(v) else str(v)) for v in question.scale_values]
        else:
            keys = []
        total_value = 0
        for key, label in keys:
            count = counts.get((question.pk, TallyKind.BUCKET, key), 0)
            result.buckets.append(Bucket(key, label, count, percent(count, answered)))
            total_value += key * count
        if question.kind == QuestionKind.SCALE and answered:
            result.mean = round(total_value / answered, 2)
        out.append(result)
    return Results(survey, responses, commune_rows, out, commune=selected["code"] if selected else "")


def approved_texts(survey: Survey, *, commune: int | None = None) -> list[tuple[int, str]]:
    """(question id, redacted text) of every free-text answer approved for publication."""
    answers = Answer.objects.filter(question__survey=survey, text_status=TextStatus.APPROVED).order_by("pk")
    if commune is not None:
        answers = answers.filter(response__commune_id=commune)
    return [
        (question_id, Answer(text=text).public_text) for question_id, text in answers.values_list("question_id", "text")
    ]


def moderation_queue(survey: Survey, status: str = TextStatus.PENDING) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(question__survey=survey, question__kind=QuestionKind.TEXT, text_status=status)
        .select_related("question", "response__commune")
        .order_by("pk")
    )


def chart_data(result: Results) -> dict[str, Any]:
    """What the page's charts draw (`frontend/survey-charts.js`), as JSON in the page: labels and counts only."""
    return {
        "questions": [
            {"id": q.question.pk, "labels": [b.label for b in q.buckets], "counts": [b.count for b in q.buckets]}
            for q in result.questions
            if q.buckets
        ],
        "communes": {
            "labels": [c["name"] for c in result.communes],
            "counts": [c["responses"] for c in result.communes],
        },
    }
