"""Stored report PDFs were rendered before comments were redacted on public surfaces: they may hold a commenter's
name, phone, email or ID number. Forget them (and their files) and queue each published report for the report
worker, so it is rendered again from the redacted text."""

from typing import Any

from django.db import migrations


def render_again_redacted(apps: Any, schema_editor: Any) -> None:
    Consultation = apps.get_model("consultation", "Consultation")
    ReportRender = apps.get_model("consultation", "ReportRender")
    for consultation in Consultation.objects.exclude(report_pdf="").only("pk", "report_pdf"):
        consultation.report_pdf.delete(save=False)
        Consultation.objects.filter(pk=consultation.pk).update(report_pdf="")
    for pk in Consultation.objects.filter(report_published_at__isnull=False).values_list("pk", flat=True):
        ReportRender.objects.create(consultation_id=pk)


class Migration(migrations.Migration):
    dependencies = [("consultation", "0004_report_render")]

    operations = [migrations.RunPython(render_again_redacted, migrations.RunPython.noop)]
