"""Pages for money moves: pay documents, see a payment, a partner's payouts and Connect
onboarding, and the staff page for bank transfers and SEPA batches. Thin: each calls a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.money import parse_money
from partners.models import PartnerProfile
from payments.models import (
    Payment,
    PaymentMethod,
    Payout,
    PayoutMethod,
    PayoutState,
    SepaBatch,
)
from payments.services import payments as payment_services
from payments.services import payouts as payout_services


def _selected(request, queryset, name):
    ids = [int(i) for i in request.POST.getlist(name) + request.GET.getlist(name) if i.isdigit()]
    return list(queryset.filter(pk__in=ids)) if ids else []


@login_required
def pay(request: HttpRequest) -> HttpResponse:
    """Pay one or several open documents of one care organisation."""
    invoices_qs = payment_services.payable_invoices(request.user)
    statements_qs = payment_services.payable_statements(request.user)
    invoices = _selected(request, invoices_qs, "invoice")
    statements = _selected(request, statements_qs, "statement")
    if not invoices and not statements:
        invoices, statements = list(invoices_qs[:50]), list(statements_qs[:50])
    documents = [
        {"document": d, "outstanding": payment_services.outstanding(d), "field": f}
        for f, docs in (("invoice", invoices), ("statement", statements))
        for d in docs
    ]
    if request.method == "POST":
        method = request.POST.get("method", "")
        try:
            started = payment_services.start_payment(
                actor=request.user,
                invoices=invoices,
                statements=statements,
                method=method,
                success_url=request.build_absolute_uri(reverse("money:pay")),
                cancel_url=request.build_absolute_uri(reverse("money:pay")),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if started.checkout_url:
                return redirect(started.checkout_url)
            return redirect("money:payment_detail", started.payment.pk)
    return render(
        request,
        "money/pay.html",
        {
            "documents": documents,
            "total": sum((d["outstanding"] for d in documents), 0),
            "platform_iban": settings.PLATFORM_SEPA_IBAN,
            "platform_name": settings.PLATFORM_SEPA_NAME,
            "stripe_js": settings.STRIPE_JS_ENABLED,
            "methods": [PaymentMethod.CARD, PaymentMethod.SEPA_DEBIT]
            + ([PaymentMethod.IDEAL] if settings.STRIPE_JS_ENABLED else []),
        },
    )


@login_required
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(Payment.objects.visible_to(request.user), pk=pk)
    if request.method == "POST" and request.user.is_staff:
        try:
            if request.POST.get("action") == "mark_paid":
                payment_services.mark_simulated_paid(actor=request.user, payment=payment)
                messages.success(request, _("The payment is marked as paid."))
            elif request.POST.get("action") == "refund":
                amount = parse_money(request.POST.get("amount", ""))
                if amount is None:
                    raise DomainError(_("Enter an amount in euros."), field="amount")
                payment_services.refund_payment(
                    actor=request.user,
                    payment=payment,
                    amount=amount,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The refund is recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("money:payment_detail", payment.pk)
    payment = payment_services.sync_payment(payment=payment)
    client_secret = (
        payment_services.client_secret_for(payment=payment) if settings.STRIPE_JS_ENABLED else ""
    )
    return render(
        request,
        "money/payment_detail.html",
        {
            "payment": payment,
            "allocations": payment.allocations.select_related("invoice", "statement"),
            "refunds": payment.refunds.all(),
            "stripe_js": settings.STRIPE_JS_ENABLED,
            "client_secret": client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "simulated": not settings.STRIPE_SECRET_KEY,
        },
    )


@login_required
def my_payouts(request: HttpRequest) -> HttpResponse:
    payouts = (
        Payout.objects.visible_to(request.user)
        .select_related("partner", "invoice", "statement")
        .order_by("-created_at")
    )
    partners = PartnerProfile.objects.managed_by(request.user).select_related("payout_account")
    return render(
        request,
        "money/my_payouts.html",
        {
            "payouts": payouts[:200],
            "partners": partners,
            "connect_enabled": settings.STRIPE_CONNECT_ENABLED,
        },
    )


def _managed_partner(request, partner_pk):
    return get_object_or_404(PartnerProfile.objects.managed_by(request.user), pk=partner_pk)


@login_required
@require_POST
def connect_start(request: HttpRequest, partner_pk: int) -> HttpResponse:
    partner = _managed_partner(request, partner_pk)
    try:
        url = payout_services.start_connect_onboarding(
            actor=request.user,
            partner=partner,
            refresh_url=request.build_absolute_uri(reverse("money:my_payouts")),
            return_url=request.build_absolute_uri(
                reverse("money:connect_return", args=[partner.pk])
            ),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("money:my_payouts")
    return redirect(url)


@login_required
def connect_return(request: HttpRequest, partner_pk: int) -> HttpResponse:
    partner = _managed_partner(request, partner_pk)
    account = payout_services.refresh_connect_account(actor=request.user, partner=partner)
    if account is not None and account.connect_ready:
        messages.success(request, _("Your Stripe account is ready: payouts go there from now on."))
    else:
        messages.info(request, _("Stripe still needs some details before payouts can go there."))
    return redirect("money:my_payouts")


@login_required
def staff_money(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404
    form_values = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "bank_transfer":
                form_values = request.POST
                amount = parse_money(request.POST.get("amount", ""))
                if amount is None:
                    raise DomainError(_("Enter an amount in euros."), field="amount")
                payment = payment_services.record_bank_transfer(
                    actor=request.user,
                    reference=request.POST.get("reference", ""),
                    amount=amount,
                    bank_reference=request.POST.get("bank_reference", ""),
                )
                messages.success(request, _("The transfer is recorded."))
                return redirect("money:payment_detail", payment.pk)
            if action == "sepa_batch":
                batch = payout_services.create_sepa_batch(actor=request.user)
                messages.success(request, _("The SEPA file is ready to download."))
                return redirect("money:staff")
            if action == "batch_executed":
                batch = get_object_or_404(SepaBatch, pk=request.POST.get("batch"))
                payout_services.mark_batch_executed(actor=request.user, batch=batch)
                messages.success(request, _("The payouts in this file are marked as paid."))
                return redirect("money:staff")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "money/staff.html",
        {
            "form_values": form_values,
            "batches": SepaBatch.objects.all()[:50],
            "waiting": Payout.objects.filter(
                state=PayoutState.PENDING, method=PayoutMethod.SEPA
            ).count(),
        },
    )


@login_required
def sepa_download(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404
    batch = get_object_or_404(SepaBatch, pk=pk)
    response = HttpResponse(batch.xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
    return response
