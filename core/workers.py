"""What every long-running worker (`manage.py run_*`) shares: stopping cleanly on SIGTERM and saying it is alive.

`StopFlag` turns SIGTERM (what `docker stop`, systemd and Kubernetes send) and Ctrl-C into a flag the loop reads
between two items: the item in hand is finished or its claimed rows are given back, then the command exits 0.
Its `wait()` replaces `time.sleep()` between passes, so a worker told to stop does not sleep out its interval.

`beat(name)` records that the worker `name` finished a loop iteration (`core.WorkerHeartbeat`, one row per worker
process); `GET /healthz` reports the workers whose last beat is too old.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from types import FrameType

from django.db import DatabaseError
from django.utils import timezone

logger = logging.getLogger(__name__)

# A beat is written at most this often (seconds): a worker looping every second would otherwise write every second.
BEAT_EVERY = 15.0


class StopFlag:
    """Set by SIGTERM or SIGINT once `install()`ed; read with `bool(flag)` or `flag.is_set()`."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def install(self) -> StopFlag:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        logger.info("%s received: finishing the current item, then stopping", signal.Signals(signum).name)
        self._event.set()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    __bool__ = is_set

    def wait(self, seconds: float) -> bool:
        """Sleep `seconds`, or less if the flag is set meanwhile; True when it is set."""
        return self._event.wait(max(0.0, seconds))

    @property
    def event(self) -> threading.Event:
        """For threads that wait on it (the mailbox readers)."""
        return self._event


def instance_name() -> str:
    """This process, as heartbeats name it: host (the container's id under Docker) and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


_last_beat: dict[str, float] = {}


def beat(name: str, *, force: bool = False) -> None:
    """Record that worker `name` is alive (at most every BEAT_EVERY seconds unless `force`). A database error is
    logged, never raised: the worker's own loop decides what a database outage means for it."""
    now = time.monotonic()
    if not force and now - _last_beat.get(name, -BEAT_EVERY) < BEAT_EVERY:
        return
    from core.models import WorkerHeartbeat

    try:
        WorkerHeartbeat.objects.update_or_create(
            worker=name, instance=instance_name(), defaults={"last_seen": timezone.now()}
        )
    except DatabaseError as error:
        logger.warning("heartbeat of %s not recorded: %s", name, error)
        return
    _last_beat[name] = now


def forget(name: str) -> None:
    """A worker that stops on purpose removes its heartbeat, so it is not reported as stale."""
    from core.models import WorkerHeartbeat

    try:
        WorkerHeartbeat.objects.filter(worker=name, instance=instance_name()).delete()
    except DatabaseError as error:
        logger.warning("heartbeat of %s not removed: %s", name, error)
    _last_beat.pop(name, None)
