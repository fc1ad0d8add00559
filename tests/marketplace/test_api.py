import pytest
import yaml
from openapi_spec_validator import validate

from marketplace.models import User
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def test_schema_validates_as_openapi_3(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_docs_page_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()


def test_bad_input_gives_problem_json_with_field_errors_and_creates_nothing(api_client):
    response = api_client.post(
        "/api/v1/organisations/",
        {
            "name": "X",
            "kind": "mzo",
            "kvk_number": "123",
            "admin_full_name": "Y",
            "admin_email": "not-an-email",
            "password": "p",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    fields = {p["name"] for p in body["invalidParams"]}
    assert {"kvk_number", "admin_email"} <= fields
    assert not User.objects.filter(full_name="Y").exists()


def test_duplicate_email_through_the_api_is_a_409_naming_the_field(api_client):
    UserFactory(email="taken@example.org")

    response = api_client.post(
        "/api/v1/organisations/",
        {
            "name": "X",
            "kind": "care",
            "kvk_number": "11223344",
            "admin_full_name": "Y",
            "admin_email": "taken@example.org",
            "password": "a-long-and-unusual-passphrase",
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["invalidParams"][0]["name"] == "admin_email"


def test_token_auth_works_with_email_and_password(api_client):
    user = member()

    token = api_client.post(
        "/api/v1/auth/token/", {"username": user.email.upper(), "password": PASSWORD}
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()

    assert me["email"] == user.email
    assert me["memberships"][0]["role"] == "coordinator"


def test_lists_are_paginated_with_a_bounded_page_size(api_client):
    api_client.force_authenticate(UserFactory(is_staff=True))

    body = api_client.get("/api/v1/organisations/?page_size=1000").json()

    assert set(body) >= {"count", "next", "previous", "results"}


def test_unauthenticated_api_errors_are_problem_json(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


def test_kvk_numbers_typed_with_spaces_are_accepted_on_update_too(api_client):
    from marketplace.models import Role
    from tests.factories import MembershipFactory

    admin = MembershipFactory(role=Role.ADMIN).user
    organisation = admin.memberships.get().organisation
    api_client.force_authenticate(admin)

    response = api_client.patch(
        f"/api/v1/organisations/{organisation.pk}/", {"kvk_number": "8765 4321"}, format="json"
    )
    bad = api_client.patch(
        f"/api/v1/organisations/{organisation.pk}/", {"kvk_number": "8765"}, format="json"
    )

    assert response.json()["kvk_number"] == "87654321"
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "kvk_number"
