"""Invoices and credit notes: lists, detail, PDF download."""

from django.urls import path  # noqa: F401

app_name = "invoices"

urlpatterns: list = []
