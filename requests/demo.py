"""Demo support requests for the Haaglanden care organisations of marketplace.demo.

Idempotent: a request is keyed by its title and organisation, and running again updates it in
place. Dates are relative to today so the open ones stay open. Places are looked up in the loaded
gazetteer by CBS code (and by name within the municipality when a newer gazetteer renumbered a
neighbourhood); the care organisations and coordinators come from marketplace.demo.seed(), which
runs first. Every text passes the privacy guard: the descriptions show what a good request looks
like.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from geo.models import Neighbourhood
from marketplace.models import Organisation, User
from partners.models import Community, Expertise, Language
from partners.taxonomy_data import seed_current_taxonomy
from requests.models import Mode, RequestLanguage, Requirement, Status, SupportRequest
from requests.privacy import validate_no_personal_data

logger = logging.getLogger(__name__)

JEUGDTEAM = ("41149486", "coordinator@jeugdteam-denhaag.test")
JEUGDTEAM_2 = ("41149486", "coordinator2@jeugdteam-denhaag.test")
JEUGDHULP = ("50123456", "coordinator@jeugdhulp-haaglanden.test")
CSZ_DELFT = ("61234567", "coordinator@csz-delft.test")

R, P = Requirement.REQUIRED, Requirement.PREFERRED


@dataclass(frozen=True)
class DemoRequest:
    poster: tuple[str, str]  # (KvK number of the care organisation, coordinator's e-mail)
    title: str
    expertise: str
    place: tuple[str, str, str]  # (neighbourhood code, neighbourhood name, municipality code)
    mode: str
    hours: str
    budget: str
    starts_in: int  # days from today
    weeks: int
    status: str
    languages: tuple[tuple[str, str], ...]
    description: str
    community: str | None = None
    internal_notes: str = ""
    deadline_before_start: int = 7


SCHILDERSBUURT_WEST = ("BU05182915", "Schildersbuurt-West", "GM0518")
SCHILDERSBUURT_NOORD = ("BU05182916", "Schildersbuurt-Noord", "GM0518")
SCHILDERSBUURT_OOST = ("BU05182917", "Schildersbuurt-Oost", "GM0518")
TRANSVAAL_NOORD = ("BU05183032", "Transvaalkwartier-Noord", "GM0518")
TRANSVAAL_MIDDEN = ("BU05183033", "Transvaalkwartier-Midden", "GM0518")
TRANSVAAL_ZUID = ("BU05183034", "Transvaalkwartier-Zuid", "GM0518")
LAAK_WEST = ("BU05183824", "Laakkwartier-West", "GM0518")
LAAK_OOST = ("BU05183825", "Laakkwartier-Oost", "GM0518")
SPOORWIJK = ("BU05183823", "Spoorwijk", "GM0518")
MOERWIJK_NOORD = ("BU05183638", "Moerwijk-Noord", "GM0518")
MOERWIJK_ZUID = ("BU05183639", "Moerwijk-Zuid", "GM0518")
MOERWIJK_OOST = ("BU05183620", "Moerwijk-Oost", "GM0518")
MORGENSTOND_ZUID = ("BU05183480", "Morgenstond-Zuid", "GM0518")
DREVEN_GAARDEN = ("BU05183398", "Dreven en Gaarden", "GM0518")
DUINDORP = ("BU05180800", "Duindorp", "GM0518")
GROENTE_FRUITMARKT = ("BU05183721", "Groente- en Fruitmarkt", "GM0518")
POPTAHOF_NOORD = ("BU05032400", "Poptahof-Noord", "GM0503")
BUITENHOF_NOORD = ("BU05032501", "Buitenhof-Noord", "GM0503")
VOORHOF_HOOGBOUW = ("BU05032406", "Voorhof-Hoogbouw", "GM0503")
WIPPOLDER_NOORD = ("BU05032802", "Wippolder-Noord", "GM0503")
PALENSTEIN = ("BU06370003", "Palenstein", "GM0637")
MEERZICHT_WEST = ("BU06370100", "Meerzicht-West", "GM0637")
OOSTERHEEM_NO = ("BU06370601", "Oosterheem-Noordoost", "GM0637")

# fmt: off
DEMO_REQUESTS: tuple[DemoRequest, ...] = (
    DemoRequest(
        JEUGDTEAM, "Uitleg jeugdhulp aan Eritrese ouders", "explaining-system",
        SCHILDERSBUURT_WEST, Mode.IN_PERSON, "12", "540.00", 21, 8, Status.OPEN,
        (("ti", R),),
        "Een groep van zes Eritrese moeders wil weten wat het jeugdteam wel en niet doet. Er "
        "leeft angst dat hulp vragen leidt tot uithuisplaatsing. We zoeken iemand die in het "
        "Tigrinya drie bijeenkomsten van twee uur begeleidt, samen met onze "
        "gezinsvertegenwoordiger, in het buurthuis.",
        community="eritrean",
        internal_notes="Aanleiding: casuïstiekoverleg; twee gezinnen zijn al bekend bij het team.",
    ),
    DemoRequest(
        JEUGDTEAM, "Toeleiding van Marokkaans-Nederlandse gezinnen naar opvoedsteun",
        "bridging", SCHILDERSBUURT_NOORD, Mode.IN_PERSON, "24", "1080.00", 14, 12, Status.OPEN,
        (("ary", R), ("zgh", P)),
        "Ouders met pubers van 12 tot 16 jaar vinden de weg naar opvoedondersteuning niet. We "
        "zoeken een sleutelpersoon die in het Darija (Tamazight is een pré) vertrouwen opbouwt, "
        "uitlegt wat het aanbod is en meegaat naar een eerste gesprek.",
        community="moroccan",
    ),
    DemoRequest(
        JEUGDTEAM, "Meegaan naar afspraken bij de huisarts en het jeugdteam", "accompanying",
        TRANSVAAL_NOORD, Mode.IN_PERSON, "10", "450.00", 10, 6, Status.OPEN,
        (("tr", R),),
        "Een Turks-Nederlandse moeder met drie kinderen heeft moeite met afspraken op "
        "verschillende plekken. Begeleiding naar ongeveer vijf afspraken, met informeel tolken "
        "waar nodig.",
        community="turkish",
    ),
    DemoRequest(
        JEUGDTEAM_2, "Outreach onder Poolse gezinnen in Transvaal", "outreach",
        TRANSVAAL_MIDDEN, Mode.IN_PERSON, "30", "1350.00", 28, 16, Status.OPEN,
        (("pl", R),),
        "Poolse gezinnen in de wijk zijn voor ons moeilijk te bereiken. We zoeken iemand die op "
        "zaterdagen bij de Poolse winkel en na de kerkdienst in gesprek gaat over opvoeden in "
        "Nederland en de weg naar het jeugdteam.",
        community="polish",
        internal_notes="Afstemmen met de wijkagent over de aanpak; geen namen doorgeven.",
    ),
    DemoRequest(
        JEUGDTEAM_2, "Cultureel advies bij zorgen over een Somalisch gezin", "cultural-advice",
        TRANSVAAL_ZUID, Mode.EITHER, "4", "220.00", 7, 4, Status.MATCHING,
        (("so", R),),
        "Het team wil beter begrijpen hoe in Somalische families over opvoeding en "
        "ouderschap wordt gedacht, voordat we een vervolgstap zetten. Een cultureel interview "
        "met het team en één adviesgesprek.",
        community="somali",
    ),
    DemoRequest(
        JEUGDTEAM, "Casuïstiekbespreking over Antilliaanse jongeren", "case-consultation",
        SCHILDERSBUURT_OOST, Mode.ONLINE, "3", "180.00", 12, 2, Status.OPEN,
        (("pap", P),),
        "Maandelijkse casuïstiekbespreking met ons team over jongeren van Antilliaanse afkomst "
        "die de hulp mijden. We zoeken een ervaringsdeskundige die meedenkt; Papiaments is een "
        "pré. Online, twee sessies van anderhalf uur.",
        community="antillean",
    ),
    DemoRequest(
        JEUGDHULP, "Themabijeenkomst over het jeugdhulpstelsel voor Syrische ouders", "training",
        LAAK_WEST, Mode.IN_PERSON, "6", "420.00", 30, 6, Status.OPEN,
        (("ar", R),),
        "Twee themabijeenkomsten in het Arabisch over hoe jeugdhulp in Nederland werkt: van "
        "consultatiebureau tot specialistische hulp, en wat ouders zelf kunnen vragen.",
        community="syrian",
    ),
    DemoRequest(
        JEUGDHULP, "Informeel tolken bij gesprekken met Afghaanse ouders", "interpreting",
        LAAK_OOST, Mode.IN_PERSON, "8", "360.00", 5, 8, Status.FILLED,
        (("prs", R), ("ps", P)),
        "Bij gesprekken tussen ouders en de ambulant hulpverlener is een informele tolk nodig die "
        "ook de culturele context kan toelichten. Dari vereist, Pasjtoe is een pré.",
        community="afghan",
    ),
    DemoRequest(
        JEUGDHULP, "Opvoedgroep voor Oekraïense moeders", "parenting-group",
        SPOORWIJK, Mode.IN_PERSON, "20", "1100.00", 21, 10, Status.OPEN,
        (("uk", R), ("ru", P)),
        "Een opvoedondersteuningsgroep van acht bijeenkomsten voor moeders die sinds de oorlog in "
        "Den Haag wonen: spanning in het gezin, school en veerkracht van kinderen.",
        community="ukrainian",
    ),
    DemoRequest(
        JEUGDHULP, "Bulgaarse gezinnen bereiken in Moerwijk", "outreach",
        MOERWIJK_NOORD, Mode.IN_PERSON, "16", "720.00", 14, 8, Status.OPEN,
        (("bg", R), ("tr", P)),
        "Veel Bulgaarse gezinnen (een deel Turkstalig) kennen de school en het jeugdteam "
        "nauwelijks. Huisbezoeken samen met onze outreachmedewerker en een inloopmiddag.",
        community="bulgarian",
    ),
    DemoRequest(
        JEUGDHULP, "Toeleiding van Roemeense jongeren naar hulp bij school", "bridging",
        MOERWIJK_ZUID, Mode.IN_PERSON, "12", "540.00", 20, 8, Status.DRAFT,
        (("ro", R),),
        "Jongeren van 14 tot 18 jaar die vaak verzuimen. We zoeken iemand die hen en hun ouders "
        "in het Roemeens uitlegt welke hulp er is en hen meeneemt naar het eerste gesprek.",
        community="romanian",
        internal_notes="Nog afstemmen met de leerplichtambtenaar voordat we publiceren.",
    ),
    DemoRequest(
        JEUGDHULP, "Uitleg over jeugdhulp voor Koerdische vaders", "explaining-system",
        MOERWIJK_OOST, Mode.IN_PERSON, "4", "200.00", 18, 3, Status.OPEN,
        (("kmr", R),),
        "Vaders zijn bij ons nauwelijks in beeld. Een avond in de moskee of het buurthuis waar "
        "iemand in het Kurmanji uitlegt wat het jeugdteam doet en beantwoordt wat vaders vragen.",
        community="kurdish",
    ),
    DemoRequest(
        JEUGDHULP, "Meedenken over Surinaams-Hindoestaanse families", "cultural-advice",
        MORGENSTOND_ZUID, Mode.ONLINE, "3", "165.00", -45, 3, Status.COMPLETED,
        (("hns", P),),
        "Een adviesgesprek met het team over familieverhoudingen en schaamte bij het vragen om "
        "hulp in Hindoestaanse families.",
        community="hindustani",
    ),
    DemoRequest(
        JEUGDHULP, "Buurtgesprekken met ouders in Dreven en Gaarden", "outreach",
        DREVEN_GAARDEN, Mode.IN_PERSON, "14", "630.00", 25, 10, Status.OPEN,
        (),
        "In Escamp willen we ouders uit verschillende gemeenschappen spreken over wat zij nodig "
        "hebben bij het opvoeden. Elke taal is welkom; ervaring met buurtwerk is belangrijk.",
    ),
    DemoRequest(
        JEUGDTEAM, "Training cultuursensitief werken voor het jeugdteam", "training",
        GROENTE_FRUITMARKT, Mode.IN_PERSON, "6", "600.00", 35, 4, Status.OPEN,
        (),
        "Een training van een dagdeel voor twaalf medewerkers door ervaringsdeskundigen uit "
        "migrantengemeenschappen: wantrouwen, schaamte en hoe je dat samen doorbreekt.",
    ),
    DemoRequest(
        JEUGDTEAM, "Begeleiding van jonge moeders in Duindorp", "accompanying",
        DUINDORP, Mode.IN_PERSON, "10", "450.00", -60, 6, Status.CANCELLED,
        (("nl", R),),
        "Meegaan met jonge moeders naar het consultatiebureau en de eerste afspraken bij het "
        "jeugdteam.",
        internal_notes="Geannuleerd: het wijkteam had dit al opgepakt.",
    ),
    DemoRequest(
        JEUGDTEAM_2, "Opvoedgroep voor Marokkaanse moeders in het Tamazight", "parenting-group",
        SCHILDERSBUURT_WEST, Mode.IN_PERSON, "16", "880.00", -40, 8, Status.IN_PROGRESS,
        (("zgh", R), ("ary", P)),
        "Een vaste groep moeders komt wekelijks samen over opvoeden tussen twee culturen. We "
        "zoeken een gespreksleider die Tamazight spreekt.",
        community="moroccan",
    ),
    DemoRequest(
        CSZ_DELFT, "Eritrese gezinnen in Poptahof wegwijs maken", "explaining-system",
        POPTAHOF_NOORD, Mode.IN_PERSON, "8", "360.00", 14, 6, Status.OPEN,
        (("ti", R), ("am", P)),
        "Nieuwkomers uit Eritrea kennen de Nederlandse jeugdzorg nauwelijks. Twee "
        "huiskamerbijeenkomsten over school, consultatiebureau en jeugdteam.",
        community="eritrean",
    ),
    DemoRequest(
        CSZ_DELFT, "Informeel tolken Arabisch in Buitenhof", "interpreting",
        BUITENHOF_NOORD, Mode.IN_PERSON, "6", "270.00", 7, 6, Status.OPEN,
        (("ar", R),),
        "Tolken en uitleg bij vier gesprekken tussen ouders en de ambulant hulpverlener.",
        community="syrian",
    ),
    DemoRequest(
        CSZ_DELFT, "Turkse ouders in Voorhof betrekken bij de wijkaanpak", "outreach",
        VOORHOF_HOOGBOUW, Mode.IN_PERSON, "12", "540.00", 21, 8, Status.OPEN,
        (("tr", R),),
        "Ouders betrekken bij een nieuwe wijkaanpak rond opvoeden en school: gesprekken bij de "
        "moskee, de markt en het buurthuis.",
        community="turkish",
    ),
    DemoRequest(
        CSZ_DELFT, "Cultureel advies over Somalische jongeren in Wippolder", "cultural-advice",
        WIPPOLDER_NOORD, Mode.ONLINE, "2", "110.00", 10, 2, Status.OPEN,
        (("so", P),),
        "Een online gesprek met het team over Somalische jongeren en de rol van familie en "
        "gemeenschap bij problemen op school.",
        community="somali",
    ),
    DemoRequest(
        JEUGDHULP, "Antilliaanse jongeren in Palenstein bereiken", "outreach",
        PALENSTEIN, Mode.IN_PERSON, "20", "900.00", 28, 12, Status.OPEN,
        (("pap", R),),
        "Jongeren van Antilliaanse afkomst in Zoetermeer haken af bij school en hulp. We zoeken "
        "een sleutelfiguur die in het Papiaments contact legt en jongeren toeleidt naar het "
        "jongerenwerk en het jeugdteam.",
        community="antillean",
    ),
    DemoRequest(
        JEUGDHULP, "Uitleg jeugdhulp aan Poolse ouders in Meerzicht", "explaining-system",
        MEERZICHT_WEST, Mode.EITHER, "4", "200.00", 15, 4, Status.OPEN,
        (("pl", R),),
        "Een informatieavond (op locatie of online) in het Pools over opvoedondersteuning en "
        "hoe ouders zelf hulp kunnen vragen.",
        community="polish",
    ),
    DemoRequest(
        JEUGDHULP, "Afghaanse gezinnen in Oosterheem: kennismaking met het jeugdteam",
        "bridging", OOSTERHEEM_NO, Mode.IN_PERSON, "10", "450.00", 30, 8, Status.MATCHING,
        (("prs", R), ("fa", P)),
        "Kennismakingsgesprekken tussen Afghaanse gezinnen en het jeugdteam, met iemand die "
        "vertrouwen heeft in de gemeenschap en Dari spreekt.",
        community="afghan",
    ),
)
# fmt: on


def _neighbourhood(code: str, name: str, municipality: str) -> Neighbourhood | None:
    found = Neighbourhood.objects.filter(code=code).first()
    if found is None:
        found = Neighbourhood.objects.filter(
            name__iexact=name, municipality__code=municipality
        ).first()
    return found


@transaction.atomic
def seed_requests() -> list[SupportRequest]:
    """Create or update the demo requests; returns them. Skips (and logs) a request whose
    organisation, coordinator or neighbourhood is missing."""
    seed_current_taxonomy()  # normally there already, from the partners data migration
    today = timezone.localdate()
    expertise = {row.code: row for row in Expertise.objects.all()}
    communities = {row.code: row for row in Community.objects.all()}
    languages = {row.code: row for row in Language.objects.all()}
    organisations = {
        o.kvk_number: o
        for o in Organisation.objects.filter(
            kvk_number__in={spec.poster[0] for spec in DEMO_REQUESTS}
        )
    }
    users = {
        u.email: u
        for u in User.objects.filter(email__in={spec.poster[1] for spec in DEMO_REQUESTS})
    }
    seeded = []
    for spec in DEMO_REQUESTS:
        validate_no_personal_data(spec.description)
        validate_no_personal_data(spec.internal_notes)
        organisation, coordinator = organisations.get(spec.poster[0]), users.get(spec.poster[1])
        neighbourhood = _neighbourhood(*spec.place)
        if organisation is None or coordinator is None or neighbourhood is None:
            logger.warning(
                "Demo request %r skipped: organisation, coordinator or place missing.", spec.title
            )
            continue
        start = today + timedelta(days=spec.starts_in)
        end = start + timedelta(weeks=spec.weeks)
        deadline = min(start - timedelta(days=spec.deadline_before_start), end)
        if spec.status in (Status.OPEN, Status.MATCHING, Status.DRAFT):
            deadline = max(deadline, today + timedelta(days=3))
        request, _created = SupportRequest.objects.update_or_create(
            title=spec.title,
            organisation=organisation,
            defaults={
                "created_by": coordinator,
                "expertise": expertise[spec.expertise],
                "community": communities.get(spec.community) if spec.community else None,
                "neighbourhood": neighbourhood,
                "postcode_area": None,
                "mode": spec.mode,
                "hours_estimated": Decimal(spec.hours),
                "period_start": start,
                "period_end": end,
                "budget_ceiling": Decimal(spec.budget),
                "response_deadline": min(deadline, end),
                "description": spec.description,
                "internal_notes": spec.internal_notes,
                "status": spec.status,
            },
        )
        request.languages.all().delete()
        RequestLanguage.objects.bulk_create(
            RequestLanguage(request=request, language=languages[code], requirement=requirement)
            for code, requirement in spec.languages
        )
        seeded.append(request)
    return seeded
