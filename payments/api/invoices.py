"""Invoices and credit notes over the API, scoped like the pages (payments.invoice_selectors):
the supplier side, the customer's coordinators and admins, the municipality's auditors and
platform staff; anyone else gets 404.

    /invoices/               list (filters: period=YYYY-MM, payment_status, kind, customer)
    /invoices/{id}/          retrieve, with lines
    /invoices/{id}/pdf/      the PDF (application/pdf)
    /invoices/{id}/credit/   POST {reason}: a full credit note (customer admin or staff)
    /invoices/issue/         POST {customer, year, month}: issue now (customer coordinator)
"""

import django_filters
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace import audit
from payments import invoice_selectors as selectors
from payments.invoice_forms import parse_month
from payments.models import DocumentKind, Invoice, InvoiceLine, PaymentStatus
from payments.services import invoices as services
from payments.storage import document_storage

PROBLEM = OpenApiResponse(description=_("application/problem+json with the reason."))


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "engagement",
            "description",
            "service_date",
            "quantity",
            "unit_price",
            "amount",
        ]
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, read_only=True)
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    credit_note_of = serializers.SlugRelatedField(slug_field="number", read_only=True)
    pdf_ready = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "kind",
            "number",
            "credit_note_of",
            "credit_reason",
            "issue_date",
            "due_date",
            "period_start",
            "period_end",
            "supplier",
            "supplier_name",
            "supplier_address",
            "supplier_kvk",
            "supplier_vat_id",
            "customer",
            "customer_name",
            "customer_address",
            "customer_kvk",
            "vat_code",
            "vat_rate",
            "vat_note",
            "subtotal",
            "vat_amount",
            "total",
            "payment_reference",
            "amount_paid",
            "payment_status",
            "pdf_ready",
        ]
        read_only_fields = fields

    def get_pdf_ready(self, invoice: Invoice) -> bool:
        return bool(invoice.pdf)


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class CreditSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.CREDIT_REASON_MAX)


class IssueSerializer(serializers.Serializer):
    customer = serializers.IntegerField(help_text=_("The care organisation to invoice."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class IssueResultSerializer(serializers.Serializer):
    issued = InvoiceSerializer(many=True)
    skipped = serializers.ListField(child=serializers.CharField())


class InvoiceFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(
        method="filter_period", label=_("The month the invoice covers (YYYY-MM).")
    )

    class Meta:
        model = Invoice
        fields = ["payment_status", "kind", "customer", "supplier"]

    def filter_period(self, queryset, name, value):
        month = parse_month(value)
        if month is None:
            return queryset.none()
        return queryset.filter(period_start__year=month[0], period_start__month=month[1])


@extend_schema_view(
    list=extend_schema(summary=_("Invoices and credit notes you may see")),
    retrieve=extend_schema(
        summary=_("One invoice with its lines"),
        responses={200: InvoiceDetailSerializer, 404: PROBLEM},
    ),
)
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = InvoiceFilter
    queryset = Invoice.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        queryset = selectors.with_invoice_details(selectors.invoices_visible_to(self.request.user))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("lines")
        return queryset.order_by("-issue_date", "-pk")

    def get_serializer_class(self):
        return InvoiceDetailSerializer if self.action == "retrieve" else InvoiceSerializer

    @extend_schema(
        summary=_("The invoice as PDF"),
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: PROBLEM},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        if not invoice.pdf:
            invoice = services.invoice_pdf_ensure(invoice)
        storage = document_storage()
        if not storage.exists(invoice.pdf.name):
            raise Http404
        audit.record(
            actor=request.user,
            action="invoice.downloaded",
            obj=invoice,
            organisation=invoice.customer,
        )
        return FileResponse(
            storage.open(invoice.pdf.name, "rb"),
            as_attachment=True,
            filename=f"{invoice.number}.pdf",
            content_type="application/pdf",
        )

    @extend_schema(
        summary=_("Credit an invoice in full"),
        description=_(
            "A credit note with the same lines negated, referring to the invoice; the hours "
            "become billable again. For an administrator of the customer or platform staff."
        ),
        request=CreditSerializer,
        responses={
            201: InvoiceDetailSerializer,
            400: PROBLEM,
            403: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
        },
    )
    @action(detail=True, methods=["post"])
    def credit(self, request, pk=None):
        invoice = self.get_object()
        data = CreditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credit = services.invoice_credit(
            actor=request.user, invoice=invoice, reason=data.validated_data["reason"]
        )
        fresh = Invoice.objects.prefetch_related("lines").get(pk=credit.pk)
        return Response(InvoiceDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Issue a month's invoices now"),
        description=_(
            "Invoices the customer's approved, not yet invoiced hours of one month, one invoice "
            "per partner. For the customer's coordinators and admins, and platform staff."
        ),
        request=IssueSerializer,
        responses={200: IssueResultSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
    )
    @action(detail=False, methods=["post"])
    def issue(self, request):
        data = IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = get_object_or_404(
            selectors.customers_for_issuing(request.user), pk=data.validated_data["customer"]
        )
        run = services.invoice_issue(
            actor=request.user,
            customer=customer,
            year=data.validated_data["year"],
            month=data.validated_data["month"],
        )
        return Response(
            {
                "issued": InvoiceSerializer(run.issued, many=True).data,
                "skipped": [reason for _supplier, _customer, reason in run.skipped],
            }
        )
