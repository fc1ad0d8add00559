"""Seed the curated taxonomy. Staff edit it in the admin afterwards; codes stay stable."""

from django.db import migrations


def seed(apps, schema_editor):
    from partners.taxonomy_data import seed_taxonomy

    seed_taxonomy(lambda name: apps.get_model("partners", name))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
