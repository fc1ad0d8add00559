"""Support requests over the API, tried from the outside: problem+json errors, scoping by
organisation, the partner view without internal notes, filters and a constant query count."""

from datetime import timedelta

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.models import OrganisationKind, Role, VerificationStatus
from partners.models import Community, Expertise
from requests.models import Status, SupportRequest
from tests.factories import MembershipFactory, OrganisationFactory, member
from tests.requests.factories import SupportRequestFactory, partner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("places")]

URL = "/api/v1/support-requests/"
OPEN_URL = "/api/v1/open-support-requests/"


def payload(**overrides) -> dict:
    today = timezone.localdate()
    body = {
        "title": "Uitleg jeugdhulp aan Eritrese ouders",
        "expertise": "explaining-system",
        "community": "eritrean",
        "place": "2525",
        "mode": "in_person",
        "hours_estimated": "12.00",
        "period_start": str(today + timedelta(days=14)),
        "period_end": str(today + timedelta(days=70)),
        "budget_ceiling": "540.00",
        "response_deadline": str(today + timedelta(days=7)),
        "description": "Zes moeders willen weten wat het jeugdteam doet.",
        "internal_notes": "Aanleiding: casuïstiekoverleg.",
        "languages": [{"language": "ti"}, {"language": "am", "requirement": "preferred"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def coordinator_client(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    return api_client


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    if field:
        assert field in {p["name"] for p in body["invalidParams"]}
    return body


def test_a_coordinator_posts_and_publishes_a_request(coordinator_client, care_org):
    response = coordinator_client.post(URL, payload(publish=True), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["organisation"] == {"id": care_org.pk, "name": care_org.name}
    assert body["place"]["postcode"] == "2525"
    assert body["place"]["neighbourhood"]["code"] == "BU05182915"
    assert body["place"]["municipality"] == {"code": "GM0518", "name": "Den Haag"}
    assert body["budget_ceiling"] == "540.00"
    assert [(lang["code"], lang["requirement"]) for lang in body["languages"]] == [
        ("ti", "required"),
        ("am", "preferred"),
    ]
    assert body["internal_notes"] == "Aanleiding: casuïstiekoverleg."
    assert body["allowed_actions"] == ["start_matching", "mark_filled", "cancel"]


@pytest.mark.parametrize(
    ("field", "text", "removed"),
    [
        ("description", "Moeder is bereikbaar op 06-12345678.", "06-12345678"),
        ("description", "Gezin woont op 2525 AB 12.", "2525 AB 12"),
        ("title", "Hulp voor m.jansen@example.com", "m.jansen@example.com"),
        ("internal_notes", "BSN 1234.56.782", "1234.56.782"),
    ],
)
def test_personal_data_is_a_400_naming_the_field_and_what_to_remove(
    coordinator_client, field, text, removed
):
    response = coordinator_client.post(URL, payload(**{field: text}), format="json")

    body = assert_problem(response, 400, field)
    reasons = [p["reason"] for p in body["invalidParams"] if p["name"] == field]
    assert f"Remove “{removed}”" in reasons[0]
    assert {p["code"] for p in body["invalidParams"]} == {"personal_data"}
    assert not SupportRequest.objects.exists()


def test_every_field_with_personal_data_is_reported_at_once(coordinator_client):
    response = coordinator_client.post(
        URL,
        payload(description="Bel 0612345678 of mail a@b.nl", title="Gezin geboren 1-2-2015"),
        format="json",
    )

    body = assert_problem(response, 400)
    assert [p["name"] for p in body["invalidParams"]] == ["title", "description", "description"]


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ("2525 AB", "Use only the 4 digits"),
        ("2525ab 12", "Use only the 4 digits"),
        ("Atlantis", "Atlantis"),
        ("123", "just its 4 digits"),
    ],
)
def test_an_invalid_place_is_a_field_error_on_place(coordinator_client, place, message):
    response = coordinator_client.post(URL, payload(place=place), format="json")

    body = assert_problem(response, 400, "place")
    assert message in body["invalidParams"][0]["reason"]
    assert not SupportRequest.objects.exists()


def test_all_value_rules_are_reported_together(coordinator_client):
    today = timezone.localdate()
    response = coordinator_client.post(
        URL,
        payload(
            hours_estimated="0",
            budget_ceiling="-5",
            period_start=str(today + timedelta(days=10)),
            period_end=str(today + timedelta(days=5)),
        ),
        format="json",
    )

    body = assert_problem(response, 400)
    assert {p["name"] for p in body["invalidParams"]} == {
        "hours_estimated",
        "budget_ceiling",
        "period_end",
        "response_deadline",
    }


def test_a_key_person_cannot_post(api_client):
    api_client.force_authenticate(member(Role.KEY_PERSON))

    response = api_client.post(URL, payload(), format="json")

    body = assert_problem(response, 403)
    assert "coordinators of a care organisation" in body["detail"]


def test_an_unverified_care_organisation_cannot_post(api_client):
    org = OrganisationFactory(
        kind=OrganisationKind.CARE, verification_status=VerificationStatus.PENDING
    )
    api_client.force_authenticate(MembershipFactory(organisation=org).user)

    response = api_client.post(URL, payload(), format="json")

    body = assert_problem(response, 403)
    assert body["code"] == "organisation_unverified"
    assert "not verified yet" in body["detail"]


def test_a_coordinator_of_two_organisations_chooses_one(api_client, coordinator, care_org):
    second = OrganisationFactory(kind=OrganisationKind.CARE)
    MembershipFactory(user=coordinator, organisation=second)
    api_client.force_authenticate(coordinator)

    without = api_client.post(URL, payload(), format="json")
    chosen = api_client.post(URL, payload(organisation=second.pk), format="json")

    assert_problem(without, 400, "organisation")
    assert chosen.status_code == 201 and chosen.json()["organisation"]["id"] == second.pk


def test_a_coordinator_of_a_cannot_see_or_change_bs_requests(coordinator_client, care_org):
    own = SupportRequestFactory(organisation=care_org, title="A's request")
    other = SupportRequestFactory(title="B's request", status=Status.DRAFT)
    other_url = f"{URL}{other.pk}/"

    listed = coordinator_client.get(URL).json()["results"]
    responses = [
        coordinator_client.get(other_url),
        coordinator_client.patch(other_url, {"title": "Hacked"}, format="json"),
        coordinator_client.post(f"{other_url}publish/"),
        coordinator_client.post(f"{other_url}cancel/", {"reason": "x"}, format="json"),
        coordinator_client.post(URL, payload(organisation=other.organisation.pk), format="json"),
        coordinator_client.get(f"{OPEN_URL}{other.pk}/"),
    ]

    assert [r["title"] for r in listed] == [own.title]
    assert [r.status_code for r in responses] == [404, 404, 404, 404, 403, 404]
    other.refresh_from_db()
    assert other.title == "B's request" and other.status == Status.DRAFT


def test_partial_update_and_the_transitions(coordinator_client, care_org):
    request = SupportRequestFactory(organisation=care_org, status=Status.DRAFT)
    url = f"{URL}{request.pk}/"

    patched = coordinator_client.patch(
        url, {"title": "Nieuwe titel", "place": "BU05183032"}, format="json"
    )
    published = coordinator_client.post(f"{url}publish/")
    again = coordinator_client.post(f"{url}publish/")
    SupportRequest.objects.filter(pk=request.pk).update(status=Status.FILLED)
    started = coordinator_client.post(f"{url}start/")
    completed = coordinator_client.post(f"{url}complete/")
    cancelled = coordinator_client.post(f"{url}cancel/")

    assert patched.status_code == 200
    assert patched.json()["title"] == "Nieuwe titel"
    assert patched.json()["place"]["neighbourhood"]["code"] == "BU05183032"
    assert published.json()["status"] == "open"
    body = assert_problem(again, 409)
    assert body["detail"] == "This request is open, so it cannot become open."
    assert started.json()["status"] == "in_progress"
    assert completed.json()["status"] == "completed"
    assert assert_problem(cancelled, 409)["code"] == "illegal_transition"


def test_patch_of_a_completed_request_is_a_conflict(coordinator_client, care_org):
    request = SupportRequestFactory(organisation=care_org, status=Status.COMPLETED)

    response = coordinator_client.patch(f"{URL}{request.pk}/", {"title": "x"}, format="json")

    assert assert_problem(response, 409)["code"] == "not_editable"


def test_partners_see_relevant_open_requests_without_internal_notes(api_client, places):
    user, _profile = partner(languages=["ti"], neighbourhoods=[places.schilders_west])
    relevant = SupportRequestFactory(
        title="voor jou", languages=["ti"], internal_notes="GEHEIM-INTERN"
    )
    SupportRequestFactory(title="andere taal", languages=["pl"])
    SupportRequestFactory(title="concept", languages=["ti"], status=Status.DRAFT)
    api_client.force_authenticate(user)

    listed = api_client.get(OPEN_URL)
    detail = api_client.get(f"{OPEN_URL}{relevant.pk}/")
    owner_view = api_client.get(f"{URL}{relevant.pk}/")

    assert [r["title"] for r in listed.json()["results"]] == ["voor jou"]
    assert "GEHEIM-INTERN" not in listed.content.decode()
    assert "GEHEIM-INTERN" not in detail.content.decode()
    assert "internal_notes" not in detail.json() and "created_by" not in detail.json()
    assert relevant.created_by.full_name not in detail.content.decode()
    assert owner_view.status_code == 404


def test_filters(coordinator_client, care_org, places):
    soon = timezone.localdate() + timedelta(days=5)
    SupportRequestFactory(organisation=care_org, title="ti schilders", languages=["ti"])
    SupportRequestFactory(
        organisation=care_org,
        title="pl delft",
        languages=["pl"],
        neighbourhood=places.delft_centrum,
        mode="online",
        expertise=Expertise.objects.get(code="outreach"),
    )
    SupportRequestFactory(
        organisation=care_org,
        title="draft",
        status=Status.DRAFT,
        period_start=soon + timedelta(days=200),
        period_end=soon + timedelta(days=230),
        response_deadline=soon + timedelta(days=190),
    )

    def titles(query: str) -> set[str]:
        response = coordinator_client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {r["title"] for r in response.json()["results"]}

    assert titles("status=draft") == {"draft"}
    assert titles("status=open&status=draft") == {"ti schilders", "pl delft", "draft"}
    assert titles("language=ti") == {"ti schilders"}
    assert titles("municipality=GM0503") == {"pl delft"}
    assert titles("neighbourhood=bu05182915") == {"ti schilders", "draft"}
    assert titles("mode=online") == {"pl delft"}
    assert titles("expertise=outreach") == {"pl delft"}
    assert titles(f"period_from={soon + timedelta(days=100)}") == {"draft"}
    assert titles(f"period_to={soon + timedelta(days=100)}") == {"ti schilders", "pl delft"}
    ordered = coordinator_client.get(f"{URL}?ordering=-response_deadline").json()["results"]
    assert ordered[0]["title"] == "draft"
    assert_problem(coordinator_client.get(f"{URL}?status=bogus"), 400, "status")


def _count_list_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


def test_list_runs_a_constant_number_of_queries_whatever_the_page_size(
    coordinator_client, care_org
):
    SupportRequestFactory.create_batch(2, organisation=care_org, languages=["ti", "ar"])
    few, rows_few = _count_list_queries(coordinator_client, URL)
    SupportRequestFactory.create_batch(
        18,
        organisation=care_org,
        languages=["ti", ("pap", "preferred")],
        community=Community.objects.get(code="eritrean"),
    )
    many, rows_many = _count_list_queries(coordinator_client, f"{URL}?page_size=20")

    assert (rows_few, rows_many) == (2, 20)
    assert few == many


def test_partner_list_runs_a_constant_number_of_queries(api_client, places):
    user, _ = partner(languages=["ti"], neighbourhoods=[places.schilders_west])
    api_client.force_authenticate(user)
    SupportRequestFactory.create_batch(2, languages=["ti"])
    few, rows_few = _count_list_queries(api_client, OPEN_URL)
    SupportRequestFactory.create_batch(18, languages=["ti", "ar"])
    many, rows_many = _count_list_queries(api_client, f"{OPEN_URL}?page_size=20")

    assert (rows_few, rows_many) == (2, 20)
    assert few == many


def test_the_schema_lists_the_endpoints_with_their_filters(client):
    spec = yaml.safe_load(client.get("/api/schema/").content)

    listing = spec["paths"]["/api/v1/support-requests/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {
        "status",
        "language",
        "municipality",
        "neighbourhood",
        "expertise",
        "mode",
        "period_from",
        "period_to",
        "ordering",
        "page",
        "page_size",
    } <= names
    for action in ("publish", "cancel", "start", "complete"):
        assert f"/api/v1/support-requests/{{id}}/{action}/" in spec["paths"]
    assert "/api/v1/open-support-requests/" in spec["paths"]
    partner_schema = spec["components"]["schemas"]["SupportRequestPartner"]["properties"]
    assert "internal_notes" not in partner_schema and "created_by" not in partner_schema
