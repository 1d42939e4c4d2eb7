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


# A rule the province sets, and the national rule a clock under it runs on while no version of the province's rule
# is in force on the clock's first day. The province's rule is seeded with a placeholder citation and a future date
# (migration 0004) so that legal staff can still correct its period; until it takes effect, reflections not on
# administrative regulations keep the period they had before the split (Decree 20/2008's 30 days), and their
# explanation says so (`deadlines.services.compute_due`).
INTERIM_RULES: dict[str, str] = {"reflection.resolve.province": "reflection.resolve"}


def rule_for_clock(code: str, on: datetime.date) -> tuple[DeadlineRule, DeadlineRule | None]:
    """The version that times a clock of rule `code` started on `on`, and the province's rule it stands in for.

    As `rule_in_force`, except for a rule of `INTERIM_RULES` whose first version takes effect after `on`: then the
    national rule in force on `on` applies, and the province's first version comes second (for the explanation).
    Raises RuleNotFound as `rule_in_force`.
    """
    try:
        return rule_in_force(code, on), None
    except RuleNotFound:
        interim = INTERIM_RULES.get(code)
        pending = DeadlineRule.objects.filter(code=code).order_by("effective_from").first() if interim else None
        if interim is None or pending is None:
            raise
        return rule_in_force(interim, on), pending


def rule_versions(code: str) -> list[DeadlineRule]:
    """Every version of rule `code`, newest first."""
    return list(DeadlineRule.objects.filter(code=code).order_by("-effective_from"))


def rules_in_force(on: datetime.date) -> list[DeadlineRule]:
    """The version of every rule in force on `on`, ordered by code (rules not yet in force are left out)."""
    latest: dict[str, DeadlineRule] = {}
    for rule in DeadlineRule.objects.filter(effective_from__lte=on).order_by("code", "-effective_from"):
        latest.setdefault(rule.code, rule)
    return list(latest.values())
