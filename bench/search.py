"""Search benchmarks: indexing rate, query latency and outbox lag, per search backend.

    .venv/bin/python bench/search.py                    # 200,000 documents on SQLite and PostgreSQL
    .venv/bin/python bench/search.py --docs 20000       # a quicker run
    .venv/bin/python bench/search.py --no-postgres --no-emulator

Each backend runs in a child process of this script (`--worker`) on a fresh database: a temporary SQLite file,
a temporary PostgreSQL database (created, then dropped). The Elasticsearch backend runs against the
osmem-server emulator (an in-memory OpenSearch-compatible server from PyPI, started by the child process) with
its outbox in a temporary PostgreSQL database; the emulator indexes slowly and holds everything in memory, so
it gets `--emulator-docs` documents (20,000 by default). Its figures measure the backend's code against the
emulator, not Elasticsearch.

Per backend:
1. index: `rebuild()` of the generated documents (`bench/search_corpus.py`, fixed seed), documents/s; then
   the outbox's path, `index()` in batches of 500, on `--live-docs` more documents.
2. queries: 2- and 3-word queries, with and without diacritics, each a full `search()` (first page of 20,
   highlighted snippets, facets, total); p50/p95 per kind and overall, after one warm-up pass.
3. outbox lag: a petition is created and its outbox row written in one transaction; the lag is the time from
   the commit to the first search that finds it, with the product's own way of draining running: the drain
   right after commit on SQLite and PostgreSQL, `manage.py run_search_worker` (its default 1 s poll) for the
   emulator.

Targets: p95 ≤ 50 ms at 200,000 documents on PostgreSQL and SQLite; ≥ 2,000 documents/s indexing on
PostgreSQL; outbox lag p95 ≤ 2 s. The LAST line of the output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import drop_database, production_env, recreate_database, say, summary  # noqa: E402

SEED = 20260115
TARGETS = {"query_p95_ms_max": 50.0, "postgres_index_docs_per_s_min": 2000.0, "outbox_lag_p95_s_max": 2.0}
LIVE_BATCH = 500
CORPUS_START = 10_000_001
PAGE_SIZE = 20


# ------------------------------------------------------------------------------------------------- worker


def worker(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    log = lambda line: print(f"[{args.backend}] {line}", file=sys.stderr, flush=True)  # noqa: E731
    emulator = None
    if args.backend == "elasticsearch":
        from osmem_server import OsmemServer

        emulator = OsmemServer.start(japanese=False)
        os.environ["ELASTICSEARCH_URL"] = emulator.url
        log(f"emulator osmem-server {emulator.version} at {emulator.url}")
    os.environ["SEARCH_BACKEND"] = args.backend
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from bench.search_corpus import documents, queries
    from search.backends import get_backend

    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"migrate: {time.perf_counter() - t0:.1f} s")
        backend = get_backend()
        result: dict[str, Any] = {"backend": backend.name, "vendor": connection.vendor, "docs": args.docs}
        if emulator is not None:
            result["engine"] = f"osmem-server emulator {emulator.version} (OpenSearch-compatible, in memory)"
        else:
            result["engine"] = server_version(connection)

        # --- 1. index
        t0 = time.perf_counter()
        # Numbered far from the petitions the outbox-lag part creates, whose ids start at 1.
        corpus = list(documents(args.docs, seed=args.seed, start=CORPUS_START))
        live = list(documents(args.live_docs, seed=args.seed + 1, start=CORPUS_START + args.docs))
        result["generate_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        count = backend.rebuild(iter(corpus))
        elapsed = time.perf_counter() - t0
        assert count == args.docs, count
        result["rebuild"] = {"docs": count, "s": round(elapsed, 1), "docs_per_s": round(count / elapsed)}
        log(f"rebuild: {count} documents in {elapsed:.1f} s = {count / elapsed:.0f}/s")
        t0 = time.perf_counter()
        for start in range(0, len(live), LIVE_BATCH):
            backend.index(live[start : start + LIVE_BATCH])
        elapsed = time.perf_counter() - t0
        result["live_index"] = {
            "docs": len(live),
            "batch": LIVE_BATCH,
            "s": round(elapsed, 1),
            "docs_per_s": round(len(live) / elapsed) if live else 0,
        }
        log(f"index() in batches of {LIVE_BATCH}: {len(live)} documents in {elapsed:.1f} s")
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            # What autovacuum does after many inserts (statistics, and the text indexes' pending entries merged) and
            # PRAGMA optimize on SQLite (statistics).
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        result["analyze_s"] = round(time.perf_counter() - t0, 1)

        # --- 2. queries
        result["queries"] = run_queries(backend, queries(), rounds=args.rounds, log=log)

        # --- 3. outbox lag
        result["outbox_lag"] = outbox_lag(args, backend, log=log)
        return result
    finally:
        if emulator is not None:
            emulator.close()


def server_version(connection: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def run_queries(backend: Any, by_kind: dict[str, list[str]], *, rounds: int, log: Any) -> dict[str, Any]:
    from search.backends.base import SearchQuery
    from search.text import sanitize_query

    def one(text: str) -> tuple[float, Any]:
        query = SearchQuery(text=sanitize_query(text), size=PAGE_SIZE)
        t = time.perf_counter()
        page = backend.search(query)
        return time.perf_counter() - t, page

    for texts in by_kind.values():  # warm-up: caches, plans, connections
        for text in texts:
            one(text)
    figures: dict[str, Any] = {}
    everything: list[float] = []
    for kind, texts in by_kind.items():
        samples: list[float] = []
        totals: list[int] = []
        empty = unmarked = 0
        for _ in range(rounds):
            for text in texts:
                seconds, page = one(text)
                samples.append(seconds)
                totals.append(page.total)
                empty += not page.results
                unmarked += sum("<mark>" not in hit.snippet for hit in page.results)
        everything += samples
        figures[kind] = {
            **summary(samples),
            "matches_median": int(statistics.median(totals)),
            "queries_with_no_result": empty // rounds,
            "hits_without_mark": unmarked // rounds,
        }
        log(f"{kind:24s}: p50 {figures[kind]['p50_ms']} ms, p95 {figures[kind]['p95_ms']} ms")
    figures["all"] = summary(everything)
    return figures


def outbox_lag(args: argparse.Namespace, backend: Any, *, log: Any) -> dict[str, Any]:
    """Commit → searchable, for `args.lag_samples` petitions created one at a time."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Petition
    from organisation.models import Unit
    from search import outbox
    from search.backends.base import SearchQuery
    from workflows.models import ProcessVersion, WorkflowInstance

    rng = random.Random(args.seed)
    province = Unit.objects.create(code="bench-tinh", name="UBND tỉnh Quảng Trị", kind="tỉnh")
    commune = Unit.objects.create(
        code="bench-dong-ha", name="Phường Đông Hà", kind="phường", parent=province, is_commune=True
    )
    version = ProcessVersion.objects.create(
        process_key="bench-search", number=1, name="bench", bpmn_xml="", sha256="", spec={}, effective_from="2020-01-01"
    )

    def create(n: int, token: str) -> Petition:
        code = f"QT-2026-LAG{n:03d}-{token[:4].upper()}"
        now = timezone.now()
        instance = WorkflowInstance(process_version=version, subject_type="reflection", unit=commune, reference=code)
        instance.title = f"Nắp cống vỡ {token}"
        instance.state = {}
        instance.save()
        return Petition.objects.create(
            workflow=instance,
            tracking_code=code,
            access_key_hash="x",
            petition_type="reflection",
            title=f"Nắp cống vỡ trước chợ, mã theo dõi {token}",
            content="Nắp cống trước cổng chợ Đông Hà bị vỡ, rất nguy hiểm cho người đi bộ vào ban đêm.",
            commune=commune,
            petitioner_name="Nguyễn Văn Bình",
            petitioner_phone="0912 000 111",
            publish_consent=True,
            status="answered",
            answer="Đã thay nắp cống mới.",
            answered_at=now,
            answered_by=commune,
            published_at=now,
            received_at=now,
        )

    drain_on_commit = outbox.drain_on_commit()
    process = None
    if not drain_on_commit:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, str(ROOT / "manage.py"), "run_search_worker"]
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    samples: list[float] = []
    lost = 0
    try:
        if process is not None:  # wait until the worker drains (it imports Django first)
            with transaction.atomic():
                outbox.enqueue("petition", create(0, "khoidong").pk)
            deadline = time.monotonic() + 60
            while outbox.pending() and time.monotonic() < deadline:
                time.sleep(0.05)
        for n in range(1, args.lag_samples + 1):
            time.sleep(rng.uniform(0.0, 0.4))  # not in step with the worker's poll
            token = "".join(rng.choice("bcdfghklmnpqrstvx") for _ in range(10))
            with transaction.atomic():
                petition = create(n, token)
                outbox.enqueue("petition", petition.pk)
                committed = time.perf_counter()  # the commit (and, on SQL, the drain after it) is next
            query = SearchQuery(text=token, size=1)
            deadline = time.monotonic() + 30
            while not backend.search(query).results:
                if time.monotonic() > deadline:
                    lost += 1
                    break
                time.sleep(0.005)
            else:
                samples.append(time.perf_counter() - committed)
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    stats = summary(samples) if samples else {"n": 0}
    figures = {
        "mode": "drain on commit" if drain_on_commit else "run_search_worker (poll 1 s)",
        "drain_on_commit": drain_on_commit,
        "not_found_within_30_s": lost,
        "settings_backend": getattr(settings, "SEARCH_BACKEND", ""),
        **{
            key.replace("_ms", "_s"): round(value / 1000, 3) if key.endswith("_ms") else value
            for key, value in stats.items()
        },
    }
    log(f"outbox lag ({figures['mode']}): p50 {figures.get('p50_s')} s, p95 {figures.get('p95_s')} s")
    return figures


