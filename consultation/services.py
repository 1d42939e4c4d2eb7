"""Writes for consultations: create a consultation with its draft, new versions, originals, the window and its
extension, comment intake, moderation, dispositions, and the steps of its process.

Functions named `check_*` validate and raise; the others change state inside one transaction. Who may do
what: officials of the drafting unit itself (`Consultation.unit`) — never a leader of a unit above, who sees
but does not dispose.

The window's clock. The process waits in the user task `window` with an interrupting boundary timer
`close_window`; both name the rule `draft.consult` (the engine requires every timer to name a rule). The
engine times them by the rule from the day they start — the legal *minimum*. The window the drafting unit
set (never shorter than that minimum: `check_window`) is what the public was promised, so both clocks are set
to it: the timer fires at the end of `closes_on`; the task, whose reminder the deadline worker sends
`remind_before_days` working days before the close, is due the working day after it. `schedule_window` does this
when the clocks start, as a step hook of the engine (`workflows.subjects`, registered in `apps.py`), so it holds
whichever route completed the step (this app's API and pages, the generic task API, a fired timer, any service);
an extension moves them again (`sync_window_clock`).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from consultation import moderation, notices, parsing, versions
from consultation.errors import (
    DispositionsIncomplete,
    InvalidInput,
    NotAllowed,
    WindowClosed,
    WindowTooShort,
    WrongStage,
)
from consultation.models import (
    ORGANISATION_KINDS,
    SUBJECT_TYPE,
    Article,
    Clause,
    Comment,
    CommenterKind,
    CommentStatus,
    Consultation,
    Disposition,
    DispositionChange,
    DraftFile,
    DraftKind,
    DraftVersion,
    ModerationMode,
    RejectionReason,
    Stage,
    WindowStatus,
    fingerprint,
    hash_access_key,
)
from core.uploads import UploadRefused, check_upload
from deadlines import calendar
from deadlines.errors import DeadlineError
from deadlines.services import DueDate, compute_due
from organisation.models import Membership, Role, Unit
from workflows import clock, subjects
from workflows import services as workflow_services
from workflows.models import CaseEvent, Deadline, DeadlineKind, HumanTask, WorkflowInstance

logger = logging.getLogger(__name__)

RULE = "draft.consult"
WINDOW_TASK = "window"
CLOSE_TIMER = "close_window"
MAX_COMMENT_CHARS = 10_000
MIN_COMMENT_CHARS = 5
MAX_EXPLANATION_CHARS = 10_000
ALLOWED_FILE_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
DRAFTING_ROLES = (Role.HANDLING_OFFICER, Role.UNIT_LEADER)
MODERATING_ROLES = (Role.RECEPTION_OFFICER, Role.HANDLING_OFFICER, Role.UNIT_LEADER)


def file_max_bytes() -> int:
    return int(getattr(settings, "CONSULTATION_FILE_MAX_BYTES", 20 * 1024 * 1024))


# ---- who may do what ---------------------------------------------------------------------------------------


def check_official(user: Any, unit: Unit, roles: Sequence[str], *, what: str) -> User:
    """The user holds one of `roles` in `unit` itself; returns the user (typed) or raises NotAllowed (403)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(gettext("Cần đăng nhập"))
    if not Membership.objects.filter(user_id=user.pk, unit_id=unit.pk, role__in=roles).exists():
        raise NotAllowed(
            gettext("Chỉ cán bộ của %(unit_name)s (đơn vị chủ trì soạn thảo) được %(what)s")
            % {"unit_name": unit.name, "what": what}
        )
    return user


def may_see_commenters(user: Any, consultation: Consultation) -> bool:
    """Who sees every comment with its author's name and contact (the moderation queue), on the manage page and in
    the API alike: an official holding a moderating role in the drafting unit itself — not its legal staff, not a
    leader of a unit above, not another unit."""
    return bool(getattr(user, "is_authenticated", False)) and (
        Membership.objects.filter(user_id=user.pk, unit_id=consultation.unit_id, role__in=MODERATING_ROLES).exists()
    )


