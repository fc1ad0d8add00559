from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_task(*, to: str, template: str, context: dict, language: str = "nl") -> None:
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@shared_task
def expire_invitations_task() -> int:
    from marketplace.services.organisations import invitations_expire

    return invitations_expire()


@shared_task
def ping_task(value: str) -> str:
    """Round trip used by the health check and the real-worker test."""
    return f"pong:{value}"


@shared_task
def expire_request_invitations_task() -> int:
    """Beat: invitations to support requests past their date to respond become expired."""
    from marketplace.services.engagements import invitations_expire

    return invitations_expire()
