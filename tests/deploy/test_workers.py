"""Every worker stops cleanly on SIGTERM (what `docker stop` sends): the item in hand is finished or its claimed
rows given back, nothing is lost, the exit status is 0, and it says it was alive (its heartbeat) while it ran."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable

import pytest

from tests.deploy.conftest import PYTHON, ROOT, base_env, free_port, manage

SEED_MESSAGES = """
from notifications.services import Address, enqueue
for number in range(8):
    enqueue(key=f"sigterm-{number}", kind="answer", about=None, addresses=[Address("email", f"citizen{number}@example.org")],
            subject="Trả lời", body="Nội dung")
"""


def wait_for(condition: Callable[[], bool], *, timeout: float = 30.0, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", *command], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_run_outbox_on_sigterm_finishes_the_message_in_hand_and_gives_the_rest_back(database, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    env = base_env(
        DATABASE_URL=database.url,
        DEBUG="1",
        NOTIFICATIONS_SEND_ON_COMMIT="0",
        NOTIFY_EMAIL_BACKEND="tests.deploy.slow_adapter.SlowAdapter",
        SLOW_ADAPTER_DIR=str(marks),
    )
    seeded = manage("shell", "-c", SEED_MESSAGES, env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert database.rows("SELECT count(*) FROM notifications_message WHERE state = 'pending'") == [(8,)]

    worker = start(["run_outbox", "--batch-size", "8"], env)
    wait_for(lambda: any(marks.glob("started-*")), what="the first message to be in the adapter's hands")
    worker.send_signal(signal.SIGTERM)  # mid-batch: one message being sent, seven claimed and waiting
    _out, err = worker.communicate(timeout=20)

    assert worker.returncode == 0, err
    states = dict(database.rows("SELECT state, count(*) FROM notifications_message GROUP BY state"))
    sent = len(list(marks.glob("sent-*")))
    assert sent == len(list(marks.glob("started-*")))  # none cut off half-way
    assert 1 <= sent < 8
    assert states == {"sent": sent, "pending": 8 - sent}  # no row left "sending" (claimed by a worker that is gone)
    # The rows given back are due again at once for the next worker, their attempt not counted.
    assert database.rows(
        "SELECT count(*) FROM notifications_message WHERE state = 'pending' AND claim = '' AND attempts = 0"
    ) == [(8 - sent,)]

    again = manage("run_outbox", "--once", env=env)  # the next worker sends the rest, each once
    assert again.returncode == 0, again.stderr
    assert database.rows("SELECT state, count(*) FROM notifications_message GROUP BY state") == [("sent", 8)]
    assert len(list(marks.glob("sent-*"))) == 8


LOOPS = {
    "deadlines": ["run_deadlines", "--interval", "600"],
    "report_renders": ["run_report_renders", "--interval", "600"],
    "outbox": ["run_outbox", "--poll", "600"],
    "search_worker": ["run_search_worker", "--poll", "600"],
    "channel_events": ["run_channel_events", "--interval", "600"],
    "mailboxes": ["run_mailboxes", "--interval", "600"],
}


def test_each_worker_beats_while_it_runs_and_exits_0_at_once_on_sigterm(database):
    env = base_env(
        DATABASE_URL=database.url,
        DEBUG="1",
        # A mailbox nobody answers: the reader retries, which is the state SIGTERM must also end.
        CHANNEL_MAILBOXES="test",
        MAILBOX_TEST_HOST="127.0.0.1",
        MAILBOX_TEST_PORT=str(free_port()),
        MAILBOX_TEST_SECURITY="plain",
        MAILBOX_TEST_USER="u",
        MAILBOX_TEST_PASSWORD="p",
    )
    workers = {name: start(command, env) for name, command in LOOPS.items()}
    try:
        wait_for(
            lambda: {name for (name,) in database.rows("SELECT worker FROM core_workerheartbeat")} == set(LOOPS),
            timeout=90,
            what="every worker's first heartbeat",
        )
        for worker in workers.values():
            worker.send_signal(signal.SIGTERM)  # each is in its wait between passes (10 minutes long)
        started = time.monotonic()
        results = {
            name: (worker.wait(timeout=30), worker.stderr.read() if worker.stderr else "")
            for name, worker in workers.items()
        }
    finally:
        for worker in workers.values():
            if worker.poll() is None:
                worker.kill()
    assert {name: code for name, (code, _err) in results.items()} == dict.fromkeys(LOOPS, 0), results
    assert time.monotonic() - started < 30  # not the 600 s interval
    # Stopped on purpose: no heartbeat left behind to be reported as a silent worker.
    assert database.rows("SELECT count(*) FROM core_workerheartbeat") == [(0,)]


@pytest.mark.parametrize("command", [["run_deadlines", "--once"], ["run_report_renders", "--once"]])
def test_a_single_pass_leaves_no_heartbeat(database, command):
    result = manage(*command, env=base_env(DATABASE_URL=database.url, DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert database.rows("SELECT count(*) FROM core_workerheartbeat") == [(0,)]
