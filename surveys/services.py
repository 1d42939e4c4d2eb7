"""Writes for surveys: create a survey with its questions, the steps of its process, answer intake with its
tallies, and the moderation of free-text answers.

Functions named `check_*` validate and raise; the others change state inside one transaction. Who may manage a
survey: officials of its owner unit itself (`Survey.owner`); the leader of that unit reviews it and publishes its
results (the engine checks the lane of each step).

The period's clock. The process waits in the user task `collect` with an interrupting boundary timer
`close_period`; both name the rule `survey.window` (the engine requires every timer to name a rule). Whatever the
rule says, the survey promised its period: `schedule_period`, a step hook of the engine (registered in
`apps.py`), sets both clocks to the end of `open_until`, so the deadline worker (`run_deadlines`) closes it then.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext

from deadlines import calendar
from deadlines.services import compute_due
from organisation.models import Membership, Role, Unit
from privacy import redaction
from surveys.errors import AlreadyAnswered, InvalidInput, NotAllowed, NotOpen, WrongState
from surveys.models import (
    SUBJECT_TYPE,
    Answer,
    Choice,
    Question,
    QuestionKind,
    RejectionReason,
    Response,
    Survey,
    SurveyState,
    Tally,
    TallyKind,
    TextStatus,
)
from workflows import clock, subjects
from workflows import services as workflow_services
from workflows.models import HumanTask, WorkflowInstance

RULE = "survey.window"
COLLECT_TASK = "collect"
CLOSE_TIMER = "close_period"
MANAGING_ROLES = (Role.RECEPTION_OFFICER, Role.HANDLING_OFFICER, Role.UNIT_LEADER)
DRAFTING_ROLES = (Role.HANDLING_OFFICER, Role.UNIT_LEADER)
MAX_TEXT_CHARS = 5_000
MAX_QUESTIONS = 50
MAX_CHOICES = 20


# ---- who may do what ---------------------------------------------------------------------------------------


def may_manage(user: Any, survey: Survey) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        Membership.objects.filter(user_id=user.pk, unit_id=survey.owner_id, role__in=MANAGING_ROLES).exists()
    )


def check_official(user: Any, unit: Unit, roles: Sequence[str], *, what: str) -> User:
    """The user holds one of `roles` in `unit` itself; returns the user or raises NotAllowed (403)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(gettext("Cần đăng nhập"))
    if not Membership.objects.filter(user_id=user.pk, unit_id=unit.pk, role__in=roles).exists():
        raise NotAllowed(
            gettext("Chỉ cán bộ của %(unit_name)s (đơn vị khảo sát) được %(what)s")
            % {"unit_name": unit.name, "what": what}
        )
    return user


def check_manage(user: Any, survey: Survey) -> User:
    return check_official(user, survey.owner, MANAGING_ROLES, what=gettext("quản lý khảo sát này"))


def managed_units(user: Any) -> list[Unit]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Unit.objects.filter(memberships__user_id=user.pk, memberships__role__in=DRAFTING_ROLES)
        .distinct()
        .order_by("name")
    )


