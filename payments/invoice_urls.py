"""Invoices and credit notes: lists, detail, PDF download."""

from django.urls import path

from payments import invoice_views as views

app_name = "invoices"

urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("issue/", views.invoice_issue, name="issue"),
    path("ib47/", views.ib47, name="ib47"),
    path("<int:pk>/", views.invoice_detail, name="detail"),
    path("<int:pk>/pdf/", views.invoice_pdf, name="pdf"),
    path("<int:pk>/credit/", views.invoice_credit, name="credit"),
]
