"""Background work for allowance statements: render each PDF after its issue commits. (The
monthly run is payments.tasks.issue_month_end_documents_task, with the invoices.)"""

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from payments.models import AllowanceStatement
from payments.statement_pdf import render_statement_pdf
from payments.storage import document_storage


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
