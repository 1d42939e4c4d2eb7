"""Channels benchmark: the official mailbox's intake, the Zalo/Facebook webhooks with their worker behind them, and
the notification outbox, on SQLite and on PostgreSQL.

    .venv/bin/python bench/channels.py [--quick] [--sqlite-only]

Each part runs in its own child process on a fresh database (see its module):

- `bench/channels_mailbox.py`: 1,000 Vietnamese mails with a PDF each in a local Dovecot, taken in by the mailbox
  worker: messages/s (target ≥ 20);
- `bench/channels_webhooks.py`: signed Facebook and Zalo events posted while the event worker runs: webhook p95
  (target ≤ 50 ms) and the worker's lag;
- `bench/channels_outbox.py`: the outbox worker's throughput, and the lag p95 of messages enqueued at 50/s (target
  ≤ 5 s).

Prints human-readable lines; the LAST line is one JSON object with every figure and `targets_met` (each target on
each database). Benchmarks are never part of the pass/fail test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench import channels_mailbox, channels_outbox, channels_webhooks  # noqa: E402
from bench.figures import drop_database, recreate_database, say  # noqa: E402


def fresh_postgres(prefix: str) -> str:
    url = f"postgres://postgres@127.0.0.1:5432/{prefix}_{uuid.uuid4().hex[:8]}"
    recreate_database(url)
    return url


def run(*, quick: bool, databases: list[str]) -> dict[str, Any]:
    mails, events, messages = (200, 200, 600) if quick else (1000, 600, 3000)
    results: dict[str, Any] = {}
    for database in databases:
        say(f"--- {database}")
        figures: dict[str, Any] = {}
        mailbox_url = fresh_postgres("bench_mailbox") if database == "postgresql" else ""
        try:
            figures["mailbox"] = channels_mailbox.measure(messages=mails, database_url=mailbox_url)
        finally:
            if mailbox_url:
                drop_database(mailbox_url)
        say(f"mailbox intake: {figures['mailbox'].get('messages_per_s')} messages/s")
        figures["webhooks"] = channels_webhooks.measure(events=events, postgres=database == "postgresql")
        say(f"webhook p95: {figures['webhooks'].get('webhook_p95_ms')} ms")
        outbox_url = fresh_postgres("bench_outbox") if database == "postgresql" else None
        try:
            figures["outbox"] = channels_outbox.measure(outbox_url, messages=messages)
        finally:
            if outbox_url:
                drop_database(outbox_url)
        say(f"outbox lag p95 at 50/s: {figures['outbox'].get('lag', {}).get('lag_p95_s')} s")
        results[database] = figures
    results["targets_met"] = {
        f"{database}.{part}.{target}": held
        for database in databases
        for part, figures in results[database].items()
        for target, held in figures.get("targets_met", {}).items()
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer mails, events and messages")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    results = run(quick=args.quick, databases=["sqlite"] if args.sqlite_only else ["sqlite", "postgresql"])
    for target, held in results["targets_met"].items():
        say(f"  {target:60} {'OK' if held else 'MISSED'}")
    print(json.dumps(results, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
