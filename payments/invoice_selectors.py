"""Who sees which invoices and credit notes.

- The supplier side: the key person who is the supplier, or the admins of the MZO that is.
- The customer side: coordinators and admins of the care organisation that is invoiced.
- A municipality's auditors: invoices to care organisations based in, or contracted by, their
  municipality.
- Platform staff: everything. Anyone else sees nothing (pages and endpoints answer 404).
"""

from django.db.models import Q, QuerySet

from marketplace.engagement_selectors import care_organisations_of
from marketplace.models import Membership, Organisation, OrganisationKind, Role
from marketplace.permissions import is_authenticated
from partners.models import PartnerProfile
from payments.models import Invoice, LedgerEntry


def audited_organisations(user) -> QuerySet[Organisation]:
    """Care organisations in (or contracted by) the municipalities `user` audits."""
    municipalities = Membership.objects.filter(
        user=user,
        is_active=True,
        role=Role.AUDITOR,
        organisation__kind=OrganisationKind.MUNICIPALITY,
    ).values("organisation__municipality")
    return Organisation.objects.filter(
        Q(municipality__in=municipalities) | Q(contracted_by__in=municipalities),
        kind=OrganisationKind.CARE,
    )


def invoices_visible_to(user) -> QuerySet[Invoice]:
    if not is_authenticated(user):
        return Invoice.objects.none()
    if user.is_staff:
        return Invoice.objects.all()
    return Invoice.objects.filter(
        Q(supplier__in=PartnerProfile.objects.managed_by(user).values("pk"))
        | Q(customer__in=care_organisations_of(user))
        | Q(customer__in=audited_organisations(user).values("pk"))
    )


def with_invoice_details(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.select_related("customer", "supplier", "credit_note_of", "issued_by")


def ledger_rows_for(invoice: Invoice) -> QuerySet[LedgerEntry]:
    ids = [str(invoice.pk), *(str(pk) for pk in invoice.credit_notes.values_list("pk", flat=True))]
    return LedgerEntry.objects.filter(object_type=Invoice._meta.label, object_id__in=ids)


def customers_for_issuing(user) -> QuerySet[Organisation]:
    """Care organisations for which `user` may issue invoices on demand."""
    if not is_authenticated(user):
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.filter(kind=OrganisationKind.CARE)
    return Organisation.objects.filter(
        pk__in=care_organisations_of(user), kind=OrganisationKind.CARE
    )


def organisations_for_ib47(user) -> QuerySet[Organisation]:
    """Paying organisations whose IB47 list `user` may download: their admins, and staff."""
    if not is_authenticated(user):
        return Organisation.objects.none()
    return Organisation.objects.administered_by(user).filter(kind=OrganisationKind.CARE)
