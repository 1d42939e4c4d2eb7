"""Monitoring surveys on grassroots democracy (khảo sát, Law 10/2022/QH15 on grassroots democracy): a unit or the
Fatherland Front committee asks citizens of some communes a few questions for a period, then publishes results.

The steps (draft, leader's review, open, close on the period's end, publish results) live in the engine
(`workflows.WorkflowInstance`, one per survey; `bpmn/processes/survey.bpmn`). A respondent is a signed-in
citizen or the salted hash of the phone number or e-mail that received a one-time code: the contact itself is
never stored. Results are read from `Tally` rows kept in the answer's transaction, never by scanning answers.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines import calendar
from organisation.models import Unit
from privacy.redaction import redact
from workflows.models import WorkflowInstance

SUBJECT_TYPE = "survey"  # the `ProcessBinding.subject_type` of surveys


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    REVIEW = "review", _("Chờ lãnh đạo duyệt")
    OPEN = "open", _("Đang khảo sát")
    CLOSED = "closed", _("Đã kết thúc khảo sát")
    PUBLISHED = "published", _("Đã công bố kết quả")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Chọn một")
    MULTIPLE = "multiple", _("Chọn nhiều")
    SCALE = "scale", _("Thang điểm")
    TEXT = "text", _("Ý kiến tự do")


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Chờ kiểm duyệt")
    APPROVED = "approved", _("Được công bố")
    REJECTED = "rejected", _("Không công bố")


class RejectionReason(models.TextChoices):
    """Why a free-text answer is not published (as for consultation comments)."""

    ABUSIVE = "abusive", _("Ngôn từ xúc phạm, thiếu văn hoá")
    SPAM = "spam", _("Quảng cáo, tin rác hoặc gửi lặp lại")
    OFF_TOPIC = "off_topic", _("Không liên quan đến khảo sát")
    PERSONAL_DATA = "personal_data", _("Chứa thông tin cá nhân")


class Survey(models.Model):
    """One monitoring survey (phiếu khảo sát) of a unit or of the Fatherland Front committee."""

    reference = models.CharField(_("số hiệu"), max_length=40, unique=True)
    owner = models.ForeignKey(Unit, verbose_name=_("đơn vị khảo sát"), on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("tên khảo sát"), max_length=300)
    description = models.TextField(_("giới thiệu"), blank=True)
    open_from = models.DateField(_("bắt đầu khảo sát"))
    open_until = models.DateField(_("kết thúc khảo sát"))
    communes = models.ManyToManyField(
        Unit, verbose_name=_("xã, phường được khảo sát"), related_name="surveys_about", blank=False
    )
    state = models.CharField(_("trạng thái"), max_length=16, choices=SurveyState.choices, default=SurveyState.DRAFT)
    workflow = models.OneToOneField(
        WorkflowInstance, on_delete=models.PROTECT, null=True, blank=True, related_name="survey"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    opened_at = models.DateTimeField(_("mở khảo sát lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng khảo sát lúc"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("công bố kết quả lúc"), null=True, blank=True)
    responses_count = models.PositiveIntegerField(_("số phiếu trả lời"), default=0)

    class Meta:
        verbose_name = _("khảo sát")
        verbose_name_plural = _("khảo sát")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(open_until__gte=models.F("open_from")), name="surveys_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def closes_at(self) -> datetime.datetime:
        return calendar.end_of_day(self.open_until)

    @property
    def opens_at(self) -> datetime.datetime:
        return calendar.start_of_day(self.open_from)

    @property
    def is_public(self) -> bool:
        return self.state in (SurveyState.OPEN, SurveyState.CLOSED, SurveyState.PUBLISHED)

    def accepts_answers(self, now: datetime.datetime) -> bool:
        return self.state == SurveyState.OPEN and self.opens_at <= now <= self.closes_at


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    kind = models.CharField(_("loại câu hỏi"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("câu hỏi"), max_length=500)
    required = models.BooleanField(_("bắt buộc trả lời"), default=True)
    scale_min = models.SmallIntegerField(_("điểm thấp nhất"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("điểm cao nhất"), null=True, blank=True)
    scale_min_label = models.CharField(_("nhãn điểm thấp nhất"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("nhãn điểm cao nhất"), max_length=100, blank=True)
    # Empty: every commune of the survey; otherwise only answerers of these communes see the question.
    communes = models.ManyToManyField(Unit, verbose_name=_("chỉ hỏi ở xã, phường"), related_name="+", blank=True)

    class Meta:
        verbose_name = _("câu hỏi khảo sát")
        verbose_name_plural = _("câu hỏi khảo sát")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="surveys_question_position_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="scale")
                | models.Q(scale_min__isnull=False, scale_max__gt=models.F("scale_min")),
                name="surveys_scale_has_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def scale_values(self) -> list[int]:
        if self.kind != QuestionKind.SCALE or self.scale_min is None or self.scale_max is None:
            return []
        return list(range(self.scale_min, self.scale_max + 1))

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.CharField(_("lựa chọn"), max_length=300)

    class Meta:
        verbose_name = _("lựa chọn")
        verbose_name_plural = _("lựa chọn")
        ordering = ["question", "position"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One citizen's answers to a survey. `respondent_key` is a salted HMAC (of the citizen's account, or of the
    phone/e-mail the one-time code went to): the same person gets the same key, and the key reveals nothing."""

    # Indexed by the unique constraint below (survey first): every answer inserts into each index of its rows.
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", db_index=False)
    commune = models.ForeignKey(Unit, verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="+")
    respondent_key = models.CharField(max_length=64)
    # The signed-in citizen, for their My page; empty for an answer by one-time code (and once the account closes).
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    language = models.CharField(max_length=8, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"], name="surveys_one_response_per_respondent")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"  # never the respondent


class Answer(models.Model):
    """One question's answer: a choice (one row per chosen choice), a scale value, or a free text (moderated)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(  # indexed by surveys_answer_text_status (question first)
        Question, on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_status = models.CharField(max_length=16, choices=TextStatus.choices, blank=True)
    rejection_reason = models.CharField(max_length=32, choices=RejectionReason.choices, blank=True)
    moderation_note = models.CharField(max_length=500, blank=True)
    moderated_by = models.ForeignKey(  # indexed where set only (below): most answers are never moderated
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        indexes = [
            models.Index(fields=["question", "text_status"], name="surveys_answer_text_status"),
            models.Index(
                fields=["moderated_by"], condition=models.Q(moderated_by__isnull=False), name="surveys_answer_moderator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.pk}"

    @property
    def public_text(self) -> str:
        """The free text as the public reads it: every phone, e-mail and ID number hidden."""
        return redact(self.text)


class TallyKind(models.TextChoices):
    RESPONSES = "responses", _("Số phiếu")  # per commune (question empty)
    ANSWERED = "answered", _("Số người trả lời câu hỏi")
    BUCKET = "bucket", _("Số lần chọn")  # a choice (bucket = its id) or a scale value (bucket = the value)


class Tally(models.Model):
    """A running count, kept in each answer's transaction (`services.submit_response`): the results page reads
    these few rows (questions × buckets × communes) instead of counting answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True, related_name="tallies")
    kind = models.CharField(max_length=16, choices=TallyKind.choices)
    bucket = models.IntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "commune", "question", "kind", "bucket"], name="surveys_tally_unique"
            )
        ]
        indexes = [models.Index(fields=["survey", "commune"], name="surveys_tally_survey_commune")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.question_id}:{self.bucket}={self.count}"
