import pytest

from payments.storage import document_storage


@pytest.fixture
def documents(settings, tmp_path):
    """Rendered documents go to a temporary folder (the storage is built once per settings)."""
    settings.DOCUMENTS_ROOT = tmp_path
    document_storage.cache_clear()
    yield tmp_path
    document_storage.cache_clear()
