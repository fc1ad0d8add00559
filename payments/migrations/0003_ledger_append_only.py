"""On PostgreSQL the database itself refuses to change or delete ledger rows.

`brugwerk_refuse_change()` is shared: later migrations attach it to other append-only tables."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION brugwerk_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on %.% is not allowed: rows are append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER payments_ledgerentry_append_only
BEFORE UPDATE OR DELETE ON payments_ledgerentry
FOR EACH ROW EXECUTE FUNCTION brugwerk_refuse_change();
"""
DROP = "DROP TRIGGER IF EXISTS payments_ledgerentry_append_only ON payments_ledgerentry;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_seed_allowance_caps")]
    operations = [migrations.RunPython(forwards, backwards)]
