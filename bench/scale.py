"""Growth, measured: the product under a realistic mix with 1, 2 and 4 web processes and 1 or 2 of each worker.

    .venv/bin/python bench/scale.py                      # 6 steps of 20 s, then search at 1,000,000 documents
    .venv/bin/python bench/scale.py --duration 10 --search-docs 0   # a quicker run, no search part

On a dedicated PostgreSQL database (`bench_scale`, dropped and created again): migrate, `load_processes`, the demo
province (`seed_demo`), and `--prefill` reflections submitted through
`cases.services.submit_petition` to the ward of the reception officer `tiepnhan.dongha` (their `classify` steps are the task completions of the load). Not timed.

Each step starts `gunicorn config.wsgi` (sync workers, `--web` processes, `DEBUG=0` with production settings:
Redis cache, an SMTP sink on loopback, persistent connections) and `--workers` copies of each long-running worker
(`run_outbox`, `run_deadlines`, `run_channel_events`, `run_report_renders`), then a bounded load generator on
loopback: `--clients` threads in a closed loop (each sends its next request when the previous one is answered),
each request drawn from the mix

    35 % status page      GET  /track/<code>/               (a prefilled petition)
    30 % public search    GET  /search/?q=<words>
    20 % submission       POST /api/v1/petitions            (JSON, a new reflection: the engine starts its case)
    10 % task completion  POST /api/v1/tasks/<id>/complete  (the reception officer accepts a `classify` step)
     5 % status API       GET  /api/v1/petitions/<code>

for `--warmup` seconds (not counted) and `--duration` seconds. Per step: requests/s, p50/p95 per kind and overall,
errors (any status other than the expected one, or a refused connection), and the CPU share of PostgreSQL's
backends serving this database, of the web processes and of the workers (CPU seconds / wall seconds / cores).

Then search at `--search-docs` documents (1,000,000 by default) on PostgreSQL: `bench/search.py`'s PostgreSQL
worker on its own temporary database (index, 2- and 3-word queries with and without diacritics, p50/p95).

Targets: throughput from 1 to 2 web processes ≥ 1.7×; no error under load; search p95 ≤ 30 ms at 1,000,000
documents on PostgreSQL. The LAST line is one JSON object with every figure and `targets_met`. On a machine with
two cores the load generator, PostgreSQL and the web processes share them: read the CPU shares with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import (  # noqa: E402
    cpu_seconds,
    database_backends,
    descendants,
    drop_database,
    production_env,
    recreate_database,
    say,
    summary,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scale"
WORKERS = ("run_outbox", "run_deadlines", "run_channel_events", "run_report_renders")
MIX = (("status_page", 35), ("search", 30), ("submit", 20), ("complete", 10), ("status_api", 5))
SEARCH_WORDS = ("đèn chiếu sáng", "rác thải", "duong ngap nuoc", "tiếng ồn", "cấp nước", "ổ gà", "hồ sơ đất đai")
OFFICIAL = "tiepnhan.dongha"
PASSWORD = "langnghe-demo"
TARGETS = {"web_1_to_2_speedup_min": 1.7, "errors_max": 0, "search_p95_ms_max_at_1m": 30.0}
CORES = os.cpu_count() or 1


def server_env(url: str, smtp_port: int) -> dict[str, str]:
    """Production settings (`DEBUG=0`), on loopback: what `manage.py check --deploy` asks for, minus TLS."""
    return production_env(
        url,
        SECURE_SSL_REDIRECT="0",
        REDIS_URL="redis://127.0.0.1:6379/14",
        EMAIL_PORT=str(smtp_port),
        PUBLIC_SUBMIT_RATE="1000000/hour",  # one load generator is every citizen at once
        LOGIN_FAILURE_LIMIT="1000",
    )


# ------------------------------------------------------------------------------------------------ build


def build(args: argparse.Namespace) -> dict[str, Any]:
    """In a child process with the servers' settings: schema, processes, demo province, prefilled reflections."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment has them (WhiteNoise's manifest)
    from cases.models import Petition
    from cases.services import submit_petition
    from organisation.models import Unit

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_processes", verbosity=0)
    call_command("seed_demo", verbosity=0)
    ward = Unit.objects.get(memberships__user__username=OFFICIAL)
    for n in range(args.prefill):
        submit_petition(
            petition_type="reflection",
            title=f"Phản ánh số {n}: đèn chiếu sáng hỏng",
            content="Đèn chiếu sáng trên đường Lê Duẩn bị hỏng nhiều ngày, đề nghị sửa chữa.",
            commune=ward,
            petitioner_name="Người dân thử tải",
            petitioner_email=f"nguoidan{n}@example.invalid",
            publish_consent=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    codes = list(Petition.objects.values_list("tracking_code", flat=True))
    communes = list(Unit.objects.filter(is_commune=True).values_list("code", flat=True))
    return {"setup_s": round(time.perf_counter() - t0, 1), "codes": codes, "communes": communes}


def open_classify_tasks() -> list[str]:
    from workflows.models import HumanTask

    rows = HumanTask.objects.filter(
        element_id="classify", unit__memberships__user__username=OFFICIAL, completed_at__isnull=True
    )
    return [str(task_id) for task_id in rows.values_list("task_id", flat=True)]


def child(args: argparse.Namespace) -> None:
    """`--child build` or `--child tasks`: print one JSON line."""
    if args.child == "build":
        result = build(args)
    else:
        import django

        django.setup()
        result = {"tasks": open_classify_tasks()}
    print(json.dumps(result))


def run_child(kind: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--prefill", str(args.prefill)]
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)  # noqa: S603
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# ------------------------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_smtp_sink() -> tuple[Any, int]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def start_step(env: dict[str, str], web: int, workers: int, port: int) -> list[subprocess.Popen[bytes]]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(web)]
    command += ["--backlog", "256", "--timeout", "60", "--log-level", "warning"]
    procs = [subprocess.Popen(command, env=env, cwd=ROOT)]  # noqa: S603
    for name in WORKERS:
        for _ in range(workers):
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "manage.py", name], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
                )
            )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return procs
        except OSError:
            time.sleep(0.2)
    stop(procs)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


