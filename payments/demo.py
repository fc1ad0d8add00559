"""Demo data for invoices: last month's invoices for the demo world's approved hours.

The lead wires `seed_invoices()` into `manage.py seed_demo` after the time entries are seeded.
PDFs are rendered right away, so the demo needs no Celery worker.
"""

from datetime import timedelta

from django.utils import timezone

from payments.services.invoices import IssueRun, invoice_pdf_ensure, invoices_issue_for_month


def seed_invoices() -> IssueRun:
    """Issue last month's invoices (idempotent: a second call issues nothing new)."""
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    run = invoices_issue_for_month(last_month.year, last_month.month, queue_pdfs=False)
    for invoice in run.issued:
        invoice_pdf_ensure(invoice)
    return run
