"""E-mail notifications, always sent by a Celery task queued after the transaction commits."""

from django.db import transaction


def queue_email(*, to: str, template: str, context: dict, language: str = "nl") -> None:
    """Send `templates/emails/<template>_subject.txt` and `_body.txt` to one address.

    `context` must be JSON-serialisable: it travels through the broker.
    """
    from marketplace.tasks import send_email_task

    transaction.on_commit(
        lambda: send_email_task.delay(to=to, template=template, context=context, language=language)
    )
