"""Demo partners across Haaglanden: the demo MZOs, their key persons and independent key persons.
Deterministic and idempotent (keyed by organisation or account)."""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from geo.models import Neighbourhood
from marketplace.demo import demo_user
from marketplace.models import Organisation, User
from marketplace.models import VerificationStatus as VS
from partners.models import (
    Community,
    CompensationMode,
    Expertise,
    Language,
    Offer,
    PartnerKind,
    PartnerLanguage,
    PartnerProfile,
    VatCode,
)

DEN_HAAG, DELFT, ZOETERMEER, RIJSWIJK = "GM0518", "GM0503", "GM0637", "GM0603"

AREAS = {
    "schilderswijk": (
        DEN_HAAG,
        ["Schildersbuurt-West", "Schildersbuurt-Noord", "Schildersbuurt-Oost"],
    ),
    "transvaal": (
        DEN_HAAG,
        ["Transvaalkwartier-Noord", "Transvaalkwartier-Midden", "Transvaalkwartier-Zuid"],
    ),
    "laak": (DEN_HAAG, ["Laakkwartier-West", "Laakkwartier-Oost", "Spoorwijk"]),
    "moerwijk": (DEN_HAAG, ["Moerwijk-Oost", "Moerwijk-West", "Moerwijk-Noord", "Moerwijk-Zuid"]),
    "escamp": (DEN_HAAG, ["Morgenstond-Zuid", "Morgenstond-West", "Zuiderpark"]),
    "scheveningen": (DEN_HAAG, ["Duindorp", "Visserijbuurt", "Oud Scheveningen"]),
    "centrum": (DEN_HAAG, ["Voorhout", "Uilebomen", "Zuidwal"]),
    "mariahoeve": (DEN_HAAG, ["Kampen", "Landen", "Burgen en Horsten"]),
    "delft-centrum": (DELFT, ["Centrum", "Centrum-West", "Stationsbuurt"]),
    "delft-zuid": (DELFT, ["Poptahof-Noord", "Poptahof-Zuid", "Voorhof-Hoogbouw"]),
    "zoetermeer": (ZOETERMEER, ["Palenstein", "Meerzicht-West", "Meerzicht-Oost", "Buytenwegh"]),
    "rijswijk": (RIJSWIJK, ["Te Werve", "Stervoorde", "Presidentenbuurt"]),
}

