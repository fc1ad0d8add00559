"""Background work for allowance statements: render each PDF after its issue commits, and the
monthly run on the 1st for the month before."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from payments.models import AllowanceStatement
from payments.services.statements import previous_month, statements_issue_for_month
from payments.statement_pdf import render_statement_pdf
from payments.storage import document_storage

logger = logging.getLogger(__name__)


def statement_pdf_name(statement: AllowanceStatement) -> str:
    return f"statements/{statement.year}/{statement.number}-{statement.pk}.pdf"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_statement_pdf_task(statement_id: int) -> bool:
    """Render and store the PDF once; a second run finds it rendered and does nothing."""
    statement = AllowanceStatement.objects.filter(pk=statement_id).first()
    if statement is None or statement.pdf:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        content = render_statement_pdf(statement)
    storage = document_storage()
    name = storage.save(statement_pdf_name(statement), ContentFile(content))
    claimed = AllowanceStatement.objects.filter(pk=statement_id, pdf="").update(
        pdf=name, pdf_rendered_at=timezone.now()
    )
    if not claimed:  # another run stored it meanwhile: keep theirs
        storage.delete(name)
        return False
    return True


@shared_task
def issue_allowance_statements_task() -> dict:
    """On the 1st: the statements of the month before, for every volunteer and organisation."""
    year, month = previous_month()
    run = statements_issue_for_month(year, month)
    logger.info(
        "allowance statements %s-%02d: %d issued, %d refused at a cap",
        year,
        month,
        len(run.issued),
        len(run.skipped),
    )
    return {"issued": len(run.issued), "skipped": len(run.skipped)}
