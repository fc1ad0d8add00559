"""Demo data for invoices: last month's invoices for the demo world's approved hours.

The lead wires `seed_invoices()` into `manage.py seed_demo` after the time entries are seeded.
PDFs are rendered right away, so the demo needs no Celery worker.
"""

from payments.months import previous_month
from payments.services.invoices import IssueRun, invoice_pdf_ensure, invoices_issue_for_month


def seed_invoices() -> IssueRun:
    """Issue last month's invoices (idempotent: a second call issues nothing new)."""
    year, month = previous_month()
    run = invoices_issue_for_month(year, month, queue_pdfs=False)
    for invoice in run.issued:
        invoice_pdf_ensure(invoice)
    return run
