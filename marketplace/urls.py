from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from marketplace import views
from marketplace.forms import EmailAuthenticationForm

admin.site.site_header = "Brugwerk"
admin.site.site_title = "Brugwerk"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("signup/", views.signup, name="signup"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite/", views.invitation_new, name="invitation_new"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path(
        "memberships/<int:pk>/deactivate/",
        views.membership_deactivate,
        name="membership_deactivate",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("partners/", include("partners.urls")),
    path("requests/", include("requests.urls")),
    path("engagements/", include("marketplace.engagement_urls")),
    path("hours/", include("marketplace.time_entry_urls")),
    path("invoices/", include("payments.invoice_urls")),
    path("statements/", include("payments.statement_urls")),
    path("payments/", include("payments.money_urls")),
    path("audit/", include("payments.audit_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("marketplace.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
