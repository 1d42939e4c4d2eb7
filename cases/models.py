"""Petitions (đơn thư): what a citizen sent, through which channel, and what the authorities answered.

The handling steps live in the engine (`workflows.WorkflowInstance`, one per petition). Personal data of
the petitioner lives only here, in fields that no public serializer or index ever shows; public surfaces show
the petition's texts through `Petition.public_text`, which hides it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.answer_templates import unknown_placeholders
from organisation.models import Unit
from privacy.redaction import redact
from workflows.models import WorkflowInstance

# Readable aloud and typed without confusion: no 0/O, 1/I/L, U/V.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


class PetitionType(models.TextChoices):
    REFLECTION = "reflection", _("Phản ánh")
    RECOMMENDATION = "recommendation", _("Kiến nghị")
    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")
    COMPLAINT_SECOND = "complaint_second", _("Khiếu nại lần hai")


# What a citizen may file directly. A second-instance complaint starts only from a decided first-instance
# complaint (`cases.services.appeal_petition`), so it is never offered by the public intake.
PUBLIC_TYPES = frozenset(
    {PetitionType.REFLECTION, PetitionType.RECOMMENDATION, PetitionType.COMPLAINT, PetitionType.DENUNCIATION}
)
# Whose petitioner's identity is sealed (Law on Denunciations 2018, Art. 47–56): never published, never in an
# event, a task or a log line.
SEALED_TYPES = frozenset({PetitionType.DENUNCIATION})

# Process bindings (`workflows.ProcessBinding.subject_type`) that are not petition types: the public intake
# accepts only petition types that have a binding of their own, so it can never start these.
APPEAL_SUBJECT = "complaint_appeal"  # a second-instance complaint, started by `appeal_petition`
RECEPTION_SUBJECT = "reception"  # a reflection or recommendation recorded at a citizen reception session


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng thông tin")
    EMAIL = "email", _("Thư điện tử công vụ")
    SOCIAL = "social", _("Mạng xã hội")
    COUNTER = "counter", _("Bộ phận một cửa (mã QR)")
    RECEPTION = "reception", _("Buổi tiếp công dân")
    PHONE = "phone", _("Điện thoại")
    POST = "post", _("Bưu chính")
    MAILBOX = "mailbox", _("Hòm thư góp ý")
    ZALO = "zalo", _("Zalo OA")
    FACEBOOK = "facebook", _("Trang Facebook")
    OPEN311 = "open311", _("Ứng dụng bên thứ ba (Open311)")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    REJECTED = "rejected", _("Không thụ lý")


OPEN_STATUSES = (PetitionStatus.RECEIVED, PetitionStatus.IN_PROGRESS)
FINISHED_STATUSES = (PetitionStatus.ANSWERED, PetitionStatus.REJECTED)


class Outcome(models.TextChoices):
    """Whether a petition was answered in time, decided once when it is answered (or not accepted)."""

    OPEN = "open", _("Đang xử lý")
    ON_TIME = "on_time", _("Trả lời đúng hạn")
    LATE = "late", _("Trả lời trễ hạn")


def new_tracking_code(year: int | None = None) -> str:
    """`QT-2026-7KX4-M9PA`: the province prefix, the year and 8 random symbols (29^8 ≈ 5·10^11)."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{settings.TRACKING_CODE_PREFIX}-{year or timezone.localdate().year}-{symbols[:4]}-{symbols[4:]}"


def normalize_tracking_code(code: str) -> str:
    return "".join(code.split()).upper()


