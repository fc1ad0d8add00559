from marketplace.models.audit import AuditEntry
from marketplace.models.engagements import (
    Engagement,
    EngagementStatus,
    Invitation,
    InvitationStatus,
    Proposal,
)
from marketplace.models.organisations import (
    Membership,
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    Role,
    VerificationStatus,
)
from marketplace.models.time_entries import TimeEntry, TimeEntryStatus
from marketplace.models.users import User

__all__ = [
    "AuditEntry",
    "Engagement",
    "EngagementStatus",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationKind",
    "Proposal",
    "Role",
    "TimeEntry",
    "TimeEntryStatus",
    "User",
    "VerificationStatus",
]
