"""The audit's summary of an issued document: its spend per engagement (models.DocumentSpend),
written in the issuing transaction from the document's own lines or billed hours, by one
INSERT … SELECT (the month-end run issues thousands of documents)."""

from django.db import connection

from payments.models import AllowanceStatement, BilledTimeEntry, DocumentSpend, InvoiceLine

_SQL = """
    INSERT INTO {spend} (engagement_id, municipality_id, period_start, {document}_id, amount)
    SELECT part.engagement_id, engagement.municipality_id, %s, part.{document}_id,
           SUM(part.amount)
    FROM {parts} part JOIN {engagements} engagement ON engagement.id = part.engagement_id
    WHERE part.{document}_id = %s
    GROUP BY part.engagement_id, engagement.municipality_id, part.{document}_id
"""


def record_spend(document) -> None:
    """Write the spend rows of a just-issued invoice, credit note or statement."""
    is_statement = isinstance(document, AllowanceStatement)
    parts = BilledTimeEntry if is_statement else InvoiceLine
    quote = connection.ops.quote_name
    # Names from model metadata; the values are parameters.
    sql = _SQL.format(
        spend=quote(DocumentSpend._meta.db_table),
        document="statement" if is_statement else "invoice",
        parts=quote(parts._meta.db_table),
        engagements=quote(parts._meta.get_field("engagement").related_model._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document.period_start, document.pk])
