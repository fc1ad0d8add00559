"""The payments API: each part registers its viewsets on this router."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
