"""The outbox of changes to index, and the SQL search index (SQLite FTS5 or PostgreSQL full-text search).

`IndexedDocument` and `IndexedText` are only written by `search.backends.sql`; the full-text part lives beside
them in SQL that Django does not model (`migrations/0002_fulltext.py`): an FTS5 table over `IndexedText` on
SQLite, a `tsvector` column of `IndexedDocument` with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """A public object changed: index it again. Written in the same transaction as the change.

    The row id is the version of the document it produces: ids only grow, so a newer change always wins.
    """

    kind = models.CharField(_("loại tài liệu"), max_length=32)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    available_at = models.DateTimeField(_("xử lý từ"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, default="")
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, default="")

    class Meta:
        db_table = "search_outbox"
        verbose_name = _("thay đổi chờ lập chỉ mục")
        verbose_name_plural = _("thay đổi chờ lập chỉ mục")
        indexes = [models.Index(fields=["available_at", "id"], name="search_outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} #{self.pk}"


class IndexedDocument(models.Model):
    """One public document in the SQL index, in one generation (a full reindex fills the next one).

    Only what searches filter, count and sort on, so that a query touching many documents reads narrow rows;
    the text lives in `IndexedText` (same id) and is read for the hits of one page only.
    """

    generation = models.PositiveIntegerField()
    doc_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=32)
    version = models.BigIntegerField()
    live = models.BooleanField(default=True, help_text="False: a deletion, kept so that older versions stay out.")
    date = models.DateField()
    petition_type = models.CharField(max_length=32, blank=True)
    unit = models.CharField(max_length=64, blank=True)
    commune = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=32, blank=True)

    class Meta:
        db_table = "search_document"
        constraints = [models.UniqueConstraint(fields=["generation", "doc_id"], name="search_document_doc")]
        indexes = [
            models.Index(fields=["generation", "live", "date", "doc_id"], name="search_document_by_date"),
            # The newest documents of a commune or a unit, for a search filtered by it (SqlBackend._window).
            models.Index(fields=["generation", "live", "commune", "date", "doc_id"], name="search_document_commune"),
            models.Index(fields=["generation", "live", "unit", "date", "doc_id"], name="search_document_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_id} v{self.version} (generation {self.generation})"


class IndexedText(models.Model):
    """The text of an `IndexedDocument` (same id): shown in hits, and, folded, what the full-text index reads."""

    id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=255, blank=True)
    unit_name = models.CharField(max_length=255, blank=True)
    commune_name = models.CharField(max_length=255, blank=True)
    extra = models.TextField(blank=True, default="{}")  # JSON of the kind's allow-listed extra fields
    folded_title = models.TextField(blank=True)  # search.text.index_text(title)
    folded_body = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "search_document_text"

    def __str__(self) -> str:
        return f"text of document {self.id} v{self.version}"


class IndexState(models.Model):
    """Which generation of `IndexedDocument` searches read (one row); a reindex fills `building` and swaps."""

    active = models.PositiveIntegerField(default=1)
    building = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "search_index_state"

    def __str__(self) -> str:
        return f"active {self.active}, building {self.building}"