# ------------------------------------------------------------------------------------------------ load


class Client:
    """One citizen or official at a time, over fresh loopback connections (gunicorn's sync workers close them)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = dict(headers or {})
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, data

    def log_in(self) -> None:
        self.request("GET", "/login/")
        form = urllib.parse.urlencode(
            {"username": OFFICIAL, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        )
        status, _ = self.request(
            "POST", "/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"the official's login answered {status}")


class Load:
    def __init__(self, port: int, codes: list[str], communes: list[str], tasks: list[str], seed: int) -> None:
        self.port, self.codes, self.communes = port, codes, communes
        self.tasks = tasks
        self.lock = threading.Lock()
        self.random = random.Random(seed)
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_examples: list[str] = []
        self.counting = False
        self.stopping = False
        self.kinds: list[str] = [kind for kind, _weight in MIX]
        self.weights: list[int] = [weight for _kind, weight in MIX]

    def next_request(self, rnd: random.Random) -> tuple[str, str, str, bytes | None, dict[str, str], int]:
        kind = rnd.choices(self.kinds, self.weights)[0]
        if kind == "complete":
            with self.lock:
                task = self.tasks.pop() if self.tasks else None
            if task is None:
                kind = "status_page"  # no step left to complete: the mix keeps its size
            else:
                body = json.dumps({"form": {"decision": "accept"}}).encode()
                return kind, "POST", f"/api/v1/tasks/{task}/complete", body, {"Content-Type": "application/json"}, 200
        if kind == "status_page":
            return kind, "GET", f"/track/{rnd.choice(self.codes)}/", None, {}, 200
        if kind == "status_api":
            return kind, "GET", f"/api/v1/petitions/{rnd.choice(self.codes)}", None, {}, 200
        if kind == "search":
            return kind, "GET", "/search/?" + urllib.parse.urlencode({"q": rnd.choice(SEARCH_WORDS)}), None, {}, 200
        payload = {
            "petition_type": "reflection",
            "title": "Đường ngập nước sau mưa",
            "content": "Đoạn đường trước chợ ngập sâu mỗi khi mưa lớn, đề nghị nạo vét cống thoát nước.",
            "commune": rnd.choice(self.communes),
            "petitioner_name": "Người dân thử tải",
            "petitioner_email": f"nguoidan{rnd.randrange(10**9)}@example.invalid",
            "publish_consent": True,
        }
        return (
            kind,
            "POST",
            "/api/v1/petitions",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
            201,
        )

    def run_client(self, index: int) -> None:
        rnd = random.Random(self.random.random() + index)
        client = Client(self.port)
        client.log_in()
        while not self.stopping:
            kind, method, path, body, headers, expected = self.next_request(rnd)
            if method == "POST" and kind == "complete":
                headers = {**headers, "X-CSRFToken": client.cookies.get("csrftoken", "")}
            started = time.perf_counter()
            try:
                status, data = client.request(method, path, body, headers)
                failure = (
                    None if status == expected else f"{kind} {path} → {status}: {data[:160].decode(errors='replace')}"
                )
            except OSError as error:
                failure = f"{kind} {path} → {error}"
            elapsed = time.perf_counter() - started
            if not self.counting:
                continue
            with self.lock:
                self.samples[kind].append(elapsed)
                if failure:
                    self.errors[kind] += 1
                    if len(self.error_examples) < 3:
                        self.error_examples.append(failure)


def run_step(
    args: argparse.Namespace, env: dict[str, str], built: dict[str, Any], web: int, workers: int
) -> dict[str, Any]:
    tasks = run_child("tasks", env, args)["tasks"]
    port = free_port()
    procs = start_step(env, web, workers, port)
    load = Load(port, built["codes"], built["communes"], tasks, seed=args.seed + web * 10 + workers)
    threads = [threading.Thread(target=load.run_client, args=(i,), daemon=True) for i in range(args.clients)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        web_pids = descendants(procs[0].pid)
        worker_pids = [pid for proc in procs[1:] for pid in descendants(proc.pid)]
        db_pids = database_backends(args.database_url)
        before = cpu_seconds(web_pids + worker_pids + db_pids)
        load.counting = True
        started = time.perf_counter()
        time.sleep(args.duration)
        load.counting = False
        wall = time.perf_counter() - started
        db_pids = sorted(set(db_pids) | set(database_backends(args.database_url)))
        after = cpu_seconds(web_pids + worker_pids + db_pids)
    finally:
        load.stopping = True
        for thread in threads:
            thread.join(timeout=70)
        stop(procs)

    def share(pids: list[int]) -> float:
        used = sum(after.get(pid, 0.0) - before.get(pid, 0.0) for pid in pids if pid in after)
        return round(used / wall / CORES, 3)

    everything = [s for samples in load.samples.values() for s in samples]
    return {
        "web": web,
        "workers_each": workers,
        "clients": args.clients,
        "duration_s": round(wall, 1),
        "requests": len(everything),
        "throughput_rps": round(len(everything) / wall, 1),
        "all": summary(everything) if everything else {},
        "by_kind": {kind: summary(samples) for kind, samples in sorted(load.samples.items())},
        "errors": sum(load.errors.values()),
        "errors_by_kind": dict(load.errors),
        "error_examples": load.error_examples,
        "tasks_left": len(load.tasks),
        "cpu_share": {"postgres": share(db_pids), "web": share(web_pids), "workers": share(worker_pids)},
    }


def search_at_scale(args: argparse.Namespace) -> dict[str, Any]:
    """bench/search.py's PostgreSQL worker on its own temporary database."""
    from bench import search

    name = f"lang_nghe_bench_scale_search_{os.getpid()}"
    search_args = argparse.Namespace(live_docs=1000, rounds=3, lag_samples=5, seed=search.SEED)
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    recreate_database(url)
    try:
        result = search.run_worker("postgres", url, search_args, args.search_docs)
    finally:
        drop_database(url)
    return {
        "docs": result["docs"],
        "engine": result["engine"],
        "index_docs_per_s": result["rebuild"]["docs_per_s"],
        "query": result["queries"]["all"],
        "query_by_kind": {k: v for k, v in result["queries"].items() if k != "all"},
    }


