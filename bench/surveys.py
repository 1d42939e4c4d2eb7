"""Survey benchmark: answer intake through the answer page and the service, and the results page over 100,000
answers in 30 communes, on PostgreSQL.

    .venv/bin/python bench/surveys.py [--answers 100000] [--view-answers 6000] [--clients 8] [--service-answers 3000]
                                      [--reads 200] [--database-url postgres://postgres@127.0.0.1:5432/bench_surveys]

The database (default `bench_surveys` on the local PostgreSQL, or any given URL) is dropped and created again
when it is PostgreSQL and its name starts with `bench_`; otherwise it must be empty. Then:

1. build  — migrate, load the processes, a province with 30 communes, the owner unit with an officer and a
            leader, a survey of six questions (single choice, multiple choice, two scales, free text, and one asked
            in five communes only) created with `surveys.services.create_survey` and opened through its process
            steps (review approved). Not timed.
2. view   — VIEW_ANSWERS answers POSTed to the answer page `/surveys/<id>/` with Django's test client from CLIENTS
            processes at once (8; each its own database connection, as web workers; and 500 more from one client
            alone, for the latency without contention), urlencoded as a browser sends the form (the whole
            view: throttle, commune, validation of every answer, the once-per-person check, the insert of the
            response, its answer rows and the tally update, one transaction each) as signed-in citizens (the
            bench stands in for `citizens.auth.current_citizen` with a header; a one-time code would add its own
            request and outbox row, measured separately on 200 answers: `code_path`): answers/s, p50/p95.
3. service — SERVICE_ANSWERS answers through `services.check_answers` + `services.submit_response` (no HTTP).
4. fill   — the rest up to ANSWERS, written in bulk (responses, answer rows) and the tallies recounted with one
            grouped query (`services.recount_tallies`), so the survey holds ANSWERS answers. Not timed as intake.
            The tallies are then checked against a count of the answer rows.
5. results — the survey closed and its results published through the process; READS GETs of the public results
            page (all communes, and each commune in turn) and of `GET /api/v1/surveys/<id>/results`: p50/p95 ms.

Targets: intake ≥ 300 answers/s through the page; results page p95 ≤ 200 ms. The LAST line is one JSON object with
every figure and a `targets_met` object. Benchmarks are never part of the pass/fail test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import recreate_database, say, summary  # noqa: E402

TARGETS = {"intake_answers_per_s_min": 300.0, "results_p95_ms_max": 200.0}
COMMUNES = 30
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_surveys"


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme.startswith("postgres") and name.startswith("bench_"):
        recreate_database(url)


def setup_django(database_url: str) -> None:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="lang-nghe-bench-media-")
    from bench.figures import setup_django as production_django

    production_django(database_url, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    from django.conf import settings

    settings.PUBLIC_SURVEY_RATE = "100000000/hour"  # one client address sends every answer here
    settings.CITIZEN_CODE_RATE_PER_CLIENT = "100000000/hour"  # and asks for every one-time code
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    settings.SECURE_SSL_REDIRECT = False


def build() -> tuple[Any, Any, Any]:
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from deadlines import calendar
    from organisation.models import Membership, Role, Unit
    from surveys import services
    from surveys.services import QuestionInput
    from workflows.models import HumanTask

    call_command("migrate", verbosity=0)
    call_command("load_processes", verbosity=0)
    province = Unit.objects.create(code="tinh", name="UBND tỉnh", kind="tỉnh")
    front = Unit.objects.create(code="mttq", name="Ủy ban MTTQ tỉnh", kind="mặt trận", parent=province)
    codes = [f"xa-{n:02d}" for n in range(1, COMMUNES + 1)]
    for number, code in enumerate(codes, start=1):
        Unit.objects.create(code=code, name=f"Xã số {number}", kind="xã", parent=province, is_commune=True)
    User = get_user_model()
    officer = User.objects.create_user("xuly", password="bench-pass-phrase")
    leader = User.objects.create_user("lanhdao", password="bench-pass-phrase")
    Membership.objects.create(user=officer, unit=front, role=Role.HANDLING_OFFICER)
    Membership.objects.create(user=leader, unit=front, role=Role.UNIT_LEADER)
    today = calendar.today()
    survey = services.create_survey(
        user=officer,
        owner=front,
        title="Khảo sát thực hiện dân chủ ở cơ sở",
        description="Benchmark.",
        open_from=today,
        open_until=today + datetime.timedelta(days=30),
        communes=codes,
        questions=[
            QuestionInput(kind="single", text="Được mời họp?", choices=("Thường xuyên", "Thỉnh thoảng", "Không")),
            QuestionInput(
                kind="multiple", text="Nội dung công khai?", choices=("Ngân sách", "Quy hoạch", "Đóng góp", "Khác")
            ),
            QuestionInput(kind="scale", text="Hài lòng?", scale_min=1, scale_max=5),
            QuestionInput(kind="scale", text="Tin tưởng?", scale_min=0, scale_max=10),
            QuestionInput(kind="text", text="Kiến nghị?", required=False),
            QuestionInput(kind="single", text="Có đối thoại?", choices=("Có", "Không"), communes=tuple(codes[:5])),
        ],
    )
    for user, data in ((officer, {}), (leader, {"review": "approve"})):
        task = HumanTask.objects.open().get(instance_id=survey.workflow_id)
        services.complete_step(survey=survey, task_id=task.task_id, user=user, data=data)
    survey.refresh_from_db()
    assert survey.state == "open", survey.state
    return survey, officer, leader


def raw_answers(survey: Any, commune: Any, rng: random.Random, questions: list[Any]) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for question in questions:
        choices = [str(c.pk) for c in question.choices.all()]
        if question.kind == "single":
            raw[question.field_name] = [rng.choice(choices)]
        elif question.kind == "multiple":
            raw[question.field_name] = rng.sample(choices, rng.randint(1, len(choices)))
        elif question.kind == "scale":
            raw[question.field_name] = [str(rng.randint(question.scale_min, question.scale_max))]
        elif rng.random() < 0.2:
            raw[question.field_name] = ["Đề nghị công khai thu chi rõ hơn."]
    return raw


FORM = (
    "application/x-www-form-urlencoded"  # how a browser sends the answer form (the test client's default is multipart)
)


def form_body(data: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def commune_questions(survey: Any) -> dict[str, tuple[Any, list[Any]]]:
    from surveys import services

    return {c.code: (c, services.questions_for(survey, c)) for c in survey.communes.all()}


def _view_worker(survey_id: int, first: int, count: int, seed: int, queue: Any) -> None:
    """One client: `count` answers POSTed to the answer page, as citizens `first`, `first + 1`, …"""
    from django.db import connections
    from django.test import Client

    from surveys import identity
    from surveys.models import Survey

    connections.close_all()  # never the parent's connection
    identity.current_citizen_id = lambda request: int(request.headers["X-Bench-Citizen"])
    survey = Survey.objects.get(pk=survey_id)
    rng = random.Random(seed)
    by_commune = commune_questions(survey)
    codes = sorted(by_commune)
    client = Client()
    url = f"/surveys/{survey.pk}/"
    samples: list[float] = []
    statuses: dict[int, int] = {}
    cpu = time.process_time()
    for n in range(count):
        code = codes[(first + n) % len(codes)]
        commune, questions = by_commune[code]
        data = {"action": "answer", "commune": code, **raw_answers(survey, commune, rng, questions)}
        t0 = time.perf_counter()
        response = client.post(url, form_body(data), FORM, headers={"X-Bench-Citizen": str(first + n)})
        samples.append(time.perf_counter() - t0)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    cpu = time.process_time() - cpu
    connections.close_all()
    queue.put((samples, statuses, cpu))


def view_intake(survey: Any, count: int, first_citizen: int, clients: int) -> dict[str, Any]:
    """`count` answers through the answer page from `clients` processes at once (each its own connection, as web
    workers would be): answers/s over the wall clock, and each request's latency."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    share = [count // clients + (1 if i < count % clients else 0) for i in range(clients)]
    starts = [first_citizen + sum(share[:i]) for i in range(clients)]
    workers = [
        context.Process(target=_view_worker, args=(survey.pk, starts[i], share[i], 100 + i, queue))
        for i in range(clients)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    samples: list[float] = []
    statuses: dict[int, int] = {}
    cpu = 0.0
    for _ in workers:
        got, codes, spent = queue.get()
        samples += got
        cpu += spent
        for code, n in codes.items():
            statuses[code] = statuses.get(code, 0) + n
    wall = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return {
        "answers": count,
        "clients": clients,
        "per_s": round(count / wall, 1),
        "wall_s": round(wall, 2),
        # CPU time of the clients (Django's whole request, in-process): what one core of web workers spends per
        # answer, without the database server's share; a machine's load does not inflate it as it does the wall.
        "client_cpu_ms_per_answer": round(cpu * 1000 / count, 2),
        **summary(samples),
        "statuses": statuses,
    }


def code_path(survey: Any, count: int) -> dict[str, Any]:
    """Answers by one-time code: the code request (an outbox row), then the answer with the code."""
    from django.test import Client

    from notifications.models import Message
    from surveys import identity

    identity.current_citizen_id = lambda request: None
    rng = random.Random(2)
    by_commune = commune_questions(survey)
    codes = sorted(by_commune)
    client = Client()
    url = f"/surveys/{survey.pk}/"
    samples: list[float] = []
    statuses: dict[int, int] = {}
    for n in range(count):
        code = codes[n % len(codes)]
        commune, questions = by_commune[code]
        contact = f"nguoi{n}@example.vn"
        data = {"commune": code, "contact": contact, **raw_answers(survey, commune, rng, questions)}
        t0 = time.perf_counter()
        client.post(url, form_body({"action": "request_code", **data}), FORM)
        samples_code = time.perf_counter() - t0
        text = Message.objects.filter(addresses__contains=[{"to": contact}]).latest("pk").text
        one_time = next(w for w in text.replace(":", " ").split() if w.isdigit() and len(w) == 6)
        t1 = time.perf_counter()
        response = client.post(url, form_body({"action": "answer", "code": one_time, "code_sent": "1", **data}), FORM)
        samples.append(samples_code + time.perf_counter() - t1)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return {"answers": count, **summary(samples), "statuses": statuses}


def service_intake(survey: Any, count: int) -> dict[str, Any]:
    from surveys import identity, services

    rng = random.Random(3)
    by_commune = commune_questions(survey)
    codes = sorted(by_commune)
    samples: list[float] = []
    started = time.perf_counter()
    for n in range(count):
        commune, questions = by_commune[codes[n % len(codes)]]
        raw = raw_answers(survey, commune, rng, questions)
        t0 = time.perf_counter()
        cleaned = services.check_answers(questions, raw)
        services.submit_response(
            survey=survey,
            commune=commune,
            respondent_key=identity.destination_hash(f"dichvu{n}@example.vn"),
            answers=cleaned,
        )
        samples.append(time.perf_counter() - t0)
    wall = time.perf_counter() - started
    return {"answers": count, "per_s": round(count / wall, 1), **summary(samples)}


def fill(survey: Any, count: int) -> dict[str, Any]:
    """Bulk-insert `count` more responses with their answers, then recount the tallies (not intake)."""
    from django.db import transaction

    from surveys import identity, services
    from surveys.models import Answer, Response

    rng = random.Random(4)
    by_commune = commune_questions(survey)
    codes = sorted(by_commune)
    started = time.perf_counter()
    batch = 5000
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        with transaction.atomic():
            responses = [
                Response(
                    survey=survey,
                    commune=by_commune[codes[(offset + i) % len(codes)]][0],
                    respondent_key=identity.citizen_key(10_000_000 + offset + i),
                )
                for i in range(size)
            ]
            Response.objects.bulk_create(responses, batch_size=batch)
            rows: list[Any] = []
            for response in responses:
                commune, questions = by_commune[response.commune.code]
                for item in services.check_answers(questions, raw_answers(survey, commune, rng, questions)):
                    if item.choices:
                        rows += [Answer(response=response, question=item.question, choice=c) for c in item.choices]
                    elif item.value is not None:
                        rows.append(Answer(response=response, question=item.question, value=item.value))
                    else:
                        rows.append(
                            Answer(response=response, question=item.question, text=item.text, text_status="pending")
                        )
            Answer.objects.bulk_create(rows, batch_size=batch)
    inserted = time.perf_counter() - started
    t0 = time.perf_counter()
    services.recount_tallies(survey)
    return {"answers": count, "insert_s": round(inserted, 1), "recount_s": round(time.perf_counter() - t0, 2)}


def check_tallies(survey: Any) -> dict[str, Any]:
    from django.db.models import Count

    from surveys.models import Answer, Response, Tally, TallyKind

    responses = Response.objects.filter(survey=survey).count()
    counted = sum(Tally.objects.filter(survey=survey, kind=TallyKind.RESPONSES).values_list("count", flat=True))
    by_choice = dict(
        Answer.objects.filter(question__survey=survey, choice__isnull=False)
        .values_list("choice_id")
        .annotate(n=Count("pk"))
        .values_list("choice_id", "n")
    )
    tallied: dict[int, int] = {}
    for bucket, count in Tally.objects.filter(
        survey=survey, kind=TallyKind.BUCKET, question__kind__in=("single", "multiple")
    ).values_list("bucket", "count"):
        tallied[bucket] = tallied.get(bucket, 0) + count
    return {
        "responses": responses,
        "responses_tallied": counted,
        "answer_rows": Answer.objects.filter(question__survey=survey).count(),
        "choices_match": by_choice == {k: v for k, v in tallied.items() if v},
        "responses_match": responses == counted,
    }


def publish(survey: Any, officer: Any, leader: Any) -> None:
    from surveys import services
    from workflows.models import HumanTask

    for user, element, data in ((officer, "collect", {"close_early": True}), (leader, "approve_results", {})):
        task = HumanTask.objects.open().get(instance_id=survey.workflow_id, element_id=element)
        services.complete_step(survey=survey, task_id=task.task_id, user=user, data=data)
    survey.refresh_from_db()
    assert survey.state == "published", survey.state


def reads(survey: Any, count: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    codes = ["", *sorted(survey.communes.values_list("code", flat=True))]
    figures: dict[str, Any] = {}
    for name, path in (("page", f"/surveys/{survey.pk}/results/"), ("api", f"/api/v1/surveys/{survey.pk}/results")):
        samples: list[float] = []
        for n in range(count):
            commune = codes[n % len(codes)]
            t0 = time.perf_counter()
            response = client.get(path, {"commune": commune} if commune else {})
            samples.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        figures[name] = {**summary(samples), "queries": len(captured.captured_queries)}
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--view-answers", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=8, help="processes posting answers at once")
    parser.add_argument("--service-answers", type=int, default=3000)
    parser.add_argument("--code-answers", type=int, default=200)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SURVEYS_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    fresh_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection

    say(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}); {args.answers} answers, {COMMUNES} communes"
    )
    t0 = time.perf_counter()
    survey, officer, leader = build()
    say(f"build: {time.perf_counter() - t0:.1f} s")
    from citizens.models import Citizen

    alone = min(500, args.view_answers)
    Citizen.objects.bulk_create([Citizen() for _ in range(alone + args.view_answers)], batch_size=5000)
    first = int(Citizen.objects.order_by("pk").values_list("pk", flat=True)[0])  # accounts first, first + 1, …
    single = view_intake(survey, alone, first_citizen=first, clients=1)
    say(
        f"view intake, 1 client: {single['per_s']} answers/s (p50 {single['p50_ms']} ms, p95 {single['p95_ms']} ms; "
        f"{single['client_cpu_ms_per_answer']} ms of Django CPU per answer)"
    )
    view = view_intake(survey, args.view_answers, first_citizen=first + alone, clients=args.clients)
    say(
        f"view intake, {args.clients} clients: {view['per_s']} answers/s (p50 {view['p50_ms']} ms, "
        f"p95 {view['p95_ms']} ms), statuses {view['statuses']}"
    )
    by_code = code_path(survey, args.code_answers)
    say(
        f"by one-time code (2 requests): p50 {by_code['p50_ms']} ms, p95 {by_code['p95_ms']} ms, statuses {by_code['statuses']}"
    )
    service = service_intake(survey, args.service_answers)
    say(f"service intake: {service['per_s']} answers/s (p50 {service['p50_ms']} ms, p95 {service['p95_ms']} ms)")
    rest = max(0, args.answers - single["answers"] - args.view_answers - args.code_answers - args.service_answers)
    filled = fill(survey, rest)
    say(
        f"fill: {filled['answers']} answers in bulk in {filled['insert_s']} s; tallies recounted in {filled['recount_s']} s"
    )
    checks = check_tallies(survey)
    say(f"tallies: {checks}")
    publish(survey, officer, leader)
    read = reads(survey, args.reads)
    say(
        f"results page: p50 {read['page']['p50_ms']} ms, p95 {read['page']['p95_ms']} ms ({read['page']['queries']} queries); "
        f"API: p50 {read['api']['p50_ms']} ms, p95 {read['api']['p95_ms']} ms"
    )
    targets_met = {
        "intake_answers_per_s_min": view["per_s"] >= TARGETS["intake_answers_per_s_min"],
        "results_p95_ms_max": read["page"]["p95_ms"] <= TARGETS["results_p95_ms_max"],
    }
    say(
        f"targets: intake ≥ {TARGETS['intake_answers_per_s_min']}/s: {targets_met['intake_answers_per_s_min']}; "
        f"results p95 ≤ {TARGETS['results_p95_ms_max']} ms: {targets_met['results_p95_ms_max']}"
    )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "answers": checks["responses"],
                "communes": COMMUNES,
                "view_intake_one_client": single,
                "view_intake": view,
                "code_path": by_code,
                "service_intake": service,
                "fill": filled,
                "tallies": checks,
                "results": read,
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "targets": TARGETS,
                "targets_met": targets_met,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