# (name, languages [(code, level)], communities, areas, expertise, mode)
INDEPENDENTS = [
    (
        "Amina Belkacem",
        [("ary", "native"), ("nl", "fluent")],
        ["moroccan"],
        ["schilderswijk"],
        ["explaining-system", "bridging"],
        "allowance",
    ),
    (
        "Rachid Ouali",
        [("zgh", "native"), ("ary", "native"), ("nl", "fluent")],
        ["moroccan"],
        ["transvaal"],
        ["bridging", "accompanying"],
        "allowance",
    ),
    (
        "Hatice Aydın",
        [("tr", "native"), ("nl", "fluent")],
        ["turkish"],
        ["transvaal", "laak"],
        ["parenting-group", "explaining-system"],
        "invoice_person",
    ),
    (
        "Mehmet Çelik",
        [("tr", "native"), ("kmr", "fluent"), ("nl", "basic")],
        ["turkish", "kurdish"],
        ["moerwijk"],
        ["outreach", "bridging"],
        "allowance",
    ),
    (
        "Saskia Karijopawiro",
        [("srn", "native"), ("nl", "native")],
        ["surinamese"],
        ["escamp"],
        ["training", "case-consultation"],
        "invoice_person",
    ),
    (
        "Radjesh Ramdin",
        [("hns", "native"), ("nl", "native")],
        ["hindustani", "surinamese"],
        ["escamp", "moerwijk"],
        ["cultural-advice", "case-consultation"],
        "invoice_person",
    ),
    (
        "Jurmaine Martina",
        [("pap", "native"), ("nl", "fluent"), ("es", "basic")],
        ["antillean"],
        ["laak", "delft-zuid"],
        ["outreach", "explaining-system"],
        "allowance",
    ),
    (
        "Giselle Isenia",
        [("pap", "native"), ("nl", "native")],
        ["antillean"],
        ["zoetermeer"],
        ["parenting-group", "training"],
        "invoice_person",
    ),
    (
        "Katarzyna Wiśniewska",
        [("pl", "native"), ("nl", "fluent"), ("en", "fluent")],
        ["polish"],
        ["zoetermeer", "escamp"],
        ["interpreting", "explaining-system"],
        "invoice_person",
    ),
    (
        "Tomasz Kowalczyk",
        [("pl", "native"), ("en", "fluent")],
        ["polish"],
        ["scheveningen"],
        ["outreach", "accompanying"],
        "allowance",
    ),
    (
        "Desislava Petrova",
        [("bg", "native"), ("tr", "fluent"), ("nl", "basic")],
        ["bulgarian"],
        ["laak", "transvaal"],
        ["interpreting", "bridging"],
        "allowance",
    ),
    (
        "Ioana Popescu",
        [("ro", "native"), ("en", "fluent"), ("nl", "basic")],
        ["romanian"],
        ["moerwijk", "rijswijk"],
        ["explaining-system", "accompanying"],
        "allowance",
    ),
    (
        "Rania Al-Hassan",
        [("ar", "native"), ("en", "fluent"), ("nl", "fluent")],
        ["syrian"],
        ["mariahoeve", "rijswijk"],
        ["cultural-advice", "interpreting"],
        "invoice_person",
    ),
    (
        "Omar Khalil",
        [("ar", "native"), ("ckb", "fluent"), ("nl", "basic")],
        ["iraqi", "kurdish"],
        ["delft-zuid"],
        ["outreach", "bridging"],
        "allowance",
    ),
    (
        "Mebrat Haile",
        [("ti", "native"), ("am", "fluent"), ("nl", "basic")],
        ["eritrean"],
        ["schilderswijk", "transvaal"],
        ["bridging", "interpreting"],
        "allowance",
    ),
    (
        "Selam Tsegay",
        [("ti", "native"), ("nl", "fluent")],
        ["eritrean"],
        ["delft-centrum"],
        ["explaining-system", "parenting-group"],
        "allowance",
    ),
    (
        "Hodan Warsame",
        [("so", "native"), ("nl", "fluent"), ("en", "fluent")],
        ["somali"],
        ["moerwijk", "laak"],
        ["outreach", "cultural-advice"],
        "invoice_person",
    ),
    (
        "Abdirahman Farah",
        [("so", "native"), ("ar", "fluent")],
        ["somali"],
        ["zoetermeer"],
        ["accompanying", "bridging"],
        "allowance",
    ),
    (
        "Farid Rahimi",
        [("prs", "native"), ("ps", "fluent"), ("fa", "fluent")],
        ["afghan"],
        ["rijswijk", "escamp"],
        ["interpreting", "cultural-advice"],
        "allowance",
    ),
    (
        "Zahra Noori",
        [("prs", "native"), ("fa", "native"), ("nl", "fluent")],
        ["afghan"],
        ["delft-zuid", "delft-centrum"],
        ["parenting-group", "explaining-system"],
        "invoice_person",
    ),
    (
        "Oksana Melnyk",
        [("uk", "native"), ("ru", "fluent"), ("en", "basic")],
        ["ukrainian"],
        ["scheveningen", "centrum"],
        ["explaining-system", "bridging"],
        "allowance",
    ),
    (
        "Dmytro Bondarenko",
        [("uk", "native"), ("ru", "native"), ("nl", "basic")],
        ["ukrainian"],
        ["zoetermeer"],
        ["outreach", "accompanying"],
        "allowance",
    ),
    (
        "Kwame Mensah",
        [("tw", "native"), ("en", "native"), ("nl", "fluent")],
        ["ghanaian"],
        ["laak", "moerwijk"],
        ["training", "case-consultation"],
        "invoice_person",
    ),
    (
        "Maria Tavares",
        [("kea", "native"), ("pt", "fluent"), ("nl", "fluent")],
        ["cape-verdean"],
        ["transvaal"],
        ["outreach", "explaining-system"],
        "allowance",
    ),
    (
        "Li Wei",
        [("zh", "native"), ("en", "fluent"), ("nl", "fluent")],
        ["chinese"],
        ["centrum"],
        ["interpreting", "cultural-advice"],
        "invoice_person",
    ),
    (
        "Fatma Doğan",
        [("tr", "native"), ("nl", "native")],
        ["turkish"],
        ["delft-zuid"],
        ["case-consultation", "cultural-advice"],
        "invoice_person",
    ),
    (
        "Youssef El Amrani",
        [("ary", "native"), ("fr", "fluent"), ("nl", "native")],
        ["moroccan"],
        ["laak", "escamp"],
        ["training", "outreach"],
        "invoice_person",
    ),
    (
        "Nadia Benali",
        [("ary", "native"), ("zgh", "fluent"), ("nl", "fluent")],
        ["moroccan"],
        ["delft-centrum", "delft-zuid"],
        ["parenting-group", "bridging"],
        "allowance",
    ),
    (
        "Ahmad Sultani",
        [("ps", "native"), ("prs", "fluent"), ("ur", "basic")],
        ["afghan"],
        ["mariahoeve"],
        ["bridging", "accompanying"],
        "allowance",
    ),
    (
        "Priya Jagessar",
        [("hns", "native"), ("hi", "fluent"), ("nl", "native")],
        ["hindustani"],
        ["escamp"],
        ["explaining-system", "parenting-group"],
        "allowance",
    ),
    (
        "Leyla Rashid",
        [("kmr", "native"), ("tr", "fluent"), ("ar", "basic")],
        ["kurdish"],
        ["schilderswijk"],
        ["outreach", "interpreting"],
        "allowance",
    ),
    (
        "Samuel Tekle",
        [("ti", "native"), ("ar", "basic"), ("en", "fluent")],
        ["eritrean"],
        ["zoetermeer", "rijswijk"],
        ["accompanying", "outreach"],
        "allowance",
    ),
    (
        "Anna Dimitrova",
        [("bg", "native"), ("ru", "fluent")],
        ["bulgarian"],
        ["scheveningen"],
        ["explaining-system"],
        "allowance",
    ),
    (
        "Cristina Ionescu",
        [("ro", "native"), ("nl", "fluent")],
        ["romanian"],
        ["laak"],
        ["parenting-group", "bridging"],
        "invoice_person",
    ),
    (
        "Mariam Yousef",
        [("ar", "native"), ("nl", "fluent")],
        ["syrian"],
        ["delft-centrum"],
        ["explaining-system", "bridging"],
        "allowance",
    ),
    (
        "Iryna Kovalenko",
        [("uk", "native"), ("nl", "fluent"), ("pl", "basic")],
        ["ukrainian"],
        ["delft-zuid"],
        ["interpreting", "training"],
        "invoice_person",
    ),
]

