from rest_framework.routers import SimpleRouter

from requests.api import views

router = SimpleRouter()
router.register("support-requests", views.SupportRequestViewSet, basename="support-request")
router.register(
    "open-support-requests", views.OpenSupportRequestViewSet, basename="open-support-request"
)

urlpatterns = router.urls
