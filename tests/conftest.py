import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Assertions on messages read in English; Dutch rendering is tested explicitly.
    settings.LANGUAGE_CODE = "en"
