"""On a phone: a key person logs hours on their engagement, the care coordinator approves them.
Selectors use form field names and ids, so the test holds in Dutch and English."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace import demo
from marketplace.demo_hours import seed_hours
from marketplace.models import Engagement, TimeEntry, TimeEntryStatus
from partners.demo import seed_partners
from partners.taxonomy_data import seed_current_taxonomy
from tests.e2e.conftest import screenshot
from tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARTNER = "amina.belkacem@sleutelpersoon.test"


@pytest.fixture
def hours_world():
    seed_current_taxonomy()
    for code, name in demo.MUNICIPALITIES:
        MunicipalityFactory(code=code, name=name)
    demo.seed()
    seed_partners()
    seed_hours()
    return Engagement.objects.get(partner__user__email=PARTNER)


def log_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/start/")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_partner_logs_hours_on_a_phone_and_the_coordinator_approves_them(
    live_server, page, browser, hours_world
):
    engagement = hours_world
    log_in(page, live_server.url, PARTNER)
    page.locator('a[href="/hours/"]').first.click()
    page.locator(f'main a[href="/hours/engagements/{engagement.pk}/"]').first.click()

    form = page.locator("section.hours-log form")
    form.locator("input[name=work_date]").fill(timezone.localdate().isoformat())
    form.locator("input[name=hours]").fill("1.5")
    form.locator("textarea[name=note]").fill("Samen naar het wijkteam geweest.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    entry = TimeEntry.objects.get(note="Samen naar het wijkteam geweest.")
    assert (entry.hours, entry.status) == (Decimal("1.50"), TimeEntryStatus.SUBMITTED)
    assert page.locator(".hours-entries .status-submitted").first.is_visible()
    assert fits_the_phone(page)
    screenshot(page, "hours-partner-logged-mobile")

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    coordinator = context.new_page()
    coordinator.set_default_timeout(15_000)
    try:
        log_in(coordinator, live_server.url, demo.DEMO_COORDINATOR)
        coordinator.goto(live_server.url + "/hours/approve/")
        coordinator.locator(f"#entry-{entry.pk}").check()
        coordinator.locator("main form button[type=submit]").last.click()
        coordinator.wait_for_load_state()
        assert fits_the_phone(coordinator)
        screenshot(coordinator, "hours-coordinator-approved-mobile")
    finally:
        context.close()

    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.APPROVED
    assert entry.decided_by.email == demo.DEMO_COORDINATOR
