"""The payments API: each part registers its viewsets on this router."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from payments.api import payments
from payments.api.audit import AuditView

router = SimpleRouter()
router.register("payments", payments.PaymentViewSet, basename="payment")
router.register("payouts", payments.PayoutViewSet, basename="payout")

urlpatterns = [
    path("audit/", AuditView.as_view(), name="api-audit"),
    *router.urls,
]