# ---- creating a survey -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    required: bool = True
    choices: tuple[str, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    communes: tuple[str, ...] = ()  # codes; empty: every commune of the survey


def check_questions(questions: Sequence[QuestionInput], communes: Iterable[str]) -> None:
    allowed = set(communes)
    errors: dict[str, str] = {}
    if not questions:
        errors["questions"] = gettext("Cần ít nhất một câu hỏi")
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = gettext("Tối đa %(n)s câu hỏi") % {"n": MAX_QUESTIONS}
    for number, question in enumerate(questions, start=1):
        field = f"questions.{number}"
        if question.kind not in QuestionKind.values:
            errors[f"{field}.kind"] = gettext("Loại câu hỏi không hợp lệ")
        if not question.text.strip():
            errors[f"{field}.text"] = gettext("Cần nội dung câu hỏi")
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            choices = [choice.strip() for choice in question.choices if choice.strip()]
            if len(choices) < 2:
                errors[f"{field}.choices"] = gettext("Cần ít nhất hai lựa chọn")
            elif len(choices) > MAX_CHOICES or len(set(choices)) != len(choices):
                errors[f"{field}.choices"] = gettext("Các lựa chọn phải khác nhau, tối đa %(n)s") % {"n": MAX_CHOICES}
        if question.kind == QuestionKind.SCALE and (
            question.scale_min is None
            or question.scale_max is None
            or question.scale_max <= question.scale_min
            or question.scale_max - question.scale_min > 10
        ):
            errors[f"{field}.scale"] = gettext("Thang điểm cần điểm thấp nhất nhỏ hơn điểm cao nhất (tối đa 11 mức)")
        unknown = set(question.communes) - allowed
        if unknown:
            errors[f"{field}.communes"] = gettext("Xã, phường không thuộc khảo sát: %(codes)s") % {
                "codes": ", ".join(sorted(unknown))
            }
    if errors:
        raise InvalidInput(errors)


def check_period(open_from: datetime.date | None, open_until: datetime.date | None) -> None:
    if open_from is None:
        raise InvalidInput({"open_from": gettext("Nhập ngày bắt đầu (YYYY-MM-DD)")})
    if open_until is None:
        raise InvalidInput({"open_until": gettext("Nhập ngày kết thúc (YYYY-MM-DD)")})
    if open_until < open_from:
        raise InvalidInput({"open_until": gettext("Ngày kết thúc trước ngày bắt đầu")})
    if open_until < calendar.today():
        raise InvalidInput({"open_until": gettext("Ngày kết thúc đã qua")})


@transaction.atomic
def create_survey(
    *,
    user: Any,
    owner: Unit,
    title: str,
    description: str,
    open_from: datetime.date | None,
    open_until: datetime.date | None,
    communes: Sequence[str],
    questions: Sequence[QuestionInput],
) -> Survey:
    """An official of the owner unit drafts a survey with its questions and starts its process (at `prepare`)."""
    official = check_official(user, owner, DRAFTING_ROLES, what=gettext("tạo khảo sát"))
    if not title.strip():
        raise InvalidInput({"title": gettext("Cần tên khảo sát")})
    check_period(open_from, open_until)
    assert open_from is not None and open_until is not None
    commune_units = list(Unit.objects.filter(code__in=set(communes), is_commune=True))
    if not communes or len(commune_units) != len(set(communes)):
        raise InvalidInput({"communes": gettext("Chọn các xã, phường được khảo sát")})
    check_questions(questions, communes)
    instance = workflow_services.create_instance(
        subject_type=SUBJECT_TYPE, unit=owner, reference=f"tmp-{uuid.uuid4().hex[:20]}", title=title[:300]
    )
    survey = Survey.objects.create(
        reference=instance.reference,
        owner=owner,
        title=title.strip()[:300],
        description=description.strip(),
        open_from=open_from,
        open_until=open_until,
        created_by=official,
        workflow=instance,
    )
    survey.reference = f"{settings.TRACKING_CODE_PREFIX}-KS-{timezone.localdate().year}-{survey.pk:04d}"
    survey.save(update_fields=["reference"])
    WorkflowInstance.objects.filter(pk=instance.pk).update(reference=survey.reference)
    instance.reference = survey.reference
    survey.communes.set(commune_units)
    by_code = {unit.code: unit for unit in commune_units}
    for position, item in enumerate(questions, start=1):
        question = Question.objects.create(
            survey=survey,
            position=position,
            kind=item.kind,
            text=item.text.strip()[:500],
            required=item.required,
            scale_min=item.scale_min if item.kind == QuestionKind.SCALE else None,
            scale_max=item.scale_max if item.kind == QuestionKind.SCALE else None,
            scale_min_label=item.scale_min_label.strip()[:100] if item.kind == QuestionKind.SCALE else "",
            scale_max_label=item.scale_max_label.strip()[:100] if item.kind == QuestionKind.SCALE else "",
        )
        if item.communes:
            question.communes.set([by_code[code] for code in item.communes])
        if item.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            Choice.objects.bulk_create(
                [
                    Choice(question=question, position=index, text=text.strip()[:300])
                    for index, text in enumerate([c for c in item.choices if c.strip()], start=1)
                ]
            )
    workflow_services.run_instance(
        instance,
        data={"reference": survey.reference},
        summary=f"Tạo khảo sát «{survey.title}»",
        actor=official,
    )
    return survey


# ---- the process -------------------------------------------------------------------------------------------


def open_tasks(survey: Survey) -> list[HumanTask]:
    return list(HumanTask.objects.open().filter(instance_id=survey.workflow_id).order_by("created_at"))


def complete_step(
    *, survey: Survey, task_id: uuid.UUID, user: Any, data: dict[str, Any], strict: bool = True
) -> Survey:
    """Complete a step of the survey's process (the engine checks the lane's role and unit). One transaction."""
    if not HumanTask.objects.filter(task_id=task_id, instance_id=survey.workflow_id).exists():
        raise InvalidInput({"task": gettext("Bước này không thuộc khảo sát này")})
    check_manage(user, survey)
    workflow_services.complete_task(task_id=task_id, user=user, data=data, strict=strict)
    survey.refresh_from_db()
    return survey


def _period_due(row: Any, survey: Survey) -> Any:
    minimum = compute_due(rule_code=RULE, start=survey.open_from, today=max(calendar.today(), survey.open_from))
    until = survey.open_until
    return dataclasses.replace(
        minimum,
        due_at=calendar.end_of_day(until),
        due_date=until,
        remind_date=max(calendar.add_working_days(until, -1), calendar.today() + datetime.timedelta(days=1)),
        explanation=f"Hạn {until.isoformat()}: kết thúc khảo sát theo thời gian đã công bố "
        f"({survey.open_from.isoformat()} – {until.isoformat()}).",
        explanation_en=f"Due {until.isoformat()}: the survey closes at the end of its published period "
        f"({survey.open_from.isoformat()} – {until.isoformat()}).",
    )


def schedule_period(step: subjects.Step) -> None:
    """Step hook: when `collect` and its timer start, set their clocks to the end of the survey's period."""
    rows = [row for row in step.new_clocks if row.element_id in (COLLECT_TASK, CLOSE_TIMER)]
    if not rows:
        return
    survey = Survey.objects.filter(workflow_id=step.instance.pk).first()
    if survey is None:  # a test run of the diagram
        return
    for row in rows:
        clock.schedule(row, _period_due(row, survey))
    step.context.record("period_scheduled", f"Hẹn giờ kết thúc khảo sát vào cuối ngày {survey.open_until:%d/%m/%Y}")


def prepare_tallies(survey: Survey) -> None:
    """The tally rows of every commune, question and bucket, all at zero (made once, when the survey opens)."""
    rows: list[Tally] = []
    communes = list(survey.communes.all())
    questions = list(survey.questions.prefetch_related("choices", "communes"))
    for commune in communes:
        rows.append(Tally(survey=survey, commune=commune, kind=TallyKind.RESPONSES))
        for question in questions:
            limited = {unit.pk for unit in question.communes.all()}
            if limited and commune.pk not in limited:
                continue
            rows.append(Tally(survey=survey, commune=commune, question=question, kind=TallyKind.ANSWERED))
            buckets = [choice.pk for choice in question.choices.all()] + question.scale_values
            rows += [
                Tally(survey=survey, commune=commune, question=question, kind=TallyKind.BUCKET, bucket=bucket)
                for bucket in buckets
            ]
    Tally.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def enqueue_search(survey: Survey) -> None:
    """Queue the survey's public results document (indexed only once its results are published)."""
    try:
        from search.outbox import enqueue
    except ImportError:  # a checkout without the search outbox
        return
    enqueue("survey_results", survey.pk)


# ---- answers -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerForm:
    """What an answer is checked against: the survey's communes by code and the questions each one sees."""

    communes: dict[str, Unit]
    questions: dict[int, list[Question]]  # by commune id


# A survey's questions and communes never change once created (no service edits them), so each process reads
# them once per survey; keyed with the creation moment too, so that a reused id (a test's rolled-back row) misses.
_forms: dict[tuple[int, datetime.datetime], AnswerForm] = {}


def answer_form(survey: Survey) -> AnswerForm:
    key = (survey.pk, survey.created_at)
    form = _forms.get(key)
    if form is None:
        communes = {unit.code: unit for unit in survey.communes.all()}
        questions = list(survey.questions.prefetch_related("choices", "communes"))
        form = AnswerForm(
            communes=communes,
            questions={
                unit.pk: [
                    q for q in questions if not q.communes.all() or any(u.pk == unit.pk for u in q.communes.all())
                ]
                for unit in communes.values()
            },
        )
        if len(_forms) > 200:
            _forms.clear()
        _forms[key] = form
    return form


_tally_ids: dict[tuple[int, datetime.datetime, int], dict[tuple[int | None, str, int], int]] = {}


def tally_ids(survey: Survey, commune: Unit) -> dict[tuple[int | None, str, int], int]:
    """(question id, kind, bucket) → the id of its tally row in `commune` (rows made once, when the survey opened,
    and never deleted: read once per process)."""
    key = (survey.pk, survey.created_at, commune.pk)
    ids = _tally_ids.get(key)
    if ids is None:
        rows = Tally.objects.filter(survey=survey, commune=commune).values_list("pk", "question_id", "kind", "bucket")
        ids = {(question_id, kind, bucket): pk for pk, question_id, kind, bucket in rows}
        if not ids:
            raise WrongState(gettext("Khảo sát chưa mở"))
        if len(_tally_ids) > 5000:
            _tally_ids.clear()
        _tally_ids[key] = ids
    return ids


def questions_for(survey: Survey, commune: Unit) -> list[Question]:
    """The questions an answerer of `commune` sees: those of every commune and those asked only there."""
    return answer_form(survey).questions.get(commune.pk, [])


def check_commune(survey: Survey, code: str) -> Unit:
    commune = answer_form(survey).communes.get(code) if code else None
    if commune is None:
        raise InvalidInput({"commune": gettext("Chọn xã, phường nơi bạn sinh sống (trong danh sách của khảo sát)")})
    return commune


def check_open(survey: Survey) -> None:
    now = timezone.now()
    if survey.state == SurveyState.OPEN and now < survey.opens_at:
        raise NotOpen(gettext("Khảo sát bắt đầu từ ngày %(date)s") % {"date": format(survey.open_from, "%d/%m/%Y")})
    if not survey.accepts_answers(now):
        raise NotOpen(gettext("Khảo sát đã kết thúc; không nhận thêm trả lời"))


@dataclass(frozen=True)
class CleanAnswer:
    question: Question
    choices: tuple[Choice, ...] = ()
    value: int | None = None
    text: str = ""


def _values(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [str(item).strip() for item in raw if str(item).strip()]
    value = str(raw).strip()
    return [value] if value else []


def check_answers(questions: Sequence[Question], raw: Mapping[str, Any]) -> list[CleanAnswer]:
    """Validate the answers (`raw`: "q<id>" → a value or a list of values) against the questions shown; raises
    InvalidInput naming each wrong field. Answers to questions not shown are refused too."""
    errors: dict[str, str] = {}
    cleaned: list[CleanAnswer] = []
    shown = {question.field_name for question in questions}
    for name in raw:
        if name.startswith("q") and name[1:].isdigit() and name not in shown:
            errors[name] = gettext("Câu hỏi này không thuộc khảo sát hoặc không dành cho xã, phường đã chọn")
    for question in questions:
        name, values = question.field_name, _values(raw.get(question.field_name))
        if not values:
            if question.required:
                errors[name] = gettext("Câu hỏi bắt buộc: hãy trả lời")
            continue
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            by_id = {str(choice.pk): choice for choice in question.choices.all()}
            if question.kind == QuestionKind.SINGLE and len(values) > 1:
                errors[name] = gettext("Chỉ chọn một phương án")
            elif len(set(values)) != len(values):
                errors[name] = gettext("Một phương án được chọn hai lần")
            elif any(value not in by_id for value in values):
                errors[name] = gettext("Phương án không có trong câu hỏi")
            else:
                cleaned.append(CleanAnswer(question, choices=tuple(by_id[value] for value in values)))
        elif question.kind == QuestionKind.SCALE:
            low, high = question.scale_min, question.scale_max
            if len(values) > 1 or not values[0].lstrip("-").isdigit() or not low <= int(values[0]) <= high:  # type: ignore[operator]
                errors[name] = gettext("Chọn một mức từ %(low)s đến %(high)s") % {"low": low, "high": high}
            else:
                cleaned.append(CleanAnswer(question, value=int(values[0])))
        else:
            text = "\n".join(values).strip()
            if len(text) > MAX_TEXT_CHARS:
                errors[name] = gettext("Tối đa %(n)s ký tự") % {"n": MAX_TEXT_CHARS}
            else:
                cleaned.append(CleanAnswer(question, text=text))
    if errors:
        raise InvalidInput(errors)
    return cleaned


def submit_response(
    *,
    survey: Survey,
    commune: Unit,
    respondent_key: str,
    answers: Sequence[CleanAnswer],
    citizen_id: int | None = None,
    language: str = "",
) -> int:
    """Store one respondent's answers and count them in the tallies, in one transaction (the tally rows of the
    commune stay locked until it commits; `Survey.responses_count` is set from the tallies when the survey closes, so
    answers do not all wait on the survey's row). Returns the new response's id.

    The database refuses a second response of the same respondent (unique survey + respondent_key): the loser of
    two concurrent answers gets AlreadyAnswered and nothing of it is stored (the whole transaction rolls back)."""
    check_open(survey)
    try:
        with transaction.atomic():
            return _write_response(survey, commune, respondent_key, answers, citizen_id, language)
    except IntegrityError as error:
        if "respondent" not in str(error):
            raise
        raise AlreadyAnswered(gettext("Bạn đã trả lời khảo sát này; mỗi người chỉ trả lời một lần")) from None


def _insert(model: type[Any], columns: Sequence[str], rows: int, *, returning: bool = False) -> str:
    """INSERT of `rows` rows of `columns` into `model`'s table, every value a placeholder."""
    quote = connection.ops.quote_name
    marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * rows)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES {marks}"  # noqa: S608
    return sql + f" RETURNING {quote('id')}" if returning else sql


RESPONSE_COLUMNS = ("survey_id", "commune_id", "respondent_key", "citizen_id", "language", "submitted_at")
ANSWER_COLUMNS = (  # the moderator and the time of moderation stay NULL
    "response_id",
    "question_id",
    "choice_id",
    "value",
    "text",
    "text_status",
    "rejection_reason",
    "moderation_note",
)


def _write_response(
    survey: Survey,
    commune: Unit,
    respondent_key: str,
    answers: Sequence[CleanAnswer],
    citizen_id: int | None,
    language: str,
) -> int:
    """The response, its answer rows and the tallies in four statements, written out: every answer runs them, and
    compiling them through the ORM (a model's save, bulk_create, a filtered update) cost more CPU than the database's
    work (bench/surveys.py)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _insert(Response, RESPONSE_COLUMNS, 1, returning=True),
            [survey.pk, commune.pk, respondent_key, citizen_id, language[:8], now],
        )
        response_id = int(cursor.fetchone()[0])
        rows: list[tuple[Any, ...]] = []
        buckets: list[tuple[int | None, str, int]] = [(None, TallyKind.RESPONSES, 0)]
        for item in answers:
            question = item.question
            buckets.append((question.pk, TallyKind.ANSWERED, 0))
            if item.choices:
                rows += [(response_id, question.pk, choice.pk, None, "", "", "", "") for choice in item.choices]
                buckets += [(question.pk, TallyKind.BUCKET, choice.pk) for choice in item.choices]
            elif item.value is not None:
                rows.append((response_id, question.pk, None, item.value, "", "", "", ""))
                buckets.append((question.pk, TallyKind.BUCKET, item.value))
            else:
                rows.append((response_id, question.pk, None, None, item.text, TextStatus.PENDING, "", ""))
        if rows:
            cursor.execute(_insert(Answer, ANSWER_COLUMNS, len(rows)), [value for row in rows for value in row])
    # The commune's response count first: its row lock orders the answers of one commune (the bucket rows are then
    # never locked in two orders by two transactions: no deadlock); then one UPDATE of the response's bucket rows
    # by their ids (made when the survey opened, read once per process and commune).
    ids = tally_ids(survey, commune)
    _count_in([ids[(None, TallyKind.RESPONSES, 0)]])
    bucket_ids = sorted({ids[key] for key in buckets[1:]})
    if bucket_ids:
        _count_in(bucket_ids)
    return response_id


def _count_in(ids: Sequence[int]) -> None:
    """Add one to the tally rows `ids`: one UPDATE, written out (as `_write_response`'s statements)."""
    quote = connection.ops.quote_name
    table, count, pk, marks = quote(Tally._meta.db_table), quote("count"), quote("id"), ", ".join(["%s"] * len(ids))
    sql = f"UPDATE {table} SET {count} = {count} + 1 WHERE {pk} IN ({marks})"  # noqa: S608 - names only, no values
    with connection.cursor() as cursor:
        cursor.execute(sql, list(ids))


# ---- moderation of free texts ------------------------------------------------------------------------------


def personal_data_found(text: str) -> list[str]:
    """What the public copy of a free text will hide (shown to the moderator)."""
    return sorted(redaction.find_personal_data(text))


@transaction.atomic
def moderate_text(*, answer: Answer, user: Any, approve: bool, reason: str = "", note: str = "") -> Answer:
    """Approve a free-text answer for publication (redacted), or reject it with a reason."""
    answer = Answer.objects.select_for_update().select_related("question__survey__owner").get(pk=answer.pk)
    survey = answer.question.survey
    official = check_official(user, survey.owner, MANAGING_ROLES, what=gettext("kiểm duyệt ý kiến khảo sát"))
    if answer.question.kind != QuestionKind.TEXT:
        raise InvalidInput({"answer": gettext("Chỉ kiểm duyệt ý kiến tự do")})
    if approve:
        if answer.text_status == TextStatus.APPROVED:
            raise WrongState(gettext("Ý kiến đã được duyệt công bố"))
        answer.text_status, answer.rejection_reason = TextStatus.APPROVED, ""
    else:
        if reason not in RejectionReason.values:
            raise InvalidInput({"reason": gettext("Cần lý do không công bố")})
        if answer.text_status == TextStatus.REJECTED:
            raise WrongState(gettext("Ý kiến đã bị từ chối"))
        answer.text_status, answer.rejection_reason = TextStatus.REJECTED, reason
    answer.moderation_note = note.strip()[:500]
    answer.moderated_by, answer.moderated_at = official, timezone.now()
    answer.save()
    if survey.state == SurveyState.PUBLISHED:
        enqueue_search(survey)
    return answer


@transaction.atomic
def recount_tallies(survey: Survey) -> None:
    """Set every tally of `survey` from its answer rows (grouped queries), e.g. after rows were loaded in bulk.

    Locks the survey's tally rows first, as every answer's transaction does, so no answer is counted twice or missed
    while it runs."""
    rows = list(Tally.objects.select_for_update().filter(survey=survey).order_by("pk"))
    counts: dict[tuple[int, int | None, str, int], int] = {}
    responses = Response.objects.filter(survey=survey)
    for commune_id, n in responses.values_list("commune_id").annotate(n=Count("pk")).values_list("commune_id", "n"):
        counts[(commune_id, None, TallyKind.RESPONSES, 0)] = n
    answers = Answer.objects.filter(response__survey=survey)
    answered = (
        answers.values_list("response__commune_id", "question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("response__commune_id", "question_id", "n")
    )
    for commune_id, question_id, n in answered:
        counts[(commune_id, question_id, TallyKind.ANSWERED, 0)] = n
    for field in ("choice_id", "value"):
        grouped = (
            answers.filter(**{f"{field}__isnull": False})
            .values_list("response__commune_id", "question_id", field)
            .annotate(n=Count("pk"))
            .values_list("response__commune_id", "question_id", field, "n")
        )
        for commune_id, question_id, bucket, n in grouped:
            counts[(commune_id, question_id, TallyKind.BUCKET, bucket)] = n
    for row in rows:
        row.count = counts.get((row.commune_id, row.question_id, row.kind, row.bucket), 0)
    Tally.objects.bulk_update(rows, ["count"], batch_size=1000)
    Survey.objects.filter(pk=survey.pk).update(responses_count=responses.count())


def live_responses(survey: Survey) -> int:
    """The number of responses so far, from the tallies."""
    total = Tally.objects.filter(survey=survey, kind=TallyKind.RESPONSES).aggregate(n=Sum("count"))["n"]
    return int(total or 0)
