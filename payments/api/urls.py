"""The payments API: each part registers its viewsets on this router."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from payments.api import payments, statements
from payments.api.audit import AuditView
from payments.api.invoices import InvoiceViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", payments.PaymentViewSet, basename="payment")
router.register("payouts", payments.PayoutViewSet, basename="payout")
# Allowance statements and usage against the caps.
router.register(
    "allowance-statements", statements.AllowanceStatementViewSet, basename="allowance-statement"
)
router.register("allowance-usage", statements.AllowanceUsageViewSet, basename="allowance-usage")

urlpatterns = [
    path("audit/", AuditView.as_view(), name="api-audit"),
    *router.urls,
]
