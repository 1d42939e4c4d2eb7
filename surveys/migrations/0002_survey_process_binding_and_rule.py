"""The survey process binding (subject "survey" → process "survey", `bpmn/processes/survey.bpmn`) and the rule
`survey.window` its period's task and timer name (the engine requires every timer to name a rule; the step hook
`services.schedule_period` sets both to the survey's published end)."""

import datetime

from django.db import migrations

BINDINGS = {"survey": "survey"}
RULE = {
    "code": "survey.window",
    "name_vi": "Thời gian khảo sát ý kiến nhân dân",
    "name_en": "Period of a monitoring survey",
    "citation": "Luật Thực hiện dân chủ ở cơ sở 2022 (10/2022/QH15): thời gian khảo sát do đơn vị khảo sát "
    "công bố; hệ thống kết thúc khảo sát vào cuối ngày kết thúc đã công bố",
    "day_kind": "calendar",
    "days": 1,
    "remind_before_days": 1,
    "set_by_province": True,
    "effective_from": datetime.date(2023, 7, 1),
}


def forward(apps, schema_editor):
    ProcessBinding = apps.get_model("workflows", "ProcessBinding")
    for subject_type, process_key in BINDINGS.items():
        ProcessBinding.objects.update_or_create(subject_type=subject_type, defaults={"process_key": process_key})
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code=RULE["code"], effective_from=RULE["effective_from"], defaults={k: v for k, v in RULE.items()}
    )


def backward(apps, schema_editor):
    apps.get_model("workflows", "ProcessBinding").objects.filter(subject_type__in=BINDINGS).delete()
    apps.get_model("deadlines", "DeadlineRule").objects.filter(code=RULE["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_survey_models"),
        ("deadlines", "0005_day_swaps_2026"),
    ]

    operations = [migrations.RunPython(forward, backward)]
