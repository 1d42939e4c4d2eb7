"""Topics (lĩnh vực) of petitions, the trained topic model, and the tally the leaders' insight page reads.

`Topic` is an administrator-managed taxonomy; a petition carries a suggested topic from the moment it arrives
(`topics.services.suggest`) and a reception officer confirms or corrects it. `TopicModel` holds the trained
classifier (`topics.classifier`), one row per training run. `TopicTally` counts petitions per month, handling unit,
commune and topic so the insight page never scans the petitions (`cases.outcomes` keeps it).
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from organisation.models import Unit


class Topic(models.Model):
    """A field a petition is about: land, water, education… (lĩnh vực)."""

    code = models.SlugField(_("mã"), max_length=48, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    keywords = models.TextField(
        _("từ khóa"),
        blank=True,
        help_text=_("Mỗi dòng một từ hoặc cụm từ tiếng Việt có dấu; đơn chứa từ khóa được gợi ý lĩnh vực này."),
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the English name when the page is in English and one is given."""
        if self.name_en and (translation.get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name

    def keyword_list(self) -> list[str]:
        return [line.strip().casefold() for line in self.keywords.splitlines() if line.strip()]


class TopicModel(models.Model):
    """One trained topic classifier: its parameters and how it scored on petitions held aside from training."""

    version = models.PositiveIntegerField(_("phiên bản"), unique=True)
    trained_at = models.DateTimeField(_("huấn luyện lúc"))
    training_size = models.PositiveIntegerField(_("số đơn huấn luyện"), default=0)
    test_size = models.PositiveIntegerField(_("số đơn kiểm tra"), default=0)
    accuracy = models.FloatField(_("độ chính xác"), null=True, blank=True)
    rules_accuracy = models.FloatField(_("độ chính xác của luật từ khóa"), null=True, blank=True)
    baseline_accuracy = models.FloatField(_("độ chính xác khi chọn lĩnh vực phổ biến nhất"), null=True, blank=True)
    parameters = models.JSONField(_("tham số"), default=dict)

    class Meta:
        verbose_name = _("mô hình phân loại lĩnh vực")
        verbose_name_plural = _("mô hình phân loại lĩnh vực")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class TopicTally(models.Model):
    """How many petitions received in a month, handled by a unit, located in a commune, are about a topic
    (no topic: `topic` empty). Kept by `cases.outcomes` with the outcome tally; `manage.py rebuild_topic_tally`
    recounts it."""

    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng tiếp nhận (giờ Việt Nam)."))
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(Unit, verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(
        Topic, verbose_name=_("lĩnh vực"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    petitions = models.IntegerField(_("số đơn"), default=0)

    class Meta:
        verbose_name = _("số liệu theo lĩnh vực")
        verbose_name_plural = _("số liệu theo lĩnh vực")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "commune", "topic"],
                condition=models.Q(topic__isnull=False),
                name="topic_tally_once",
            ),
            models.UniqueConstraint(
                fields=["month", "unit", "commune"],
                condition=models.Q(topic__isnull=True),
                name="topic_tally_none_once",
            ),
        ]
        indexes = [
            models.Index(fields=["month"], include=["unit", "commune", "topic", "petitions"], name="topic_tally_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id} {self.commune_id} {self.topic_id}"
