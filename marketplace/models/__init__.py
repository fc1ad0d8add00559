from marketplace.models.audit import AuditEntry
from marketplace.models.organisations import (
    Membership,
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    Role,
    VerificationStatus,
)
from marketplace.models.users import User

__all__ = [
    "AuditEntry",
    "Membership",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationKind",
    "Role",
    "User",
    "VerificationStatus",
]
