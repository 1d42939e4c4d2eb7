"""Reads of the deadline rules."""

from __future__ import annotations

import datetime

from django.db.models import Min

from deadlines.errors import RuleNotFound
from deadlines.models import DeadlineRule


def rule_in_force(code: str, on: datetime.date) -> DeadlineRule:
    """The version of rule `code` in force on `on`: the one with the latest `effective_from` <= `on`.

    Raises RuleNotFound for an unknown code or a day before the rule's first version.
    """
    rule = DeadlineRule.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
    if rule is None:
        first = DeadlineRule.objects.filter(code=code).aggregate(first=Min("effective_from"))["first"]
        raise RuleNotFound(code=code, on=on, first_effective_from=first)
    return rule


def rule_versions(code: str) -> list[DeadlineRule]:
    """Every version of rule `code`, newest first."""
    return list(DeadlineRule.objects.filter(code=code).order_by("-effective_from"))


def rules_in_force(on: datetime.date) -> list[DeadlineRule]:
    """The version of every rule in force on `on`, ordered by code (rules not yet in force are left out)."""
    latest: dict[str, DeadlineRule] = {}
    for rule in DeadlineRule.objects.filter(effective_from__lte=on).order_by("code", "-effective_from"):
        latest.setdefault(rule.code, rule)
    return list(latest.values())
