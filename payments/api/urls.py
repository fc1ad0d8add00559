"""The payments API: each part registers its viewsets on this router."""

from rest_framework.routers import SimpleRouter

from payments.api.invoices import InvoiceViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")

urlpatterns = router.urls
