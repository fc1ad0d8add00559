from celery import shared_task

from payments.ledger import verify_and_record


@shared_task
def verify_ledger_task() -> bool:
    """Nightly: recompute the chain so auditors see when it was last verified."""
    return verify_and_record().ok


@shared_task
def render_invoice_pdf_task(invoice_id: int) -> bool:
    """Render and store an invoice's PDF; running it again does nothing."""
    from payments.models import Invoice
    from payments.services.invoices import invoice_pdf_ensure

    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        return False
    return bool(invoice_pdf_ensure(invoice).pdf)


@shared_task
def issue_month_end_documents_task(year: int | None = None, month: int | None = None) -> dict:
    """On the 1st: invoices (and allowance statements) for the month that just ended.

    Idempotent: entries billed already are skipped, so a second run issues nothing."""
    from payments.months import previous_month
    from payments.services.invoices import invoices_issue_for_month
    from payments.services.statements import statements_issue_for_month

    if year is None or month is None:
        year, month = previous_month()
    run = invoices_issue_for_month(year, month)
    statements = statements_issue_for_month(year, month)
    return {
        "year": year,
        "month": month,
        "invoices": len(run.issued),
        "invoices_skipped": len(run.skipped),
        "statements": len(statements.issued),
        "statements_skipped": len(statements.skipped),
    }


# Rendering allowance statements lives in their own module.
from payments.statement_tasks import render_statement_pdf_task  # noqa: E402, F401