def check_may_see_commenters(user: Any, consultation: Consultation) -> None:
    if not may_see_commenters(user, consultation):
        raise NotAllowed(
            gettext(
                "Chỉ cán bộ tiếp nhận, xử lý và lãnh đạo của %(name)s (đơn vị chủ trì soạn thảo) được xem góp ý kèm thông tin người góp ý"
            )
            % {"name": consultation.unit.name}
        )


def check_report_open(consultation: Consultation) -> None:
    if consultation.report_approved_at is not None:
        raise WrongStage(gettext("Báo cáo tiếp thu, giải trình đã được duyệt; không thay đổi được nữa"))


# ---- the window --------------------------------------------------------------------------------------------


def legal_minimum(opens_on: datetime.date) -> DueDate:
    """The earliest close allowed for a window opening on `opens_on`: rule draft.consult in force that day."""
    try:
        return compute_due(rule_code=RULE, start=opens_on, today=max(calendar.today(), opens_on))
    except DeadlineError as error:
        raise InvalidInput({"opens_on": str(error)}) from None


def check_window(*, opens_on: datetime.date, closes_on: datetime.date) -> DueDate:
    """A window no shorter than the legal minimum; raises WindowTooShort citing the rule. Returns the minimum."""
    if closes_on < opens_on:
        raise InvalidInput({"closes_on": gettext("Ngày kết thúc trước ngày bắt đầu")})
    minimum = legal_minimum(opens_on)
    if closes_on < minimum.due_date:
        rule = minimum.rule
        days = (closes_on - opens_on).days
        raise WindowTooShort(
            gettext(
                "Thời gian lấy ý kiến từ %(opens_on)s đến %(closes_on)s (%(days)s ngày) ngắn hơn mức tối thiểu %(rule_days)s ngày theo %(citation)s (quy tắc %(code)s, phiên bản có hiệu lực từ %(effective_from)s): phải kéo dài ít nhất đến hết ngày %(due_date)s"
            )
            % {
                "opens_on": format(opens_on, "%d/%m/%Y"),
                "closes_on": format(closes_on, "%d/%m/%Y"),
                "days": days,
                "rule_days": rule.days,
                "citation": rule.citation,
                "code": rule.code,
                "effective_from": format(rule.effective_from, "%d/%m/%Y"),
                "due_date": format(minimum.due_date, "%d/%m/%Y"),
                "value": minimum.due_date.isoformat(),
            }
        )
    return minimum


def _window_due(row: Deadline, consultation: Consultation, minimum: DueDate) -> DueDate:
    closes_on = consultation.closes_on
    if row.kind == DeadlineKind.TIMER:
        due_date = closes_on
        what_vi, what_en = "tự động đóng lấy ý kiến", "the window closes automatically"
    else:
        due_date = calendar.add_working_days(closes_on, 1)
        what_vi, what_en = "đóng lấy ý kiến, chuyển sang tiếp thu, giải trình", "close and move on to dispositions"
    remind = max(
        calendar.add_working_days(closes_on, -minimum.rule.remind_before_days),
        calendar.today() + datetime.timedelta(days=1),
    )
    return dataclasses.replace(
        minimum,
        due_at=calendar.end_of_day(due_date),
        due_date=due_date,
        remind_date=remind,
        explanation=(
            f"Hạn {due_date.isoformat()}: {what_vi} theo thời gian lấy ý kiến đã công bố "
            f"({consultation.opens_on.isoformat()} – {closes_on.isoformat()}), không ngắn hơn mức tối thiểu "
            f"{minimum.rule.days} ngày theo {minimum.rule.citation} (quy tắc {minimum.rule.code}, hết ngày "
            f"{minimum.due_date.isoformat()})."
        ),
        explanation_en=(
            f"Due {due_date.isoformat()}: {what_en}, by the published window ({consultation.opens_on.isoformat()} – "
            f"{closes_on.isoformat()}), no shorter than the legal minimum of {minimum.rule.days} days under rule "
            f"{minimum.rule.code} (until {minimum.due_date.isoformat()})."
        ),
    )


