"""A small world for invoices: a care organisation with an address, its coordinator and admin,
suppliers with complete invoicing data, and engagements with approved hours."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from marketplace.models import Engagement, OrganisationKind, Role, TimeEntryStatus, User
from partners.models import Expertise, PartnerProfile, VatCode
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory
from tests.marketplace.engagement_factories import (
    EngagementFactory,
    OfferFactory,
    TimeEntryFactory,
)
from tests.partners.factories import KeyPersonProfileFactory, MzoProfileFactory

VAT_ID = "NL000099998B57"


def den_haag():
    return MunicipalityFactory(code="GM0518", name="Den Haag")


def delft():
    return MunicipalityFactory(code="GM0503", name="Delft")


def care_org(name: str = "Jeugdteam Schilderswijk", municipality=None, **kwargs):
    return OrganisationFactory(
        name=name,
        kind=OrganisationKind.CARE,
        municipality=municipality or den_haag(),
        street="Hoefkade 12",
        postcode="2526 AB",
        city="Den Haag",
        **kwargs,
    )


def freelancer(name: str = "Mebrat Tesfaye", vat_code: str = VatCode.KOR, **kwargs):
    """An independent key person who invoices as a freelancer (zzp)."""
    kwargs.setdefault("kvk_number", "12345678")
    kwargs.setdefault("vat_id", VAT_ID if vat_code == VatCode.STANDARD_21 else "")
    return KeyPersonProfileFactory(
        display_name=name,
        compensation_mode="invoice_person",
        hourly_rate="40.00",
        vat_code=vat_code,
        iban="NL91ABNA0417164300",
        street="Vaillantlaan 100",
        postcode="2526 HV",
        city="Den Haag",
        **kwargs,
    )


def mzo(name: str = "Stichting Brug", **kwargs):
    organisation = OrganisationFactory(
        name=name,
        kind=OrganisationKind.MZO,
        municipality=den_haag(),
        street="Paul Krugerlaan 5",
        postcode="2571 GA",
        city="Den Haag",
    )
    kwargs.setdefault("vat_code", VatCode.EXEMPT)
    kwargs.setdefault("vat_exemption_reason", "Sociaal-culturele instelling, art. 11 lid 1 sub f")
    return MzoProfileFactory(
        display_name=name, organisation=organisation, iban="NL91ABNA0417164300", **kwargs
    )


def engagement(
    partner: PartnerProfile,
    customer,
    *,
    mode: str = "invoice_person",
    rate: str = "40.00",
    start: date | None = None,
) -> Engagement:
    start = start or last_month()[0]
    return EngagementFactory(
        offer=OfferFactory(partner=partner),
        partner=partner,
        organisation=customer,
        compensation_mode=mode,
        hourly_rate=Decimal(rate),
        max_hours=Decimal("200"),
        period_start=start,
        period_end=start.replace(day=28),
    )


def approved(engagement: Engagement, *, by: User, hours: str = "2.00", day: date | None = None):
    return TimeEntryFactory(
        engagement=engagement,
        work_date=day or engagement.period_start,
        hours=Decimal(hours),
        status=TimeEntryStatus.APPROVED,
        decided_by=by,
        decided_at=timezone.now(),
    )


def last_month() -> tuple[date, int, int]:
    first = timezone.localdate().replace(day=1)
    previous = (first.replace(day=1) - date.resolution).replace(day=1)
    return previous, previous.year, previous.month


@dataclass
class Shop:
    customer: object
    coordinator: User
    admin: User
    supplier: PartnerProfile
    engagement: Engagement


def shop(**supplier_kwargs) -> Shop:
    customer = care_org()
    coordinator = MembershipFactory(organisation=customer, role=Role.COORDINATOR).user
    admin = MembershipFactory(organisation=customer, role=Role.ADMIN).user
    supplier = freelancer(**supplier_kwargs)
    return Shop(customer, coordinator, admin, supplier, engagement(supplier, customer))


def expertise(code: str = "bridging") -> Expertise:
    return Expertise.objects.get(code=code)
