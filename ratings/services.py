"""Writes of ratings: `check_*` validate and raise `RatingError`, `do`-functions store. Nothing is stored for a
refused rating."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Channel, Petition, PetitionStatus, normalize_tracking_code
from ratings import links
from ratings.models import (
    COMMENT_MAX_LENGTH,
    AnswerRating,
    Desk,
    DeskRating,
    DeskToken,
    Solved,
    Waiting,
    new_desk_token,
)

# Receipts of these channels are given at a desk: a visitor rates the desk with their tracking code.
DESK_CHANNELS = (Channel.COUNTER, Channel.RECEPTION)


class RatingError(Exception):
    """A refused rating: `field` is where the form shows `message`; `status` the page's HTTP status."""

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def rating_for(petition: Petition) -> AnswerRating | None:
    """The petitioner's rating of this petition's answer, if given (for My page and the status page)."""
    return AnswerRating.objects.filter(petition=petition).first()


def rating_url(petition: Petition) -> str:
    """The form that rates this petition's answer, through a signed link (no key needed)."""
    return links.answer_rating_path(petition)


def can_rate(petition: Petition) -> bool:
    return petition.status == PetitionStatus.ANSWERED and petition.answered_at is not None


@dataclass(frozen=True)
class AnswerInput:
    score: int
    solved: str
    comment: str


def _score(value: Any, field: str) -> int:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        raise RatingError(field, _("Hãy chọn một mức từ 1 đến 5.")) from None
    if not 1 <= score <= 5:
        raise RatingError(field, _("Mức đánh giá phải từ 1 đến 5, không phải %(value)s.") % {"value": score})
    return score


