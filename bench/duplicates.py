"""Duplicate suggestions (`cases.duplicates.similar_open`): latency over many petitions, on PostgreSQL.

    .venv/bin/python bench/duplicates.py                          # 200,000 petitions in database bench_groups
    .venv/bin/python bench/duplicates.py --petitions 20000 --database bench_groups_quick

Creates the database (dropped first if it exists), migrates it, loads 100 communes each handling its own cases and
`--petitions` synthetic petitions (fixed seed): 40 kinds of local problems written with varying streets, house
numbers and wordings, some typed without diacritics, received over two years, a third of them still open. Then it
times `similar_open(petition, limit=5)` for `--samples` open petitions (after a warm-up pass) and reports p50/p95.
Target (issue #17): p95 ≤ 100 ms (at 1,000,000 petitions: `bench/insight.py`). The LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.figures import recreate_database, say, summary  # noqa: E402

SEED = 20261205
TARGET_P95_MS = 100.0
COMMUNES = 100
PROBLEMS = [
    ("Cống thoát nước bị vỡ", "cống thoát nước bị vỡ, nước thải tràn ra đường gây ngập và mùi hôi"),
    ("Đèn đường không sáng", "các cột đèn đường không sáng nhiều đêm, đi lại nguy hiểm"),
    ("Rác thải tập kết sai nơi", "rác thải sinh hoạt đổ bừa bãi, bốc mùi, không được thu gom"),
    ("Đường hư hỏng nhiều ổ gà", "mặt đường xuống cấp, nhiều ổ gà lớn, xe máy dễ té ngã"),
    ("Lấn chiếm vỉa hè", "hàng quán lấn chiếm vỉa hè, người đi bộ phải đi xuống lòng đường"),
    ("Tiếng ồn karaoke ban đêm", "hát karaoke quá giờ, gây ồn ào ảnh hưởng giấc ngủ người dân"),
    ("Mất nước sinh hoạt kéo dài", "khu dân cư bị mất nước sinh hoạt nhiều ngày chưa được khắc phục"),
    ("Cây xanh có nguy cơ gãy đổ", "cây xanh lớn nghiêng, cành khô có nguy cơ gãy đổ vào nhà dân"),
    ("Xây dựng không phép", "công trình xây dựng không có giấy phép, lấn sang đất công"),
    ("Ngập úng khi mưa lớn", "mỗi khi mưa lớn khu phố bị ngập sâu, nước không thoát kịp"),
]
STREETS = ["Lê Duẩn", "Trần Hưng Đạo", "Hùng Vương", "Nguyễn Huệ", "Lý Thường Kiệt", "Quang Trung", "Hai Bà Trưng"]
OPENERS = ["Tôi xin phản ánh", "Kính đề nghị xem xét", "Người dân khu phố phản ánh", "Đề nghị chính quyền xử lý"]


def fold(text: str) -> str:
    from privacy.text import fold as do_fold

    return do_fold(text)


def load(petitions: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from cases.models import Petition, PetitionStatus
    from organisation.models import Unit
    from workflows.models import InstanceStatus, ProcessVersion, WorkflowInstance

    call_command("migrate", verbosity=0)
    call_command("load_processes", "--effective-from", "2020-01-01", verbosity=0)
    version = ProcessVersion.objects.first()
    province = Unit.objects.create(code="tinh", name="UBND tỉnh", kind="tỉnh")
    communes = [
        Unit.objects.create(code=f"xa-{n}", name=f"Xã {n}", kind="xã", parent=province, is_commune=True)
        for n in range(COMMUNES)
    ]
    rng = random.Random(SEED)
    now = timezone.now()
    batch = 5000
    started = time.perf_counter()
    for first in range(0, petitions, batch):
        rows = []
        for number in range(first, min(first + batch, petitions)):
            commune = communes[rng.randrange(COMMUNES)]
            title, body = PROBLEMS[rng.randrange(len(PROBLEMS))]
            street = rng.choice(STREETS)
            content = f"{rng.choice(OPENERS)}: tại số {rng.randrange(1, 300)} đường {street}, {body}. Đã {rng.randrange(2, 30)} ngày."
            title = f"{title} đường {street}"
            if rng.random() < 0.15:
                title, content = fold(title), fold(content)
            status = (
                PetitionStatus.ANSWERED
                if rng.random() < 0.67
                else rng.choice([PetitionStatus.RECEIVED, PetitionStatus.IN_PROGRESS])
            )
            received = now - datetime.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
            rows.append((number, commune, title, content, status, received))
        instances = WorkflowInstance.objects.bulk_create(
            [
                WorkflowInstance(
                    process_version=version,
                    subject_type="reflection",
                    unit=commune,
                    reference=f"QT-B-{number}",
                    title=title,
                    state={},  # type: ignore[misc]  # a JSON text field, given its value
                    status=InstanceStatus.COMPLETED if status == PetitionStatus.ANSWERED else InstanceStatus.RUNNING,
                    created_at=received,
                )
                for number, commune, title, _content, status, received in rows
            ]
        )
        Petition.objects.bulk_create(
            [
                Petition(
                    tracking_code=f"QT-B-{number}",
                    access_key_hash="0" * 64,
                    petition_type="reflection",
                    title=title,
                    content=content,
                    commune=commune,
                    petitioner_name="Người gửi",
                    status=status,
                    received_at=received,
                    workflow=instance,
                )
                for (number, commune, title, content, status, received), instance in zip(rows, instances, strict=True)
            ]
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_petition")
        cursor.execute("VACUUM ANALYZE workflows_workflowinstance")
    say(f"loaded {petitions} petitions in {time.perf_counter() - started:.1f} s")


def measure(samples: int) -> dict[str, Any]:
    from cases.duplicates import similar_open
    from cases.models import OPEN_STATUSES, Petition

    ids = list(Petition.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    rng = random.Random(SEED + 1)
    chosen = [Petition.objects.get(pk=pk) for pk in rng.sample(ids, min(samples, len(ids)))]
    for petition in chosen[:20]:  # warm-up
        similar_open(petition, limit=5)
    timings: list[float] = []
    found = 0
    for petition in chosen:
        started = time.perf_counter()
        result = similar_open(petition, limit=5)
        timings.append(time.perf_counter() - started)
        found += bool(result)
    return {**summary(timings), "with_suggestions": found, "open_petitions": len(ids)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--petitions", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--database", default="bench_groups")
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database (no reload)")
    parser.add_argument("--candidates", type=int, default=0, help="DUPLICATES_CANDIDATES (default: the setting)")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    if not args.keep:
        recreate_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    if args.candidates:
        settings.DUPLICATES_CANDIDATES = args.candidates
    if not args.keep:
        load(args.petitions)
    result = measure(args.samples)
    from cases.duplicates import candidate_limit

    result = {
        "petitions": args.petitions,
        "candidates": candidate_limit(),
        "similar_open": result,
        "targets_met": {"similar_open_p95_ms": result["p95_ms"] <= TARGET_P95_MS},
    }
    say(f"similar_open p50 {result['similar_open']['p50_ms']} ms, p95 {result['similar_open']['p95_ms']} ms")
    say(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
