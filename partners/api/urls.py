from rest_framework.routers import SimpleRouter

from partners.api import views

router = SimpleRouter()
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("offers", views.OfferViewSet, basename="offer")
router.register("expertise", views.ExpertiseViewSet, basename="expertise")
router.register("communities", views.CommunityViewSet, basename="community")
router.register("languages", views.LanguageViewSet, basename="language")

urlpatterns = router.urls
