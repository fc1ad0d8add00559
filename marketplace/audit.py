"""Audit trail: every service records who changed what (table + the `brugwerk.audit` logger)."""

import logging

from marketplace.models import AuditEntry

logger = logging.getLogger("brugwerk.audit")


def record(*, actor, action: str, obj, organisation=None, **data) -> AuditEntry:
    entry = AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        data=data,
    )
    # No personal data in the log line: ids only.
    logger.info(
        "%s %s#%s by user#%s", action, entry.object_type, entry.object_id, entry.actor_id or "-"
    )
    return entry
