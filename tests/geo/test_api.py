import pytest

pytestmark = pytest.mark.django_db


def test_lookup_resolves_a_postcode(api_client, gazetteer):
    # given an anonymous client / when it looks up a postcode
    response = api_client.get("/api/v1/geo/lookup/", {"q": "2525 AB"})
    # then the place with its CBS codes
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "pc6"
    assert body["municipality"] == {"code": "GM0518", "name": "Den Haag"}
    assert body["district"] == {"code": "WK051829", "name": "Schilderswijk"}
    assert body["neighbourhood"]["code"].startswith("BU051829")
    assert body["pc4"] == "2525"
    assert 52.0 < body["lat"] < 52.1


@pytest.mark.parametrize(
    ("q", "reason"),
    [("9999 ZZ", "does not exist"), ("12345", "not a Dutch postcode"), ("", "Enter")],
)
def test_lookup_refuses_bad_input_as_problem_json(api_client, gazetteer, q, reason):
    response = api_client.get("/api/v1/geo/lookup/", {"q": q})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "place_not_found"
    assert reason in body["detail"]
    assert body["invalidParams"][0]["name"] == "q"


def test_lookup_refuses_an_overlong_query(api_client, gazetteer):
    response = api_client.get("/api/v1/geo/lookup/", {"q": "x" * 201})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_reverse_finds_the_neighbourhood_of_a_point(api_client, gazetteer):
    response = api_client.get("/api/v1/geo/reverse/", {"lat": 52.0116, "lon": 4.3571})
    assert response.status_code == 200
    assert response.json()["municipality"]["code"] == "GM0503"
    assert api_client.get("/api/v1/geo/reverse/", {"lat": 95, "lon": 4}).status_code == 400
    assert api_client.get("/api/v1/geo/reverse/", {"lat": 48.85, "lon": 2.35}).status_code == 400


def test_autocomplete_suggests_schilderswijk(api_client, gazetteer):
    response = api_client.get("/api/v1/geo/autocomplete/", {"q": "schild"})
    assert response.status_code == 200
    suggestions = response.json()
    assert len(suggestions) == 10
    assert suggestions[0] == {
        "label": "Schilderswijk, Den Haag",
        "kind": "district",
        "code": "WK051829",
        "name": "Schilderswijk",
        "municipality": {"code": "GM0518", "name": "Den Haag"},
        "lat": suggestions[0]["lat"],
        "lon": suggestions[0]["lon"],
    }
    limited = api_client.get("/api/v1/geo/autocomplete/", {"q": "schild", "limit": 3}).json()
    assert len(limited) == 3


def test_municipalities_are_listed_page_by_page(api_client, gazetteer):
    response = api_client.get("/api/v1/geo/municipalities/", {"current": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 342
    assert len(body["results"]) == 25
    assert body["next"]
    merged = api_client.get("/api/v1/geo/municipalities/", {"current": "false", "q": "appinge"})
    assert merged.json()["results"][0]["merged_into"] == "GM1979"
    den_haag = api_client.get("/api/v1/geo/municipalities/GM0518/").json()
    assert den_haag["name"] == "Den Haag"
    assert "'s-Gravenhage" in den_haag["aliases"]


def test_neighbourhoods_filter_by_municipality_and_district(api_client, gazetteer):
    den_haag = api_client.get("/api/v1/geo/neighbourhoods/", {"municipality": "GM0518"}).json()
    assert den_haag["count"] == 114
    schilderswijk = api_client.get(
        "/api/v1/geo/neighbourhoods/", {"district": "WK051829", "page_size": 100}
    ).json()
    assert {n["name"] for n in schilderswijk["results"]} == {
        "Schildersbuurt-West",
        "Schildersbuurt-Noord",
        "Schildersbuurt-Oost",
    }
    eemsdelta = api_client.get("/api/v1/geo/neighbourhoods/", {"municipality": "GM1979"}).json()
    assert eemsdelta["count"] > 0


def test_districts_carry_their_boundary(api_client, gazetteer):
    body = api_client.get("/api/v1/geo/districts/", {"municipality": "GM0518"}).json()
    assert body["count"] == 44
    district = api_client.get("/api/v1/geo/districts/WK051829/").json()
    assert district["boundary"]["type"] == "Polygon"
    assert district["municipality"]["code"] == "GM0518"
    assert api_client.get("/api/v1/geo/districts/WK999999/").status_code == 404
