"""The published synthesis report's PDF, rendered by a worker (`manage.py run_report_renders`), never in a request.

A big report costs seconds of CPU (`consultation.pdf`). So publishing the report (`handlers.publish_report`) queues
a `ReportRender` in the publication's own transaction and clears the stored PDF; until the worker has stored the
new file, the public pages say it is being prepared and the PDF's URL answers 503.

The worker claims the oldest pending render: `select_for_update(skip_locked)` where the database has it, then a
conditional UPDATE that sets a lease (`claimed_until`), so two workers never render the same one; it renders
outside any transaction, then stores the file — unless a later publication has queued another render meanwhile,
which stores its own. A render that fails is tried again with a backoff; one whose worker died is taken again when
its lease runs out. Running the worker again does nothing once every render is done.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from consultation import report
from consultation.models import Consultation, ReportRender
from core.files import StorageRefused

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=15)
MAX_BACKOFF = datetime.timedelta(hours=1)


def request_render(consultation: Consultation) -> ReportRender:
    """Queue a rendering of the (re)published report; call inside the publication's transaction. The PDF stored for
    an earlier publication is no longer served, and its file is removed once the transaction commits."""
    stale = consultation.report_pdf.name
    if stale:
        storage = consultation.report_pdf.storage
        transaction.on_commit(lambda: storage.delete(stale))
        Consultation.objects.filter(pk=consultation.pk).update(report_pdf="")
        consultation.report_pdf.name = ""
    return ReportRender.objects.create(consultation=consultation)


def _claimable(now: datetime.datetime) -> QuerySet[ReportRender]:
    return ReportRender.objects.filter(rendered_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


def claim(now: datetime.datetime | None = None) -> ReportRender | None:
    """The oldest pending render, leased to this worker; None when there is none left to take."""
    now = now or timezone.now()
    while True:
        with transaction.atomic():
            candidates = _claimable(now).order_by("requested_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            render = candidates.first()
            if render is None:
                return None
            taken = _claimable(now).filter(pk=render.pk).update(claimed_until=now + LEASE, attempts=F("attempts") + 1)
        if taken:
            render.refresh_from_db()
            return render
        # another worker took it between the read and the UPDATE (no row locks on SQLite): try the next one


def _superseded(render: ReportRender) -> bool:
    return ReportRender.objects.filter(consultation_id=render.consultation_id, pk__gt=render.pk).exists()


def _retry_later(render: ReportRender, error: str) -> None:
    """Give the claimed render back for a later try, waiting longer after each failed attempt."""
    backoff = min(datetime.timedelta(seconds=30 * 2**render.attempts), MAX_BACKOFF)
    ReportRender.objects.filter(pk=render.pk).update(claimed_until=timezone.now() + backoff, last_error=error[:2000])


def render_claimed(render: ReportRender) -> bool:
    """Render a claimed report and store its PDF; True when this call stored it."""
    consultation = Consultation.objects.get(pk=render.consultation_id)
    if not consultation.report_published or _superseded(render):
        ReportRender.objects.filter(pk=render.pk).update(rendered_at=timezone.now())
        return False
    try:
        pdf = report.render_pdf(report.build(consultation))
    except Exception as error:
        logger.exception("Report PDF of %s failed", consultation.reference)
        _retry_later(render, str(error))
        return False
    try:
        with transaction.atomic():
            locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
            finished = ReportRender.objects.filter(pk=render.pk, rendered_at__isnull=True).update(
                rendered_at=timezone.now(), last_error=""
            )
            if not finished or _superseded(render):
                return False  # done by another worker after our lease ran out, or a later publication renders its own
            locked.report_pdf.save(f"{locked.reference}.pdf", ContentFile(pdf), save=False)
            locked.save(update_fields=["report_pdf"])
    except StorageRefused as error:  # the object store refused the PDF: nothing recorded, tried again later
        logger.error("Report PDF of %s could not be stored: %s", consultation.reference, error)
        _retry_later(render, f"storage: {error}")
        return False
    return True


def run_pending(*, limit: int | None = None, should_stop: Callable[[], bool] | None = None) -> int:
    """Render every pending report (at most `limit`, and none after `should_stop()` is true); the number of PDFs
    stored."""
    stored = 0
    taken = 0
    while (limit is None or taken < limit) and not (should_stop is not None and should_stop()):
        render = claim()
        if render is None:
            break
        taken += 1
        stored += render_claimed(render)
    return stored
