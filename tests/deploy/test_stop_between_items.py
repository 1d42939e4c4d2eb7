"""What the workers' loops do once SIGTERM has set their flag (`should_stop`): the deadline sweep commits the batch
in hand and leaves the rest due for the next worker, exactly once each."""

from __future__ import annotations

import pytest

from tests.workflows.test_deadlines import at, clock  # noqa: F401 - the frozen clock fixture
from workflows.models import Deadline
from workflows.sweep import sweep

pytestmark = pytest.mark.django_db


def test_the_sweep_told_to_stop_commits_its_batch_and_leaves_the_rest_due(submit, clock):  # noqa: F811
    for _ in range(3):
        submit()
    assert Deadline.objects.count() == 3
    clock.move_to(at("2026-11-05"))  # every step's reminder is due

    stopped = sweep(batch_size=1, should_stop=lambda: True)
    assert stopped.acted == 1  # the batch in hand, committed
    assert Deadline.objects.filter(remind_at__isnull=False, next_action_at__lte=at("2026-11-05")).count() == 2

    rest = sweep(batch_size=1)  # the next worker
    assert rest.acted == 2
    assert sweep().acted == 0  # nothing twice
