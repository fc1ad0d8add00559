from celery import shared_task


@shared_task
def expire_requests_task() -> int:
    """Beat: open and matching requests past their response deadline become expired."""
    from requests.services import requests_expire

    return requests_expire()
