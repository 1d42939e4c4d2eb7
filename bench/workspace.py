"""Officials' workspace benchmark: the inbox, the task page and the leaders' page at a province's scale.

    .venv/bin/python bench/workspace.py [--cases 1000000] [--open 100000] [--keep] [--quick]

On a dedicated PostgreSQL database (`bench_workspace` by default; dropped and created again unless `--keep`
finds it already built):

1. build — migrate + `load_processes`; 200 units (a province, 20 departments, 179 communes under it) and
   2,000 officials (10 per unit: a leader, 2 reception officers, 6 handling officers, a legal officer); two real
   reflections made with `cases.services.submit_petition` (one left at `classify`, one driven to `draft_answer`
   with an assigned handler) whose state, HumanTask and Deadline are the templates. Then, in PostgreSQL itself
   (INSERT … SELECT over generate_series, not through the engine): `--cases` petitions with their
   WorkflowInstance and one task Deadline each, received over the last 365 days in the departments and
   communes. `--open` of them are running reflections with a copy of a real engine state, an open HumanTask
   (half at `classify`, half at `draft_answer` assigned to a handler of the unit) and an open Deadline (due from
   10 days ago to 60 days ahead); the others are answered (90 %) or not accepted, their Deadline closed, 85 % on
   time. Completed cases carry a stub engine state ("{}") and no HumanTask or CaseEvent rows (the pages
   measured here never read those of a finished case). Not timed beyond the `setup_s` figure.
2. measure — Django's test Client, logged in, `--iterations` requests after `--warmup`: `/inbox/` and
   `/api/v1/inbox` as a ward reception officer and as the provincial leader (who sees every sub-unit), the task
   page `/tasks/<id>/` of the ward officer's tasks, the leaders' page `/leaders/` (default period: 90 days) as
   the provincial leader. p50/p95 per page, with the number of SQL queries of one request.

Targets: inbox p95 ≤ 100 ms for the ward official and ≤ 250 ms for the provincial leader; task page p95 ≤ 100
ms; leaders' page p95 ≤ 300 ms. Prints human-readable lines; the LAST line is one JSON object with every figure
and `targets_met`. Benchmarks are never part of the pass/fail test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import drop_database, recreate_database, say, timed_gets  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_workspace"
DEPARTMENTS = 20
COMMUNES = 179
STAFF = (("lanhdao", "unit_leader", 1), ("tiepnhan", "reception_officer", 2), ("xuly", "handling_officer", 6))
STAFF_LEGAL = ("phapche", "legal_staff", 1)
TARGETS_MS = {
    "inbox_ward_p95_ms_max": 100.0,
    "inbox_leader_p95_ms_max": 250.0,
    "task_page_p95_ms_max": 100.0,
    "leaders_page_p95_ms_max": 300.0,
}


# ------------------------------------------------------------------------------------------------ database


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.figures import setup_django as production_django

    production_django(url)  # DEBUG=0: no per-query logging, as in production
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# ------------------------------------------------------------------------------------------------ build


def build(*, cases: int, open_cases: int, seed: float = 0.42, migrate: bool = True) -> dict[str, float]:
    """Everything the pages read, at scale (see the module docstring). Returns the seconds of each part.
    PostgreSQL only. `migrate=False`: the schema and the shipped processes are there already (a test)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from cases.outcomes import rebuild_tally
    from cases.services import submit_petition
    from organisation.models import Membership, Unit
    from workflows.models import Deadline, HumanTask, WorkflowInstance
    from workflows.services import complete_task

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_processes", verbosity=0)
    times["migrate_s"] = round(time.perf_counter() - t0, 1)

    t0 = time.perf_counter()
    User = get_user_model()
    province = Unit.objects.create(code="bench-tinh", name="UBND tỉnh Bench", kind="tỉnh")
    units = [province]
    for d in range(DEPARTMENTS):
        units.append(Unit.objects.create(code=f"bench-so-{d:02d}", name=f"Sở Bench {d}", kind="sở", parent=province))
    for c in range(COMMUNES):
        units.append(
            Unit.objects.create(
                code=f"bench-xa-{c:03d}", name=f"Xã Bench {c}", kind="xã", parent=province, is_commune=True
            )
        )
    people: list[tuple[str, Unit, str]] = []
    for u, unit in enumerate(units):
        for prefix, role, count in (*STAFF, STAFF_LEGAL):
            for k in range(count):
                people.append((f"{prefix}{k}.u{u:03d}", unit, role))
    User.objects.bulk_create(
        [
            User(username=name, email=f"{name}@bench.invalid", password="!", last_name="Nguyễn", first_name=name)
            for name, _unit, _role in people
        ]
    )
    by_name = dict(User.objects.values_list("username", "pk"))
    Membership.objects.bulk_create(
        [Membership(user_id=by_name[name], unit=unit, role=role) for name, unit, role in people]
    )
    commune0 = units[1 + DEPARTMENTS]
    u0 = 1 + DEPARTMENTS

    def new_petition(i: int) -> Any:
        return submit_petition(
            petition_type="reflection",
            title=f"Đèn đường hỏng #{i}",
            content="Ba cột đèn đường trước số 120 Lê Duẩn không sáng đã hai tuần, buổi tối rất nguy hiểm.",
            commune=commune0,
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912 345 678",
        ).petition

    at_classify, at_draft = new_petition(0), new_petition(1)
    for username, form in (
        (f"tiepnhan0.u{u0:03d}", {"decision": "accept"}),
        (f"lanhdao0.u{u0:03d}", {"handler": f"xuly0.u{u0:03d}", "instructions": "Kiểm tra hiện trường."}),
    ):
        task = HumanTask.objects.open().get(instance_id=at_draft.workflow_id)
        complete_task(task_id=task.task_id, user=User.objects.get(username=username), data=form)
    templates = []
    for petition in (at_classify, at_draft):
        task = HumanTask.objects.open().get(instance_id=petition.workflow_id)
        deadline = Deadline.objects.get(instance_id=petition.workflow_id, closed_at__isnull=True)
        templates.append((WorkflowInstance.objects.get(pk=petition.workflow_id), task, deadline))
    assert [t[1].element_id for t in templates] == ["classify", "draft_answer"], templates
    times["organisation_s"] = round(time.perf_counter() - t0, 1)

    # --- the bulk rows, in PostgreSQL itself: one row per case in a scratch table, then each table from it
    t0 = time.perf_counter()
    case_units = [unit.pk for unit in units[1:]]
    handlers = {unit.pk: by_name[f"xuly0.u{u:03d}"] for u, unit in enumerate(units)}
    (inst0, task0, dl0), (inst1, task1, dl1) = templates
    with transaction.atomic(), connection.cursor() as cur:
        # The rows are consistent by construction: skip the deferred foreign-key checks, which would run one by
        # one at COMMIT (minutes at a million cases). Needs a superuser, as the bench database's owner is.
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SELECT setseed(%s)", [seed])
        cur.execute("SELECT coalesce(max(id), 0) FROM workflows_workflowinstance")
        base = cur.fetchone()[0] + 1000
        cur.execute(
            """
            CREATE UNLOGGED TABLE bench_case AS
            SELECT g, %(base)s + g AS instance_id, (%(units)s::int[])[1 + floor(random() * %(n_units)s)::int] AS unit_id,
                   now() - random() * interval '365 days' AS received_at, g < %(open)s AS is_open,
                   g %% 2 AS tpl, random() AS r1, random() AS r2
            FROM generate_series(0, %(cases)s - 1) AS g
            """,
            {"base": base, "units": case_units, "n_units": len(case_units), "open": open_cases, "cases": cases},
        )
        # An open case was received at most 60 days ago; its step is due from 10 days ago to 60 days ahead.
        cur.execute("UPDATE bench_case SET received_at = now() - r1 * interval '60 days' WHERE is_open")
        cur.execute("CREATE TABLE bench_handler (unit_id int PRIMARY KEY, user_id int)")
        cur.executemany("INSERT INTO bench_handler VALUES (%s, %s)", list(handlers.items()))
        cur.execute(
            """
            INSERT INTO workflows_workflowinstance
                (id, process_version_id, subject_type, unit_id, reference, title, state, lock_version, status,
                 created_at, updated_at, completed_at)
            SELECT instance_id, %(pv)s,
                   CASE WHEN is_open THEN 'reflection'
                        ELSE (ARRAY['reflection', 'recommendation', 'complaint', 'denunciation'])[1 + g %% 4] END,
                   unit_id, 'BENCH-' || g, 'Phản ánh số ' || g || ': đèn đường hỏng',
                   CASE WHEN NOT is_open THEN '{}' WHEN tpl = 0 THEN %(st0)s ELSE %(st1)s END,
                   CASE WHEN tpl = 0 THEN %(lv0)s ELSE %(lv1)s END,
                   CASE WHEN is_open THEN 'running' ELSE 'completed' END,
                   received_at, received_at,
                   CASE WHEN is_open THEN NULL ELSE received_at + (5 + r2 * 30) * interval '1 day' END
            FROM bench_case
            """,
            {
                "pv": inst0.process_version_id,
                "st0": WorkflowInstance._meta.get_field("state").get_prep_value(inst0.state),
                "st1": WorkflowInstance._meta.get_field("state").get_prep_value(inst1.state),
                "lv0": inst0.lock_version,
                "lv1": inst1.lock_version,
            },
        )
        cur.execute(
            """
            INSERT INTO cases_petition
                (tracking_code, access_key_hash, petition_type, channel, title, content, commune_id, address,
                 petitioner_name, petitioner_phone, petitioner_email, publish_consent, status, answer, answered_at,
                 answered_by_id, published_at, received_at, workflow_id, outcome, missed_deadline, tallied_unit_id,
                 origin_address, topic_evidence, topic_confirmed)
            SELECT 'QT-BENCH-' || g, md5('k' || g) || md5('h' || g),
                   CASE WHEN is_open THEN 'reflection'
                        ELSE (ARRAY['reflection', 'recommendation', 'complaint', 'denunciation'])[1 + g %% 4] END,
                   (ARRAY['portal', 'counter', 'phone', 'post'])[1 + g %% 4],
                   'Phản ánh số ' || g || ': đèn đường hỏng',
                   'Ba cột đèn đường trước số 120 Lê Duẩn không sáng đã hai tuần, buổi tối rất nguy hiểm.',
                   CASE WHEN unit_id = ANY(%(communes)s::int[]) THEN unit_id ELSE %(commune0)s END,
                   'Số ' || (g %% 300) || ' Lê Duẩn', 'Nguyễn Văn An', '0912 345 678', '', g %% 3 = 0,
                   CASE WHEN is_open THEN CASE WHEN tpl = 0 THEN 'received' ELSE 'in_progress' END
                        WHEN r2 < 0.9 THEN 'answered' ELSE 'rejected' END,
                   CASE WHEN is_open THEN '' ELSE 'Đơn vị đã kiểm tra và khắc phục.' END,
                   CASE WHEN is_open THEN NULL ELSE received_at + (5 + r2 * 30) * interval '1 day' END,
                   CASE WHEN is_open THEN NULL ELSE unit_id END, NULL, received_at, instance_id,
                   -- as `cases.outcomes` keeps them: a closed case's clock ended late unless r1 < 0.85 (below)
                   CASE WHEN is_open THEN 'open' WHEN r1 < 0.85 THEN 'on_time' ELSE 'late' END,
                   NOT is_open AND r1 >= 0.85, unit_id, '', '[]'::jsonb, false
            FROM bench_case
            """,
            {"communes": [unit.pk for unit in units if unit.is_commune], "commune0": commune0.pk},
        )
        cur.execute(
            """
            INSERT INTO workflows_deadline
                (instance_id, spiff_task_id, element_id, title, kind, rule_code, start_date, extensions, suspensions,
                 suspended_since, due_at, remind_at, remind_before_days, escalate_to, explanation, explanation_en,
                 phase, next_action_at, closed_at, attempts, last_error)
            SELECT instance_id, md5('t' || g)::uuid,
                   CASE WHEN tpl = 0 THEN %(el0)s ELSE %(el1)s END, CASE WHEN tpl = 0 THEN %(ti0)s ELSE %(ti1)s END,
                   'task', CASE WHEN tpl = 0 THEN %(ru0)s ELSE %(ru1)s END, received_at::date, 0, '[]'::jsonb, NULL,
                   due, due - interval '2 days', NULL, 'unit_leader',
                   CASE WHEN tpl = 0 THEN %(ex0)s ELSE %(ex1)s END, CASE WHEN tpl = 0 THEN %(en0)s ELSE %(en1)s END,
                   CASE WHEN NOT is_open THEN 'closed' WHEN due - interval '2 days' > now() THEN 'remind' ELSE 'due' END,
                   CASE WHEN NOT is_open THEN NULL
                        WHEN due - interval '2 days' > now() THEN due - interval '2 days' ELSE due END,
                   CASE WHEN is_open THEN NULL
                        WHEN r1 < 0.85 THEN due - r2 * interval '3 days' ELSE due + r2 * interval '10 days' END,
                   0, ''
            FROM (
                SELECT *, CASE WHEN is_open THEN now() + (r2 * 70 - 10) * interval '1 day'
                               ELSE received_at + interval '15 days' END AS due
                FROM bench_case
            ) AS c
            """,
            {
                "el0": dl0.element_id, "el1": dl1.element_id, "ti0": dl0.title, "ti1": dl1.title,
                "ru0": dl0.rule_code, "ru1": dl1.rule_code, "ex0": dl0.explanation, "ex1": dl1.explanation,
                "en0": dl0.explanation_en, "en1": dl1.explanation_en,
            },
        )  # fmt: skip
        cur.execute(
            """
            INSERT INTO workflows_humantask
                (instance_id, task_id, element_id, title, role, unit_id, assignee_id, claimed_by_id, claimed_at,
                 public_status, due_at, created_at, completed_at, completed_by_id)
            SELECT c.instance_id, d.spiff_task_id,
                   CASE WHEN tpl = 0 THEN %(el0)s ELSE %(el1)s END, CASE WHEN tpl = 0 THEN %(ti0)s ELSE %(ti1)s END,
                   CASE WHEN tpl = 0 THEN %(ro0)s ELSE %(ro1)s END, c.unit_id,
                   CASE WHEN tpl = 0 THEN NULL ELSE h.user_id END, NULL, NULL,
                   CASE WHEN tpl = 0 THEN %(ps0)s ELSE %(ps1)s END, d.due_at, c.received_at, NULL, NULL
            FROM bench_case AS c
            JOIN workflows_deadline AS d ON d.instance_id = c.instance_id
            JOIN bench_handler AS h ON h.unit_id = c.unit_id
            WHERE c.is_open
            """,
            {
                "el0": task0.element_id, "el1": task1.element_id, "ti0": task0.title, "ti1": task1.title,
                "ro0": task0.role, "ro1": task1.role, "ps0": task0.public_status, "ps1": task1.public_status,
            },
        )  # fmt: skip
        cur.execute("DROP TABLE bench_case")
        cur.execute("DROP TABLE bench_handler")
        rebuild_tally()
        cur.execute("SET LOCAL session_replication_role = origin")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('workflows_workflowinstance', 'id'), "
            "(SELECT max(id) FROM workflows_workflowinstance))"
        )
    times["bulk_rows_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for table in (
            ()
            if connection.in_atomic_block
            else (
                "workflows_workflowinstance",
                "workflows_deadline",
                "workflows_humantask",
                "cases_petition",
                "cases_outcometally",
            )
        ):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    times["vacuum_analyze_s"] = round(time.perf_counter() - t0, 1)
    return times


