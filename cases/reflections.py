"""Which rule times the handling of a reflection or recommendation (phản ánh, kiến nghị).

Decree 20/2008/NĐ-CP, as amended by Decree 92/2017/NĐ-CP, governs reflections and recommendations ON
ADMINISTRATIVE REGULATIONS only (`reflection.resolve`); every other reflection follows the province's own
regulation (`reflection.resolve.province`, a rule the province sets). The reflection process's classifying step
records the finding (`REGULATION_FIELD`, yes/no, default no); the diagram's handling steps name
`reflection.resolve`, and `apply_regulation_rule` gives the province's rule to the clocks of a case found not to
concern an administrative regulation. A process that does not ask the question (the citizen-reception process;
a case classified before the question existed) keeps the rule its diagram names.

Until the province's rule is in force (its first version takes effect on 01/01/2027), the due date is the national
period and its explanation says so (`deadlines.selectors.rule_for_clock`).
"""

from __future__ import annotations

from deadlines import calendar
from workflows import clock
from workflows.models import CaseEvent
from workflows.subjects import Step

REGULATION_FIELD = "administrative_regulation"
NATIONAL_RULE = "reflection.resolve"
PROVINCE_RULE = "reflection.resolve.province"
EVENT = "province_rule"


def rule_for(data: dict[str, object]) -> str | None:
    """The handling rule the classification's finding calls for, or None when the case recorded no finding."""
    if REGULATION_FIELD not in data:
        return None
    return NATIONAL_RULE if data[REGULATION_FIELD] is True else PROVINCE_RULE


def apply_regulation_rule(step: Step) -> None:
    """Step hook: a reflection found not to concern an administrative regulation is handled under the province's
    rule. Runs in the step's transaction, before its clocks are written."""
    recorded = False
    for row in step.new_clocks:
        if row.rule_code != NATIONAL_RULE:
            continue
        code = rule_for(step.task_data.get(row.spiff_task_id, {}))
        if code is None or code == row.rule_code:
            continue
        row.rule_code = code
        clock.schedule(row, clock.compute(row))
        if recorded or CaseEvent.objects.filter(instance=step.instance, kind=EVENT).exists():
            continue  # said once per case, not again for each step on the same clock (a draft returned, approval)
        recorded = True
        step.context.record(
            EVENT,
            f"Phản ánh, kiến nghị không về quy định hành chính: «{row.title}» tính theo quy định của tỉnh, hạn "
            f"{calendar.local_date(row.due_at):%d/%m/%Y}",
            data={"rule": code, "element_id": row.element_id},
        )
