"""Credit notes state their reason; on PostgreSQL the database refuses to change an issued invoice
(anything but its payment fields and PDF) or any invoice line, and to delete either."""

from django.db import migrations, models

INVOICE_FUNCTION = """
CREATE OR REPLACE FUNCTION payments_invoice_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE on %.% is not allowed: invoices are kept', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- The arguments name the columns that may change after issue (payment state, PDF).
    IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
        RAISE EXCEPTION 'UPDATE of an issued invoice on %.% is not allowed: issue a credit note',
            TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
INVOICE_TRIGGER = """
CREATE TRIGGER payments_invoice_immutable
BEFORE UPDATE OR DELETE ON payments_invoice
FOR EACH ROW EXECUTE FUNCTION payments_invoice_refuse_change(
    'amount_paid', 'payment_status', 'pdf', 'pdf_rendered_at'
);
"""
# brugwerk_refuse_change() comes from 0003.
LINE_TRIGGER = """
CREATE TRIGGER payments_invoiceline_immutable
BEFORE UPDATE OR DELETE ON payments_invoiceline
FOR EACH ROW EXECUTE FUNCTION brugwerk_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS payments_invoiceline_immutable ON payments_invoiceline;
DROP TRIGGER IF EXISTS payments_invoice_immutable ON payments_invoice;
DROP FUNCTION IF EXISTS payments_invoice_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INVOICE_FUNCTION, params=None)
        schema_editor.execute(INVOICE_TRIGGER, params=None)
        schema_editor.execute(LINE_TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_documents_private_storage_and_release")]
    operations = [
        migrations.AddField(
            model_name="invoice",
            name="credit_reason",
            field=models.CharField(blank=True, max_length=500, verbose_name="reason"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
