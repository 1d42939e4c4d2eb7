from django.db import migrations


def seed(apps, schema_editor):
    """The starting taxonomy (`topics.taxonomy.SEED`); topics an administrator already made are left alone."""
    from topics.taxonomy import SEED

    Topic = apps.get_model("topics", "Topic")
    for order, topic in enumerate(SEED, start=1):
        Topic.objects.get_or_create(
            code=topic["code"],
            defaults={
                "name": topic["name"],
                "name_en": topic["name_en"],
                "keywords": "\n".join(topic["keywords"]),
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("topics", "0001_topics_taxonomy_model_tally")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