def hash_access_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Petition(models.Model):
    """One citizen's reflection, recommendation, complaint or denunciation: one tracked case.

    A second-instance complaint is a petition of its own, linked to the first-instance one (`appeal_of`).
    """

    tracking_code = models.CharField(_("mã tra cứu"), max_length=32, unique=True)
    access_key_hash = models.CharField(max_length=64, editable=False)
    petition_type = models.CharField(_("loại đơn"), max_length=32, choices=PetitionType.choices)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"))
    commune = models.ForeignKey(
        Unit, verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="petitions_located"
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Private: never in a public serializer, page or index.
    petitioner_name = models.CharField(_("họ tên người gửi"), max_length=150)
    petitioner_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    petitioner_email = models.EmailField(_("thư điện tử"), blank=True)
    publish_consent = models.BooleanField(_("đồng ý công khai"), default=False)
    # Private: where the petition came from, so answers go back the same way (`channel` says which):
    # an e-mail Message-ID thread, a Zalo user id, a Facebook page-scoped id; with the time of the citizen's
    # latest message there (Facebook lets a page answer only within 24 hours of it).
    origin_address = models.CharField(_("địa chỉ trên kênh tiếp nhận"), max_length=255, blank=True)
    origin_last_message_at = models.DateTimeField(_("tin nhắn gần nhất trên kênh"), null=True, blank=True)

    status = models.CharField(
        _("tình trạng"), max_length=16, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED
    )
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        Unit, verbose_name=_("đơn vị trả lời"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now, db_index=True)
    workflow = models.OneToOneField(
        WorkflowInstance, verbose_name=_("hồ sơ quy trình"), on_delete=models.PROTECT, related_name="petition"
    )
    # Kept by `cases.outcomes` whenever the case is written, for the leaders' figures (`OutcomeTally`): the outcome,
    # whether some step already missed its deadline, and the handling unit the tally counts the petition under.
    outcome = models.CharField(_("kết quả về thời hạn"), max_length=8, choices=Outcome.choices, default=Outcome.OPEN)
    missed_deadline = models.BooleanField(_("đã có bước trễ hạn"), default=False)
    tallied_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị được thống kê"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the petition is about (`topics`): suggested from its title and content when it arrives, with the
    # classifier's confidence and the words that weighed most; confirmed or corrected by a reception officer
    # (who and when also go to the case's audit trail). Confirmed topics train the next model.
    topic = models.ForeignKey(
        "topics.Topic",
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
        db_index=True,
    )
    topic_confidence = models.FloatField(_("độ tin cậy của lĩnh vực gợi ý"), null=True, blank=True)
    topic_evidence = models.JSONField(_("từ ngữ quyết định lĩnh vực gợi ý"), default=list, blank=True)
    topic_confirmed = models.BooleanField(_("lĩnh vực đã được xác nhận"), default=False)
    topic_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic_confirmed_at = models.DateTimeField(_("xác nhận lĩnh vực lúc"), null=True, blank=True)
    appeal_of = models.ForeignKey(
        "self",
        verbose_name=_("khiếu nại lần đầu"),
        help_text=_("Khiếu nại lần hai: quyết định giải quyết lần đầu bị khiếu nại."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    # A group petition (`cases.groups`): this petition is handled within the lead petition's case; it keeps its own
    # tracking code, secret key, status page and address chain. Null: it is a case of its own (or a group's lead).
    joined_to = models.ForeignKey(
        "self",
        verbose_name=_("gộp vào đơn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    joined_at = models.DateTimeField(_("gộp lúc"), null=True, blank=True)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ gộp đơn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đơn thư")
        verbose_name_plural = _("đơn thư")
        ordering = ["-received_at"]
        indexes = [
            # The leaders' figures read only the open petitions live, and among them those already late.
            models.Index(
                fields=["received_at"],
                include=["workflow", "petition_type", "tallied_unit"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="petition_open_received",
            ),
            models.Index(
                fields=["workflow"],
                condition=models.Q(status__in=OPEN_STATUSES, missed_deadline=True),
                name="petition_open_missed",
            ),
            # The candidates of a duplicate suggestion (`cases.duplicates`): a commune's open cases of a type,
            # newest first.
            models.Index(
                fields=["commune", "petition_type", "-received_at"],
                condition=models.Q(status__in=OPEN_STATUSES, joined_to__isnull=True),
                name="petition_open_duplicates",
            ),
            # The public map (places/): published petitions counted per commune, type and status, and the points
            # in a box when zoomed in, read from the index alone.
            models.Index(
                fields=["commune", "petition_type", "status"],
                condition=models.Q(published_at__isnull=False, publish_consent=True),
                name="petition_public_commune",
            ),
            # Zoomed in: the newest petitions with a point in the box (read from the index alone), and the newest of a
            # commune's petitions without a point.
            models.Index(
                fields=["latitude", "longitude"],
                include=["published_at", "petition_type", "status"],
                condition=models.Q(published_at__isnull=False, publish_consent=True, latitude__isnull=False),
                name="petition_public_point",
            ),
            models.Index(
                fields=["commune", "-published_at"],
                condition=models.Q(published_at__isnull=False, publish_consent=True, latitude__isnull=True),
                name="petition_public_unplaced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.title}"

    @property
    def unit(self) -> Unit:
        return self.workflow.unit

    @property
    def identity_sealed(self) -> bool:
        return self.petition_type in SEALED_TYPES

    def check_access_key(self, key: str) -> bool:
        return bool(key) and hmac.compare_digest(self.access_key_hash, hash_access_key(key))

    @staticmethod
    def new_access_key() -> str:
        return secrets.token_urlsafe(18)

    def public_text(self, text: str) -> str:
        """`text` (its title, answer, a step's public note) as every public surface shows it: without the
        petitioner's name, phone and email, nor any phone, email or ID number. The petitioner, with the access
        key, and the officials handling the case read the text itself."""
        return redact(text, names=[self.petitioner_name], literals=[self.petitioner_phone, self.petitioner_email])


def attachment_path(instance: Attachment, filename: str) -> str:
    extension = settings.UPLOAD_ALLOWED_TYPES.get(instance.content_type, "bin")
    return f"petitions/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class OutcomeTally(models.Model):
    """How many petitions received on a day, of a type, handled by a unit, are open, answered on time or answered
    late: the leaders' figures over a million cases read these rows, not the cases (`cases.outcomes` keeps them
    in the transaction that changes a petition; `manage.py rebuild_outcome_tally` recounts them)."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT, related_name="+")
    petition_type = models.CharField(_("loại đơn"), max_length=32, choices=PetitionType.choices)
    received_on = models.DateField(_("ngày tiếp nhận"))
    in_progress = models.IntegerField(_("đang xử lý"), default=0)
    on_time = models.IntegerField(_("trả lời đúng hạn"), default=0)
    late = models.IntegerField(_("trả lời trễ hạn"), default=0)
    # Petitions joined to the cases of this row (`cases.groups`): each is a petitioner, not a case.
    joined = models.IntegerField(_("đơn gộp"), default=0)

    class Meta:
        verbose_name = _("số liệu theo ngày tiếp nhận")
        verbose_name_plural = _("số liệu theo ngày tiếp nhận")
        constraints = [
            models.UniqueConstraint(fields=["received_on", "unit", "petition_type"], name="outcome_tally_once")
        ]
        indexes = [
            models.Index(
                fields=["received_on", "unit"],
                include=["petition_type", "in_progress", "on_time", "late", "joined"],
                name="outcome_tally_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.unit_id} {self.petition_type}"


class Attachment(models.Model):
    """A file sent with a petition. Stored under a random name; the original name is kept for display."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name


class AnswerTemplate(models.Model):
    """A model answer of a unit (or of every unit) for one petition type, with placeholders
    (`cases.answer_templates`) filled from each petition it answers."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        help_text=_("Để trống: dùng cho mọi đơn vị."),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer_templates",
    )
    petition_type = models.CharField(_("loại đơn"), max_length=32, choices=PetitionType.choices)
    title = models.CharField(_("tên mẫu"), max_length=200)
    body = models.TextField(
        _("nội dung"),
        help_text=_(
            "Có thể dùng: {xung_ho}, {ho_ten}, {ma_don}, {tieu_de}, {ngay_nhan}, {ngay_hom_nay}, {han_xu_ly}, {don_vi}."
        ),
    )
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("mẫu trả lời")
        verbose_name_plural = _("mẫu trả lời")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        unknown = unknown_placeholders(self.body)
        if unknown:
            raise ValidationError(
                {
                    "body": _("Mẫu có chỗ điền không hợp lệ: %(names)s")
                    % {"names": ", ".join("{" + name + "}" for name in unknown)}
                }
            )
