"""Where rendered invoices and statements live: a private folder outside MEDIA_ROOT.

Nothing serves this folder directly; download views check who may see a document and stream it.
"""

from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage


@cache
def document_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.DOCUMENTS_ROOT, base_url=None)