def schedule_window(step: subjects.Step) -> None:
    """Step hook: when the window's task and timer start, set their clocks to the published close (see above)."""
    rows = [row for row in step.new_clocks if row.element_id in (WINDOW_TASK, CLOSE_TIMER)]
    if not rows:
        return
    consultation = Consultation.objects.filter(workflow_id=step.instance.pk).first()
    if consultation is None:  # not a consultation's case (a test run of the diagram)
        return
    minimum = legal_minimum(consultation.opens_on)
    for row in rows:
        clock.schedule(row, _window_due(row, consultation, minimum))
    step.context.record(
        "window_scheduled",
        f"Hẹn giờ đóng lấy ý kiến vào cuối ngày {consultation.closes_on:%d/%m/%Y} theo thời gian đã công bố",
    )


def sync_window_clock(consultation: Consultation, *, actor: User, summary: str = "", public_text: str = "") -> bool:
    """Move the running window's task and timer clocks to the configured close (an extension, or dates changed
    while it runs). Call inside the caller's transaction.

    Returns True when something moved. Uses the engine's own step that moves timers with their Deadline rows
    (`workflows.services.change_clocks`), so the engine state and the rows never disagree.
    """
    instance = WorkflowInstance.objects.get(pk=consultation.workflow_id)
    rows = list(
        Deadline.objects.select_for_update().filter(
            instance=instance, closed_at__isnull=True, element_id__in=(WINDOW_TASK, CLOSE_TIMER)
        )
    )
    minimum = legal_minimum(consultation.opens_on)
    changed = []
    for row in rows:
        due = _window_due(row, consultation, minimum)
        if row.due_at != due.due_at:
            clock.schedule(row, due)
            changed.append(row)
    if not changed:
        return False
    workflow_services.change_clocks(
        instance,
        changed,
        actor=actor,
        kind="window_scheduled",
        summary=summary
        or f"Hẹn giờ đóng lấy ý kiến vào cuối ngày {consultation.closes_on:%d/%m/%Y} theo thời gian đã công bố",
        public_text=public_text,
    )
    return True


# ---- consultations, versions, originals --------------------------------------------------------------------


def _store_version(
    consultation: Consultation,
    parsed: parsing.ParsedDraft,
    *,
    user: User,
    source_text: str,
    source_name: str,
    note: str,
) -> DraftVersion:
    last = consultation.versions.order_by("-number").first()
    version = DraftVersion.objects.create(
        consultation=consultation,
        number=(last.number + 1) if last else 1,
        title=parsed.title[:500],
        preamble=parsed.preamble,
        source_name=source_name[:255],
        source_text=source_text,
        note=note,
        created_by=user,
    )
    articles = Article.objects.bulk_create(
        [
            Article(
                version=version,
                position=position,
                chapter_number=item.chapter_number,
                chapter_title=item.chapter_title[:500],
                section=item.section[:500],
                number=item.number,
                title=item.title[:500],
                body=item.body,
            )
            for position, item in enumerate(parsed.articles, start=1)
        ]
    )
    Clause.objects.bulk_create(
        [
            Clause(article=article, position=position, number=clause.number, text=clause.text)
            for article, item in zip(articles, parsed.articles, strict=True)
            for position, clause in enumerate(item.clauses, start=1)
        ]
    )
    return version


def parse_draft(text: str | bytes) -> tuple[str, parsing.ParsedDraft]:
    """Decode and parse; raises DraftParseError(line, reason). Returns the text as stored and the parse."""
    source = parsing.decode(text) if isinstance(text, bytes) else text
    return source, parsing.parse(source)


