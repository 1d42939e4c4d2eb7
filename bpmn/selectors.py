"""Reads for the process pages: the process list, versions and drafts, editor options, the public step list."""

from __future__ import annotations

import datetime
import inspect
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from bpmn.models import DraftStatus, ProcessAuditEntry, ProcessDraft
from cases.models import SEALED_TYPES, Petition
from deadlines import calendar
from deadlines.models import DayKind, DeadlineRule
from organisation.models import Role
from workflows import forms
from workflows.handlers import HANDLER_DESCRIPTIONS, HANDLERS
from workflows.models import InstanceStatus, ProcessBinding, ProcessVersion, WorkflowInstance
from workflows.validation import BPMN, NS, SPIFF, parse_xml


@dataclass
class ProcessSummary:
    process_key: str
    name: str
    versions: list[ProcessVersion] = field(default_factory=list)
    drafts: list[ProcessDraft] = field(default_factory=list)
    in_force: ProcessVersion | None = None
    running: dict[int, int] = field(default_factory=dict)  # version id → running cases


def processes() -> list[ProcessSummary]:
    """Every process with its published versions (newest first), its open drafts and its running cases."""
    summaries: dict[str, ProcessSummary] = {}
    versions = ProcessVersion.objects.select_related("published_by").defer("spec", "bpmn_xml").order_by("-number")
    for version in versions:
        summary = summaries.setdefault(version.process_key, ProcessSummary(version.process_key, version.name))
        summary.versions.append(version)
    drafts = (
        ProcessDraft.objects.exclude(status=DraftStatus.PUBLISHED)
        .select_related("author", "based_on", "reviewer")
        .defer("xml")
        .order_by("-updated_at")
    )
    for draft in drafts:
        summary = summaries.setdefault(draft.process_key, ProcessSummary(draft.process_key, draft.name))
        summary.drafts.append(draft)
    running = (
        ProcessVersion.objects.annotate(n=Count("instances", filter=Q(instances__status=InstanceStatus.RUNNING)))
        .filter(n__gt=0)
        .values_list("pk", "n")
    )
    counts = dict(running)
    for summary in summaries.values():
        summary.in_force = ProcessVersion.objects.in_force(summary.process_key)
        summary.running = {v.pk: counts.get(v.pk, 0) for v in summary.versions}
        if summary.versions:
            summary.name = summary.versions[0].name
    return sorted(summaries.values(), key=lambda s: s.process_key)


def audit_trail(process_key: str, limit: int = 200) -> list[ProcessAuditEntry]:
    return list(
        ProcessAuditEntry.objects.filter(process_key=process_key)
        .select_related("actor", "version", "draft")
        .order_by("-created_at", "-pk")[:limit]
    )


# ---- running cases on older versions (the migration report)


def cases_to_move(target: ProcessVersion) -> QuerySet[WorkflowInstance]:
    """Running cases of `target`'s process on an older version, oldest first, each annotated with `sealed`: a case
    whose petitioner's identity is sealed (a denunciation) never shows its title, even to legal staff.

    A queryset, so that a page of the report loads (and plans) only its own rows.
    """
    sealed = Petition.objects.filter(workflow=OuterRef("pk"), petition_type__in=SEALED_TYPES)
    return (
        WorkflowInstance.objects.filter(
            process_version__process_key=target.process_key,
            status=InstanceStatus.RUNNING,
            process_version__number__lt=target.number,
        )
        .select_related("process_version", "unit")
        .annotate(sealed=Exists(sealed))
        .order_by("pk")
    )


def count_cases_to_move(target: ProcessVersion) -> int:
    return WorkflowInstance.objects.filter(
        process_version__process_key=target.process_key,
        status=InstanceStatus.RUNNING,
        process_version__number__lt=target.number,
    ).count()


def report_title(instance: WorkflowInstance) -> str:
    """The title a report may show: a sealed case's title is replaced by a neutral placeholder."""
    if getattr(instance, "sealed", True):  # not annotated: assume sealed rather than leak
        return _("(Nội dung được bảo mật)")
    return instance.title


# ---- what the modeler offers


def _rule_for_editor(rule: DeadlineRule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name_vi,
        "citation": rule.citation,
        "days": rule.days,
        "day_kind": rule.day_kind,
        "working": rule.day_kind == DayKind.WORKING,
        "remind_before_days": rule.remind_before_days,
        "effective_from": rule.effective_from.isoformat(),
    }


