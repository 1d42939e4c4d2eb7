"""Public consultation on drafts (lấy ý kiến dự thảo): the consultation, its draft versions with their articles
and clauses, the comment window, comments with their moderation and disposition, and the word list.

The handling steps (prepare, legal review, publish, the window's timer, disposition, the leader's approval of
the report) live in the engine (`workflows.WorkflowInstance`, one per consultation). A commenter's name and
contact live only in `Comment.author_name`, `email` and `phone`, which no public serializer, page, report or
index ever shows: public surfaces show a comment's text and explanation through `Comment.public_text`, which hides
them and every phone, email and ID number.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines import calendar
from organisation.models import Unit
from privacy.redaction import Redaction, redaction
from workflows.models import AppendOnlyModel, WorkflowInstance

SUBJECT_TYPE = "consultation"  # the `ProcessBinding.subject_type` of consultations


class DraftKind(models.TextChoices):
    LEGAL_DOCUMENT = "legal_document", _("Văn bản quy phạm pháp luật")
    PROGRAM = "program", _("Chương trình")
    POLICY = "policy", _("Chính sách")


class Stage(models.TextChoices):
    """Where a consultation is. The window itself (upcoming, open, closed) follows from the dates."""

    DRAFTING = "drafting", _("Đang soạn thảo")
    PUBLISHED = "published", _("Đã công bố lấy ý kiến")
    CLOSED = "closed", _("Đã hết thời gian lấy ý kiến")
    REPORT_PUBLISHED = "report_published", _("Đã công bố báo cáo tiếp thu, giải trình")


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Kiểm duyệt trước khi đăng")
    POST = "post", _("Đăng ngay, kiểm duyệt sau")


class WindowStatus(models.TextChoices):
    """What the public sees of the window."""

    NOT_PUBLISHED = "not_published", _("Chưa công bố")
    UPCOMING = "upcoming", _("Sắp lấy ý kiến")
    OPEN = "open", _("Đang lấy ý kiến")
    CLOSED = "closed", _("Đã hết thời gian lấy ý kiến")


def normalize_reference(reference: str) -> str:
    return "".join(reference.split()).upper()


def hash_access_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Consultation(models.Model):
    """One draft put to public comment (a legal document, a program or a policy): the docket."""

    reference = models.CharField(_("số hiệu"), max_length=40, unique=True, blank=True)
    kind = models.CharField(_("loại dự thảo"), max_length=32, choices=DraftKind.choices)
    title = models.CharField(_("tên dự thảo"), max_length=300)
    summary = models.TextField(_("tóm tắt"), blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan chủ trì soạn thảo"), on_delete=models.PROTECT, related_name="consultations"
    )
    opens_on = models.DateField(_("bắt đầu lấy ý kiến"))
    closes_on = models.DateField(_("kết thúc lấy ý kiến"), help_text=_("Hết ngày này (23:59, giờ Việt Nam)."))
    moderation = models.CharField(
        _("kiểm duyệt"), max_length=8, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices, default=Stage.DRAFTING)
    comment_seq = models.PositiveIntegerField(default=0, editable=False, help_text=_("Last comment number issued."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    report_summary = models.TextField(_("tổng hợp chung"), blank=True)
    report_approved_at = models.DateTimeField(_("báo cáo được duyệt lúc"), null=True, blank=True)
    report_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt báo cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report_published_at = models.DateTimeField(_("báo cáo công bố lúc"), null=True, blank=True)
    report_pdf = models.FileField(_("báo cáo (PDF)"), upload_to="consultations/reports/", blank=True)
    workflow = models.OneToOneField(
        WorkflowInstance, verbose_name=_("hồ sơ quy trình"), on_delete=models.PROTECT, related_name="consultation"
    )

    class Meta:
        verbose_name = _("lấy ý kiến dự thảo")
        verbose_name_plural = _("lấy ý kiến dự thảo")
        ordering = ["-opens_on", "-pk"]
        indexes = [models.Index(fields=["stage", "closes_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="window_not_reversed")
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def opens_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.opens_on, datetime.time.min, tzinfo=calendar.LEGAL_TZ)

    @property
    def closes_at(self) -> datetime.datetime:
        """The window ends at the end of its last day (Civil Code 2015, Art. 148)."""
        return calendar.end_of_day(self.closes_on)

    @property
    def is_public(self) -> bool:
        return self.published_at is not None

    def window_status(self, now: datetime.datetime | None = None) -> WindowStatus:
        now = now or timezone.now()
        if not self.is_public:
            return WindowStatus.NOT_PUBLISHED
        if self.closed_at is not None or now > self.closes_at:
            return WindowStatus.CLOSED
        if now < self.opens_at:
            return WindowStatus.UPCOMING
        return WindowStatus.OPEN

    def accepts_comments(self, now: datetime.datetime | None = None) -> bool:
        return self.window_status(now) == WindowStatus.OPEN

    @property
    def current_version(self) -> DraftVersion | None:
        return self.versions.order_by("-number").first()

    @property
    def report_published(self) -> bool:
        return self.report_published_at is not None

    @property
    def public_report_summary(self) -> str:
        """The report's summary as the public sees it (as the search index has it): phones, emails, ID numbers
        hidden, in case it quotes a commenter."""
        return redaction(self.report_summary).text


class DraftVersion(models.Model):
    """One version of the draft's text (the document of the docket). Immutable once created."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tiêu đề trong văn bản"), max_length=500, blank=True)
    preamble = models.TextField(_("phần mở đầu"), blank=True)
    source_name = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    source_text = models.TextField(_("văn bản nguồn"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("phiên bản dự thảo")
        verbose_name_plural = _("phiên bản dự thảo")
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return f"{self.consultation.reference} v{self.number}"

    @property
    def document_id(self) -> str:
        return f"{self.consultation.reference}-v{self.number}"


class ArticleChange(models.TextChoices):
    """How an article relates to the previous version (for the per-article diff)."""

    FIRST = "first", _("Phiên bản đầu")
    SAME = "same", _("Không đổi")
    CHANGED = "changed", _("Sửa đổi")
    MOVED = "moved", _("Đổi số điều")
    NEW = "new", _("Điều mới")


class Article(models.Model):
    """An article (điều) of one version, under its chapter (chương) and section (mục)."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveIntegerField()
    chapter_number = models.CharField(_("chương"), max_length=16, blank=True)
    chapter_title = models.CharField(_("tên chương"), max_length=500, blank=True)
    section = models.CharField(_("mục"), max_length=500, blank=True)
    number = models.CharField(_("số điều"), max_length=16)
    title = models.CharField(_("tên điều"), max_length=500, blank=True)
    body = models.TextField(_("nội dung ngoài các khoản"), blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("điều tương ứng ở phiên bản trước"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    change = models.CharField(max_length=8, choices=ArticleChange.choices, default=ArticleChange.FIRST)
    similarity = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("điều")
        verbose_name_plural = _("điều")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="article_unique_number")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Điều {self.number}" + (f". {self.title}" if self.title else "")

    def full_text(self) -> str:
        """The article as one text (title, body, clauses), the unit of matching and diffs."""
        parts = [self.title, self.body, *(f"{clause.number}. {clause.text}" for clause in self.clauses.all())]
        return "\n".join(part for part in parts if part)


class Clause(models.Model):
    """A clause (khoản) of an article; its points (điểm a, b, …) are part of its text."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveIntegerField()
    number = models.CharField(_("số khoản"), max_length=16)
    text = models.TextField(_("nội dung"))

    class Meta:
        verbose_name = _("khoản")
        verbose_name_plural = _("khoản")
        ordering = ["article", "position"]

    def __str__(self) -> str:
        return f"Khoản {self.number} {self.article.label}"


def draft_file_path(instance: DraftFile, filename: str) -> str:
    extension = {"application/pdf": "pdf"}.get(instance.content_type, "docx")
    return f"consultations/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class DraftFile(models.Model):
    """An original of the draft (PDF, DOCX) as issued by the drafting unit; public once the draft is published."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="files")
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    file = models.FileField(_("tệp"), upload_to=draft_file_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp dự thảo")
        verbose_name_plural = _("tệp dự thảo")
        ordering = ["consultation", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CommenterKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    AGENCY = "agency", _("Cơ quan, tổ chức nhà nước")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    ASSOCIATION = "association", _("Hiệp hội, tổ chức xã hội")


ORGANISATION_KINDS = frozenset({CommenterKind.AGENCY, CommenterKind.ENTERPRISE, CommenterKind.ASSOCIATION})


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ kiểm duyệt")
    PUBLISHED = "published", _("Đã đăng")
    REJECTED = "rejected", _("Không đăng")


class RejectionReason(models.TextChoices):
    ABUSIVE = "abusive", _("Ngôn từ xúc phạm, thiếu văn hoá")
    SPAM = "spam", _("Quảng cáo, tin rác hoặc gửi lặp lại")
    OFF_TOPIC = "off_topic", _("Không liên quan đến dự thảo")
    PERSONAL_DATA = "personal_data", _("Chứa thông tin cá nhân")


class Disposition(models.TextChoices):
    """The drafting team's answer to a comment (tiếp thu, giải trình)."""

    ACCEPTED = "accepted", _("Tiếp thu")
    PARTLY_ACCEPTED = "partly_accepted", _("Tiếp thu một phần")
    NOT_ACCEPTED = "not_accepted", _("Không tiếp thu")
    NOTED = "noted", _("Ghi nhận")


class AnchorStatus(models.TextChoices):
    """Where a comment sits in the newest version, compared with the place it was made on."""

    ORIGINAL = "original", _("Trên phiên bản hiện hành")
    SAME = "same", _("Điều không đổi")
    CHANGED = "changed", _("Điều đã sửa đổi")
    MOVED = "moved", _("Điều đã đổi số")
    UNMATCHED = "unmatched", _("Không còn điều, khoản tương ứng — cần xem lại")


_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")


def redact_comment(text: str, *, author_name: str, email: str, phone: str) -> Redaction:
    """A comment's text (or its explanation) as the public sees it, with what was hidden: the commenter's name,
    email and phone, and every phone, email and ID number (`privacy.redaction`)."""
    return redaction(text, names=[author_name], literals=[email, phone])


def fingerprint(text: str) -> str:
    """Identical comments (a campaign sending one text) share a fingerprint: case, spacing and punctuation aside."""
    normal = unicodedata.normalize("NFC", text).casefold()
    normal = _SPACES.sub(" ", _NOT_WORD.sub(" ", normal)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:32]


class Comment(models.Model):
    """A comment (góp ý) on the whole draft, an article or a clause. Never deleted: a rejected one is kept."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="comments")
    number = models.PositiveIntegerField(_("số thứ tự"))
    access_key_hash = models.CharField(max_length=64, editable=False, db_index=True)
    # Where it was made, never changed …
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    article_made_on = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    clause_made_on = models.ForeignKey(Clause, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # … and where it sits in the newest version (moved by `versions.carry_comments`).
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments", verbose_name=_("điều")
    )
    clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments", verbose_name=_("khoản")
    )
    anchor_status = models.CharField(
        _("vị trí trên phiên bản mới"), max_length=10, choices=AnchorStatus.choices, default=AnchorStatus.ORIGINAL
    )
    anchor_note = models.CharField(_("ghi chú vị trí"), max_length=500, blank=True)

    commenter_kind = models.CharField(_("người góp ý là"), max_length=16, choices=CommenterKind.choices)
    organisation_name = models.CharField(
        _("tên cơ quan, tổ chức, doanh nghiệp"), max_length=255, blank=True, help_text=_("Công khai.")
    )
    # Private: never in a public serializer, page, report or index.
    author_name = models.CharField(_("họ tên người góp ý"), max_length=150)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    text = models.TextField(_("nội dung góp ý"))
    text_fingerprint = models.CharField(max_length=32, db_index=True, editable=False)
    created_at = models.DateTimeField(_("gửi lúc"), default=timezone.now, db_index=True)

    status = models.CharField(_("tình trạng"), max_length=10, choices=CommentStatus.choices)
    flags = models.JSONField(_("dấu hiệu cần xem xét"), default=list, blank=True)
    rejection_reason = models.CharField(
        _("lý do không đăng"), max_length=16, choices=RejectionReason.choices, blank=True
    )
    moderation_note = models.TextField(_("giải thích cho người góp ý"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("đăng lúc"), null=True, blank=True)

    disposition = models.CharField(_("tiếp thu, giải trình"), max_length=16, choices=Disposition.choices, blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("góp ý")
        verbose_name_plural = _("góp ý")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="comment_unique_number"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="rejected_comment_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(disposition="") | models.Q(status="published"),
                name="only_published_comments_are_disposed",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "status"]), models.Index(fields=["article", "status"])]

    def __str__(self) -> str:
        return self.comment_id

    @property
    def comment_id(self) -> str:
        return f"{self.consultation.reference}-{self.number:04d}"

    @property
    def is_organisation(self) -> bool:
        return self.commenter_kind in ORGANISATION_KINDS

    @property
    def public_author(self) -> str:
        """What the public sees of who commented: an organisation by name, a person never by name."""
        if self.is_organisation and self.organisation_name:
            return f"{self.organisation_name} ({self.get_commenter_kind_display()})"
        return str(CommenterKind.PERSON.label)

    @property
    def needs_review(self) -> bool:
        return self.anchor_status == AnchorStatus.UNMATCHED

    @property
    def target_label(self) -> str:
        if self.clause_id and self.clause is not None and self.article is not None:
            return f"Khoản {self.clause.number} Điều {self.article.number}"
        if self.article_id and self.article is not None:
            return f"Điều {self.article.number}"
        if self.article_made_on_id:
            return "Điều, khoản không còn trong dự thảo mới"
        return "Toàn bộ dự thảo"

    def check_access_key(self, key: str) -> bool:
        return bool(key) and hmac.compare_digest(self.access_key_hash, hash_access_key(key))

    @staticmethod
    def new_access_key() -> str:
        return secrets.token_urlsafe(18)

    def public_text(self, text: str) -> str:
        """`text` (this comment's, or the explanation given to it) as every public surface shows it."""
        return redact_comment(text, author_name=self.author_name, email=self.email, phone=self.phone).text

    @property
    def public_body(self) -> str:
        return self.public_text(self.text)

    @property
    def public_explanation(self) -> str:
        return self.public_text(self.explanation)


class BlockedTerm(models.Model):
    """A word or phrase that sends a comment to review (never an automatic rejection): edited in the admin."""

    term = models.CharField(_("từ ngữ"), max_length=100, unique=True)
    reason = models.CharField(
        _("lý do gợi ý"), max_length=16, choices=RejectionReason.choices, default=RejectionReason.ABUSIVE
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("từ ngữ cần kiểm duyệt")
        verbose_name_plural = _("từ ngữ cần kiểm duyệt")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class DispositionChange(AppendOnlyModel):
    """One change of a comment's disposition (tiếp thu, giải trình): who, when, from what to what. The comment keeps
    the current answer; this trail keeps every earlier one (a withdrawal by moderation too). Never updated."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="disposition_changes")
    changed_at = models.DateTimeField(_("lúc"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thay đổi"), on_delete=models.PROTECT, related_name="+"
    )
    old_disposition = models.CharField(_("ý kiến cũ"), max_length=16, choices=Disposition.choices, blank=True)
    old_explanation = models.TextField(_("giải trình cũ"), blank=True)
    new_disposition = models.CharField(_("ý kiến mới"), max_length=16, choices=Disposition.choices, blank=True)
    new_explanation = models.TextField(_("giải trình mới"), blank=True)

    class Meta:
        verbose_name = _("thay đổi tiếp thu, giải trình")
        verbose_name_plural = _("thay đổi tiếp thu, giải trình")
        ordering = ["comment", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.comment} · {self.changed_at:%Y-%m-%d %H:%M}"


class ReportRender(models.Model):
    """A queued rendering of the published synthesis report's PDF, done by `manage.py run_report_renders`
    (`consultation.report_renders`): never in a web request."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="report_renders")
    requested_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)  # a worker's lease, or a failed render's retry
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["rendered_at", "claimed_until"])]

    def __str__(self) -> str:
        return f"{self.consultation.reference} · {self.requested_at:%Y-%m-%d %H:%M}"
