"""The published caps of the volunteer allowance; later years are added by staff in the admin."""

from decimal import Decimal

from django.db import migrations

CAPS = {
    2024: ("5.50", "3.25", "210", "2100"),
    2025: ("5.60", "3.30", "210", "2100"),
    2026: ("5.75", "3.40", "220", "2200"),
}


def seed(apps, schema_editor):
    AllowanceCap = apps.get_model("payments", "AllowanceCap")
    for year, (per_hour, under_21, per_month, per_year) in CAPS.items():
        AllowanceCap.objects.update_or_create(
            year=year,
            defaults={
                "per_hour": Decimal(per_hour),
                "per_hour_under_21": Decimal(under_21),
                "per_month": Decimal(per_month),
                "per_year": Decimal(per_year),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
