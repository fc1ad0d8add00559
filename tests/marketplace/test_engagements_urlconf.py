"""The URLconf for the engagement tests (no tests here): the project's URLs, plus the
engagement pages and API routes for as long as the project does not mount them itself."""

from django.urls import Resolver404, include, path, resolve
from rest_framework.routers import SimpleRouter

from marketplace import urls as project_urls
from marketplace.api import engagements as api


def _mounted(url: str) -> bool:
    try:
        resolve(url, urlconf=project_urls)
    except Resolver404:
        return False
    return True


router = SimpleRouter()
router.register("request-invitations", api.RequestInvitationViewSet, basename="request-invitation")
router.register("engagements", api.EngagementViewSet, basename="engagement")
router.register("offer-bookings", api.OfferBookingViewSet, basename="offer-booking")

urlpatterns = list(project_urls.urlpatterns)
if not _mounted("/engagements/invitations/"):
    urlpatterns.append(path("engagements/", include("marketplace.engagement_urls")))
if not _mounted("/api/v1/request-invitations/"):
    urlpatterns.insert(0, path("api/v1/", include(router.urls)))

URLCONF = __name__
