"""Stored report PDFs were rendered before comments were redacted on public surfaces: they may hold a commenter's
name, phone, email or ID number. Forget them (and their files) so each published report is rendered again, from
the redacted text."""

from typing import Any

from django.db import migrations


def forget_stored_pdfs(apps: Any, schema_editor: Any) -> None:
    Consultation = apps.get_model("consultation", "Consultation")
    for consultation in Consultation.objects.exclude(report_pdf="").only("pk", "report_pdf"):
        consultation.report_pdf.delete(save=False)
        Consultation.objects.filter(pk=consultation.pk).update(report_pdf="")


class Migration(migrations.Migration):
    dependencies = [("consultation", "0002_process_binding")]

    operations = [migrations.RunPython(forget_stored_pdfs, migrations.RunPython.noop)]
