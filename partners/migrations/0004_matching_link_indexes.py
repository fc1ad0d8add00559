"""Indexes for matching: partners by kind of work and by language, read from the index alone."""

from django.db import migrations

INDEXES = [
    (
        "partners_expertise_link_by_kind",
        "partners_partnerprofile_expertise",
        "expertise_id, partnerprofile_id",
    ),
    (
        "partners_language_by_code",
        "partners_partnerlanguage",
        "language_id, profile_id, proficiency",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_base_radius_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
