import pytest

from marketplace import demo
from payments.demo_allowance import issue_last_month_statements
from payments.models import AllowanceStatement
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy", "documents")]


def test_demo_statements_are_issued_once():
    from geo.loader import ensure_gazetteer
    from partners.demo import seed_partners

    ensure_gazetteer()
    demo.seed()
    seed_partners()

    assert issue_last_month_statements() == 2
    assert issue_last_month_statements() == 0
    assert AllowanceStatement.objects.count() == 2