# ------------------------------------------------------------------------------------------------- parent


def run_worker(backend: str, database_url: str, args: argparse.Namespace, docs: int) -> dict[str, Any]:
    env = production_env(database_url)
    env.pop("ELASTICSEARCH_URL", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--backend", backend]
    command += ["--docs", str(docs), "--live-docs", str(args.live_docs), "--rounds", str(args.rounds)]
    command += ["--lag-samples", str(args.lag_samples), "--seed", str(args.seed)]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=max(1800, docs // 100)
    )
    for line in proc.stderr.splitlines():
        if not line.startswith(("POST ", "PUT ", "HEAD ", "GET ", "DELETE ", "osmem-server: warning")):
            say(f"  {line}")
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed (exit {proc.returncode})")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def label(name: str) -> str:
    return "elasticsearch on the emulator" if name == "elasticsearch" else name


def report(name: str, r: dict[str, Any]) -> None:
    say(f"\n== {label(name)}: {r['engine']}, {r['docs']} documents")
    rb, live = r["rebuild"], r["live_index"]
    say(
        f"index   : rebuild {rb['docs']} in {rb['s']} s = {rb['docs_per_s']} docs/s; "
        f"index() by {live['batch']}: {live['docs']} in {live['s']} s = {live['docs_per_s']} docs/s "
        f"(generation {r['generate_s']} s and VACUUM ANALYZE {r['analyze_s']} s not timed)"
    )
    for kind, q in r["queries"].items():
        if kind == "all":
            continue
        say(
            f"query   : {kind:24s} p50 {q['p50_ms']:7.2f} ms · p95 {q['p95_ms']:7.2f} ms · max {q['max_ms']:7.2f} ms "
            f"(n={q['n']}, median matches {q['matches_median']}, no result {q['queries_with_no_result']}, "
            f"hits without <mark> {q['hits_without_mark']})"
        )
    a = r["queries"]["all"]
    say(f"query   : {'all':24s} p50 {a['p50_ms']:7.2f} ms · p95 {a['p95_ms']:7.2f} ms (n={a['n']})")
    lag = r["outbox_lag"]
    say(
        f"outbox  : {lag['mode']}: commit → searchable p50 {lag.get('p50_s')} s · p95 {lag.get('p95_s')} s · "
        f"max {lag.get('max_s')} s (n={lag['n']}, not found within 30 s: {lag['not_found_within_30_s']})"
    )


def parent(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    figures: dict[str, Any] = {
        "docs": args.docs,
        "emulator_docs": min(args.docs, args.emulator_docs),
        "seed": args.seed,
        "targets": TARGETS,
        "backends": {},
    }
    say(
        f"Lắng Nghe search benchmark — {args.docs} documents (seed {args.seed}), "
        f"{args.rounds} rounds of queries, {args.lag_samples} outbox-lag samples, python {sys.version.split()[0]}"
    )
    tmpdir = tempfile.TemporaryDirectory(prefix="lang_nghe_bench_search_")
    runs: list[tuple[str, str, str | None, int]] = [
        ("sqlite", f"sqlite:///{Path(tmpdir.name) / 'search.sqlite3'}", None, args.docs)
    ]
    if not args.no_postgres:
        name = f"lang_nghe_bench_search_{os.getpid()}"
        runs.append(("postgres", f"postgres://postgres@127.0.0.1:5432/{name}", name, args.docs))
    if not args.no_emulator:
        if args.no_postgres:
            runs.append(("elasticsearch", f"sqlite:///{Path(tmpdir.name) / 'outbox.sqlite3'}", None, 0))
        else:
            name = f"lang_nghe_bench_search_es_{os.getpid()}"
            runs.append(("elasticsearch", f"postgres://postgres@127.0.0.1:5432/{name}", name, 0))
    for backend, url, pg_name, docs in runs:
        docs = docs or figures["emulator_docs"]
        say(f"\n-- worker: {label(backend)} ({url})")
        try:
            if pg_name:
                recreate_database(url)
            result = run_worker(backend, url, args, docs)
        except Exception as error:  # one backend failing must not hide the others' figures
            say(f"  {label(backend)} FAILED: {error}")
            figures["backends"][backend] = {"error": str(error)}
            continue
        finally:
            if pg_name:
                try:
                    drop_database(url)
                except Exception as error:
                    say(f"  could not drop {pg_name}: {error}")
        figures["backends"][backend] = result
        report(backend, result)
    tmpdir.cleanup()

    say(
        "\n== summary (targets: query p95 ≤ 50 ms on SQLite and PostgreSQL, ≥ 2,000 docs/s on PostgreSQL, lag p95 ≤ 2 s)"
    )
    for backend, r in figures["backends"].items():
        if "error" in r:
            say(f"{label(backend):30s}: error — {r['error']}")
            continue
        p95, rate, lag = r["queries"]["all"]["p95_ms"], r["rebuild"]["docs_per_s"], r["outbox_lag"].get("p95_s")
        met: dict[str, bool] = {}
        if backend in ("sqlite", "postgres"):
            met["query_p95"] = p95 <= TARGETS["query_p95_ms_max"]
        if backend == "postgres":
            met["index_rate"] = rate >= TARGETS["postgres_index_docs_per_s_min"]
        met["outbox_lag_p95"] = lag is not None and lag <= TARGETS["outbox_lag_p95_s_max"]
        r["targets_met"] = met
        verdict = ", ".join(f"{key} {'OK' if ok else 'MISSED'}" for key, ok in met.items())
        say(
            f"{label(backend):30s}: {r['docs']} docs, {rate} docs/s, query p50 {r['queries']['all']['p50_ms']} ms "
            f"p95 {p95} ms, lag p95 {lag} s — {verdict}"
        )
    figures["elapsed_s"] = round(time.perf_counter() - started, 1)
    say(f"elapsed {figures['elapsed_s']} s")
    say(json.dumps(figures, ensure_ascii=False, default=str))
    return 1 if any("error" in r for r in figures["backends"].values()) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200_000, help="documents for SQLite and PostgreSQL (200000)")
    parser.add_argument(
        "--emulator-docs", type=int, default=20_000, help="documents for the emulator, at most --docs (20000)"
    )
    parser.add_argument("--live-docs", type=int, default=5000, help="documents indexed with index() (5000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the queries (3)")
    parser.add_argument("--lag-samples", type=int, default=20, help="petitions timed from commit to searchable (20)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-postgres", action="store_true", help="no PostgreSQL (the emulator's outbox on SQLite)")
    parser.add_argument("--no-emulator", action="store_true", help="no Elasticsearch backend on the emulator")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args), ensure_ascii=False, default=str), flush=True)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