# ------------------------------------------------------------------------------------------------ measure


def measure(*, iterations: int, warmup: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from workflows.models import HumanTask

    User = get_user_model()
    u0 = 1 + DEPARTMENTS
    ward_user = User.objects.get(username=f"tiepnhan0.u{u0:03d}")
    leader = User.objects.get(username="lanhdao0.u000")
    ward_tasks = list(
        HumanTask.objects.open()
        .filter(unit__code=f"bench-xa-{0:03d}", role="reception_officer")
        .order_by("pk")
        .values_list("task_id", flat=True)[:200]
    )
    clients = {}
    for key, user in (("ward", ward_user), ("leader", leader)):
        client = Client()
        client.force_login(user)
        clients[key] = client
    pages = {
        "inbox_ward": ("ward", lambda i: "/inbox/"),
        "inbox_api_ward": ("ward", lambda i: "/api/v1/inbox"),
        "inbox_leader": ("leader", lambda i: "/inbox/"),
        "inbox_api_leader": ("leader", lambda i: "/api/v1/inbox"),
        "task_page_ward": ("ward", lambda i: f"/tasks/{ward_tasks[i % len(ward_tasks)]}/"),
        "leaders_page": ("leader", lambda i: "/leaders/"),
    }
    results: dict[str, Any] = {"ward_open_tasks": len(ward_tasks)}
    for name, (who, url_of) in pages.items():
        figures, _response = timed_gets(clients[who], url_of, iterations=iterations, warmup=warmup)
        results[name] = figures
        say(
            f"  {name:18} p50 {figures['p50_ms']:8.1f} ms  p95 {figures['p95_ms']:8.1f} ms  {figures['queries']} queries"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the database if built; keep it afterwards")
    parser.add_argument("--quick", action="store_true", help="20,000 cases, 2,000 open, 10 iterations")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.open, args.iterations, args.warmup = 20_000, 2_000, 10, 2
    url = args.database_url
    reuse = False
    if args.keep:
        import psycopg

        try:
            with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
                row = conn.execute("SELECT count(*) FROM workflows_workflowinstance").fetchone()
                reuse = bool(row and row[0] >= args.cases)
        except psycopg.Error:
            reuse = False
    t0 = time.perf_counter()
    if not reuse:
        recreate_database(url.replace("postgres://", "postgresql://"))
    setup_django(url)
    say(f"workspace benchmark: {args.cases:,} cases, {args.open:,} open, {url}")
    setup = {} if reuse else build(cases=args.cases, open_cases=args.open)
    setup_s = round(time.perf_counter() - t0, 1)
    say(f"setup {setup_s} s {setup}" + (" (database reused)" if reuse else ""))
    figures = measure(iterations=args.iterations, warmup=args.warmup)
    targets_met = {
        "inbox_ward_p95_ms_le_100": max(figures["inbox_ward"]["p95_ms"], figures["inbox_api_ward"]["p95_ms"])
        <= TARGETS_MS["inbox_ward_p95_ms_max"],
        "inbox_leader_p95_ms_le_250": max(figures["inbox_leader"]["p95_ms"], figures["inbox_api_leader"]["p95_ms"])
        <= TARGETS_MS["inbox_leader_p95_ms_max"],
        "task_page_p95_ms_le_100": figures["task_page_ward"]["p95_ms"] <= TARGETS_MS["task_page_p95_ms_max"],
        "leaders_page_p95_ms_le_300": figures["leaders_page"]["p95_ms"] <= TARGETS_MS["leaders_page_p95_ms_max"],
    }
    for key, held in targets_met.items():
        say(f"  {key:28} {'OK' if held else 'MISSED'}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop_database(url.replace("postgres://", "postgresql://"))
    result = {
        "cases": args.cases,
        "open": args.open,
        "units": 1 + DEPARTMENTS + COMMUNES,
        "officials": (1 + DEPARTMENTS + COMMUNES) * 10,
        "iterations": args.iterations,
        "setup_s": setup_s,
        "setup": setup,
        "reused": reuse,
        **figures,
        "targets": TARGETS_MS,
        "targets_met": targets_met,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
