from partners.models.offers import Offer, PricingUnit
from partners.models.profiles import (
    INVOICING_MODES,
    WEEKDAYS,
    CompensationMode,
    PartnerKind,
    PartnerLanguage,
    PartnerProfile,
    VatCode,
)
from partners.models.taxonomy import (
    PROFICIENCY_RANK,
    Community,
    Expertise,
    Language,
    Proficiency,
)

__all__ = [
    "INVOICING_MODES",
    "PROFICIENCY_RANK",
    "WEEKDAYS",
    "Community",
    "CompensationMode",
    "Expertise",
    "Language",
    "Offer",
    "PartnerKind",
    "PartnerLanguage",
    "PartnerProfile",
    "PricingUnit",
    "Proficiency",
    "VatCode",
]
