"""DocumentSpend: each issued document's spend per engagement, for the municipal audit; filled
from the documents already issued (the same sums payments.spend.record_spend writes)."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = [
    """
    INSERT INTO payments_documentspend
        (engagement_id, municipality_id, period_start, invoice_id, statement_id, amount)
    SELECT l.engagement_id, e.municipality_id, i.period_start, l.invoice_id, NULL, SUM(l.amount)
    FROM payments_invoiceline l
    JOIN payments_invoice i ON i.id = l.invoice_id
    JOIN marketplace_engagement e ON e.id = l.engagement_id
    GROUP BY l.engagement_id, e.municipality_id, i.period_start, l.invoice_id
    """,
    """
    INSERT INTO payments_documentspend
        (engagement_id, municipality_id, period_start, invoice_id, statement_id, amount)
    SELECT b.engagement_id, e.municipality_id, s.period_start, NULL, b.statement_id, SUM(b.amount)
    FROM payments_billedtimeentry b
    JOIN payments_allowancestatement s ON s.id = b.statement_id
    JOIN marketplace_engagement e ON e.id = b.engagement_id
    GROUP BY b.engagement_id, e.municipality_id, s.period_start, b.statement_id
    """,
]


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0001_initial'),
        ('marketplace', '0007_time_entry_hours_covering_index'),
        ('payments', '0008_billed_entry_engagement'),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentSpend',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period_start', models.DateField()),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12)),
                ('engagement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='marketplace.engagement')),
                ('invoice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='spend', to='payments.invoice')),
                ('municipality', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geo.municipality')),
                ('statement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='spend', to='payments.allowancestatement')),
            ],
            options={
                'indexes': [models.Index(fields=['municipality', 'period_start'], include=('engagement', 'invoice', 'statement', 'amount'), name='payments_spend_by_place')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('invoice__isnull', False), ('statement__isnull', True)), models.Q(('invoice__isnull', True), ('statement__isnull', False)), _connector='OR'), name='payments_spend_one_document'), models.UniqueConstraint(fields=('invoice', 'engagement'), name='payments_spend_once_per_invoice'), models.UniqueConstraint(fields=('statement', 'engagement'), name='payments_spend_once_per_statement')],
            },
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