@transaction.atomic
def create_consultation(
    *,
    user: Any,
    unit: Unit,
    kind: str,
    title: str,
    summary: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    draft: str | bytes,
    source_name: str = "",
    moderation: str = ModerationMode.POST,
) -> Consultation:
    """An official of the drafting unit opens a consultation with its first version and starts its process.

    Raises NotAllowed, InvalidInput, WindowTooShort or DraftParseError; nothing is stored then.
    """
    official = check_official(user, unit, DRAFTING_ROLES, what=gettext("tạo lấy ý kiến dự thảo"))
    if kind not in DraftKind.values:
        raise InvalidInput({"kind": gettext("Loại dự thảo không hợp lệ")})
    if not title.strip():
        raise InvalidInput({"title": gettext("Cần tên dự thảo")})
    check_window(opens_on=opens_on, closes_on=closes_on)
    source, parsed = parse_draft(draft)
    instance = workflow_services.create_instance(
        subject_type=SUBJECT_TYPE, unit=unit, reference=f"tmp-{uuid.uuid4().hex[:20]}", title=title[:300]
    )
    consultation = Consultation.objects.create(
        reference=instance.reference,
        kind=kind,
        title=title.strip()[:300],
        summary=summary.strip(),
        unit=unit,
        opens_on=opens_on,
        closes_on=closes_on,
        moderation=moderation,
        created_by=official,
        workflow=instance,
    )
    consultation.reference = f"{settings.TRACKING_CODE_PREFIX}-DT-{timezone.localdate().year}-{consultation.pk:04d}"
    consultation.save(update_fields=["reference"])
    WorkflowInstance.objects.filter(pk=instance.pk).update(reference=consultation.reference)
    instance.reference = consultation.reference
    _store_version(consultation, parsed, user=official, source_text=source, source_name=source_name, note="")
    workflow_services.run_instance(
        instance,
        data={"reference": consultation.reference, "kind": kind},
        summary=f"Tạo lấy ý kiến dự thảo «{consultation.title}»",
        actor=official,
    )
    return consultation


@transaction.atomic
def update_schedule(
    *, consultation: Consultation, user: Any, opens_on: datetime.date, closes_on: datetime.date
) -> Consultation:
    """Change the window's dates before the draft is published (after that, only an extension)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    check_official(user, consultation.unit, DRAFTING_ROLES, what=gettext("sửa thời gian lấy ý kiến"))
    if consultation.stage != Stage.DRAFTING:
        raise WrongStage(gettext("Dự thảo đã công bố: chỉ có thể gia hạn"))
    check_window(opens_on=opens_on, closes_on=closes_on)
    consultation.opens_on, consultation.closes_on = opens_on, closes_on
    consultation.save(update_fields=["opens_on", "closes_on"])
    return consultation


@transaction.atomic
def add_version(
    *, consultation: Consultation, user: Any, draft: str | bytes, source_name: str = "", note: str = ""
) -> DraftVersion:
    """A new version of the draft. Each comment follows its article to the new version (flagged if none fits)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    official = check_official(user, consultation.unit, DRAFTING_ROLES, what=gettext("cập nhật dự thảo"))
    check_report_open(consultation)
    source, parsed = parse_draft(draft)
    previous = consultation.current_version
    version = _store_version(
        consultation, parsed, user=official, source_text=source, source_name=source_name, note=note
    )
    if previous is None:
        return version
    old = list(previous.articles.prefetch_related("clauses"))
    new = list(version.articles.prefetch_related("clauses"))
    pairs = versions.link_versions(old, new)
    comments = list(
        Comment.objects.filter(consultation=consultation).select_related(
            "article", "clause", "article_made_on", "clause_made_on", "version"
        )
    )
    flagged = versions.carry_comments(comments, pairs, new, version.number)
    CaseEvent.objects.create(
        instance_id=consultation.workflow_id,
        kind="draft_version",
        actor=official,
        summary=f"Phiên bản dự thảo {version.number}"
        + (f"; {flagged} góp ý cần xem lại vị trí" if flagged else "")
        + (f". {note}" if note else ""),
        public_text=f"Đăng phiên bản dự thảo thứ {version.number}" if consultation.is_public else "",
    )
    enqueue_search(
        consultation,
        articles=[article.pk for article in old] + [article.pk for article in new],
        comments=True,
    )
    return version


@transaction.atomic
def attach_file(*, consultation: Consultation, user: Any, upload: UploadedFile) -> DraftFile:
    """An original of the draft (PDF or DOCX), typed by its content, within the size limit."""
    official = check_official(user, consultation.unit, DRAFTING_ROLES, what=gettext("đính kèm bản gốc dự thảo"))
    check_report_open(consultation)
    try:
        mime = check_upload(upload, allowed=ALLOWED_FILE_TYPES, max_bytes=file_max_bytes(), allowed_label="PDF, DOCX")
    except UploadRefused as refused:
        raise InvalidInput({"file": str(refused)}) from None
    return DraftFile.objects.create(
        consultation=consultation,
        version=consultation.current_version,
        file=upload,
        original_name=(upload.name or "?")[:255],
        content_type=mime,
        size=upload.size or 0,
        uploaded_by=official,
    )


