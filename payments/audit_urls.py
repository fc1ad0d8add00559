"""The municipal audit: dashboard, drill-down to documents, exports and a printable report."""

from django.urls import path

from payments import audit_views as views

app_name = "audit"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("documents/", views.documents, name="documents"),
    path("report/", views.report, name="report"),
    path("verify-ledger/", views.verify_ledger, name="verify_ledger"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
]