# ------------------------------------------------------------------------------------------------ main


def parent(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    figures: dict[str, Any] = {"cores": CORES, "clients": args.clients, "targets": TARGETS, "mix": dict(MIX)}
    say(f"Lắng Nghe scale benchmark — {CORES} cores, {args.clients} clients, steps of {args.duration} s")
    smtp, smtp_port = start_smtp_sink()
    env = server_env(args.database_url, smtp_port)
    try:
        recreate_database(args.database_url)
        built = run_child("build", env, args)
        codes = built["codes"]
        figures["setup_s"] = built["setup_s"]
        say(f"build: {len(codes)} petitions in {built['setup_s']} s")
        steps = []
        for workers in (1, 2):
            for web in (1, 2, 4):
                step = run_step(args, env, built, web, workers)
                steps.append(step)
                a, cpu = step["all"], step["cpu_share"]
                say(
                    f"web {web} · workers {workers}×: {step['throughput_rps']:7.1f} req/s · p50 {a.get('p50_ms')} ms "
                    f"· p95 {a.get('p95_ms')} ms · errors {step['errors']} · CPU PostgreSQL {cpu['postgres']:.0%} "
                    f"web {cpu['web']:.0%} workers {cpu['workers']:.0%}"
                )
                for kind, s in step["by_kind"].items():
                    say(f"    {kind:12s} n={s['n']:5d} p50 {s['p50_ms']:8.1f} ms · p95 {s['p95_ms']:8.1f} ms")
                for example in step["error_examples"]:
                    say(f"    error: {example}")
        figures["steps"] = steps
    finally:
        smtp.stop()
    rps = {(s["web"], s["workers_each"]): s["throughput_rps"] for s in steps}
    speedup = round(rps[(2, 1)] / rps[(1, 1)], 2) if rps[(1, 1)] else 0.0
    figures["web_1_to_2_speedup"] = speedup
    figures["web_1_to_4_speedup"] = round(rps[(4, 1)] / rps[(1, 1)], 2) if rps[(1, 1)] else 0.0
    errors = sum(s["errors"] for s in steps)
    met = {"web_1_to_2_speedup": speedup >= TARGETS["web_1_to_2_speedup_min"], "no_errors": errors == 0}
    if args.search_docs:
        say(f"search: {args.search_docs} documents on PostgreSQL (bench/search.py's worker)…")
        figures["search"] = search_at_scale(args)
        q = figures["search"]["query"]
        say(f"search: p50 {q['p50_ms']} ms · p95 {q['p95_ms']} ms at {figures['search']['docs']} documents")
        if args.search_docs >= 1_000_000:
            met["search_p95_at_1m"] = q["p95_ms"] <= TARGETS["search_p95_ms_max_at_1m"]
    figures["targets_met"] = met
    figures["elapsed_s"] = round(time.perf_counter() - started, 1)
    say(f"1 → 2 web processes: ×{speedup}; 1 → 4: ×{figures['web_1_to_4_speedup']}; errors {errors}")
    say(", ".join(f"{k} {'OK' if v else 'MISSED'}" for k, v in met.items()))
    say(json.dumps(figures, ensure_ascii=False, default=str))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per step (20)")
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds of load before measuring (4)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the load generator (8)")
    parser.add_argument("--prefill", type=int, default=1500, help="reflections waiting at classify (1500)")
    parser.add_argument("--search-docs", type=int, default=1_000_000, help="documents for the search part (0: none)")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--child", choices=("build", "tasks"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
