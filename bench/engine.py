"""Engine benchmarks: raw SpiffWorkflow vs. the product's `complete_task`, and the size of a finished case's state.

    .venv/bin/python bench/engine.py [--n 200] [--warmup 10] [--no-postgres]

1. raw     — plain SpiffWorkflow on `bpmn/processes/reflection.bpmn`: deserialize the full JSON state (spec
             included) → complete `classify` with decision=accept → advance (service tasks answer "null") →
             serialize to JSON. No Django, no database.
2. product — `workflows.services.complete_task` for the same step on N fresh petitions (created with
             `cases.services.submit_petition`, not timed), with all its persistence, on a temporary SQLite file
             and on a temporary PostgreSQL database. Each database runs in a subprocess of this script
             (`--worker`) with its own DATABASE_URL.
3. size    — the state JSON of one petition driven through the whole journey (target ≤ 20 KB).

Prints human-readable lines; the LAST line is one JSON object with every figure. Benchmarks are never part of
the pass/fail test suite.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
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
from bench.figures import drop_database, production_env, recreate_database, say, summary  # noqa: E402

BPMN_FILE = ROOT / "bpmn" / "processes" / "reflection.bpmn"
PROCESS_ID = "reflection"
START_DATA = {"petition_type": "reflection", "publish_consent": True, "channel": "portal"}
CLASSIFY_FORM = {"decision": "accept"}
TARGETS = {"ratio_postgresql_max": 3.0, "state_kb_max": 20.0}


# --------------------------------------------------------------------------------------------------- helpers


def fmt(stats: dict[str, float]) -> str:
    return (
        f"p50 {stats['p50_ms']:.3f} ms · p95 {stats['p95_ms']:.3f} ms · mean {stats['mean_ms']:.3f} ms (n={stats['n']})"
    )


# --------------------------------------------------------------------------------------- 1. raw SpiffWorkflow


def bench_raw(n: int, warmup: int) -> dict[str, Any]:
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    class NullServiceEngine(PythonScriptEngine):
        """Plain eval for conditions; every service task answers JSON null (no persistence)."""

        def call_service(self, task: Any, **kwargs: Any) -> str:
            return "null"

    engine = NullServiceEngine()
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    t0 = time.perf_counter()
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    spec, subprocess_specs = parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)
    parse_ms = (time.perf_counter() - t0) * 1000

    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
    workflow.data.update(START_DATA)
    workflow.task_tree.data.update(START_DATA)
    workflow.do_engine_steps()
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert [t.task_spec.bpmn_id for t in ready] == ["classify"], ready
    state_json = serializer.serialize_json(workflow)
    task_id = ready[0].id

    def cycle() -> str:
        wf = serializer.deserialize_json(state_json)
        wf.script_engine = engine
        task = wf.get_task_from_id(task_id)
        task.data.update(CLASSIFY_FORM)
        task.run()
        wf.refresh_waiting_tasks()
        wf.do_engine_steps()
        return serializer.serialize_json(wf)

    out = cycle()
    check = serializer.deserialize_json(out)
    after = [t.task_spec.bpmn_id for t in check.get_tasks(state=TaskState.READY, manual=True)]
    assert after == ["assign"], after

    for _ in range(warmup):
        cycle()
    gc.collect()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        cycle()
        samples.append(time.perf_counter() - t)
    return {
        "cycle": summary(samples),
        "parse_ms": round(parse_ms, 3),
        "state_bytes_before": len(state_json.encode()),
        "state_bytes_after": len(out.encode()),
    }


# ----------------------------------------------------------------------------------- 2 + 3. product (worker)


def worker(n: int, warmup: int, profile: bool = False) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services import submit_petition
    from organisation.models import Membership, Role, Unit
    from workflows import engine as product_engine
    from workflows.models import HumanTask, ProcessVersion, WorkflowInstance
    from workflows.services import complete_task, specs_for

    vendor = connection.vendor
    log = lambda line: print(f"[{vendor}] {line}", file=sys.stderr, flush=True)  # noqa: E731

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_processes", verbosity=0)
    log(f"migrate + load_processes: {time.perf_counter() - t0:.1f} s")

    # Minimal organisation, shaped like seed_demo: a province, one ward, one official per role.
    province = Unit.objects.create(code="bench-tinh", name="UBND tỉnh (bench)", kind="tỉnh")
    ward = Unit.objects.create(
        code="bench-phuong", name="Phường Bench", kind="phường", parent=province, is_commune=True
    )
    User = get_user_model()
    users = {}
    for username, role in (
        ("tiepnhan.bench", Role.RECEPTION_OFFICER),
        ("xuly.bench", Role.HANDLING_OFFICER),
        ("lanhdao.bench", Role.UNIT_LEADER),
    ):
        users[role] = User.objects.create_user(username=username, password="bench-only")
        Membership.objects.create(user=users[role], unit=ward, role=role)
    reception, handler, leader = users[Role.RECEPTION_OFFICER], users[Role.HANDLING_OFFICER], users[Role.UNIT_LEADER]

    def new_petition(i: int, consent: bool = False) -> Any:
        return submit_petition(
            petition_type="reflection",
            title=f"Đèn đường hỏng #{i}",
            content="Ba cột đèn đường trước số 120 Lê Duẩn không sáng đã hai tuần, buổi tối rất nguy hiểm.",
            commune=ward,
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912 345 678",
            publish_consent=consent,
        ).petition

    def waiting_task(petition: Any) -> HumanTask:
        return open_tasks().get(instance_id=petition.workflow_id)

    # --- fixtures (not timed): warm-up + timed + query-capture + SQL-share petitions
    sql_share_n = min(30, n)
    total = warmup + n + 1 + sql_share_n
    t0 = time.perf_counter()
    task_ids = [waiting_task(new_petition(i)).task_id for i in range(total)]
    log(f"{total} petitions via submit_petition: {time.perf_counter() - t0:.1f} s (not timed)")

    def complete(task_id: uuid.UUID) -> Any:
        return complete_task(task_id=task_id, user=reception, data=dict(CLASSIFY_FORM))

    ids = iter(task_ids)
    for _ in range(warmup):
        complete(next(ids))
    gc.collect()
    samples = []
    for _ in range(n):
        task_id = next(ids)
        t = time.perf_counter()
        complete(task_id)
        samples.append(time.perf_counter() - t)
    timed = summary(samples)

    # --- queries of one complete_task (outside the timed loop)
    with CaptureQueriesContext(connection) as captured:
        instance = complete(next(ids))
    assert list(open_tasks().filter(instance=instance).values_list("element_id", flat=True)) == ["assign"]
    queries = [q["sql"] for q in captured.captured_queries]
    shown = [sql if len(sql) <= 160 else sql[:157] + "…" for sql in queries]  # the state literal is ~5 KB

    # --- share of wall time spent inside the database driver (perf_counter around each execute)
    sql_time = [0.0]
    per_kind: dict[str, float] = {}

    def timing_wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t
            sql_time[0] += spent
            kind = classify_query(sql)
            per_kind[kind] = per_kind.get(kind, 0.0) + spent

    wall = 0.0
    with connection.execute_wrapper(timing_wrapper):
        for _ in range(sql_share_n):
            t = time.perf_counter()
            complete(next(ids))
            wall += time.perf_counter() - t
    sql_share = {
        "n": sql_share_n,
        "wall_ms_mean": round(wall / sql_share_n * 1000, 3),
        "sql_ms_mean": round(sql_time[0] / sql_share_n * 1000, 3),
        "sql_share": round(sql_time[0] / wall, 3),
        "ms_per_call_by_statement": {
            kind: round(spent / sql_share_n * 1000, 3)
            for kind, spent in sorted(per_kind.items(), key=lambda kv: -kv[1])
        },
    }

    # --- floor of one database round trip, and what the select_related ProcessVersion row costs to decode
    floor = []
    with connection.cursor() as cursor:
        for _ in range(200):
            t = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            floor.append(time.perf_counter() - t)
    version = ProcessVersion.objects.filter(process_key=PROCESS_ID).latest("number")
    spec_text = json.dumps(version.spec)
    decode = []
    for _ in range(200):
        t = time.perf_counter()
        json.loads(spec_text)
        decode.append(time.perf_counter() - t)
    overheads = {
        "select_1_round_trip": summary(floor),
        "process_version_spec_bytes": len(spec_text.encode()),
        "process_version_bpmn_xml_bytes": len(version.bpmn_xml.encode()),
        "process_version_spec_json_decode": summary(decode),
    }

    # --- engine-only part of the product path: product (de)serializer + cached spec, null services, no DB
    petition = new_petition(total)
    fresh = WorkflowInstance.objects.get(pk=petition.workflow_id)
    specs = specs_for(fresh.process_version_id)
    state = fresh.state
    state_text = json.dumps(state)
    classify_id = uuid.UUID(str(waiting_task(petition).task_id))

    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

    class NullServiceEngine(PythonScriptEngine):
        def call_service(self, task: Any, **kwargs: Any) -> str:
            return "null"

    def engine_cycle() -> str:
        runner = product_engine.Runner.load(specs, json.loads(state_text))
        runner.workflow.script_engine = NullServiceEngine()
        runner.complete(classify_id, dict(CLASSIFY_FORM))
        return json.dumps(runner.dump())

    for _ in range(warmup):
        engine_cycle()
    engine_samples = []
    for _ in range(n):
        t = time.perf_counter()
        engine_cycle()
        engine_samples.append(time.perf_counter() - t)

    # --- 3. a finished case: the whole journey, then the size of its state
    size = finished_case(reception, handler, leader, new_petition(total + 1, consent=True), specs)

    # --- data kept across a save/load round trip: after classify, the `assign` task must still see the intake data
    lost = []
    at_assign = WorkflowInstance.objects.filter(pk__in=open_tasks().filter(element_id="assign").values("instance_id"))
    for instance in at_assign:
        runner = product_engine.Runner.load(specs, instance.state)
        for task in runner.ready_tasks():
            missing = {"petition_type", "publish_consent", "channel", "decision"} - set(task.data)
            if missing:
                lost.append(sorted(missing))
    checked = at_assign.count()
    integrity = {
        "cases_checked": checked,
        "cases_with_lost_task_data": len(lost),
        "example_missing": lost[0] if lost else [],
    }
    log(f"round-trip data check: {len(lost)} of {checked} cases lost task data after classify")

    if profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        extra = [waiting_task(new_petition(total + 2 + i)).task_id for i in range(50)]
        profiler.enable()
        for task_id in extra:
            complete(task_id)
        profiler.disable()
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        by_package: Counter[str] = Counter()
        for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            by_package[_package_of(filename)] += tottime
        total_self = sum(by_package.values()) or 1.0
        log("profile: self time by package over 50 calls (cProfile inflates Python-heavy code):")
        for package, spent in by_package.most_common(12):
            log(f"profile:   {package:38s} {spent / 50 * 1000:6.3f} ms/call  {spent / total_self * 100:4.1f} %")
        stats.strip_dirs().sort_stats("cumulative").print_stats(40)
        for line in buffer.getvalue().splitlines():
            log(f"profile: {line}")

    return {
        "vendor": vendor,
        "server_version": str(getattr(connection, "pg_version", "") or _sqlite_version(connection)),
        "complete_task": timed,
        "engine_only": summary(engine_samples),
        "queries_per_complete_task": len(queries),
        "statements": [classify_query(sql) for sql in queries],
        "queries": shown,
        "sql_share": sql_share,
        "finished_state": size,
        "round_trip_integrity": integrity,
        "overheads": overheads,
    }


def finished_case(reception: Any, handler: Any, leader: Any, journey: Any, specs: Any) -> dict[str, Any]:
    """Drive one petition through the longest journey; return the size of its stored state (or where it failed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

    from workflows import engine as product_engine
    from workflows.models import WorkflowInstance
    from workflows.services import complete_task

    steps = [
        (reception, {"decision": "accept"}),
        (leader, {"handler": handler.username, "instructions": "Kiểm tra hiện trường trong tuần."}),
        (handler, {"answer": "Sẽ xem xét."}),
        (leader, {"approval": "return", "comments": "Nêu rõ thời gian thay bóng đèn."}),
        (handler, {"answer": "Phường đã phối hợp với điện lực thay bóng ba cột đèn; đèn sáng lại từ ngày 20/11."}),
        (leader, {"approval": "approve"}),
    ]
    per_step_queries: list[tuple[str, int]] = []
    for user, form in steps:
        task = open_tasks().get(instance_id=journey.workflow_id)
        try:
            with CaptureQueriesContext(connection) as step_q:
                complete_task(task_id=task.task_id, user=user, data=form)
        except Exception as error:
            return {
                "error": f"step {len(per_step_queries) + 1} ({task.element_id}, {form}): "
                f"{type(error).__name__}: {error}",
                "queries_per_step": per_step_queries,
            }
        per_step_queries.append((task.element_id, len(step_q.captured_queries)))
    finished = WorkflowInstance.objects.get(pk=journey.workflow_id)
    if finished.status != "completed":
        return {
            "error": f"case not completed after the journey (status {finished.status})",
            "queries_per_step": per_step_queries,
        }
    runner = product_engine.Runner.load(specs, finished.state)
    full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG)).serialize_json(runner.workflow)
    stored_default = json.dumps(finished.state)  # what Django's JSONField writes (ensure_ascii, ", " separators)
    size: dict[str, Any] = {
        "bytes": len(stored_default.encode()),
        "kb": round(len(stored_default.encode()) / 1024, 2),
        "bytes_compact_utf8": len(json.dumps(finished.state, separators=(",", ":"), ensure_ascii=False).encode()),
        "bytes_full_serialization_with_spec": len(full.encode()),
        "tasks_in_state": len(finished.state.get("tasks", {})),
        "path": runner.path(),
        "queries_per_step": per_step_queries,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_column_size(state) FROM workflows_workflowinstance WHERE id = %s", [finished.pk])
            size["pg_column_size_bytes"] = cursor.fetchone()[0]
    return size


def open_tasks() -> Any:
    """Inbox rows still waiting (done rows may be kept, with `completed_at` set)."""
    from workflows.models import HumanTask

    fields = {f.name for f in HumanTask._meta.get_fields()}
    rows = HumanTask.objects.all()
    return rows.filter(completed_at__isnull=True) if "completed_at" in fields else rows


def _package_of(filename: str) -> str:
    if "site-packages/" in filename:
        top = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        if top == "django":
            part = filename.split("site-packages/django/", 1)[1].split("/")
            return "django." + ".".join(part[:2]).removesuffix(".py")
        return top
    if filename.startswith(str(ROOT)):
        return "lang_nghe." + filename[len(str(ROOT)) + 1 :].split("/", 1)[0]
    if filename.startswith("<") or filename == "~":
        return "builtins (C: json, sqlite3, sockets…)"
    return "stdlib." + Path(filename).stem


def _sqlite_version(connection: Any) -> str:
    import sqlite3

    return sqlite3.sqlite_version if connection.vendor == "sqlite" else ""


# ------------------------------------------------------------------------------------------------- parent


def run_worker(database_url: str, n: int, warmup: int, profile: bool) -> dict[str, Any]:
    env = production_env(database_url)
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        [sys.executable, str(Path(__file__).resolve()), "--worker", "--n", str(n), "--warmup", str(warmup)]
        + (["--profile"] if profile else []),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    for line in proc.stderr.splitlines():
        say(f"  {line}")
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def classify_query(sql: str) -> str:
    """ "SELECT workflows_humantask", "INSERT workflows_caseevent", "COMMIT"…"""
    sql = re.sub(r"^\d+ times: ", "", sql)  # how Django logs an executemany
    words = sql.replace("(", " ( ").split()
    upper = [w.upper() for w in words]
    verb = upper[0] if upper else "?"
    anchor = {"SELECT": "FROM", "INSERT": "INTO", "DELETE": "FROM", "UPDATE": "UPDATE"}.get(verb)
    if anchor is None or anchor not in upper:
        return " ".join(upper[:2]) if verb == "BEGIN" else verb
    index = upper.index(anchor)
    table = words[index + 1].strip('"`') if index + 1 < len(words) else "?"
    if verb == "SELECT" and "FOR UPDATE" in sql.upper():
        verb = "SELECT … FOR UPDATE"
    return f"{verb} {table}"


def report_db(name: str, result: dict[str, Any], raw_p50: float) -> dict[str, Any]:
    ct = result["complete_task"]
    ratio = ct["p50_ms"] / raw_p50
    say(f"\n== 2. product complete_task (classify → accept) on {name} ({result['vendor']} {result['server_version']})")
    say(f"complete_task            : {fmt(ct)}")
    say(
        f"engine part only         : {fmt(result['engine_only'])}"
        "  (product serializer, cached spec, null services, no DB)"
    )
    share = result["sql_share"]
    say(
        f"time inside DB driver    : {share['sql_ms_mean']:.3f} of {share['wall_ms_mean']:.3f} ms per call "
        f"({share['sql_share'] * 100:.0f} %, mean of {share['n']})"
    )
    say(
        f"queries per complete_task: {result['queries_per_complete_task']} (time in the driver per call, by statement; "
        "on PostgreSQL the step's writes are one pipeline, waited for once at its end, outside these figures)"
    )
    by_kind = share["ms_per_call_by_statement"]
    for kind, count in Counter(result["statements"]).most_common():
        say(f"    {count:2d} × {kind:40s} {by_kind.get(kind, 0.0):6.3f} ms")
    over = result["overheads"]
    say(
        f"one SELECT 1 round trip  : p50 {over['select_1_round_trip']['p50_ms']:.3f} ms; decoding the select_related "
        f"ProcessVersion.spec ({over['process_version_spec_bytes']} B, plus {over['process_version_bpmn_xml_bytes']} B "
        f"of bpmn_xml fetched) p50 {over['process_version_spec_json_decode']['p50_ms']:.3f} ms per call"
    )
    say(f"ratio product p50 / raw p50: {ratio:.2f}")
    return {"ratio_p50": round(ratio, 2)}


def parent(args: argparse.Namespace) -> int:
    figures: dict[str, Any] = {"n": args.n, "warmup": args.warmup, "targets": TARGETS}
    started = time.perf_counter()
    say(f"Lắng Nghe engine benchmark — n={args.n}, warm-up={args.warmup}, python {sys.version.split()[0]}")

    say("\n== 1. raw SpiffWorkflow (full JSON state incl. spec, PythonScriptEngine, call_service → null)")
    raw = bench_raw(args.n, args.warmup)
    figures["raw"] = raw
    raw_p50 = raw["cycle"]["p50_ms"]
    say(f"parse reflection.bpmn once : {raw['parse_ms']:.2f} ms")
    say(f"state JSON (before/after)  : {raw['state_bytes_before']} / {raw['state_bytes_after']} bytes")
    say(f"deserialize → complete → advance → serialize: {fmt(raw['cycle'])}")

    databases: list[tuple[str, str, Any]] = []
    tmpdir = tempfile.TemporaryDirectory(prefix="lang_nghe_bench_")
    databases.append(("sqlite", f"sqlite:///{Path(tmpdir.name) / 'bench.sqlite3'}", None))
    if not args.no_postgres:
        databases.append(("postgresql", f"postgres://postgres@127.0.0.1:5432/{args.pg_db}", args.pg_db))

    figures["databases"] = {}
    for name, url, pg_name in databases:
        say(f"\n-- worker: {name} ({url})")
        try:
            if pg_name:
                recreate_database(url)
            result = run_worker(url, args.n, args.warmup, args.profile)
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
        extra = report_db(name, result, raw_p50)
        figures["databases"][name] = {**result, **extra}
    tmpdir.cleanup()

    say(
        "\n== 3. finished case "
        "(classify accept → assign → draft → approve:return → draft → approve:approve → send → publish)"
    )
    first = None
    for name, result in figures["databases"].items():
        if "error" in result:
            continue
        size = result["finished_state"]
        if "error" in size:
            say(f"{name:10s}: JOURNEY FAILED at {size['error']}")
            continue
        first = first or size
        say(
            f"{name:10s}: state {size['bytes']} bytes = {size['kb']} KB as stored by JSONField "
            f"({size['bytes_compact_utf8']} compact UTF-8; {size['bytes_full_serialization_with_spec']} if the spec "
            f"were included; {size['tasks_in_state']} tasks"
            + (f"; pg_column_size {size['pg_column_size_bytes']}" if "pg_column_size_bytes" in size else "")
            + f") — target ≤ {TARGETS['state_kb_max']:.0f} KB: "
            + ("OK" if size["kb"] <= TARGETS["state_kb_max"] else "OVER")
        )
        say(f"            queries per step: {', '.join(f'{e}={q}' for e, q in size['queries_per_step'])}")
    if first:
        say(f"path: {' → '.join(first['path'])}")

    say("\n== round trip: does task data survive save → load? (assign must see the intake data + decision)")
    for name, result in figures["databases"].items():
        if "error" in result:
            continue
        check = result["round_trip_integrity"]
        verdict = (
            "OK" if not check["cases_with_lost_task_data"] else f"DATA LOST, e.g. missing {check['example_missing']}"
        )
        say(
            f"{name:10s}: {check['cases_with_lost_task_data']} of {check['cases_checked']} cases "
            f"lost task data — {verdict}"
        )

    say("\n== summary")
    say(f"raw p50 {raw_p50:.3f} ms")
    for name, result in figures["databases"].items():
        if "error" in result:
            say(f"{name:10s}: error — {result['error']}")
            continue
        ct = result["complete_task"]
        verdict = ""
        if name == "postgresql":
            limit = TARGETS["ratio_postgresql_max"]
            verdict = f" (target ≤ {limit:.0f}: {'OK' if result['ratio_p50'] <= limit else 'MISSED'})"
        say(
            f"{name:10s}: complete_task p50 {ct['p50_ms']:.3f} ms, p95 {ct['p95_ms']:.3f} ms, "
            f"ratio {result['ratio_p50']:.2f}{verdict}"
        )
    figures["elapsed_s"] = round(time.perf_counter() - started, 1)
    say(f"elapsed {figures['elapsed_s']} s")
    say(json.dumps(figures, ensure_ascii=False))
    failed = [
        name for name, r in figures["databases"].items() if "error" in r
    ]  # journey/integrity problems are findings, not failures
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="timed iterations per benchmark (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed warm-up iterations (default 10)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--pg-db", default=f"lang_nghe_bench_{os.getpid()}", help="temporary PostgreSQL database (created and dropped)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of 50 complete_task calls per database"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.n < 1 or args.warmup < 0:
        parser.error("--n must be ≥ 1 and --warmup ≥ 0")
    if args.worker:
        print(json.dumps(worker(args.n, args.warmup, args.profile), ensure_ascii=False))
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
