"""Units of local government and the officials who work in them.

Since 1 July 2025 Vietnam has two levels of local government (the province with its departments, and
communes/wards). The hierarchy is data of any depth, not fixed levels, so a reorganisation is an edit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What an official may do in a unit. Each role is a lane in the BPMN processes."""

    RECEPTION_OFFICER = "reception_officer", _("Cán bộ tiếp nhận")
    HANDLING_OFFICER = "handling_officer", _("Cán bộ xử lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")
    LEGAL_STAFF = "legal_staff", _("Cán bộ pháp chế")

    @classmethod
    def from_lane(cls, lane_name: str | None) -> Role | None:
        """A lane is named after a role, by its code or its Vietnamese name ("Cán bộ tiếp nhận")."""
        if not lane_name:
            return None
        wanted = lane_name.strip().casefold()
        with translation.override("vi"):  # diagrams are written in Vietnamese, whatever the user's language
            for role in cls:
                if wanted in (role.value.casefold(), str(role.label).casefold()):
                    return role
        return None


class Unit(models.Model):
    """An agency, department, commune or ward (cơ quan, đơn vị)."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=64, help_text=_("Ví dụ: tỉnh, sở, xã, phường."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path ("/1/7/") so that "this unit and everything under it" is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    is_commune = models.BooleanField(
        _("là xã/phường"), default=False, help_text=_("Xã, phường, đặc khu: được chọn làm địa bàn của đơn.")
    )
    # Set by administrators: the Law on Complaints gives longer periods "ở vùng sâu, vùng xa đi lại khó khăn" (Arts.
    # 28, 33 and 37); which units qualify is the province's decision, not something the system infers.
    is_remote = models.BooleanField(
        _("vùng sâu, vùng xa"),
        default=False,
        help_text=_(
            "Vùng sâu, vùng xa đi lại khó khăn: khiếu nại tại đơn vị này được áp dụng thời hạn giải quyết và thời hạn "
            "khiếu nại lần hai dài hơn (Điều 28, 33, 37 Luật Khiếu nại)."
        ),
    )

    # The official code of the administrative unit (mã đơn vị hành chính, e.g. 19333 for Phường Đông Hà) after the
    # reorganisation of 1 July 2025, set by `manage.py load_places`; empty for departments and agencies.
    admin_code = models.CharField(_("mã đơn vị hành chính"), max_length=16, blank=True, default="", db_index=True)
    # A representative point of the commune (or province), for the maps and the check of a petition's location.
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.parent_id == self.pk and self.pk is not None:
            raise ValueError("A unit cannot be its own parent.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            old_path, self.path = self.path, path
            Unit.objects.filter(pk=self.pk).update(path=path)
            if old_path:
                for child in self.children.all():
                    child.save()

    def ancestors_and_self(self) -> list[int]:
        return [int(pk) for pk in self.path.strip("/").split("/") if pk]


class Membership(models.Model):
    """An official holds a role in a unit; one person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò của cán bộ")
        verbose_name_plural = _("vai trò của cán bộ")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