@transaction.atomic
def extend_window(*, consultation: Consultation, user: Any, closes_on: datetime.date, reason: str) -> Consultation:
    """Extend an open (or upcoming) window to a later close; the engine's clocks move with it."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    official = check_official(user, consultation.unit, DRAFTING_ROLES, what=gettext("gia hạn lấy ý kiến"))
    status = consultation.window_status()
    if status not in (WindowStatus.OPEN, WindowStatus.UPCOMING):
        raise WrongStage(gettext("Chỉ gia hạn được khi đang hoặc sắp lấy ý kiến"))
    if closes_on <= consultation.closes_on:
        raise InvalidInput(
            {
                "closes_on": gettext("Ngày gia hạn phải sau ngày kết thúc hiện tại %(closes_on)s")
                % {"closes_on": format(consultation.closes_on, "%d/%m/%Y")}
            }
        )
    if len(reason.strip()) < 5:
        raise InvalidInput({"reason": gettext("Cần nêu lý do gia hạn")})
    previous = consultation.closes_on
    consultation.closes_on = closes_on
    consultation.save(update_fields=["closes_on"])
    text = f"Gia hạn lấy ý kiến đến hết ngày {closes_on:%d/%m/%Y} (trước đây {previous:%d/%m/%Y}). Lý do: {reason}"
    if not sync_window_clock(consultation, actor=official, summary=text, public_text=text):
        CaseEvent.objects.create(
            instance_id=consultation.workflow_id, kind="window_extended", actor=official, summary=text, public_text=text
        )
    enqueue_search(consultation)
    return consultation


# ---- comments ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentReceipt:
    comment: Comment
    access_key: str  # shown once to the commenter; only its hash is stored


def check_comment_input(
    *,
    consultation: Consultation,
    version: DraftVersion | None,
    text: str,
    commenter_kind: str,
    author_name: str,
    email: str,
    phone: str,
    organisation_name: str,
    article: Article | None,
    clause: Clause | None,
) -> None:
    errors: dict[str, str] = {}
    stripped = text.strip()
    if len(stripped) < MIN_COMMENT_CHARS:
        errors["text"] = gettext("Góp ý trống hoặc quá ngắn (ít nhất %(min_comment_chars)s ký tự)") % {
            "min_comment_chars": MIN_COMMENT_CHARS
        }
    elif len(stripped) > MAX_COMMENT_CHARS:
        errors["text"] = gettext("Góp ý dài quá %(max_comment_chars)s ký tự") % {"max_comment_chars": MAX_COMMENT_CHARS}
    if commenter_kind not in CommenterKind.values:
        errors["commenter_kind"] = gettext("Loại người góp ý không hợp lệ")
    elif commenter_kind in ORGANISATION_KINDS and not organisation_name.strip():
        errors["organisation_name"] = gettext("Cần tên cơ quan, tổ chức, doanh nghiệp")
    if not author_name.strip():
        errors["author_name"] = gettext("Cần họ tên (được giữ kín)")
    if not email.strip() and not phone.strip():
        errors["email"] = gettext("Cần thư điện tử hoặc số điện thoại (được giữ kín)")
    if article is not None and (version is None or article.version_id != version.pk):
        errors["article"] = gettext("Điều này không thuộc phiên bản hiện hành của dự thảo này")
    if clause is not None and (article is None or clause.article_id != article.pk):
        errors["clause"] = gettext("Khoản này không thuộc điều đã chọn")
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def submit_comment(
    *,
    consultation: Consultation,
    text: str,
    commenter_kind: str,
    author_name: str,
    email: str = "",
    phone: str = "",
    organisation_name: str = "",
    article: Article | None = None,
    clause: Clause | None = None,
) -> CommentReceipt:
    """Record a comment while the window is open. It is shown at once (post-moderation) unless the
    consultation is pre-moderated or a heuristic flags it for review.

    Locks the consultation row (it numbers its comments). Raises WindowClosed or InvalidInput.
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    status = consultation.window_status()
    if status != WindowStatus.OPEN:
        if status == WindowStatus.UPCOMING:
            raise WindowClosed(
                gettext("Chưa đến thời gian lấy ý kiến (bắt đầu ngày %(opens_on)s)")
                % {"opens_on": format(consultation.opens_on, "%d/%m/%Y"), "value": consultation.opens_on.isoformat()}
            )
        raise WindowClosed(
            gettext("Đã hết thời gian lấy ý kiến (kết thúc hết ngày %(closes_on)s)")
            % {"closes_on": format(consultation.closes_on, "%d/%m/%Y"), "value": consultation.closes_on.isoformat()}
        )
    version = consultation.current_version
    check_comment_input(
        consultation=consultation,
        version=version,
        text=text,
        commenter_kind=commenter_kind,
        author_name=author_name,
        email=email,
        phone=phone,
        organisation_name=organisation_name,
        article=article,
        clause=clause,
    )
    assert version is not None  # check_comment_input refuses a draft without a version
    text = text.strip()
    print_ = fingerprint(text)
    same_contact = Q()
    if email.strip():
        same_contact |= Q(email__iexact=email.strip())
    if phone.strip():
        same_contact |= Q(phone=phone.strip())
    duplicate = (
        Comment.objects.filter(same_contact, consultation=consultation, text_fingerprint=print_)
        .values_list("number", flat=True)
        .first()
    )
    flags = moderation.flags_for(
        text,
        duplicate_of=f"{consultation.reference}-{duplicate:04d}" if duplicate else "",
        author_name=author_name,
        email=email,
        phone=phone,
    )
    held = consultation.moderation == ModerationMode.PRE or bool(flags)
    consultation.comment_seq += 1
    consultation.save(update_fields=["comment_seq"])
    key = Comment.new_access_key()
    now = timezone.now()
    comment = Comment.objects.create(
        consultation=consultation,
        number=consultation.comment_seq,
        access_key_hash=hash_access_key(key),
        version=version,
        article_made_on=article,
        clause_made_on=clause,
        article=article,
        clause=clause,
        commenter_kind=commenter_kind,
        organisation_name=organisation_name.strip()[:255] if commenter_kind in ORGANISATION_KINDS else "",
        author_name=author_name.strip()[:150],
        email=email.strip(),
        phone=phone.strip()[:20],
        text=text,
        text_fingerprint=print_,
        created_at=now,
        status=CommentStatus.PENDING if held else CommentStatus.PUBLISHED,
        published_at=None if held else now,
        flags=[flag.as_dict() for flag in flags],
    )
    if not held:
        enqueue_search(consultation, comment=comment)
    return CommentReceipt(comment, key)


