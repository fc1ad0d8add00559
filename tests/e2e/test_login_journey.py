import pytest

from marketplace import demo
from tests.e2e.conftest import screenshot
from tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world():
    for code, name in demo.MUNICIPALITIES:
        MunicipalityFactory(code=code, name=name)
    demo.seed()


def test_demo_coordinator_logs_in_and_sees_their_start_page(live_server, page, demo_world):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Inloggen").first.click()

    page.get_by_label("E-mailadres").fill(demo.DEMO_COORDINATOR)
    page.get_by_label("Wachtwoord").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.wait_for_url("**/start/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hallo Femke"
    assert page.get_by_role("heading", name="Jeugdteam Den Haag Centrum").is_visible()
    assert "Zorgcoördinator" in page.locator("main").inner_text()
    screenshot(page, "coordinator-start-mobile")


def test_the_language_switch_shows_the_site_in_english(live_server, page, demo_world):
    page.goto(live_server.url + "/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()

    page.wait_for_load_state()
    assert page.get_by_role("link", name="Log in").first.is_visible()
    assert page.locator("html").get_attribute("lang") == "en"


def test_wrong_password_shows_a_clear_error_and_keeps_the_email(live_server, page, demo_world):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mailadres").fill(demo.DEMO_COORDINATOR)
    page.get_by_label("Wachtwoord").fill("wrong-password")
    page.get_by_role("button", name="Inloggen").click()

    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("E-mailadres").input_value() == demo.DEMO_COORDINATOR
