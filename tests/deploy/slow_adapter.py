"""A notification adapter for the SIGTERM test: each send takes a second and leaves a mark in SLOW_ADAPTER_DIR."""

from __future__ import annotations

import os
import time
from pathlib import Path

from notifications.adapters import Adapter, Outbound


class SlowAdapter(Adapter):
    def send(self, message: Outbound) -> str:
        marks = Path(os.environ["SLOW_ADAPTER_DIR"])
        (marks / f"started-{message.pk}").touch()
        time.sleep(1.0)
        (marks / f"sent-{message.pk}").touch()
        return f"slow-{message.pk}"
