"""Process editor benchmarks: server-side validation, and opening the modeler in a browser.

    .venv/bin/python bench/editor.py [--runs 20] [--browser-runs 5] [--no-browser]

1. validate — `workflows.validation.validate` (XSD, safety checks, expression whitelist, rule codes, handlers,
               reachability, SpiffWorkflow parse) on each shipped process and on a generated 500-element
               diagram (3 lanes, 249 user tasks with properties and form fields, flows, diagram interchange).
               Target: the 500-element diagram ≤ 300 ms (p50).
2. browser   — a live `manage.py runserver` on a temporary SQLite file and Debian's chromium through Playwright:
               from navigation to the modeler page until the diagram is rendered (`body[data-bpmn-ready]`), for a
               draft of a shipped process (laid out in the browser, it has no diagram) and for the 500-element
               one. Target: the shipped process ≤ 2 s (p50).

Prints human-readable lines; the LAST line is one JSON object with every figure. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = ROOT / "bpmn" / "processes"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TARGETS = {"validate_500_p50_ms_max": 300.0, "modeler_ready_p50_s_max": 2.0}
PASSWORD = "bench-pass-phrase-1"


def summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p95": round(p95, 2),
        "min": round(ordered[0], 2),
    }


def generated_diagram(tasks: int = 249) -> str:
    """start → `tasks` user tasks across 3 lanes → end, with DI: 2 * tasks + 3 flow elements (501 for 249 tasks)."""
    lanes = [
        ("lane_reception", "Cán bộ tiếp nhận"),
        ("lane_handling", "Cán bộ xử lý"),
        ("lane_leader", "Lãnh đạo đơn vị"),
    ]
    ids = ["begin", *[f"task_{i}" for i in range(tasks)], "finish"]
    lane_of = {node: lanes[i % 3][0] for i, node in enumerate(ids)}
    nodes, flows, shapes, edges = [], [], [], []
    per_row = 25
    for i, node in enumerate(ids):
        x, y = 200 + (i % per_row) * 150, 80 + (i // per_row) * 120
        width, height = (36, 36) if node in ("begin", "finish") else (100, 80)
        shapes.append(
            f'<bpmndi:BPMNShape id="{node}_di" bpmnElement="{node}"><dc:Bounds x="{x}" y="{y}" width="{width}" height="{height}" /></bpmndi:BPMNShape>'
        )
        incoming = f"<bpmn:incoming>flow_{i - 1}</bpmn:incoming>" if i else ""
        outgoing = f"<bpmn:outgoing>flow_{i}</bpmn:outgoing>" if i < len(ids) - 1 else ""
        if node == "begin":
            nodes.append(f'<bpmn:startEvent id="begin" name="Bắt đầu">{outgoing}</bpmn:startEvent>')
        elif node == "finish":
            nodes.append(f'<bpmn:endEvent id="finish" name="Kết thúc">{incoming}</bpmn:endEvent>')
        else:
            rule = '<spiffworkflow:property name="deadline_rule" value="reflection.transfer" />' if i % 2 else ""
            nodes.append(
                f'<bpmn:userTask id="{node}" name="Bước {i}"><bpmn:extensionElements><spiffworkflow:properties>'
                f'<spiffworkflow:property name="public_status" value="Đang xử lý bước {i}" />{rule}'
                f'<spiffworkflow:property name="field:note_{i}" value="text; label=Ghi chú {i}" />'
                f'<spiffworkflow:property name="field:ok_{i}" value="choice:yes=Có|no=Không; required; label=Đồng ý" />'
                f"</spiffworkflow:properties></bpmn:extensionElements>{incoming}{outgoing}</bpmn:userTask>"
            )
        if i < len(ids) - 1:
            flows.append(f'<bpmn:sequenceFlow id="flow_{i}" sourceRef="{node}" targetRef="{ids[i + 1]}" />')
            nx, ny = 200 + ((i + 1) % per_row) * 150, 80 + ((i + 1) // per_row) * 120
            edges.append(
                f'<bpmndi:BPMNEdge id="flow_{i}_di" bpmnElement="flow_{i}"><di:waypoint x="{x + width}" y="{y + 18}" />'
                f'<di:waypoint x="{nx}" y="{ny + 18}" /></bpmndi:BPMNEdge>'
            )
    lane_xml = "".join(
        f'<bpmn:lane id="{lane}" name="{name}">'
        + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ids if lane_of[n] == lane)
        + "</bpmn:lane>"
        for lane, name in lanes
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'id="bench_definitions" targetNamespace="https://lang-nghe.vn/bpmn">'
        '<bpmn:process id="bench_500" name="Quy trình 500 phần tử" isExecutable="true">'
        f'<bpmn:laneSet id="bench_lanes">{lane_xml}</bpmn:laneSet>{"".join(nodes)}{"".join(flows)}</bpmn:process>'
        '<bpmndi:BPMNDiagram id="bench_diagram"><bpmndi:BPMNPlane id="bench_plane" bpmnElement="bench_500">'
        f"{''.join(shapes)}{''.join(edges)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    )


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "1"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_processes", "--effective-from", "2020-01-01", verbosity=0)


def bench_validation(runs: int) -> dict[str, Any]:
    from workflows.validation import validate

    results: dict[str, Any] = {}
    documents = {path.stem: path.read_bytes() for path in sorted(PROCESSES.glob("*.bpmn"))}
    generated = generated_diagram()
    documents["generated_500"] = generated.encode("utf-8")
    for name, xml in documents.items():
        validate(xml)  # warm-up: the XSD and rule lookups are cached after the first call
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            validate(xml)
            samples.append((time.perf_counter() - started) * 1000)
        results[name] = {**summary(samples), "bytes": len(xml)}
        print(
            f"validate {name:<20} p50 {results[name]['p50']:8.2f} ms  p95 {results[name]['p95']:8.2f} ms  ({len(xml)} bytes)"
        )
    import re

    flow_elements = len(re.findall(r"<bpmn:(?:startEvent|endEvent|userTask|sequenceFlow) ", generated))
    results["generated_500"]["flow_elements"] = flow_elements
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_browser(database: Path, runs: int) -> dict[str, Any]:
    from django.contrib.auth.models import User

    from bpmn import services
    from organisation.models import Membership, Role, Unit
    from workflows.models import ProcessVersion

    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not found (apt-get install -y chromium)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "PyPI playwright not installed"}
    if not (ROOT / "static" / "dist" / "bpmn-modeler.js").exists():
        return {"skipped": "bundles not built: npm ci && npm run build"}

    unit = Unit.objects.create(code="bench", name="Bench", kind="sở")
    user = User.objects.create_user("bench_legal", password=PASSWORD)
    Membership.objects.create(user=user, unit=unit, role=Role.LEGAL_STAFF)
    shipped = services.create_draft(
        author=user, based_on=ProcessVersion.objects.get(process_key="reflection", number=1)
    )
    big = services.create_draft(author=user, process_key="bench_500", name="bench")
    services.save_draft(draft=big, xml=generated_diagram(), base_sha256=big.sha256, user=user)

    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {}
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "bench_legal")
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            for label, draft in (("reflection_no_di", shipped), ("generated_500", big)):
                url = f"{base}/modeler/drafts/{draft.pk}/"
                page.goto(url)  # warm-up: the bundle is cached after the first load, as for a returning user
                page.wait_for_selector("body[data-bpmn-ready='1']", timeout=30_000)
                wall, in_page = [], []
                for _ in range(runs):
                    started = time.perf_counter()
                    page.goto(url)
                    page.wait_for_selector("body[data-bpmn-ready='1']", timeout=30_000)
                    wall.append((time.perf_counter() - started) * 1000)
                    in_page.append(float(page.evaluate("window.__bpmn.readyMs")))
                shapes = int(page.evaluate("document.querySelectorAll('#bpmn-canvas .djs-element').length"))
                results[label] = {
                    "navigation_to_rendered_ms": summary(wall),
                    "script_to_rendered_ms": summary(in_page),
                    "rendered_elements": shapes,
                }
                print(
                    f"modeler {label:<18} navigation → rendered p50 {results[label]['navigation_to_rendered_ms']['p50']:8.1f} ms"
                    f"  (script start → rendered p50 {results[label]['script_to_rendered_ms']['p50']:.1f} ms, {shapes} elements)"
                )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="validation runs per diagram")
    parser.add_argument("--browser-runs", type=int, default=5, help="page loads per diagram")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-editor-") as tmp:
        database = Path(tmp) / "bench.sqlite3"
        setup_django(database)
        validation = bench_validation(args.runs)
        browser: dict[str, Any] = (
            {"skipped": "--no-browser"} if args.no_browser else bench_browser(database, args.browser_runs)
        )
    checks = {"validate_500_p50_ms": validation["generated_500"]["p50"]}
    if "reflection_no_di" in browser:
        checks["modeler_ready_p50_s"] = round(browser["reflection_no_di"]["navigation_to_rendered_ms"]["p50"] / 1000, 3)
    met = {
        "validate_500": checks["validate_500_p50_ms"] <= TARGETS["validate_500_p50_ms_max"],
        "modeler_ready": checks.get("modeler_ready_p50_s", 0) <= TARGETS["modeler_ready_p50_s_max"]
        if "modeler_ready_p50_s" in checks
        else None,
    }
    print(f"targets: {TARGETS} → {met}")
    print(
        json.dumps(
            {"validate": validation, "browser": browser, "checks": checks, "targets": TARGETS, "met": met},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
