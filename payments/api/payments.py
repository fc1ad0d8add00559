"""Payments and payouts over the API.

    /payments/        list (the care organisations you belong to), create (= start paying)
    /payments/{id}/   retrieve
    /payouts/         list (the partner profiles you manage), retrieve

Scoping is the querysets' `visible_to`; another organisation's payment or another partner's
payout is a 404. The services in payments.services write.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from payments.models import Payment, PaymentAllocation, PaymentMethod, Payout, Refund
from payments.services import payments as services

PROBLEM = OpenApiResponse(description=_("application/problem+json with the reason."))


class AllocationSerializer(serializers.ModelSerializer):
    document_number = serializers.SerializerMethodField()

    class Meta:
        model = PaymentAllocation
        fields = ["invoice", "statement", "document_number", "amount", "amount_refunded"]
        read_only_fields = fields

    def get_document_number(self, allocation) -> str:
        return allocation.document.number


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "amount", "reason", "created_at"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)
    refunds = RefundSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "customer",
            "method",
            "state",
            "amount",
            "amount_refunded",
            "currency",
            "failure_message",
            "created_at",
            "succeeded_at",
            "allocations",
            "refunds",
        ]
        read_only_fields = fields


class StartPaymentSerializer(serializers.Serializer):
    invoices = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    statements = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    method = serializers.ChoiceField(
        choices=[PaymentMethod.CARD, PaymentMethod.SEPA_DEBIT, PaymentMethod.IDEAL]
    )
    payment_method = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("A Stripe PaymentMethod id to confirm with now (otherwise use Stripe.js)."),
    )
    success_url = serializers.URLField(required=False, allow_blank=True)
    cancel_url = serializers.URLField(required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs["invoices"] and not attrs["statements"]:
            raise serializers.ValidationError(
                _("Choose at least one open invoice or statement to pay.")
            )
        return attrs


class StartedPaymentSerializer(serializers.Serializer):
    payment = PaymentSerializer()
    client_secret = serializers.CharField()
    checkout_url = serializers.CharField()


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PaymentSerializer
    filterset_fields = ["state", "method", "customer"]
    queryset = Payment.objects.none()

    def get_queryset(self):
        return (
            Payment.objects.visible_to(self.request.user)
            .prefetch_related("allocations__invoice", "allocations__statement", "refunds")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary=_("Pay open invoices or statements by card, SEPA Direct Debit or iDEAL"),
        request=StartPaymentSerializer,
        responses={201: StartedPaymentSerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
    )
    def create(self, request):
        data = StartPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        # Unknown or invisible ids simply do not match: the service then refuses an empty set.
        started = services.start_payment(
            actor=request.user,
            invoices=list(
                services.payable_invoices(request.user).filter(pk__in=fields["invoices"])
            ),
            statements=list(
                services.payable_statements(request.user).filter(pk__in=fields["statements"])
            ),
            method=fields["method"],
            payment_method=fields.get("payment_method") or None,
            success_url=fields.get("success_url", ""),
            cancel_url=fields.get("cancel_url", ""),
        )
        payment = self.get_queryset().get(pk=started.payment.pk)
        body = {
            "payment": PaymentSerializer(payment).data,
            "client_secret": started.client_secret,
            "checkout_url": started.checkout_url,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class PayoutSerializer(serializers.ModelSerializer):
    document_number = serializers.SerializerMethodField()

    class Meta:
        model = Payout
        fields = [
            "id",
            "partner",
            "invoice",
            "statement",
            "document_number",
            "amount",
            "method",
            "state",
            "attempts",
            "approved_at",
            "sent_at",
            "paid_at",
            "days_to_payout",
        ]
        read_only_fields = fields

    def get_document_number(self, payout) -> str:
        return payout.document.number


class PayoutViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PayoutSerializer
    filterset_fields = ["state", "method", "partner"]
    queryset = Payout.objects.none()

    def get_queryset(self):
        return (
            Payout.objects.visible_to(self.request.user)
            .select_related("invoice", "statement")
            .order_by("-created_at", "-pk")
        )