def comment_by_key(key: str) -> Comment | None:
    if not key:
        return None
    comment = (
        Comment.objects.select_related("consultation", "article", "clause")
        .filter(access_key_hash=hash_access_key(key))
        .first()
    )
    return comment if comment is not None and comment.check_access_key(key) else None


@transaction.atomic
def moderate_comment(*, comment: Comment, user: Any, publish: bool, reason: str = "", note: str = "") -> Comment:
    """Publish a held comment, or reject one (held or already shown) with a reason its author sees.

    A rejected comment is kept, with its reason; a disposition it had is withdrawn with it.
    """
    comment = Comment.objects.select_for_update().select_related("consultation__unit").get(pk=comment.pk)
    consultation = comment.consultation
    official = check_official(user, consultation.unit, MODERATING_ROLES, what=gettext("kiểm duyệt góp ý"))
    check_report_open(consultation)
    now = timezone.now()
    if publish:
        if comment.status == CommentStatus.PUBLISHED:
            raise WrongStage(gettext("Góp ý đã được đăng"))
        comment.status, comment.published_at = CommentStatus.PUBLISHED, now
        comment.rejection_reason, comment.moderation_note = "", note.strip()
    else:
        if reason not in RejectionReason.values:
            raise InvalidInput(
                {"reason": "Cần lý do không đăng: " + ", ".join(RejectionReason.values) + " / a reason is required"}
            )
        if comment.status == CommentStatus.REJECTED:
            raise WrongStage(gettext("Góp ý đã bị từ chối"))
        comment.status, comment.rejection_reason, comment.moderation_note = CommentStatus.REJECTED, reason, note.strip()
        comment.published_at = None
        before = {comment.pk: (comment.disposition, comment.explanation)}
        comment.disposition, comment.explanation, comment.disposed_by, comment.disposed_at = "", "", None, None
        _keep_disposition_changes(before, [comment], official=official, at=now)
    comment.moderated_by, comment.moderated_at = official, now
    comment.save()
    enqueue_search(consultation, comment=comment)
    notices.moderation_decision(comment)  # the commenter hears the decision, with its reason
    return comment


