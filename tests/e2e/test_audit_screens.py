import pytest

from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.factories import PASSWORD
from tests.payments.audit_factories import AUDIT_YEAR, build_audit_world
from tests.requests.conftest import places, taxonomy  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("places")
def test_an_auditor_sees_the_dashboard_and_the_coverage_map(live_server, browser):
    world = build_audit_world()
    # A wide screen for the dashboard picture, then a phone for the map.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mailadres").fill(world["haag_auditor"].email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/start/")

    page.get_by_role("link", name="Audit").first.click()
    page.get_by_label("Periode").select_option("year")
    page.get_by_label("Welke").fill(str(AUDIT_YEAR))
    page.get_by_role("button", name="Tonen").click()

    heading = page.get_by_role("heading", level=1).inner_text()
    assert "Den Haag" in heading
    assert "177,50" in page.locator(".stats").first.inner_text()
    assert page.locator("svg path.area").count() == 44
    screenshot(page, "audit-dashboard")

    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".coverage-map").scroll_into_view_if_needed()
    screenshot(page, "audit-dashboard-mobile")
    page.locator(".coverage-map").screenshot(path=str(ARTIFACTS / "audit-map.png"))
    assert page.locator(".area-gap, .area-thin, .area-covered").count() >= 1
    context.close()
