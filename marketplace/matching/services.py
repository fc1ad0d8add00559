"""Proposing partners for a support request: rank with the engine, store every proposal."""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict
from marketplace.matching import engine
from marketplace.matching.selectors import candidates_for, need_for, outlines_for
from marketplace.models import Proposal, Role, User
from marketplace.permissions import ensure_can_transact, ensure_role
from requests.models import Status, SupportRequest

PROPOSABLE = (Status.OPEN, Status.MATCHING)


def rank_for(request: SupportRequest, *, limit: int = 10) -> list[engine.Proposal]:
    """The engine's ranking for a request, without storing anything (also used by the bench)."""
    need = need_for(request)
    return engine.rank_in_stages(
        need,
        outlines_for(request, need),
        lambda ids: candidates_for(request, need, ids),
        weights=settings.MATCHING_WEIGHTS,
        limit=limit,
    )


@transaction.atomic
def proposals_create(*, actor: User, request: SupportRequest, limit: int = 10) -> list[Proposal]:
    """Run matching for an open request and store the ranked, explained proposals as one run.
    Running it again (re-matching) makes a new run; partners who declined are left out."""
    request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "expertise", "community", "neighbourhood__district")
        .get(pk=request.pk)
    )
    ensure_role(actor, request.organisation, Role.COORDINATOR, Role.ADMIN)
    ensure_can_transact(request.organisation)
    if request.status not in PROPOSABLE:
        raise Conflict(
            _("Partners can only be proposed for an open request."), code="request_not_open"
        )
    run = uuid.uuid4()
    ranked = rank_for(request, limit=limit)
    proposals = Proposal.objects.bulk_create(
        Proposal(
            request=request,
            partner_id=p.partner_id,
            run=run,
            rank=p.rank,
            score=p.score,
            components=p.components,
            reasons=p.reasons,
            explanation=p.explanation,
        )
        for p in ranked
    )
    audit.record(
        actor=actor,
        action="request.proposed",
        obj=request,
        organisation=request.organisation,
        run=str(run),
        count=len(proposals),
        partners=[p.partner_id for p in ranked],
    )
    return proposals