def _keep_disposition_changes(
    before: dict[int, tuple[str, str]], comments: Sequence[Comment], *, official: User, at: datetime.datetime
) -> None:
    """Keep every change of a disposition in the trail (append-only `DispositionChange`): who, when, the old and
    the new answer. `before`: (disposition, explanation) of each comment by pk, read under its row lock."""
    DispositionChange.objects.bulk_create(
        [
            DispositionChange(
                comment=comment,
                changed_at=at,
                changed_by=official,
                old_disposition=before[comment.pk][0],
                old_explanation=before[comment.pk][1],
                new_disposition=comment.disposition,
                new_explanation=comment.explanation,
            )
            for comment in comments
            if before[comment.pk] != (comment.disposition, comment.explanation)
        ],
        batch_size=500,
    )


def _check_disposition(disposition: str, explanation: str) -> str:
    errors: dict[str, str] = {}
    if disposition not in Disposition.values:
        errors["disposition"] = "Phải là một trong: " + ", ".join(Disposition.values) + " / unknown disposition"
    explanation = explanation.strip()
    if not explanation:
        errors["explanation"] = gettext("Cần giải trình")
    elif len(explanation) > MAX_EXPLANATION_CHARS:
        errors["explanation"] = gettext("Dài quá %(max_explanation_chars)s ký tự") % {
            "max_explanation_chars": MAX_EXPLANATION_CHARS
        }
    if errors:
        raise InvalidInput(errors)
    return explanation


@transaction.atomic
def dispose_comment(*, comment: Comment, user: Any, disposition: str, explanation: str) -> Comment:
    """The drafting team's answer to one published comment (tiếp thu, giải trình)."""
    comment = Comment.objects.select_for_update().select_related("consultation__unit").get(pk=comment.pk)
    official = check_official(
        user, comment.consultation.unit, DRAFTING_ROLES, what=gettext("tiếp thu, giải trình góp ý")
    )
    check_report_open(comment.consultation)
    explanation = _check_disposition(disposition, explanation)
    if comment.status != CommentStatus.PUBLISHED:
        raise WrongStage(
            gettext("Góp ý %(comment_id)s chưa được đăng (đang %(value)s): chỉ tiếp thu, giải trình góp ý đã đăng")
            % {"comment_id": comment.comment_id, "value": comment.get_status_display().lower()}
        )
    before = {comment.pk: (comment.disposition, comment.explanation)}
    comment.disposition, comment.explanation = disposition, explanation
    comment.disposed_by, comment.disposed_at = official, timezone.now()
    comment.save(update_fields=["disposition", "explanation", "disposed_by", "disposed_at"])
    _keep_disposition_changes(before, [comment], official=official, at=comment.disposed_at)
    return comment