def _comment(value: Any) -> str:
    comment = str(value or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise RatingError(
            "comment",
            _("Ý kiến dài tối đa %(max)s ký tự (đang có %(n)s).") % {"max": COMMENT_MAX_LENGTH, "n": len(comment)},
        )
    return comment


def check_answer_input(data: Any) -> AnswerInput:
    score = _score(data.get("score"), "score")
    solved = str(data.get("solved") or "")
    if solved not in Solved.values:
        raise RatingError("solved", _("Hãy cho biết vấn đề đã được giải quyết chưa."))
    return AnswerInput(score=score, solved=solved, comment=_comment(data.get("comment")))


def check_can_rate(petition: Petition) -> None:
    if not can_rate(petition):
        raise RatingError("form", _("Đơn này chưa được trả lời: chỉ đánh giá được sau khi nhận trả lời."), 409)


@transaction.atomic
def rate_answer(*, petition: Petition, data: Any, now: datetime.datetime | None = None) -> AnswerRating:
    """Store or change the petitioner's rating of the answer. Locks the petition's rating row (or the petition,
    for a first rating) so two submissions cannot both create one."""
    now = now or timezone.now()
    petition = Petition.objects.select_for_update().select_related("workflow").get(pk=petition.pk)
    check_can_rate(petition)
    values = check_answer_input(data)
    rating = AnswerRating.objects.select_for_update().filter(petition=petition).first()
    if rating is not None:
        if rating.is_locked(now):
            raise RatingError(
                "form",
                _(
                    "Đánh giá này đã được giữ cố định từ %(date)s: chỉ sửa được trong %(days)s ngày sau lần đánh giá đầu."
                )
                % {
                    "date": timezone.localtime(rating.locked_at).strftime("%d/%m/%Y"),
                    "days": (rating.locked_at - rating.created_at).days,
                },
                409,
            )
        rating.score, rating.solved, rating.comment, rating.updated_at = (
            values.score,
            values.solved,
            values.comment,
            now,
        )
        rating.save(update_fields=["score", "solved", "comment", "updated_at"])
        return rating
    try:
        with transaction.atomic():
            return AnswerRating.objects.create(
                petition=petition,
                unit=petition.answered_by or petition.workflow.unit,
                petition_type=petition.petition_type,
                score=values.score,
                solved=values.solved,
                comment=values.comment,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # a first rating sent twice at once where the database has no row lock (SQLite)
        raise RatingError("form", _("Đơn này vừa được đánh giá: hãy mở lại trang để sửa đánh giá."), 409) from None


# ---- desks ---------------------------------------------------------------------------------------------------


def current_token(desk: Desk, *, now: datetime.datetime | None = None) -> DeskToken:
    """The desk's unused, unexpired token to show on its screen; a fresh one once the last was used or expired."""
    now = now or timezone.now()
    oldest = now - datetime.timedelta(minutes=_token_minutes())
    token = desk.tokens.filter(used_at__isnull=True, created_at__gt=oldest).order_by("-created_at").first()
    if token is not None:
        return token
    for _attempt in range(5):  # six symbols: a clash with an old token is rare, and another draw avoids it
        try:
            with transaction.atomic():
                return DeskToken.objects.create(desk=desk, created_at=now, token=new_desk_token())
        except IntegrityError:
            continue
    raise RuntimeError("no free desk token after 5 draws")


def _token_minutes() -> int:
    return int(settings.RATINGS_DESK_TOKEN_MINUTES)


def _visit_petition(desk: Desk, code: str, now: datetime.datetime) -> Petition:
    petition = (
        Petition.objects.select_related("workflow")
        .filter(tracking_code=normalize_tracking_code(code), channel__in=DESK_CHANNELS)
        .first()
    )
    if (
        petition is None
        or petition.workflow.unit_id != desk.unit_id
        or timezone.localdate(petition.received_at) != timezone.localdate(now)
    ):
        raise RatingError(
            "visit", _("Mã tra cứu này không phải biên nhận của %(desk)s hôm nay.") % {"desk": desk.name}, 400
        )
    return petition


@transaction.atomic
def rate_desk(*, desk: Desk, data: Any, now: datetime.datetime | None = None) -> DeskRating:
    """One rating per visit: the receipt's tracking code (a petition recorded at the desk's unit today) or the
    desk's one-time token, claimed with a conditional UPDATE so it is used once even by two requests at once."""
    now = now or timezone.now()
    if not desk.active:
        raise RatingError("form", _("Bàn này không còn nhận đánh giá."), 404)
    code = str(data.get("code") or "").strip()
    token_text = "".join(str(data.get("token") or "").split()).upper()
    if bool(code) == bool(token_text):
        raise RatingError(
            "visit", _("Hãy nhập mã tra cứu trên biên nhận hoặc mã đánh giá trên màn hình của bàn (một trong hai).")
        )
    courtesy = _score(data.get("courtesy"), "courtesy")
    waiting = str(data.get("waiting") or "")
    if waiting not in Waiting.values:
        raise RatingError("waiting", _("Hãy chọn thời gian chờ."))
    comment = _comment(data.get("comment"))
    petition: Petition | None = None
    token: DeskToken | None = None
    if code:
        petition = _visit_petition(desk, code, now)
        if DeskRating.objects.filter(petition=petition).exists():
            raise RatingError("visit", _("Lần tiếp nhận này đã được đánh giá."), 409)
    else:
        oldest = now - datetime.timedelta(minutes=_token_minutes())
        token = DeskToken.objects.filter(desk=desk, token=token_text).first()
        if token is None or token.created_at <= oldest:
            raise RatingError("visit", _("Mã đánh giá không đúng hoặc đã hết hạn."))
        claimed = DeskToken.objects.filter(pk=token.pk, used_at__isnull=True).update(used_at=now)
        if not claimed:
            raise RatingError("visit", _("Mã đánh giá này đã được dùng."), 409)
    try:
        with transaction.atomic():
            return DeskRating.objects.create(
                desk=desk,
                unit=desk.unit,
                petition=petition,
                token=token,
                petition_type=petition.petition_type if petition else "",
                courtesy=courtesy,
                waiting=waiting,
                comment=comment,
                created_at=now,
            )
    except IntegrityError:  # the same receipt rated by two requests at once
        raise RatingError("visit", _("Lần tiếp nhận này đã được đánh giá."), 409) from None
