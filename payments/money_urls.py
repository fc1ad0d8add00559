"""Money moves: paying invoices, payouts to partners, SEPA batches, the Stripe webhook."""

from django.urls import path

from payments import money_views
from payments.webhooks import stripe_webhook

app_name = "money"

urlpatterns = [
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("pay/", money_views.pay, name="pay"),
    path("payment/<int:pk>/", money_views.payment_detail, name="payment_detail"),
    path("payouts/", money_views.my_payouts, name="my_payouts"),
    path("payouts/connect/<int:partner_pk>/", money_views.connect_start, name="connect_start"),
    path(
        "payouts/connect/<int:partner_pk>/return/",
        money_views.connect_return,
        name="connect_return",
    ),
    path("staff/", money_views.staff_money, name="staff"),
    path("staff/sepa/<int:pk>/download/", money_views.sepa_download, name="sepa_download"),
]
