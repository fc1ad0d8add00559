"""The audit's summary of issued documents: their spend per engagement (models.DocumentSpend),
written in the issuing transaction from the documents' own lines or billed hours, by one
INSERT … SELECT (the month-end run issues thousands of documents)."""

from django.db import connection

from payments.models import (
    AllowanceStatement,
    BilledTimeEntry,
    DocumentSpend,
    Invoice,
    InvoiceLine,
)

_SQL = """
    INSERT INTO {spend} (engagement_id, municipality_id, period_start, {document}_id, amount)
    SELECT part.engagement_id, engagement.municipality_id, document.period_start,
           part.{document}_id, SUM(part.amount)
    FROM {parts} part
    JOIN {engagements} engagement ON engagement.id = part.engagement_id
    JOIN {documents} document ON document.id = part.{document}_id
    WHERE part.{document}_id IN ({ids})
    GROUP BY part.engagement_id, engagement.municipality_id, document.period_start,
             part.{document}_id
"""


def record_spend(*documents: Invoice | AllowanceStatement) -> None:
    """Write the spend rows of just-issued invoices and credit notes, or statements (one kind
    per call)."""
    if not documents:
        return
    model = type(documents[0])
    if any(type(document) is not model for document in documents):
        raise TypeError("record_spend takes documents of one kind per call")
    parts = BilledTimeEntry if model is AllowanceStatement else InvoiceLine
    quote = connection.ops.quote_name
    # Names from model metadata; the ids are parameters.
    sql = _SQL.format(
        spend=quote(DocumentSpend._meta.db_table),
        document="statement" if model is AllowanceStatement else "invoice",
        parts=quote(parts._meta.db_table),
        engagements=quote(parts._meta.get_field("engagement").related_model._meta.db_table),
        documents=quote(model._meta.db_table),
        ids=", ".join(["%s"] * len(documents)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document.pk for document in documents])
