"""BilledTimeEntry.engagement: the time entry's engagement, copied (it never changes) so the
audit sums a period's statements per engagement from one index, and an index for it."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE payments_billedtimeentry SET engagement_id = (
    SELECT engagement_id FROM marketplace_timeentry
    WHERE marketplace_timeentry.id = payments_billedtimeentry.time_entry_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0007_time_entry_hours_covering_index"),
        ("payments", "0007_money_moves"),
    ]

    operations = [
        migrations.AddField(
            model_name="billedtimeentry",
            name="engagement",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="marketplace.engagement",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="billedtimeentry",
            name="engagement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="marketplace.engagement",
            ),
        ),
        migrations.AddIndex(
            model_name="billedtimeentry",
            index=models.Index(
                condition=models.Q(("statement__isnull", False)),
                fields=["statement", "engagement"],
                include=["amount"],
                name="payments_billed_statement_sums",
            ),
        ),
    ]
