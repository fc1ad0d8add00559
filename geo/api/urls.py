from django.urls import path
from rest_framework.routers import SimpleRouter

from geo.api import views

router = SimpleRouter()
router.register("municipalities", views.MunicipalityViewSet, basename="geo-municipality")
router.register("districts", views.DistrictViewSet, basename="geo-district")
router.register("neighbourhoods", views.NeighbourhoodViewSet, basename="geo-neighbourhood")

urlpatterns = [
    path("lookup/", views.LookupView.as_view(), name="geo-lookup"),
    path("reverse/", views.ReverseView.as_view(), name="geo-reverse"),
    path("autocomplete/", views.AutocompleteView.as_view(), name="geo-autocomplete"),
    *router.urls,
]
