"""A believable Haaglanden world for demos and end-to-end tests. Idempotent: run it again and
nothing is duplicated. All demo accounts share one password and live on the `.test` domain."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from geo.models import Municipality
from marketplace.models import Membership, Organisation, OrganisationKind, Role, User
from marketplace.models import VerificationStatus as VS

DEMO_PASSWORD = "brugwerk-demo"
DEMO_COORDINATOR = "coordinator@jeugdteam-denhaag.test"

# (CBS code, display name) of the municipalities with an auditor in the demo.
MUNICIPALITIES = [("GM0518", "Den Haag"), ("GM0503", "Delft"), ("GM0637", "Zoetermeer")]


@dataclass(frozen=True)
class DemoOrg:
    name: str
    kind: str
    kvk: str
    municipality: str
    street: str
    postcode: str
    city: str
    people: tuple[tuple[str, str, str], ...]  # (e-mail, full name, role)
    contracted_by: tuple[str, ...] = ()
    verified: bool = True


ORGANISATIONS = [
    DemoOrg(
        "Gemeente Den Haag",
        OrganisationKind.MUNICIPALITY,
        "27370237",
        "GM0518",
        "Spui 70",
        "2511 BT",
        "Den Haag",
        (("auditor@denhaag.test", "Anouk de Vries", Role.AUDITOR),),
    ),
    DemoOrg(
        "Gemeente Delft",
        OrganisationKind.MUNICIPALITY,
        "27372745",
        "GM0503",
        "Phoenixstraat 16",
        "2611 AL",
        "Delft",
        (("auditor@delft.test", "Pieter Bakker", Role.AUDITOR),),
    ),
    DemoOrg(
        "Gemeente Zoetermeer",
        OrganisationKind.MUNICIPALITY,
        "27370815",
        "GM0637",
        "Stadhuisplein 1",
        "2711 EC",
        "Zoetermeer",
        (("auditor@zoetermeer.test", "Samira El Idrissi", Role.AUDITOR),),
    ),
    DemoOrg(
        "Jeugdteam Den Haag Centrum",
        OrganisationKind.CARE,
        "41149486",
        "GM0518",
        "Hoefkade 9",
        "2526 BV",
        "Den Haag",
        (
            (DEMO_COORDINATOR, "Femke Jansen", Role.COORDINATOR),
            ("admin@jeugdteam-denhaag.test", "Marco Visser", Role.ADMIN),
            ("coordinator2@jeugdteam-denhaag.test", "Yusuf Demir", Role.COORDINATOR),
        ),
        contracted_by=("GM0518",),
    ),
    DemoOrg(
        "Stichting Jeugdhulp Haaglanden",
        OrganisationKind.CARE,
        "50123456",
        "GM0518",
        "Laan van Meerdervoort 52",
        "2517 AM",
        "Den Haag",
        (
            ("coordinator@jeugdhulp-haaglanden.test", "Lotte Smit", Role.COORDINATOR),
            ("admin@jeugdhulp-haaglanden.test", "Hans de Boer", Role.ADMIN),
        ),
        contracted_by=("GM0518", "GM0637"),
    ),
    DemoOrg(
        "Cultuursensitieve Zorg Delft",
        OrganisationKind.CARE,
        "61234567",
        "GM0503",
        "Voldersgracht 1",
        "2611 EV",
        "Delft",
        (("coordinator@csz-delft.test", "Noor Hendriks", Role.COORDINATOR),),
        contracted_by=("GM0503",),
    ),
    DemoOrg(
        "Moedergroep Schilderswijk",
        OrganisationKind.MZO,
        "72345678",
        "GM0518",
        "Hobbemastraat 120",
        "2526 JV",
        "Den Haag",
        (
            ("admin@moedergroep-schilderswijk.test", "Fatima Amrani", Role.ADMIN),
            ("khadija@moedergroep-schilderswijk.test", "Khadija Bouzid", Role.KEY_PERSON),
            ("naima@moedergroep-schilderswijk.test", "Naima El Khatib", Role.KEY_PERSON),
        ),
    ),
    DemoOrg(
        "Stichting Eritrese Ouders Haaglanden",
        OrganisationKind.MZO,
        "73456789",
        "GM0518",
        "Vaillantlaan 7",
        "2525 AB",
        "Den Haag",
        (
            ("admin@eritrese-ouders.test", "Semhar Tesfay", Role.ADMIN),
            ("yonas@eritrese-ouders.test", "Yonas Gebremedhin", Role.KEY_PERSON),
        ),
    ),
    DemoOrg(
        "Turkse Vrouwenvereniging Transvaal",
        OrganisationKind.MZO,
        "74567890",
        "GM0518",
        "Paul Krugerlaan 80",
        "2571 JG",
        "Den Haag",
        (
            ("admin@tvv-transvaal.test", "Ayşe Yılmaz", Role.ADMIN),
            ("elif@tvv-transvaal.test", "Elif Kaya", Role.KEY_PERSON),
        ),
    ),
    DemoOrg(
        "Poolse Ouders Zoetermeer",
        OrganisationKind.MZO,
        "75678901",
        "GM0637",
        "Dorpsstraat 10",
        "2712 AB",
        "Zoetermeer",
        (("admin@poolse-ouders.test", "Agnieszka Nowak", Role.ADMIN),),
    ),
    DemoOrg(
        "Papiamentu Netwerk Delft",
        OrganisationKind.MZO,
        "76789012",
        "GM0503",
        "Markt 52",
        "2611 GW",
        "Delft",
        (("admin@papiamentu-delft.test", "Shurandy Martina", Role.ADMIN),),
        verified=False,
    ),
]

STAFF = ("staff@brugwerk.test", "Platform Beheer")


def demo_user(email: str, full_name: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed() -> list[tuple[str, str, str]]:
    """Create the demo world. Returns (e-mail, role, organisation) for every demo login."""
    staff = demo_user(*STAFF, is_staff=True, is_superuser=True)
    platform, _ = Organisation.objects.get_or_create(
        name="Brugwerk",
        kind=OrganisationKind.PLATFORM,
        defaults={"verification_status": VS.VERIFIED, "verified_at": timezone.now()},
    )
    Membership.objects.get_or_create(
        user=staff, organisation=platform, defaults={"role": Role.ADMIN}
    )
    logins = [(staff.email, "platform staff", platform.name)]
    municipalities = {
        m.code: m
        for m in Municipality.objects.filter(code__in=[org.municipality for org in ORGANISATIONS])
    }
    for spec in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            kvk_number=spec.kvk,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "street": spec.street,
                "postcode": spec.postcode,
                "city": spec.city,
                "municipality": municipalities.get(spec.municipality),
                "verification_status": VS.VERIFIED if spec.verified else VS.PENDING,
                "verified_at": timezone.now() if spec.verified else None,
                "verified_by": staff if spec.verified else None,
            },
        )
        organisation.contracted_by.set(
            [municipalities[c] for c in spec.contracted_by if c in municipalities]
        )
        for email, full_name, role in spec.people:
            user = demo_user(email, full_name)
            Membership.objects.update_or_create(
                user=user, organisation=organisation, defaults={"role": role, "is_active": True}
            )
            logins.append((email, Role(role).label, organisation.name))
    return logins