# MZOs of marketplace.demo: (KvK, languages, communities, areas, expertise, offers)
MZO_PROFILES = {
    "72345678": (
        [("ary", "native"), ("zgh", "native"), ("nl", "fluent")],
        ["moroccan"],
        ["schilderswijk", "transvaal"],
        ["outreach", "parenting-group", "bridging"],
        [
            (
                "Voorlichtingsavond jeugdhulp voor Marokkaanse moeders",
                "explaining-system",
                "2",
                "240.00",
            )
        ],
    ),
    "73456789": (
        [("ti", "native"), ("am", "fluent"), ("nl", "fluent")],
        ["eritrean"],
        ["schilderswijk", "transvaal", "laak"],
        ["explaining-system", "interpreting", "cultural-advice"],
        [
            (
                "Information evening on youth care for Eritrean parents",
                "explaining-system",
                "2",
                "250.00",
            ),
            (
                "Casuïstiekoverleg: Eritrese gezinnen en de jeugdhulp",
                "case-consultation",
                "1.5",
                "180.00",
            ),
        ],
    ),
    "74567890": (
        [("tr", "native"), ("nl", "fluent")],
        ["turkish"],
        ["transvaal", "laak"],
        ["parenting-group", "training"],
        [("Opvoedgroep voor Turkse ouders (6 bijeenkomsten)", "parenting-group", "12", "900.00")],
    ),
    "75678901": (
        [("pl", "native"), ("nl", "fluent")],
        ["polish"],
        ["zoetermeer"],
        ["explaining-system", "interpreting"],
        [],
    ),
    "76789012": (
        [("pap", "native"), ("nl", "fluent")],
        ["antillean"],
        ["delft-zuid"],
        ["outreach"],
        [],
    ),
}
# Key persons who are members of a demo MZO: e-mail → (languages, areas, expertise)
MEMBER_PROFILES = {
    "khadija@moedergroep-schilderswijk.test": (
        [("ary", "native"), ("nl", "fluent")],
        ["schilderswijk"],
        ["outreach", "bridging"],
    ),
    "naima@moedergroep-schilderswijk.test": (
        [("zgh", "native"), ("ary", "fluent")],
        ["schilderswijk", "transvaal"],
        ["accompanying", "parenting-group"],
    ),
    "yonas@eritrese-ouders.test": (
        [("ti", "native"), ("am", "fluent"), ("en", "fluent")],
        ["schilderswijk", "laak"],
        ["interpreting", "bridging"],
    ),
    "elif@tvv-transvaal.test": (
        [("tr", "native"), ("nl", "native")],
        ["transvaal"],
        ["parenting-group"],
    ),
}

