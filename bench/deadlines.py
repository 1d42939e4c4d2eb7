"""Deadline worker benchmark: one `workflows.sweep.sweep` over many open cases, few of them due.

    .venv/bin/python bench/deadlines.py [--cases 100000] [--due 1000] [--sample 2000] [--no-postgres]

For each database (a temporary SQLite file and a temporary PostgreSQL database, each in a subprocess of this
script with its own DATABASE_URL, like `bench/engine.py`):

1. build  — migrate + `load_processes`; a province with wards, each with a leader and officials (memberships,
            e-mail addresses); two real petitions made with `cases.services.submit_petition` (one left at
            `classify`, one driven to `draft_answer` with an assigned handler) whose state, Deadline and
            HumanTask rows are the templates. Then, with bulk_create (not through the engine): CASES
            WorkflowInstance rows with a copy of a real state, one open "task" Deadline each (due dates spread
            over the next four months), the matching HumanTask and one intake CaseEvent each. Exactly DUE
            deadlines have `next_action_at` in the past: half in phase REMIND (→ a reminder), half in phase
            DUE (→ an escalation to the unit's leaders). Not timed.
2. naive  — what the design forbids: load every open case and check its deadlines one by one in Python,
            timed on SAMPLE cases and extrapolated to CASES.
3. sweep  — `sweep(now=…)` timed once; it must act on exactly DUE rows and write DUE CaseEvents; a second
            sweep at the same moment must do nothing. Then the empty sweep, repeated. Then the DUE rows are put
            back and swept again with every statement timed (queries per row, time in the database driver).
4. plan   — EXPLAIN (ANALYZE) of the claim query with DUE rows due and with none: does it use the
            `deadline_next_action` partial index? (EXPLAIN QUERY PLAN on SQLite.)

Notices to officials are queued in the notification outbox (counted as "mails", never sent). Targets on PostgreSQL: ≥ 500 deadlines fired per
second; an empty sweep ≤ 50 ms at 100,000 open cases. Prints human-readable lines; the LAST line is one JSON
object with every figure. Benchmarks are never part of the pass/fail test suite.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import drop_database, recreate_database, say, summary  # noqa: E402

TARGETS = {"fired_per_s_min": 500.0, "empty_sweep_ms_max": 50.0}
INDEX_NAME = "deadline_next_action"
WARDS = 30
CHUNK = 5000
SEED = 20251120


def classify_query(sql: str) -> str:
    """ "SELECT workflows_deadline", "INSERT workflows_caseevent", "SAVEPOINT"…"""
    words = sql.replace("(", " ( ").split()
    upper = [w.upper() for w in words]
    verb = upper[0] if upper else "?"
    anchor = {"SELECT": "FROM", "INSERT": "INTO", "DELETE": "FROM", "UPDATE": "UPDATE"}.get(verb)
    if anchor is None or anchor not in upper:
        return verb
    index = upper.index(anchor)
    table = words[index + 1].strip('"`') if index + 1 < len(words) else "?"
    if verb == "SELECT" and "FOR UPDATE" in sql.upper():
        verb = "SELECT … FOR UPDATE"
    return f"{verb} {table}"


# ------------------------------------------------------------------------------------------------ worker


def worker(cases: int, due: int, sample: int, empty_runs: int, profile: bool = False) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F
    from django.utils import timezone

    from cases.services import submit_petition
    from notifications.models import Message
    from organisation.models import Membership, Role, Unit
    from workflows import sweep as sweep_module
    from workflows.models import (
        CaseEvent,
        Deadline,
        DeadlineKind,
        DeadlinePhase,
        HumanTask,
        InstanceStatus,
        WorkflowInstance,
    )
    from workflows.services import complete_task

    vendor = connection.vendor
    log = lambda line: print(f"[{vendor}] {line}", file=sys.stderr, flush=True)  # noqa: E731
    build: dict[str, float] = {}
    started = time.perf_counter()

    # --- schema and the shipped process
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_processes", verbosity=0)
    build["migrate_load_processes_s"] = round(time.perf_counter() - t0, 1)

    # --- organisation: a province with WARDS wards; a leader and officials (with e-mail) in each
    t0 = time.perf_counter()
    User = get_user_model()
    province = Unit.objects.create(code="bench-tinh", name="UBND tỉnh (bench)", kind="tỉnh")
    wards = [
        Unit.objects.create(
            code=f"bench-phuong-{w:02d}", name=f"Phường Bench {w}", kind="phường", parent=province, is_commune=True
        )
        for w in range(WARDS)
    ]
    staff = [
        ("lanhdao", Role.UNIT_LEADER, 1),
        ("tiepnhan", Role.RECEPTION_OFFICER, 2),
        ("xuly", Role.HANDLING_OFFICER, 3),
    ]
    people: list[tuple[Any, Unit, str]] = [(User(username="lanhdao.tinh"), province, Role.UNIT_LEADER)]
    for w, ward in enumerate(wards):
        for prefix, role, count in staff:
            for k in range(count):
                people.append((User(username=f"{prefix}{k}.p{w:02d}"), ward, role))
    for user, _unit, _role in people:
        user.email = f"{user.username}@bench.invalid"
        user.password = "!"  # unusable; hashing 180 passwords would only slow the set-up down
    User.objects.bulk_create([user for user, _, _ in people])
    by_name = {user.username: user for user in User.objects.filter(username__in=[u.username for u, _, _ in people])}
    Membership.objects.bulk_create(
        [Membership(user=by_name[user.username], unit=unit, role=role) for user, unit, role in people]
    )
    handlers = {ward.pk: by_name[f"xuly0.p{w:02d}"] for w, ward in enumerate(wards)}

    # --- two real cases through the product: the templates for the bulk rows
    def new_petition(i: int, ward: Unit) -> Any:
        return submit_petition(
            petition_type="reflection",
            title=f"Đèn đường hỏng #{i}",
            content="Ba cột đèn đường trước số 120 Lê Duẩn không sáng đã hai tuần, buổi tối rất nguy hiểm.",
            commune=ward,
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912 345 678",
        ).petition

    def template(instance_id: int) -> dict[str, Any]:
        instance = WorkflowInstance.objects.get(pk=instance_id)
        row = Deadline.objects.get(instance_id=instance_id, closed_at__isnull=True)
        task = HumanTask.objects.open().get(instance_id=instance_id)
        assert task.task_id == row.spiff_task_id and row.kind == DeadlineKind.TASK, (task, row)
        event = CaseEvent.objects.filter(instance_id=instance_id).order_by("pk").first()
        return {"instance": instance, "deadline": row, "task": task, "event": event}

    at_classify = new_petition(0, wards[0])
    at_draft = new_petition(1, wards[0])
    for username, form in (
        ("tiepnhan0.p00", {"decision": "accept"}),
        ("lanhdao0.p00", {"handler": "xuly0.p00", "instructions": "Kiểm tra hiện trường trong tuần."}),
    ):
        task = HumanTask.objects.open().get(instance_id=at_draft.workflow_id)
        complete_task(task_id=task.task_id, user=by_name[username], data=form)
    templates = [template(at_classify.workflow_id), template(at_draft.workflow_id)]
    assert [t["task"].element_id for t in templates] == ["classify", "draft_answer"], templates
    assert templates[1]["task"].assignee_id == handlers[wards[0].pk].pk
    state_bytes = [
        len(json.dumps(t["instance"].state, ensure_ascii=False, separators=(",", ":")).encode()) for t in templates
    ]
    build["org_and_templates_s"] = round(time.perf_counter() - t0, 1)

    # --- bulk rows: CASES running instances, one open task deadline + inbox row + intake event each
    t0 = time.perf_counter()
    now = timezone.now()
    rng = random.Random(SEED)
    due_set = set(rng.sample(range(cases), due))
    remind_set = set(rng.sample(sorted(due_set), due // 2))
    process_version = templates[0]["instance"].process_version
    due_pks: dict[str, list[int]] = {DeadlinePhase.REMIND: [], DeadlinePhase.DUE: []}
    minute, day = datetime.timedelta(minutes=1), datetime.timedelta(days=1)

    def spread(low: datetime.timedelta, high: datetime.timedelta) -> datetime.timedelta:
        return low + (high - low) * rng.random()

    for start in range(0, cases, CHUNK):
        span = range(start, min(start + CHUNK, cases))
        instances, rows, tasks, events = [], [], [], []
        for i in span:
            tpl = templates[1 if i % 3 == 2 else 0]  # a third of the cases is at draft_answer, assigned
            ward = wards[i % WARDS]
            created = now - spread(day, 60 * day)
            instances.append(
                WorkflowInstance(
                    process_version=process_version,
                    subject_type="reflection",
                    unit=ward,
                    reference=f"BENCH-{i:06d}",
                    title=f"Phản ánh số {i}: đèn đường hỏng",
                    state=tpl["instance"].state,
                    lock_version=tpl["instance"].lock_version,
                    created_at=created,
                    updated_at=created,
                )
            )
        WorkflowInstance.objects.bulk_create(instances, batch_size=1000)
        for i, instance in zip(span, instances, strict=True):
            tpl = templates[1 if i % 3 == 2 else 0]
            row_tpl, task_tpl = tpl["deadline"], tpl["task"]
            if i in remind_set:  # reminder time passed, not yet due
                phase, remind_at = DeadlinePhase.REMIND, now - spread(minute, 20 * 60 * minute)
                due_at = now + spread(day, 5 * day)
                next_at = remind_at
            elif i in due_set:  # due time passed: escalate to the unit's leaders
                phase, due_at = DeadlinePhase.DUE, now - spread(minute, 20 * 60 * minute)
                remind_at, next_at = due_at - 2 * day, due_at
            else:  # due some day in the next four months; ~1 in 10 already reminded
                due_at = now + spread(3 * day, 120 * day)
                remind_at = due_at - 2 * day
                phase = DeadlinePhase.DUE if i % 10 == 0 else DeadlinePhase.REMIND
                next_at = due_at if phase == DeadlinePhase.DUE else remind_at
            task_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            rows.append(
                Deadline(
                    instance=instance,
                    spiff_task_id=task_id,
                    element_id=row_tpl.element_id,
                    title=row_tpl.title,
                    kind=DeadlineKind.TASK,
                    rule_code=row_tpl.rule_code,
                    start_date=instance.created_at.date(),
                    due_at=due_at,
                    remind_at=remind_at,
                    explanation=row_tpl.explanation,
                    explanation_en=row_tpl.explanation_en,
                    phase=phase,
                    next_action_at=next_at,
                )
            )
            tasks.append(
                HumanTask(
                    instance=instance,
                    task_id=task_id,
                    element_id=task_tpl.element_id,
                    title=task_tpl.title,
                    role=task_tpl.role,
                    unit=instance.unit,
                    assignee=handlers[instance.unit_id] if task_tpl.assignee_id else None,
                    public_status=task_tpl.public_status,
                    due_at=due_at,
                    created_at=instance.created_at,
                )
            )
            ev = tpl["event"]
            events.append(
                CaseEvent(
                    instance=instance,
                    created_at=instance.created_at,
                    kind=ev.kind,
                    element_id=ev.element_id,
                    summary=ev.summary,
                    public_text=ev.public_text,
                    data=ev.data,
                )
            )
        Deadline.objects.bulk_create(rows, batch_size=1000)
        HumanTask.objects.bulk_create(tasks, batch_size=1000)
        CaseEvent.objects.bulk_create(events, batch_size=1000)
        for i, row in zip(span, rows, strict=True):
            if i in due_set:
                due_pks[row.phase].append(row.pk)
    build["bulk_rows_s"] = round(time.perf_counter() - t0, 1)

    t0 = time.perf_counter()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("workflowinstance", "deadline", "humantask", "caseevent"):
                cursor.execute(f"VACUUM (ANALYZE) workflows_{table}")
    build["vacuum_analyze_s"] = round(time.perf_counter() - t0, 1)

    open_cases = WorkflowInstance.objects.filter(status=InstanceStatus.RUNNING).count()
    open_deadlines = Deadline.objects.filter(closed_at__isnull=True).count()
    due_now = Deadline.objects.filter(next_action_at__lte=now).count()
    assert due_now == due, (due_now, due)
    log(
        f"built {open_cases} open cases, {open_deadlines} open deadlines ({due_now} due) in "
        f"{time.perf_counter() - started:.1f} s: {build}"
    )
    sizes = table_sizes(connection)

    # --- 4a. plan of the claim query with DUE rows due (captured from the product's own claim, rolled back)
    claim_sql = capture_claim_sql(sweep_module, now)
    plan_due = explain(connection, claim_sql)

    # --- 2. naive per-case sweep over SAMPLE cases (read-only; before the real sweep so it finds due rows)
    sample_n = min(sample, cases)
    gc.collect()
    t = time.perf_counter()
    naive_found = 0
    for instance in WorkflowInstance.objects.filter(status=InstanceStatus.RUNNING).order_by("pk")[:sample_n]:
        _ = instance.state  # decoded on load, as any code that loads the case gets it
        for row in Deadline.objects.filter(instance=instance, closed_at__isnull=True):
            if row.next_action_at is not None and row.next_action_at <= now:
                naive_found += 1
    naive_s = time.perf_counter() - t
    sample_ids = set(WorkflowInstance.objects.order_by("pk").values_list("pk", flat=True)[:sample_n])
    naive_expected = Deadline.objects.filter(instance_id__in=sample_ids, next_action_at__lte=now).count()
    naive = {
        "sample": sample_n,
        "sample_s": round(naive_s, 3),
        "per_case_ms": round(naive_s / sample_n * 1000, 4),
        "extrapolated_s": round(naive_s / sample_n * cases, 2),
        "found_in_sample": naive_found,
        "expected_in_sample": naive_expected,
    }

    # --- 3. the sweep, timed
    events_before = CaseEvent.objects.count()
    last_event_pk = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_notice_pk = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    gc.collect()
    t = time.perf_counter()
    result = sweep_module.sweep(now=now)
    sweep_s = time.perf_counter() - t
    new_events = CaseEvent.objects.count() - events_before
    kinds = dict(
        CaseEvent.objects.filter(pk__gt=last_event_pk)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    # Notices to officials are queued in the notification outbox (one row per official) with the sweep's batch.
    notices = Message.objects.filter(pk__gt=last_notice_pk)
    mails = notices.count()
    recipients = notices.values("addresses").distinct().count()
    after_phases = dict(
        Deadline.objects.filter(pk__in=due_pks[DeadlinePhase.REMIND] + due_pks[DeadlinePhase.DUE])
        .order_by()
        .values("phase")
        .annotate(n=Count("pk"))
        .values_list("phase", "n")
    )
    t = time.perf_counter()
    second = sweep_module.sweep(now=now)
    second_s = time.perf_counter() - t
    checks = {
        "acted": result.acted,
        "failed": result.failed,
        "by_phase": result.by_phase,
        "case_events_written": new_events,
        "event_kinds": kinds,
        "mails": mails,
        "mail_recipients": recipients,
        "phases_after": after_phases,
        "second_sweep_acted": second.acted,
        "second_sweep_failed": second.failed,
        "second_sweep_ms": round(second_s * 1000, 3),
    }
    checks["ok"] = (
        result.acted == due
        and result.failed == 0
        and new_events == due
        and result.by_phase == {phase: len(pks) for phase, pks in due_pks.items() if pks}
        and second.acted == 0
        and second.failed == 0
    )
    log(f"sweep: {result} in {sweep_s * 1000:.1f} ms; checks {'OK' if checks['ok'] else 'FAILED'}")

    # --- 3b. empty sweeps (nothing due at `now` any more), repeated
    empty = []
    for _ in range(empty_runs):
        t = time.perf_counter()
        nothing = sweep_module.sweep(now=now)
        empty.append(time.perf_counter() - t)
        assert nothing.acted == 0 and nothing.failed == 0, nothing
    plan_empty = explain(connection, claim_sql)

    # --- 3c. the same DUE rows again, every statement timed
    def put_back() -> None:
        for phase, pks in due_pks.items():
            for part in range(0, len(pks), 500):
                chunk = pks[part : part + 500]
                field = F("remind_at") if phase == DeadlinePhase.REMIND else F("due_at")
                Deadline.objects.filter(pk__in=chunk).update(phase=phase, next_action_at=field, attempts=0)
        assert Deadline.objects.filter(next_action_at__lte=now).count() == due

    put_back()
    per_kind: dict[str, list[float]] = {}

    def timing_wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            per_kind.setdefault(classify_query(sql), []).append(time.perf_counter() - t)

    events_before = CaseEvent.objects.count()
    gc.collect()
    t = time.perf_counter()
    with connection.execute_wrapper(timing_wrapper):
        again = sweep_module.sweep(now=now)
    again_s = time.perf_counter() - t
    assert again.acted == due and CaseEvent.objects.count() - events_before == due, again
    in_driver = sum(sum(v) for v in per_kind.values())
    statements = {
        kind: {"count": len(v), "ms_total": round(sum(v) * 1000, 1)}
        for kind, v in sorted(per_kind.items(), key=lambda kv: -sum(kv[1]))
    }
    instrumented = {
        "sweep_ms": round(again_s * 1000, 1),
        "fired_per_s": round(due / again_s, 1),
        "queries": sum(len(v) for v in per_kind.values()),
        "queries_per_row": round(sum(len(v) for v in per_kind.values()) / max(due, 1), 2),
        "ms_in_driver": round(in_driver * 1000, 1),
        "driver_share": round(in_driver / again_s, 3),
        "statements": statements,
    }

    # --- what the claim's select_related("instance__unit") costs: the state of every claimed case is read
    due_ids = due_pks["remind"] + due_pks["due"]
    with_state: list[float] = []
    without_state: list[float] = []
    for _ in range(3):
        for bucket, qs in (
            (with_state, Deadline.objects.select_related("instance__unit")),
            (without_state, Deadline.objects.select_related("instance__unit").defer("instance__state")),
        ):
            t = time.perf_counter()
            for part in range(0, len(due_ids), 500):
                list(qs.filter(pk__in=due_ids[part : part + 500]))
            bucket.append(time.perf_counter() - t)
    claim_rows = {
        "rows": len(due_ids),
        "with_state_ms": round(min(with_state) * 1000, 1),
        "state_deferred_ms": round(min(without_state) * 1000, 1),
    }

    if profile:
        put_back()
        profile_sweep(lambda: sweep_module.sweep(now=now), due, log)

    return {
        "vendor": vendor,
        "server_version": server_version(connection),
        "cases": cases,
        "due": due,
        "open_cases": open_cases,
        "open_deadlines": open_deadlines,
        "due_remind": len(due_pks["remind"]),
        "due_due": len(due_pks["due"]),
        "state_bytes": {"classify": state_bytes[0], "draft_answer": state_bytes[1]},
        "build": build,
        "table_sizes": sizes,
        "sweep": {
            "ms": round(sweep_s * 1000, 1),
            "fired_per_s": round(result.acted / sweep_s, 1) if sweep_s else None,
        },
        "checks": checks,
        "empty_sweep": summary(empty),
        "naive": naive,
        "ratio_naive_to_sweep": round(naive["extrapolated_s"] / sweep_s, 1),
        "ratio_naive_to_empty_sweep": round(naive["extrapolated_s"] * 1000 / summary(empty)["p50_ms"], 0),
        "instrumented_sweep": instrumented,
        "claim_rows_load": claim_rows,
        "plan_due": plan_due,
        "plan_empty": plan_empty,
        "worker_elapsed_s": round(time.perf_counter() - started, 1),
    }


def profile_sweep(run: Any, due: int, log: Any) -> None:
    """cProfile of one sweep over the DUE rows: self time by package, then the top functions by cumulative time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    result = run()
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    by_package: Counter[str] = Counter()
    for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[_package_of(filename)] += tottime
    total = sum(by_package.values()) or 1.0
    per_row = max(result.acted, 1)
    log(f"profile: {result.acted} rows acted; self time by package (cProfile inflates Python-heavy code):")
    for package, spent in by_package.most_common(14):
        log(f"profile:   {package:40s} {spent / per_row * 1000:6.3f} ms/row  {spent / total * 100:4.1f} %")
    stats.strip_dirs().sort_stats("cumulative").print_stats(45)
    for line in buffer.getvalue().splitlines():
        if line.strip():
            log(f"profile: {line}")


