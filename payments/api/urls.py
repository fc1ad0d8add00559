"""The payments API: each part registers its viewsets on this router."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from payments.api.audit import AuditView

router = SimpleRouter()

urlpatterns = [
    path("audit/", AuditView.as_view(), name="api-audit"),
    *router.urls,
]