BIOS = [
    "Ik ken de families in mijn buurt en help ouders de weg te vinden in de jeugdhulp.",
    "Ervaringsdeskundige: ik weet hoe spannend het eerste gesprek met een wijkteam is.",
    "I explain how youth care works, in the family's own language, and go along to meetings.",
    "Actief in de moskee en het buurthuis; ouders vertrouwen mij en nemen contact op.",
    "Trainer en gespreksleider over opvoeden tussen twee culturen.",
]


def _neighbourhoods(area_keys):
    rows = []
    for key in area_keys:
        municipality, names = AREAS[key]
        rows.extend(Neighbourhood.objects.filter(municipality__code=municipality, name__in=names))
    return rows


def _fill(profile: PartnerProfile, languages, communities, areas, expertise) -> None:
    neighbourhoods = _neighbourhoods(areas)
    profile.base_neighbourhood = neighbourhoods[0] if neighbourhoods else None
    profile.save()
    profile.neighbourhoods.set(neighbourhoods)
    profile.expertise.set(Expertise.objects.filter(code__in=expertise))
    profile.communities.set(Community.objects.filter(code__in=communities))
    profile.languages.all().delete()
    by_code = {language.code: language for language in Language.objects.all()}
    PartnerLanguage.objects.bulk_create(
        PartnerLanguage(profile=profile, language=by_code[code], proficiency=level)
        for code, level in languages
    )


