from django.urls import include, path
from rest_framework.routers import DefaultRouter

from marketplace.api import engagements, time_entries, views

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register(
    "request-invitations", engagements.RequestInvitationViewSet, basename="request-invitation"
)
router.register("engagements", engagements.EngagementViewSet, basename="engagement")
router.register("offer-bookings", engagements.OfferBookingViewSet, basename="offer-booking")
router.register("time-entries", time_entries.TimeEntryViewSet, basename="time-entry")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("geo/", include("geo.api.urls")),
    path("", include("partners.api.urls")),
    path("", include("requests.api.urls")),
    path("", include("payments.api.urls")),
    path("", include(router.urls)),
]
