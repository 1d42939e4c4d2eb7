from django.db import migrations

BINDINGS = {"consultation": "consultation"}


def bind(apps, schema_editor):
    ProcessBinding = apps.get_model("workflows", "ProcessBinding")
    for subject_type, process_key in BINDINGS.items():
        ProcessBinding.objects.update_or_create(subject_type=subject_type, defaults={"process_key": process_key})


def unbind(apps, schema_editor):
    apps.get_model("workflows", "ProcessBinding").objects.filter(subject_type__in=BINDINGS).delete()


class Migration(migrations.Migration):
    dependencies = [("consultation", "0001_initial"), ("workflows", "0001_initial")]
    operations = [migrations.RunPython(bind, unbind)]