def _package_of(filename: str) -> str:
    if "site-packages/" in filename:
        top = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        if top == "django":
            part = filename.split("site-packages/django/", 1)[1].split("/")
            return "django." + ".".join(part[:2]).removesuffix(".py")
        return top
    if filename.startswith(str(ROOT)):
        return "lang_nghe." + filename[len(str(ROOT)) + 1 :].replace("/", ".").removesuffix(".py")
    if filename.startswith("<") or filename == "~":
        return "builtins (C: json, sockets, sqlite3…)"
    return "stdlib." + Path(filename).stem


def capture_claim_sql(sweep_module: Any, now: datetime.datetime) -> tuple[str, Any] | None:
    """The SQL of the sweep's claim query exactly as the product sends it, in a transaction rolled back."""
    from django.db import connection, transaction

    claim = getattr(sweep_module, "_claim", None)
    if claim is None:
        return None
    grabbed: list[tuple[str, Any]] = []

    def grab(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not grabbed and "workflows_deadline" in sql and sql.lstrip().upper().startswith("SELECT"):
            grabbed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(grab), transaction.atomic():
        claim(now, 500)
        transaction.set_rollback(True)
    return grabbed[0] if grabbed else None


def explain(connection: Any, captured: tuple[str, Any] | None) -> dict[str, Any]:
    from django.db import transaction

    if captured is None:
        return {"error": "claim query not captured"}
    sql, params = captured
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        lines = [" ".join(str(c) for c in row) if connection.vendor != "postgresql" else row[0] for row in cursor]
        transaction.set_rollback(True)  # EXPLAIN ANALYZE of a FOR UPDATE really locks the rows
    text = "\n".join(lines)
    if connection.vendor == "postgresql":
        # "Index Scan using …", "Index Scan Backward using …", "Index Only Scan using …", "Bitmap Index Scan on …"
        node = next((ln.strip().removeprefix("->").strip() for ln in lines if INDEX_NAME in ln), "")
        uses = bool(node) and "Index" in node and "Scan" in node
        execution = next((ln for ln in lines if ln.startswith("Execution Time")), "")
    else:
        uses = f"USING INDEX {INDEX_NAME}" in text
        node = next((ln.split(" ", 3)[-1] for ln in lines if INDEX_NAME in ln), "")
        execution = ""
    scan = node.split(" using ")[0].split(" on ")[0] if uses else ""
    return {"uses_index": uses, "scan": scan, "index_node": node, "execution": execution, "plan": lines}


def table_sizes(connection: Any) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        name = connection.settings_dict["NAME"]
        return {"database_file_mb": round(Path(name).stat().st_size / 2**20, 1)} if Path(name).exists() else {}
    out = {}
    with connection.cursor() as cursor:
        for rel in (
            "workflows_workflowinstance",
            "workflows_deadline",
            "workflows_humantask",
            "workflows_caseevent",
            INDEX_NAME,
        ):
            cursor.execute("SELECT pg_total_relation_size(%s)", [rel])
            out[f"{rel}_mb"] = round(cursor.fetchone()[0] / 2**20, 1)
    return out


def server_version(connection: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return str(cursor.fetchone()[0])
    import sqlite3

    return sqlite3.sqlite_version


# ------------------------------------------------------------------------------------------------ parent


def run_worker(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret",
        "EMAIL_HOST": "127.0.0.1",  # required with DEBUG off; the sweep only queues notices (notifications outbox)
        "SITE_URL": "https://bench.invalid",
        "PYTHONHASHSEED": "0",
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    command += ["--cases", str(args.cases), "--due", str(args.due), "--sample", str(args.sample)]
    command += ["--empty-runs", str(args.empty_runs)] + (["--profile"] if args.profile else [])
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    for line in proc.stderr.splitlines():
        say(f"  {line}")
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(name: str, r: dict[str, Any]) -> None:
    say(f"\n== {name} ({r['vendor']} {r['server_version']}): {r['open_cases']} open cases, {r['due']} due")
    b = r["build"]
    say(
        f"build (not timed)        : migrate+load_processes {b['migrate_load_processes_s']} s, org+templates "
        f"{b['org_and_templates_s']} s, bulk rows {b['bulk_rows_s']} s, vacuum/analyze {b['vacuum_analyze_s']} s; "
        f"state {r['state_bytes']['classify']} / {r['state_bytes']['draft_answer']} B (classify / draft_answer)"
    )
    say(f"table sizes              : {r['table_sizes']}")
    s, c = r["sweep"], r["checks"]
    say(f"sweep ({r['due_remind']} remind + {r['due_due']} due): {s['ms']:.1f} ms → {s['fired_per_s']:.0f} fired/s")
    say(
        f"checks                   : acted {c['acted']}, failed {c['failed']}, by phase {c['by_phase']}, "
        f"CaseEvents written {c['case_events_written']} {c['event_kinds']}, mails {c['mails']} "
        f"({c['mail_recipients']} recipients), phases after {c['phases_after']}"
    )
    say(
        f"second sweep             : acted {c['second_sweep_acted']}, failed {c['second_sweep_failed']} "
        f"({c['second_sweep_ms']:.1f} ms) → {'OK' if c['ok'] else 'CHECK FAILED'}"
    )
    e = r["empty_sweep"]
    say(
        f"empty sweep              : p50 {e['p50_ms']:.3f} ms · p95 {e['p95_ms']:.3f} ms · max {e['max_ms']:.3f} ms (n={e['n']})"
    )
    n = r["naive"]
    say(
        f"naive per-case sweep     : {n['sample']} cases in {n['sample_s']:.2f} s ({n['per_case_ms']:.3f} ms/case, "
        f"found {n['found_in_sample']} due of {n['expected_in_sample']}) → ≈ {n['extrapolated_s']:.1f} s for "
        f"{r['cases']} cases, only to find what is due"
    )
    say(
        f"ratio                    : naive ≈ {r['ratio_naive_to_sweep']:.0f} × the sweep with {r['due']} due, "
        f"≈ {r['ratio_naive_to_empty_sweep']:.0f} × the empty sweep"
    )
    i = r["instrumented_sweep"]
    say(
        f"same rows again, timed   : {i['sweep_ms']:.1f} ms ({i['fired_per_s']:.0f} fired/s), {i['queries']} queries "
        f"= {i['queries_per_row']} per row, {i['ms_in_driver']:.1f} ms in the driver ({i['driver_share'] * 100:.0f} %)"
    )
    for kind, v in i["statements"].items():
        say(f"    {v['count']:6d} × {kind:42s} {v['ms_total']:8.1f} ms")
    cr = r["claim_rows_load"]
    say(
        f"claimed rows + case state: {cr['rows']} rows with select_related('instance__unit') {cr['with_state_ms']:.1f} ms, "
        f"with instance__state deferred {cr['state_deferred_ms']:.1f} ms"
    )
    for label, plan in (("with due rows", r["plan_due"]), ("nothing due", r["plan_empty"])):
        if "error" in plan:
            say(f"claim plan ({label}): {plan['error']}")
            continue
        say(
            f"claim plan ({label:13s}): uses {INDEX_NAME}: {'YES' if plan['uses_index'] else 'NO'} — "
            f"{plan['index_node']} {('· ' + plan['execution']) if plan['execution'] else ''}"
        )
    for line in r["plan_due"].get("plan", []):
        say(f"    {line}")


def parent(args: argparse.Namespace) -> int:
    figures: dict[str, Any] = {
        "cases": args.cases,
        "due": args.due,
        "sample": args.sample,
        "targets": TARGETS,
        "databases": {},
    }
    started = time.perf_counter()
    say(
        f"Lắng Nghe deadline sweep benchmark — {args.cases} open cases, {args.due} due, naive sample {args.sample}, "
        f"python {sys.version.split()[0]}"
    )
    tmpdir = tempfile.TemporaryDirectory(prefix="lang_nghe_bench_")
    databases: list[tuple[str, str, str | None]] = []
    if not args.no_postgres:
        databases.append(("postgresql", f"postgres://postgres@127.0.0.1:5432/{args.pg_db}", args.pg_db))
    databases.append(("sqlite", f"sqlite:///{Path(tmpdir.name) / 'deadlines.sqlite3'}", None))
    for name, url, pg_name in databases:
        say(f"\n-- worker: {name} ({url})")
        try:
            if pg_name:
                recreate_database(url)
            result = run_worker(url, args)
        except Exception as error:  # one database failing must not hide the other's figures
            say(f"  {name} FAILED: {error}")
            figures["databases"][name] = {"error": str(error)}
            continue
        finally:
            if pg_name:
                try:
                    drop_database(url)
                except Exception as error:
                    say(f"  could not drop {pg_name}: {error}")
        figures["databases"][name] = result
        report(name, result)
    tmpdir.cleanup()

    say("\n== summary")
    for name, r in figures["databases"].items():
        if "error" in r:
            say(f"{name:10s}: error — {r['error']}")
            continue
        fired, empty_ms = r["sweep"]["fired_per_s"], r["empty_sweep"]["p50_ms"]
        verdict = ""
        if name == "postgresql":
            ok_fired = fired >= TARGETS["fired_per_s_min"]
            ok_empty = r["empty_sweep"]["p95_ms"] <= TARGETS["empty_sweep_ms_max"]
            r["targets_met"] = {"fired_per_s": ok_fired, "empty_sweep": ok_empty}
            verdict = (
                f" — targets: ≥ {TARGETS['fired_per_s_min']:.0f} fired/s {'OK' if ok_fired else 'MISSED'}, "
                f"empty p95 ≤ {TARGETS['empty_sweep_ms_max']:.0f} ms {'OK' if ok_empty else 'MISSED'}"
            )
        say(
            f"{name:10s}: sweep {r['sweep']['ms']:.0f} ms = {fired:.0f} fired/s; empty sweep p50 {empty_ms:.2f} ms; "
            f"naive ≈ {r['naive']['extrapolated_s']:.1f} s; index used: {r['plan_due'].get('uses_index')}; "
            f"checks {'OK' if r['checks']['ok'] else 'FAILED'}{verdict}"
        )
    figures["elapsed_s"] = round(time.perf_counter() - started, 1)
    say(f"elapsed {figures['elapsed_s']} s")
    say(json.dumps(figures, ensure_ascii=False, default=str))
    failed = [n for n, r in figures["databases"].items() if "error" in r or not r["checks"]["ok"]]
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="open cases (default 100000)")
    parser.add_argument("--due", type=int, default=1000, help="deadlines due at the sweep (default 1000)")
    parser.add_argument("--sample", type=int, default=2000, help="cases in the timed naive sweep (default 2000)")
    parser.add_argument("--empty-runs", type=int, default=20, help="repetitions of the empty sweep (default 20)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--pg-db", default=f"lang_nghe_bench_dl_{os.getpid()}", help="temporary PostgreSQL database (created, dropped)"
    )
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one sweep of the due rows")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.cases >= 1 and 0 <= args.due <= args.cases and args.sample >= 1 and args.empty_runs >= 1):
        parser.error("need 1 ≤ --cases, 0 ≤ --due ≤ --cases, --sample ≥ 1, --empty-runs ≥ 1")
    if args.worker:
        figures = worker(args.cases, args.due, args.sample, args.empty_runs, args.profile)
        print(json.dumps(figures, ensure_ascii=False, default=str))
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
