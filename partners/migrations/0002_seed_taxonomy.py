"""Seed the curated taxonomy. Staff edit it in the admin afterwards; codes stay stable."""

from django.db import migrations


def seed(apps, schema_editor):
    from partners.taxonomy_data import COMMUNITIES, EXPERTISE, LANGUAGES

    for model_name, rows in (("Expertise", EXPERTISE), ("Community", COMMUNITIES),
                             ("Language", LANGUAGES)):
        model = apps.get_model("partners", model_name)
        for position, (code, name_nl, name_en) in enumerate(rows):
            model.objects.update_or_create(
                code=code, defaults={"name_nl": name_nl, "name_en": name_en, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
