import pytest

from partners.taxonomy_data import seed_current_taxonomy


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _taxonomy(request):
    """The seeded taxonomy; flushed by transactional tests, so seeded again where needed."""
    if "django_db" in {mark.name for mark in request.node.iter_markers()}:
        request.getfixturevalue("db" if not _transactional(request) else "transactional_db")
        seed_current_taxonomy()


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
