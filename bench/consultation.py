"""Consultation benchmark: comment intake through the service, and the synthesis report of a big consultation.

    .venv/bin/python bench/consultation.py [--articles 100] [--comments 5000] [--database-url URL]

On a temporary SQLite database (or the given one, which must be empty and is migrated here):

1. build   — migrate, load the processes, a unit with its officials, a draft of ARTICLES articles (10 chapters, 3
             clauses each) created and published through `consultation.services` and the process steps. Not timed.
2. intake  — COMMENTS comments through `services.submit_comment` (one transaction each, as the API does: the
             consultation row lock, the heuristics, the outbox row and its drain into the search index after
             commit), spread over the articles, clauses and kinds of commenter: comments per second, p50/p95.
3. dispose — every comment disposed with `services.dispose_comments`, 500 at a time (timed, for information).
4. report  — `report.build` + `report.render_html`, then `report.render_pdf` (WeasyPrint; chunks of
             `report.CHUNK_COMMENTS` comments rendered by up to two worker processes, merged with pypdf), each timed
             (wall clock and CPU seconds of this process and its workers: on a shared machine the CPU figure is the
             steadier one); the PDF's pages counted. Peak memory (`resource.getrusage`): this process's peak RSS,
             the largest worker's, and their sum for the workers running at once; plus the peak of Python
             allocations in this process during a second render under `tracemalloc`.

Targets: PDF report ≤ 10 s and ≤ 500 MB peak. The LAST line is one JSON object with every figure. Benchmarks
are never part of the pass/fail test suite.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import percentile, say  # noqa: E402

TARGETS = {"pdf_seconds_max": 10.0, "pdf_peak_mb_max": 500.0}
KINDS = ["person", "person", "person", "enterprise", "association", "agency"]
ORGANISATIONS = {
    "enterprise": "Công ty Cổ phần Xây dựng Đông Hà",
    "association": "Hiệp hội Bất động sản tỉnh Quảng Trị",
    "agency": "Ủy ban nhân dân phường Nam Đông Hà",
}


def draft_text(articles: int) -> str:
    lines = ["# Nghị quyết quy định chính sách hỗ trợ nhà ở trên địa bàn tỉnh", "", "Căn cứ Luật Nhà ở.", ""]
    per_chapter = max(1, articles // 10)
    for number in range(1, articles + 1):
        if (number - 1) % per_chapter == 0:
            chapter = (number - 1) // per_chapter + 1
            lines += [f"## Chương {chapter}. NHÓM QUY ĐỊNH THỨ {chapter}", ""]
        lines += [f"### Điều {number}. Quy định về nội dung thứ {number}"]
        for clause in range(1, 4):
            lines.append(
                f"{clause}. Ủy ban nhân dân xã, phường có trách nhiệm tiếp nhận, kiểm tra hồ sơ đề nghị hỗ trợ "
                f"thuộc nhóm {number}.{clause} và trả lời người dân trong thời hạn quy định."
            )
        lines.append("")
    return "\n".join(lines)


def setup_django(database_url: str) -> None:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="lang-nghe-bench-media-")
    sys.path.insert(0, str(ROOT))
    from bench.figures import setup_django as production_django

    production_django(database_url)


def build(articles: int) -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Q
    from django.utils import timezone

    from consultation import services
    from organisation.models import Membership, Role, Unit
    from workflows.models import HumanTask

    call_command("migrate", verbosity=0)
    call_command("load_processes", verbosity=0)
    unit = Unit.objects.create(code="so-xay-dung", name="Sở Xây dựng", kind="sở")
    User = get_user_model()
    drafter = User.objects.create_user("xuly", password="bench-pass-phrase")
    lawyer = User.objects.create_user("phapche", password="bench-pass-phrase")
    Membership.objects.create(user=drafter, unit=unit, role=Role.HANDLING_OFFICER)
    Membership.objects.create(user=lawyer, unit=unit, role=Role.LEGAL_STAFF)
    today = timezone.localdate()
    consultation = services.create_consultation(
        user=drafter,
        unit=unit,
        kind="legal_document",
        title="Dự thảo Nghị quyết quy định chính sách hỗ trợ nhà ở trên địa bàn tỉnh",
        summary="Lấy ý kiến về chính sách hỗ trợ nhà ở.",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=60),
        draft=draft_text(articles),
    )
    for user, data in ((drafter, {"note": ""}), (lawyer, {"review": "approve"})):
        task = HumanTask.objects.open().get(instance_id=consultation.workflow_id)
        services.complete_step(consultation=consultation, task_id=task.task_id, user=user, data=data)
    consultation.refresh_from_db()
    assert consultation.accepts_comments(), "the consultation did not open"
    assert not HumanTask.objects.filter(~Q(element_id="window"), completed_at__isnull=True).exists()
    return consultation, drafter


def intake(consultation: Any, count: int) -> dict[str, Any]:
    from consultation import services
    from consultation.models import Article

    targets: list[tuple[Any, Any]] = [(None, None)]
    for article in Article.objects.filter(version__consultation=consultation).prefetch_related("clauses"):
        targets.append((article, None))
        targets += [(article, clause) for clause in article.clauses.all()]
    timings: list[float] = []
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for i in range(count):
        article, clause = targets[(i * 7) % len(targets)]
        kind = KINDS[i % len(KINDS)]
        text = (
            f"Góp ý thứ {i + 1}: đề nghị làm rõ trách nhiệm của Ủy ban nhân dân xã, phường khi tiếp nhận hồ sơ, "
            f"bổ sung thời hạn trả lời cụ thể và công khai kết quả xét duyệt tại trụ sở, trên cổng thông tin điện tử. "
            + "Người dân vùng sâu, vùng xa cần được hướng dẫn trực tiếp. "
            * (i % 4)
        )
        t0 = time.perf_counter()
        receipt = services.submit_comment(
            consultation=consultation,
            text=text,
            commenter_kind=kind,
            organisation_name=ORGANISATIONS.get(kind, ""),
            author_name=f"Người góp ý {i + 1}",
            email=f"nguoi{i + 1}@example.vn",
            article=article,
            clause=clause,
        )
        timings.append(time.perf_counter() - t0)
        status = str(receipt.comment.status)
        statuses[status] = statuses.get(status, 0) + 1
    elapsed = time.perf_counter() - started
    return {
        "comments": count,
        "seconds": round(elapsed, 2),
        "per_s": round(count / elapsed, 1),
        "p50_ms": round(percentile(timings, 50) * 1000, 2),
        "p95_ms": round(percentile(timings, 95) * 1000, 2),
        "statuses": statuses,
    }


def dispose(consultation: Any, drafter: Any) -> dict[str, Any]:
    from consultation import services
    from consultation.models import Comment, CommentStatus, Disposition

    numbers = list(
        Comment.objects.filter(consultation=consultation, status=CommentStatus.PUBLISHED).values_list(
            "number", flat=True
        )
    )
    choices = [value for value, _label in Disposition.choices]
    started = time.perf_counter()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        services.dispose_comments(
            consultation=consultation,
            user=drafter,
            numbers=chunk,
            disposition=choices[(start // 500) % len(choices)],
            explanation="Ban soạn thảo tiếp thu, chỉnh lý dự thảo; nội dung cụ thể được thể hiện tại phiên bản sau.",
        )
    return {"disposed": len(numbers), "seconds": round(time.perf_counter() - started, 2)}


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the PDF workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def report(consultation: Any) -> dict[str, Any]:
    from consultation import pdf as pdf_module
    from consultation import report as report_module

    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    data = report_module.build(consultation)
    t1 = time.perf_counter()
    html = report_module.render_html(data)
    t2 = time.perf_counter()
    cpu_before = _cpu()
    pdf = report_module.render_pdf(data)
    t3 = time.perf_counter()
    cpu_pdf = _cpu() - cpu_before
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = min(pdf_module.MAX_WORKERS, os.cpu_count() or 1, len(report_module.chunks(data)))
    pages = None
    try:
        import pypdf

        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    except ImportError:
        pass
    del pdf
    gc.collect()
    tracemalloc.start()
    report_module.render_pdf(report_module.build(consultation))
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "build_s": round(t1 - t0, 3),
        "html_s": round(t2 - t0, 3),
        "html_bytes": len(html.encode()),
        "pdf_s": round(t3 - t2, 3),
        "pdf_cpu_s": round(cpu_pdf, 3),
        "pdf_pages": pages,
        "chunks": len(report_module.chunks(data)),
        "workers": workers,
        "rss_before_mb": round(rss_before, 1),
        "rss_peak_mb": round(rss_after, 1),
        "worker_rss_peak_mb": round(worker_rss, 1),
        "peak_total_mb": round(rss_after + workers * worker_rss, 1),
        "tracemalloc_peak_mb": round(traced_peak / 1024 / 1024, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--database-url", default="", help="an EMPTY database (default: a temporary SQLite file)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="lang-nghe-bench-")
    database_url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    setup_django(database_url)
    from django.db import connection

    say(f"database: {connection.vendor}; {args.articles} articles, {args.comments} comments")
    t0 = time.perf_counter()
    consultation, drafter = build(args.articles)
    say(f"build: {time.perf_counter() - t0:.1f} s")
    taken = intake(consultation, args.comments)
    say(
        f"intake: {taken['per_s']} comments/s (p50 {taken['p50_ms']} ms, p95 {taken['p95_ms']} ms), "
        f"statuses {taken['statuses']}"
    )
    disposed = dispose(consultation, drafter)
    say(f"dispose: {disposed['disposed']} comments in {disposed['seconds']} s")
    rendered = report(consultation)
    say(
        f"report: build {rendered['build_s']} s, HTML {rendered['html_s']} s ({rendered['html_bytes'] // 1024} KB), "
        f"PDF {rendered['pdf_s']} s wall, {rendered['pdf_cpu_s']} s CPU ({rendered['pdf_pages']} pages, "
        f"{rendered['chunks']} chunks on {rendered['workers']} workers; load average {rendered['load_average']})"
    )
    say(
        f"memory: peak RSS {rendered['rss_peak_mb']} MB here (before the report {rendered['rss_before_mb']} MB), "
        f"{rendered['worker_rss_peak_mb']} MB per PDF worker, {rendered['peak_total_mb']} MB in all; Python "
        f"allocations here during a PDF render {rendered['tracemalloc_peak_mb']} MB"
    )
    checks = {
        "pdf_seconds_ok": rendered["pdf_s"] <= TARGETS["pdf_seconds_max"],
        "pdf_peak_mb_ok": rendered["peak_total_mb"] <= TARGETS["pdf_peak_mb_max"],
    }
    say(
        f"targets: PDF ≤ {TARGETS['pdf_seconds_max']} s: {checks['pdf_seconds_ok']}; "
        f"peak ≤ {TARGETS['pdf_peak_mb_max']} MB: {checks['pdf_peak_mb_ok']}"
    )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "articles": args.articles,
                "intake": taken,
                "dispose": disposed,
                "report": rendered,
                "targets": TARGETS,
                "checks": checks,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
