# Switch off libraries' probes for the PyPI `requests` that our `requests/` app shadows (first!).
from marketplace import shadowing  # noqa: F401
from marketplace.celery import app as celery_app

__all__ = ["celery_app"]
