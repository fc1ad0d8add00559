"""Monthly allowance statements: per volunteer per care organisation, numbered, idempotent,
refused at a cap (with a notice), in the ledger, rendered as a PDF with the mandatory content."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from marketplace.errors import PermissionDenied
from marketplace.models import AuditEntry
from payments import ledger, months
from payments.allowance import AllowanceCapExceeded, allowance_usage
from payments.models import (
    AllowanceStatement,
    BilledTimeEntry,
    DocumentSpend,
    LedgerEntry,
    LedgerEventKind,
)
from payments.numbering import is_valid_payment_reference
from payments.services import statements as services
from payments.statement_tasks import render_statement_pdf_task
from payments.storage import document_storage
from payments.tasks import issue_month_end_documents_task
from tests.marketplace.engagement_factories import care_organisation
from tests.payments.statement_factories import (
    allowance_engagement,
    approved_entry,
    coordinator_of,
    received_before,
    submitted_entry,
    volunteer,
)
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy", "documents")]


def _pdf_text(statement) -> str:
    statement.refresh_from_db()
    with document_storage().open(statement.pdf.name) as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_one_statement_per_volunteer_per_organisation_per_month(django_capture_on_commit_callbacks):
    mebrat = volunteer(display_name="Mebrat")
    team = care_organisation(name="Jeugdteam Schilderswijk", street="Hoefkade 1", city="Den Haag")
    other = care_organisation(name="Andere Zorg")
    here = allowance_engagement(mebrat, team, rate="5.00")
    there = allowance_engagement(mebrat, other, rate="4.00")
    approved_entry(here, date(2026, 3, 2), 3)
    approved_entry(here, date(2026, 3, 9), 2.5)
    approved_entry(there, date(2026, 3, 4), 5)
    approved_entry(here, date(2026, 4, 1), 2)  # next month
    submitted_entry(here, date(2026, 3, 20), 4)  # not approved

    with django_capture_on_commit_callbacks(execute=True):
        run = services.statements_issue_for_month(2026, 3)

    assert len(run.issued) == 2 and run.skipped == []
    mine = AllowanceStatement.objects.get(customer=team)
    assert (mine.hours, mine.total) == (Decimal("5.50"), Decimal("27.50"))
    assert mine.number == "VV-2026-0001"
    assert mine.series == f"VV-{team.pk}-2026"
    assert is_valid_payment_reference(mine.payment_reference)
    assert mine.payment_reference[1] == "2"
    assert mine.volunteer_name == "Mebrat"
    assert mine.volunteer_address == "Hobbemastraat 12, 2526 JE Den Haag"
    assert mine.organisation_name == "Jeugdteam Schilderswijk"
    assert (mine.period_start, mine.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    # Running totals across both organisations, whichever was issued first
    totals = sorted(s.year_total_after for s in run.issued)
    assert totals[-1] == Decimal("47.50")
    assert BilledTimeEntry.objects.filter(statement=mine).count() == 2
    # The audit's summary: the statement's spend per engagement, filed under its place
    (spend,) = DocumentSpend.objects.filter(statement=mine)
    entry = BilledTimeEntry.objects.filter(statement=mine).first()
    assert (spend.engagement_id, spend.amount) == (entry.engagement_id, mine.total)
    assert spend.municipality_id == entry.time_entry.engagement.municipality_id is not None
    # Ledger: one row per statement in the chain
    rows = LedgerEntry.objects.filter(kind=LedgerEventKind.ALLOWANCE_STATEMENT_ISSUED)
    assert sorted(r.amount for r in rows) == [Decimal("20.00"), Decimal("27.50")]
    assert ledger.verify().ok
    # PDF rendered after the commit
    mine.refresh_from_db()
    assert mine.pdf and mine.pdf_rendered_at


def test_issuing_again_is_idempotent_and_late_hours_get_the_next_number():
    engagement = allowance_engagement(rate="5.00")
    approved_entry(engagement, date(2026, 3, 2), 3)
    first = services.statements_issue_for_month(2026, 3)
    again = services.statements_issue_for_month(2026, 3)
    assert len(first.issued) == 1 and again.issued == []
    assert AllowanceStatement.objects.count() == 1

    approved_entry(engagement, date(2026, 3, 30), 1)  # approved late
    late = services.statements_issue_for_month(2026, 3).issued[0]
    assert late.number == "VV-2026-0002"
    assert late.total == Decimal("5.00")
    assert late.month_total_after == Decimal("20.00")
    # Numbers run per care organisation
    elsewhere = allowance_engagement(rate="5.00")
    approved_entry(elsewhere, date(2026, 3, 2), 1)
    assert services.statements_issue_for_month(2026, 3).issued[0].number == "VV-2026-0001"


def test_a_statement_that_would_cross_the_yearly_cap_is_refused_with_a_notice():
    # Given €2,150 stated elsewhere and €60 approved without the cap check
    mebrat = volunteer(display_name="Mebrat")
    received_before(mebrat, "215.00", range(1, 11))
    engagement = allowance_engagement(mebrat, rate="5.00")
    approved_entry(engagement, date(2026, 11, 3), 12)
    ok = allowance_engagement(rate="5.00")
    approved_entry(ok, date(2026, 11, 3), 2)

    run = services.statements_issue_for_month(2026, 11)

    assert [s.supplier for s in run.issued] == [ok.partner]
    assert len(run.skipped) == 1
    assert "the yearly maximum is €2,200.00" in run.skipped[0].reason
    notice = AuditEntry.objects.get(action=services.REFUSED_ACTION)
    assert notice.organisation == engagement.organisation
    assert "€2,210.00" in notice.data["message"]
    assert not BilledTimeEntry.objects.filter(time_entry__engagement=engagement).exists()
    assert not AllowanceStatement.objects.filter(supplier=mebrat, month=11).exists()


def test_on_demand_by_a_coordinator_of_the_organisation_only():
    engagement = allowance_engagement(rate="5.00")
    approved_entry(engagement, date(2026, 5, 4), 2)
    outsider = coordinator_of(care_organisation())
    with pytest.raises(PermissionDenied):
        services.statement_issue(
            actor=outsider,
            partner=engagement.partner,
            organisation=engagement.organisation,
            year=2026,
            month=5,
        )
    with pytest.raises(PermissionDenied):
        services.statement_issue(
            actor=engagement.partner.user,
            partner=engagement.partner,
            organisation=engagement.organisation,
            year=2026,
            month=5,
        )
    coordinator = coordinator_of(engagement.organisation)
    statement = services.statement_issue(
        actor=coordinator,
        partner=engagement.partner,
        organisation=engagement.organisation,
        year=2026,
        month=5,
    )
    assert statement.issued_by == coordinator
    assert (
        services.statement_issue(
            actor=coordinator,
            partner=engagement.partner,
            organisation=engagement.organisation,
            year=2026,
            month=5,
        )
        is None
    )


def test_stated_hours_count_once_in_the_usage():
    engagement = allowance_engagement(rate="5.00")
    approved_entry(engagement, date(2026, 5, 4), 2)
    before = allowance_usage(engagement.partner, 2026, 5).year_total
    services.statements_issue_for_month(2026, 5)
    assert allowance_usage(engagement.partner, 2026, 5).year_total == before == Decimal("10.00")


def test_an_entry_billed_by_statement_cannot_be_billed_again():
    engagement = allowance_engagement(rate="5.00")
    entry = approved_entry(engagement, date(2026, 5, 4), 2)
    statement = services.statements_issue_for_month(2026, 5).issued[0]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BilledTimeEntry.of(entry, statement=statement, amount=1).save()


def test_the_pdf_holds_the_mandatory_content():
    mebrat = volunteer(display_name="Mebrat Tesfay")
    team = care_organisation(
        name="Jeugdteam Schilderswijk", street="Hoefkade 1", postcode="2526 AA", city="Den Haag"
    )
    received_before(mebrat, "100.00", [1])
    engagement = allowance_engagement(mebrat, team, rate="5.00")
    approved_entry(engagement, date(2026, 2, 3), 3)
    statement = services.statements_issue_for_month(2026, 2).issued[0]
    assert render_statement_pdf_task(statement.pk) is True
    assert render_statement_pdf_task(statement.pk) is False  # twice: nothing more

    text = _pdf_text(statement)

    for expected in [
        "Volunteer allowance statement",
        "VV-2026-0001",
        "February 2026",
        "Jeugdteam Schilderswijk",
        "Hoefkade 1, 2526 AA Den Haag",
        "Mebrat Tesfay",
        "Hobbemastraat 12",
        "3.00",
        "€15.00",
        "€115.00",  # the year so far, with January's statement
        "maximum €2,200.00",
        "maximum €220.00",
        "not subject to payroll",
        statement.payment_reference,
    ]:
        assert expected in text, expected


def test_the_month_end_task_issues_last_months_statements_twice_safely(monkeypatch):
    engagement = allowance_engagement(rate="5.00")
    approved_entry(engagement, date(2026, 11, 3), 2)
    monkeypatch.setattr(months, "previous_month", lambda today=None: (2026, 11))

    first, second = issue_month_end_documents_task(), issue_month_end_documents_task()

    assert (first["year"], first["month"], first["statements"]) == (2026, 11, 1)
    assert (second["statements"], second["statements_skipped"]) == (0, 0)


def test_previous_month():
    assert months.previous_month(date(2026, 1, 1)) == (2025, 12)
    assert months.previous_month(date(2026, 7, 31)) == (2026, 6)


def test_refused_without_a_reason_for_a_rate_above_the_hourly_cap():
    engagement = allowance_engagement(rate="7.00")
    approved_entry(engagement, date(2026, 2, 3), 1)
    with pytest.raises(AllowanceCapExceeded):
        services.statement_issue(
            actor=None,
            partner=engagement.partner,
            organisation=engagement.organisation,
            year=2026,
            month=2,
        )


def test_the_volunteer_is_told_in_their_language(django_capture_on_commit_callbacks, mailoutbox):
    mebrat = volunteer(display_name="Mebrat")
    mebrat.user.preferred_language = "en"
    mebrat.user.save()
    team = care_organisation(name="Jeugdteam Transvaal")
    approved_entry(allowance_engagement(mebrat, team), date(2026, 3, 2), 3)
    fatima = volunteer(display_name="Fatima", user__preferred_language="nl")
    approved_entry(allowance_engagement(fatima, team), date(2026, 3, 3), 1)

    with django_capture_on_commit_callbacks(execute=True):
        issued = {s.supplier: s for s in services.statements_issue_for_month(2026, 3).issued}

    mails = {mail.to[0]: mail for mail in mailoutbox}
    english, dutch = mails[mebrat.user.email], mails[fatima.user.email]
    assert issued[mebrat].number in english.subject and "Jeugdteam Transvaal" in english.subject
    assert "03-2026: 3.00 hours, €15.00" in english.body
    assert f"/statements/{issued[mebrat].pk}/" in english.body
    assert "03-2026: 1.00 uur, €5.00" in dutch.body and "Overzicht" in dutch.subject