@transaction.atomic
def seed_partners() -> int:
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data, not security
    now = timezone.now()
    count = 0
    for kvk, (languages, communities, areas, expertise, offers) in MZO_PROFILES.items():
        organisation = Organisation.objects.get(kvk_number=kvk)
        profile, _ = PartnerProfile.objects.update_or_create(
            kind=PartnerKind.MZO,
            organisation=organisation,
            defaults={
                "display_name": organisation.name,
                "bio": BIOS[count % len(BIOS)],
                "compensation_mode": CompensationMode.INVOICE_ORG,
                "hourly_rate": Decimal("45.00"),
                "hours_per_month": 40,
                "travel_radius_km": 8,
                "in_person": True,
                "online": True,
                "weekdays": [0, 1, 2, 3, 4],
                "iban": "NL91ABNA0417164300",
                "account_holder": organisation.name,
                "vat_code": VatCode.EXEMPT,
                "vat_exemption_reason": "Vrijgesteld: sociaal-culturele dienstverlening "
                "(art. 11 lid 1 sub f Wet OB 1968)",
                "is_published": True,
                "verification_status": VS.VERIFIED if organisation.is_verified else VS.PENDING,
                "verified_at": now if organisation.is_verified else None,
            },
        )
        _fill(profile, languages, communities, areas, expertise)
        for title, expertise_code, hours, price in offers:
            offer, _ = Offer.objects.update_or_create(
                partner=profile,
                title=title,
                defaults={
                    "description": "Een laagdrempelige bijeenkomst in de buurt, met tolk "
                    "waar nodig, over hoe de jeugdhulp werkt en wat ouders "
                    "ervan kunnen verwachten.",
                    "expertise": Expertise.objects.get(code=expertise_code),
                    "duration_hours": Decimal(hours),
                    "price": Decimal(price),
                    "in_person": True,
                    "online": False,
                },
            )
            offer.languages.set(Language.objects.filter(code__in=[c for c, _ in languages]))
        count += 1
    for email, (languages, areas, expertise) in MEMBER_PROFILES.items():
        user = User.objects.get(email=email)
        membership = user.memberships.get()
        profile, _ = PartnerProfile.objects.update_or_create(
            kind=PartnerKind.KEY_PERSON,
            user=user,
            defaults={
                "display_name": user.full_name,
                "organisation": membership.organisation,
                "bio": BIOS[count % len(BIOS)],
                "compensation_mode": CompensationMode.ALLOWANCE,
                "hourly_rate": Decimal("5.75"),
                "hours_per_month": 16,
                "date_of_birth": date(1975 + count % 20, 1 + count % 12, 10),
                "iban": "NL02RABO0123456789",
                "account_holder": user.full_name,
                "is_published": True,
                "verification_status": VS.VERIFIED,
                "verified_at": now,
            },
        )
        _fill(profile, languages, [], areas, expertise)
        count += 1
    for index, (name, languages, communities, areas, expertise, mode) in enumerate(INDEPENDENTS):
        first, *rest = name.split(" ")
        email = (
            f"{first}.{rest[-1]}@sleutelpersoon.test".lower()
            .replace("ı", "i")
            .replace("ğ", "g")
            .replace("ç", "c")
            .replace("ś", "s")
            .replace("'", "")
        )
        user = demo_user(email, name)
        invoicing = mode == "invoice_person"
        listed = index % 9 != 8  # a few profiles are still being completed or checked
        profile, _ = PartnerProfile.objects.update_or_create(
            kind=PartnerKind.KEY_PERSON,
            user=user,
            defaults={
                "display_name": name,
                "organisation": None,
                "bio": BIOS[index % len(BIOS)],
                "compensation_mode": mode,
                "hourly_rate": Decimal(
                    rng.choice(["42.50", "47.50", "55.00"]) if invoicing else "5.75"
                ),
                "hours_per_month": rng.choice([6, 8, 12, 16, 24, 32]),
                "travel_radius_km": rng.choice([3, 5, 8, 12]),
                "in_person": True,
                "online": index % 3 == 0,
                "weekdays": sorted(rng.sample(range(7), 3)),
                "date_of_birth": date(1960 + index, 1 + index % 12, 1 + index % 27),
                "kvk_number": f"{80000000 + index:08d}" if invoicing else "",
                "vat_code": VatCode.KOR if invoicing else "",
                "vat_exemption_reason": "Kleineondernemersregeling (KOR)" if invoicing else "",
                "street": f"Teststraat {index + 1}" if invoicing else "",
                "postcode": "2525 AB" if invoicing else "",
                "city": "Den Haag" if invoicing else "",
                "iban": "NL91ABNA0417164300",
                "account_holder": name,
                "is_published": listed,
                "verification_status": VS.VERIFIED if listed else VS.PENDING,
                "verified_at": now if listed else None,
            },
        )
        _fill(profile, languages, communities, areas, expertise)
        count += 1
    return count