def deadline_rules(on: datetime.date | None = None) -> list[dict[str, Any]]:
    """One entry per rule code: the version in force on `on` (or, for a rule not in force yet, its first one)."""
    on = on or calendar.today()
    by_code: dict[str, list[DeadlineRule]] = {}
    for rule in DeadlineRule.objects.order_by("code", "-effective_from"):
        by_code.setdefault(rule.code, []).append(rule)
    chosen = [next((v for v in versions if v.effective_from <= on), versions[-1]) for versions in by_code.values()]
    return [_rule_for_editor(rule) for rule in chosen]


def handlers() -> list[dict[str, Any]]:
    """The service-task handlers a diagram may name, with their description and parameter names."""
    entries = []
    for name, function in sorted(HANDLERS.items()):
        params = [
            p.name
            for p in list(inspect.signature(function).parameters.values())[1:]
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        entries.append({"name": name, "description": HANDLER_DESCRIPTIONS.get(name, ""), "params": params})
    return entries


def roles() -> list[dict[str, str]]:
    with translation.override("vi"):  # lanes are named in Vietnamese (Role.from_lane)
        return [{"value": role.value, "label": str(role.label)} for role in Role]


def editor_options() -> dict[str, Any]:
    return {
        "rules": deadline_rules(),
        "handlers": handlers(),
        "roles": roles(),
        "field_types": list(forms.TYPES),
        "start_data": ["petition_type", "publish_consent", "channel"],
    }


def subject_types(process_key: str) -> list[str]:
    """The kinds of case that run this process (petition types, consultation), for a test run."""
    return list(ProcessBinding.objects.filter(process_key=process_key).values_list("subject_type", flat=True))


# ---- the public page


@dataclass(frozen=True)
class PublicStep:
    element_id: str
    name: str
    kind: str  # "task" | "timer"
    role: str
    public_status: str
    rule_code: str
    rule_name: str
    days: int | None
    working_days: bool
    citation: str
    counted_from_case: bool


def public_steps(version: ProcessVersion, on: datetime.date | None = None) -> list[PublicStep]:
    """The steps a citizen sees: who handles each step and the legal time limit that applies to it."""
    on = on or calendar.today()
    root = parse_xml(version.bpmn_xml)
    lanes: dict[str, str] = {}
    for lane in root.iter(f"{{{BPMN}}}lane"):
        role = Role.from_lane(lane.get("name"))
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = str(role.label) if role else str(lane.get("name") or "")
    steps: list[PublicStep] = []
    rules: dict[str, DeadlineRule | None] = {}
    for element in root.iter(f"{{{BPMN}}}userTask", f"{{{BPMN}}}intermediateCatchEvent", f"{{{BPMN}}}boundaryEvent"):
        properties = {
            str(p.get("name")): str(p.get("value", ""))
            for p in element.iterfind(f"bpmn:extensionElements/{{{SPIFF}}}properties/{{{SPIFF}}}property", NS)
        }
        is_task = element.tag == f"{{{BPMN}}}userTask"
        code = properties.get("deadline_rule", "")
        if not is_task and not code:
            continue
        if code and code not in rules:
            rules[code] = (
                DeadlineRule.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
            )
        rule = rules.get(code) if code else None
        element_id = str(element.get("id"))
        steps.append(
            PublicStep(
                element_id=element_id,
                name=str(element.get("name") or element_id),
                kind="task" if is_task else "timer",
                role=lanes.get(element_id, ""),
                public_status=properties.get("public_status", ""),
                rule_code=code,
                rule_name=rule.name_vi if rule else "",
                days=rule.days if rule else None,
                working_days=bool(rule and rule.day_kind == DayKind.WORKING),
                citation=rule.citation if rule else "",
                counted_from_case=properties.get("deadline_start") == "case",
            )
        )
    return steps


def published_processes() -> list[ProcessVersion]:
    """The version in force of every process, for the public list."""
    keys = ProcessVersion.objects.values_list("process_key", flat=True).distinct().order_by("process_key")
    in_force = [ProcessVersion.objects.in_force(key) for key in keys]
    return [version for version in in_force if version is not None]
