"""The invoice pages from the outside: who sees which invoices, the PDF download, the credit-note
form and "issue invoices now". Another organisation, another partner and the auditor of another
municipality get 404."""

import pytest
from django.urls import reverse

from marketplace.models import Role
from payments.models import Invoice
from payments.services import invoices as services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.payments.factories import (
    approved,
    care_org,
    delft,
    den_haag,
    freelancer,
    last_month,
    shop,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    s = shop()
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()
    invoice = services.invoices_issue_for_month(year, month, queue_pdfs=False).issued[0]
    return s, invoice


def auditor(municipality):
    organisation = OrganisationFactory(kind="municipality", municipality=municipality)
    return MembershipFactory(organisation=organisation, role=Role.AUDITOR).user


def _login(client, user):
    client.force_login(user)
    return client


def test_supplier_customer_auditor_and_staff_see_the_invoice_and_its_pdf(client, issued):
    s, invoice = issued
    staff = UserFactory(is_staff=True)
    for user in (s.supplier.user, s.coordinator, s.admin, auditor(den_haag()), staff):
        _login(client, user)
        listing = client.get(reverse("invoices:list"))
        assert invoice.number in listing.content.decode(), user
        detail = client.get(reverse("invoices:detail", args=[invoice.pk]))
        assert detail.status_code == 200 and "€ 80.00" in detail.content.decode()
        pdf = client.get(reverse("invoices:pdf", args=[invoice.pk]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_others_cannot_list_open_or_download(client, issued):
    _, invoice = issued
    other_care = MembershipFactory(organisation=care_org("Andere Zorg")).user
    other_partner = freelancer("Selam", user=UserFactory(email="selam@example.org")).user
    other_auditor = auditor(delft())
    for user in (other_care, other_partner, other_auditor):
        _login(client, user)
        assert invoice.number not in client.get(reverse("invoices:list")).content.decode()
        for name in ("invoices:detail", "invoices:pdf", "invoices:credit"):
            assert client.get(reverse(name, args=[invoice.pk])).status_code == 404, (user, name)
    client.logout()
    assert client.get(reverse("invoices:pdf", args=[invoice.pk])).status_code == 302


def test_list_filters_by_period_and_status(client, issued):
    s, invoice = issued
    _login(client, s.coordinator)

    shown = client.get(reverse("invoices:list"), {"period": f"{invoice.period_start:%Y-%m}"})
    hidden = client.get(reverse("invoices:list"), {"status": "paid"})
    wrong = client.get(reverse("invoices:list"), {"period": "March"})

    assert invoice.number in shown.content.decode()
    assert invoice.number not in hidden.content.decode()
    assert "YYYY-MM" in wrong.content.decode()


def test_customer_admin_credits_with_a_reason_and_the_coordinator_cannot(client, issued):
    s, invoice = issued
    _login(client, s.coordinator)
    assert client.get(reverse("invoices:credit", args=[invoice.pk])).status_code == 404

    _login(client, s.admin)
    page = client.get(reverse("invoices:detail", args=[invoice.pk]))
    assert "Issue credit note" in page.content.decode()
    empty = client.post(reverse("invoices:credit", args=[invoice.pk]), {"reason": ""})
    assert empty.status_code == 400
    done = client.post(reverse("invoices:credit", args=[invoice.pk]), {"reason": "Wrong rate"})

    credit = Invoice.objects.get(credit_note_of=invoice)
    assert done.status_code == 302 and done["Location"] == reverse(
        "invoices:detail", args=[credit.pk]
    )
    again = client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert credit.number in again and "Issue credit note" not in again


def test_issue_now_for_a_month(client):
    s = shop()
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()
    _login(client, s.coordinator)

    form = client.get(reverse("invoices:issue"))
    response = client.post(
        reverse("invoices:issue"), {"customer": s.customer.pk, "period": f"{year}-{month:02d}"}
    )

    assert form.status_code == 200
    assert response.status_code == 302
    assert Invoice.objects.filter(customer=s.customer).count() == 1
    again = client.post(
        reverse("invoices:issue"),
        {"customer": s.customer.pk, "period": f"{year}-{month:02d}"},
        follow=True,
    )
    assert "no approved hours left" in again.content.decode()
    other = care_org("Andere Zorg")
    refused = client.post(
        reverse("invoices:issue"), {"customer": other.pk, "period": f"{year}-{month:02d}"}
    )
    assert refused.status_code == 400
    _login(client, s.supplier.user)
    assert client.get(reverse("invoices:issue")).status_code == 404


def test_navigation_shows_invoices_to_the_people_who_have_them(client, issued):
    s, _ = issued
    _login(client, s.coordinator)
    assert reverse("invoices:list") in client.get(reverse("start")).content.decode()


def test_ib47_download_for_customer_admins_only(client, issued):
    s, invoice = issued
    _login(client, s.coordinator)
    assert client.get(reverse("invoices:ib47")).status_code == 404
    _login(client, s.admin)
    assert client.get(reverse("invoices:ib47")).status_code == 200
    response = client.get(
        reverse("invoices:ib47"),
        {"organisation": s.customer.pk, "year": invoice.period_start.year},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "BSN" in response.content.decode()
    other = care_org("Andere Zorg")
    refused = client.get(reverse("invoices:ib47"), {"organisation": other.pk, "year": 2026})
    assert refused.status_code == 400