@transaction.atomic
def dispose_comments(
    *,
    consultation: Consultation,
    user: Any,
    numbers: Sequence[int] = (),
    same_as: int | None = None,
    disposition: str,
    explanation: str,
) -> list[Comment]:
    """One disposition for many comments: the listed numbers, or every published comment identical to `same_as`.

    All or nothing: an unknown or unpublished comment among them refuses the whole request.
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    official = check_official(user, consultation.unit, DRAFTING_ROLES, what=gettext("tiếp thu, giải trình góp ý"))
    check_report_open(consultation)
    explanation = _check_disposition(disposition, explanation)
    comments = Comment.objects.select_for_update().filter(consultation=consultation)
    if same_as is not None:
        model = comments.filter(number=same_as).first()
        if model is None:
            raise InvalidInput({"same_as": gettext("Không có góp ý số %(same_as)s") % {"same_as": same_as}})
        chosen = list(comments.filter(text_fingerprint=model.text_fingerprint, status=CommentStatus.PUBLISHED))
        if not chosen:
            raise WrongStage(gettext("Góp ý %(comment_id)s chưa được đăng") % {"comment_id": model.comment_id})
    else:
        wanted = sorted(set(numbers))
        if not wanted:
            raise InvalidInput({"numbers": gettext("Chọn ít nhất một góp ý")})
        chosen = list(comments.filter(number__in=wanted))
        missing = sorted(set(wanted) - {comment.number for comment in chosen})
        if missing:
            raise InvalidInput(
                {"numbers": gettext("Không có góp ý số %(items)s") % {"items": ", ".join(map(str, missing))}}
            )
        unpublished = [comment.comment_id for comment in chosen if comment.status != CommentStatus.PUBLISHED]
        if unpublished:
            raise WrongStage(
                gettext("Chưa được đăng: %(items)s; chỉ tiếp thu, giải trình góp ý đã đăng")
                % {"items": ", ".join(unpublished)}
            )
    now = timezone.now()
    before = {comment.pk: (comment.disposition, comment.explanation) for comment in chosen}
    for comment in chosen:
        comment.disposition, comment.explanation, comment.disposed_by, comment.disposed_at = (
            disposition,
            explanation,
            official,
            now,
        )
    Comment.objects.bulk_update(chosen, ["disposition", "explanation", "disposed_by", "disposed_at"], batch_size=500)
    _keep_disposition_changes(before, chosen, official=official, at=now)
    return chosen


def check_dispositions_complete(consultation: Consultation) -> None:
    """Every comment is either rejected with a reason or published with a disposition; else DispositionsIncomplete."""
    comments = Comment.objects.filter(consultation=consultation)
    pending = list(comments.filter(status=CommentStatus.PENDING).values_list("number", flat=True)[:20])
    missing = list(
        comments.filter(status=CommentStatus.PUBLISHED, disposition="").values_list("number", flat=True)[:20]
    )
    if not pending and not missing:
        return
    problems_vi, problems_en = [], []
    if missing:
        count = comments.filter(status=CommentStatus.PUBLISHED, disposition="").count()
        listed = ", ".join(f"{consultation.reference}-{n:04d}" for n in missing)
        problems_vi.append(
            f"{count} góp ý đã đăng chưa có tiếp thu, giải trình ({listed}{', …' if count > 20 else ''})"
        )
        problems_en.append(f"{count} published comments have no disposition")
    if pending:
        count = comments.filter(status=CommentStatus.PENDING).count()
        listed = ", ".join(f"{consultation.reference}-{n:04d}" for n in pending)
        problems_vi.append(f"{count} góp ý đang chờ kiểm duyệt ({listed}{', …' if count > 20 else ''})")
        problems_en.append(f"{count} comments wait for moderation")
    raise DispositionsIncomplete(
        "Chưa thể duyệt báo cáo: "
        + "; ".join(problems_vi)
        + " / the report cannot be approved: "
        + "; ".join(problems_en)
    )


# ---- the process -------------------------------------------------------------------------------------------


def consultation_task(consultation: Consultation, task_id: uuid.UUID) -> HumanTask:
    task = HumanTask.objects.filter(task_id=task_id, instance_id=consultation.workflow_id).first()
    if task is None:
        raise InvalidInput({"task": gettext("Bước này không thuộc lấy ý kiến này")})
    return task


def complete_step(
    *,
    consultation: Consultation,
    task_id: uuid.UUID,
    user: Any,
    data: dict[str, Any],
    strict: bool = True,
    expected_lock_version: int | None = None,
) -> Consultation:
    """Complete a step of the consultation's process (the engine checks the role; the window's clocks are set by
    the engine's step hook, `schedule_window`). One transaction: a refused step changes nothing."""
    consultation_task(consultation, task_id)
    workflow_services.complete_task(
        task_id=task_id, user=user, data=data, strict=strict, expected_lock_version=expected_lock_version
    )
    consultation.refresh_from_db()
    return consultation


# ---- the search index --------------------------------------------------------------------------------------


def enqueue_search(consultation: Consultation, **changes: Any) -> None:
    """Queue the public documents that changed (`consultation.search.enqueue_changes`), once the draft is public."""
    from consultation import search

    if consultation.is_public:
        search.enqueue_changes(consultation, **changes)
