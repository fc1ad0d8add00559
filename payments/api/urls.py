"""The payments API: each part registers its viewsets on this router."""

from rest_framework.routers import SimpleRouter

from payments.api import payments

router = SimpleRouter()
router.register("payments", payments.PaymentViewSet, basename="payment")
router.register("payouts", payments.PayoutViewSet, basename="payout")

urlpatterns = router.urls
