"""The payments API: each part registers its viewsets on this router."""

from rest_framework.routers import SimpleRouter

from payments.api import statements

router = SimpleRouter()

# Allowance statements and usage against the caps.
router.register(
    "allowance-statements", statements.AllowanceStatementViewSet, basename="allowance-statement"
)
router.register("allowance-usage", statements.AllowanceUsageViewSet, basename="allowance-usage")

urlpatterns = router.urls
