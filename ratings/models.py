"""Citizens' ratings (đánh giá): of the answer to their petition, and of a reception desk's service.

Ratings are never public one by one: leaders read averages, distributions and redacted comments
(`ratings.selectors`). A comment is stored as written and shown only through `public_comment` (the one redaction
of `privacy/`), since a citizen may write their own name, phone or e-mail in it.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CODE_ALPHABET, Petition
from organisation.models import Unit
from privacy.redaction import redact

SCORES = range(1, 6)
StrOrPromise = Any
# A visitor rating a desk with a one-time token is nobody the system knows: a name written in the comment is found
# by its family name (the most common ones, over 90% of Vietnamese people) followed by capitalised words.
FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đào",
    "Đoàn",
    "Đinh",
    "Lâm",
    "Mai",
    "Trịnh",
    "Trương",
    "Cao",
    "Lưu",
    "Hà",
    "Tô",
    "Tạ",
    "Châu",
]
_UPPER_WORD = r"[A-ZÀ-ỸĐ][a-zà-ỹđ]*"
NAME_RUN = re.compile(rf"\b(?:{'|'.join(FAMILY_NAMES)})(?:\s+{_UPPER_WORD}){{1,3}}\b")


def redacted_comment(comment: str, petition: Petition | None) -> str:
    """A rating's comment as leaders and exports show it: without the petitioner's name, phone and e-mail, any
    phone, e-mail or ID number, nor anything that reads as a Vietnamese full name."""
    names = NAME_RUN.findall(comment)
    literals: list[str] = []
    if petition is not None:
        names.append(petition.petitioner_name)
        literals = [petition.petitioner_phone, petition.petitioner_email]
    return redact(comment, names=[name for name in names if name], literals=[x for x in literals if x])


COMMENT_MAX_LENGTH = 2000


class Solved(models.TextChoices):
    YES = "yes", _("Đã được giải quyết")
    PARTLY = "partly", _("Giải quyết một phần")
    NO = "no", _("Chưa được giải quyết")


class Waiting(models.TextChoices):
    UNDER_15 = "under_15", _("Dưới 15 phút")
    UNDER_30 = "under_30", _("Từ 15 đến 30 phút")
    UNDER_60 = "under_60", _("Từ 30 đến 60 phút")
    OVER_60 = "over_60", _("Trên 60 phút")


class DeskKind(models.TextChoices):
    RECEPTION = "reception", _("Phòng tiếp công dân")
    ONE_STOP = "one_stop", _("Quầy một cửa")


def _score_field(verbose_name: StrOrPromise) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name, validators=[MinValueValidator(1), MaxValueValidator(5)])


class AnswerRating(models.Model):
    """The petitioner's rating of the answer to their petition: one per petition, changeable for
    RATINGS_CHANGE_DAYS after it was first given (`services.rate_answer`)."""

    petition = models.OneToOneField(
        Petition, verbose_name=_("đơn thư"), on_delete=models.CASCADE, related_name="answer_rating"
    )
    # Copied from the petition when rated, so the leaders' figures group without reading the cases.
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị trả lời"), on_delete=models.PROTECT, related_name="+")
    petition_type = models.CharField(_("loại đơn"), max_length=32)
    score = _score_field(_("mức độ hài lòng"))
    solved = models.CharField(_("vấn đề được giải quyết"), max_length=8, choices=Solved.choices)
    comment = models.TextField(_("ý kiến"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("sửa lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá trả lời")
        verbose_name_plural = _("đánh giá trả lời")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="answer_score_1_5")]

    def __str__(self) -> str:
        return f"{self.petition_id} · {self.score}"

    @property
    def locked_at(self) -> datetime.datetime:
        """From then on the rating is read-only."""
        return self.created_at + datetime.timedelta(days=settings.RATINGS_CHANGE_DAYS)

    def is_locked(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.locked_at

    def public_comment(self) -> str:
        return redacted_comment(self.comment, self.petition)


class Desk(models.Model):
    """A reception desk (phòng tiếp công dân) or one-stop counter (quầy một cửa) of a unit: its printed QR code
    opens the rating form of its reception today."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="desks")
    name = models.CharField(_("tên"), max_length=150)
    kind = models.CharField(_("loại"), max_length=16, choices=DeskKind.choices, default=DeskKind.ONE_STOP)
    active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("bàn tiếp dân, quầy một cửa")
        verbose_name_plural = _("bàn tiếp dân, quầy một cửa")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}"


def new_desk_token() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class DeskToken(models.Model):
    """A one-time token shown on the desk's screen (`/desks/<id>/token/`): one visitor rates with it, once."""

    desk = models.ForeignKey(Desk, verbose_name=_("bàn"), on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(_("mã đánh giá"), max_length=16, unique=True, default=new_desk_token)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã đánh giá một lần")
        verbose_name_plural = _("mã đánh giá một lần")
        indexes = [models.Index(fields=["desk", "used_at"])]

    def __str__(self) -> str:
        return self.token

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(minutes=settings.RATINGS_DESK_TOKEN_MINUTES)


class DeskRating(models.Model):
    """A visitor's rating of a desk's reception: one per visit, proven by the receipt's tracking code (a petition
    recorded at the desk's unit that day) or a one-time token of the desk's screen."""

    desk = models.ForeignKey(Desk, verbose_name=_("bàn"), on_delete=models.PROTECT, related_name="ratings")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    petition = models.OneToOneField(
        Petition,
        verbose_name=_("đơn thư"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="desk_rating",
    )
    token = models.OneToOneField(
        DeskToken, verbose_name=_("mã đánh giá"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    petition_type = models.CharField(_("loại đơn"), max_length=32, blank=True)
    courtesy = _score_field(_("thái độ tiếp đón"))
    waiting = models.CharField(_("thời gian chờ"), max_length=16, choices=Waiting.choices)
    comment = models.TextField(_("ý kiến"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("đánh giá tiếp dân")
        verbose_name_plural = _("đánh giá tiếp dân")
        constraints = [
            models.CheckConstraint(condition=models.Q(courtesy__gte=1, courtesy__lte=5), name="desk_courtesy_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.desk_id} · {self.courtesy}"

    def public_comment(self) -> str:
        return redacted_comment(self.comment, self.petition)
