from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a long-running worker process finished a loop iteration (`core.workers.beat`), read by
    `GET /healthz`. One row per worker name and process."""

    worker = models.CharField(_("tiến trình nền"), max_length=100)
    instance = models.CharField(_("máy và số tiến trình"), max_length=200)
    last_seen = models.DateTimeField(_("lần cuối hoạt động"))

    class Meta:
        verbose_name = _("nhịp của tiến trình nền")
        verbose_name_plural = _("nhịp của các tiến trình nền")
        constraints = [models.UniqueConstraint(fields=["worker", "instance"], name="core_heartbeat_unique")]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.instance}"
