"""Money moves: paying invoices, payouts to partners, SEPA batches, the Stripe webhook."""

from django.urls import path  # noqa: F401

app_name = "money"

urlpatterns: list = []
