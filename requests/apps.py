from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    # This package shadows the PyPI `requests` library inside Brugwerk's processes; nothing here
    # may import that library (stripe and geopy get explicit urllib-based HTTP clients).
    name = "requests"
    verbose_name = _("Support requests")
