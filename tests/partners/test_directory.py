"""The public directory: exactly the right partners, never private data."""

import pytest
from django.urls import reverse

from marketplace.models import Role
from tests.factories import DistrictFactory, MunicipalityFactory, NeighbourhoodFactory, member
from tests.partners.factories import KeyPersonProfileFactory, MzoProfileFactory, taxonomy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two municipalities; partners with known languages, work and places."""
    taxonomy()
    den_haag = MunicipalityFactory(code="GM0518", name="Den Haag", lat=52.07, lon=4.30)
    delft = MunicipalityFactory(code="GM0503", name="Delft", lat=52.01, lon=4.36)
    schilders = NeighbourhoodFactory(
        code="BU05182901",
        name="Schildersbuurt-West",
        lat=52.0705,
        lon=4.2985,
        district=DistrictFactory(code="WK051829", municipality=den_haag),
    )
    transvaal = NeighbourhoodFactory(
        code="BU05183001",
        name="Transvaalkwartier-Noord",
        lat=52.0640,
        lon=4.2925,
        district=DistrictFactory(code="WK051830", municipality=den_haag),
    )
    delft_centrum = NeighbourhoodFactory(
        code="BU05031104",
        name="Centrum",
        lat=52.0116,
        lon=4.3571,
        district=DistrictFactory(code="WK050311", municipality=delft),
    )
    partners = {
        "mebrat": KeyPersonProfileFactory(
            display_name="Mebrat Haile",
            bio="Eritrese moeders in de Schilderswijk",
            languages=[("ti", "native"), ("nl", "basic")],
            expertise=["bridging"],
            communities=["eritrean"],
            neighbourhoods=[schilders],
            hourly_rate="5.75",
            iban="NL91ABNA0417164300",
        ),
        "hatice": KeyPersonProfileFactory(
            display_name="Hatice Aydin",
            bio="Opvoedgroepen",
            online=True,
            languages=[("tr", "native")],
            expertise=["parenting-group"],
            communities=["turkish"],
            neighbourhoods=[transvaal],
            hourly_rate="47.50",
        ),
        "selam": KeyPersonProfileFactory(
            display_name="Selam Tsegay",
            bio="Uitleg jeugdhulp",
            languages=[("ti", "fluent")],
            expertise=["explaining-system"],
            communities=["eritrean"],
            neighbourhoods=[delft_centrum],
        ),
        "mzo": MzoProfileFactory(
            display_name="Stichting Eritrese Ouders",
            languages=[("ti", "native")],
            expertise=["bridging", "training"],
            neighbourhoods=[schilders, transvaal],
        ),
        "hidden": KeyPersonProfileFactory(
            display_name="Unpublished Tigrinya", languages=[("ti", "native")], is_published=False
        ),
        "unverified": KeyPersonProfileFactory(
            display_name="Unverified Tigrinya",
            languages=[("ti", "native")],
            verification_status="pending",
        ),
    }
    return partners


def _names(api_client, query: str = "") -> set[str]:
    response = api_client.get(f"/api/v1/partners/?{query}")
    assert response.status_code == 200, response.content
    return {p["display_name"] for p in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Mebrat Haile", "Hatice Aydin", "Selam Tsegay", "Stichting Eritrese Ouders"}),
        ("language=ti", {"Mebrat Haile", "Selam Tsegay", "Stichting Eritrese Ouders"}),
        ("language=tr", {"Hatice Aydin"}),
        ("expertise=bridging", {"Mebrat Haile", "Stichting Eritrese Ouders"}),
        ("community=eritrean", {"Mebrat Haile", "Selam Tsegay"}),
        ("municipality=GM0503", {"Selam Tsegay"}),
        ("municipality=GM0518", {"Mebrat Haile", "Hatice Aydin", "Stichting Eritrese Ouders"}),
        ("neighbourhood=BU05183001", {"Hatice Aydin", "Stichting Eritrese Ouders"}),
        ("language=ti&municipality=GM0518", {"Mebrat Haile", "Stichting Eritrese Ouders"}),
        ("mode=online", {"Hatice Aydin"}),
        ("q=opvoedgroepen", {"Hatice Aydin"}),
        ("q=mebrat", {"Mebrat Haile"}),
    ],
)
def test_directory_filters_return_exactly_the_expected_partners(api_client, world, query, expected):
    assert _names(api_client, query) == expected


def test_unknown_filter_values_are_clear_errors(api_client, world):
    response = api_client.get("/api/v1/partners/?language=klingon")

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "language"


def test_public_never_sees_private_data_or_individual_rates(api_client, world):
    rows = {p["display_name"]: p for p in api_client.get("/api/v1/partners/").json()["results"]}

    assert rows["Mebrat Haile"]["hourly_rate"] is None
    assert rows["Stichting Eritrese Ouders"]["hourly_rate"] == "45.00"
    for row in rows.values():
        assert not {"iban", "date_of_birth", "kvk_number", "street"} & set(row)


def test_care_coordinators_see_rates(api_client, world):
    api_client.force_authenticate(member(Role.COORDINATOR))

    rows = {p["display_name"]: p for p in api_client.get("/api/v1/partners/").json()["results"]}

    assert rows["Mebrat Haile"]["hourly_rate"] == "5.75"


def test_unpublished_profiles_are_seen_only_by_who_manages_them(api_client, world):
    hidden = world["hidden"]
    stranger = member(Role.COORDINATOR)

    assert api_client.get(f"/api/v1/partners/{hidden.pk}/").status_code == 404
    api_client.force_authenticate(stranger)
    assert api_client.get(f"/api/v1/partners/{hidden.pk}/").status_code == 404
    api_client.force_authenticate(hidden.user)
    own = api_client.get(f"/api/v1/partners/{hidden.pk}/")
    assert own.status_code == 200 and "iban" in own.json()


def test_another_partner_cannot_change_a_profile(api_client, world):
    api_client.force_authenticate(world["hatice"].user)

    response = api_client.patch(
        f"/api/v1/partners/{world['mebrat'].pk}/", {"display_name": "Hijacked"}, format="json"
    )

    assert response.status_code == 403
    world["mebrat"].refresh_from_db()
    assert world["mebrat"].display_name == "Mebrat Haile"


def test_directory_list_runs_a_constant_number_of_queries(
    api_client, world, django_assert_max_num_queries
):
    for _ in range(15):
        KeyPersonProfileFactory(languages=[("ar", "fluent")], expertise=["outreach"])
    with django_assert_max_num_queries(12):
        response = api_client.get("/api/v1/partners/?page_size=50")
    assert response.json()["count"] == 19


def test_directory_page_shows_filters_results_and_hides_rates(client, world):
    response = client.get(reverse("partners:directory"), {"language": "ti"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Mebrat Haile" in html and "Hatice Aydin" not in html
    detail = client.get(reverse("partners:detail", args=[world["mebrat"].pk])).content.decode()
    assert "5.75" not in detail and "NL91" not in detail


def test_directory_page_reports_a_bad_postcode_on_the_field(client, world):
    response = client.get(reverse("partners:directory"), {"near": "9999 ZZ", "km": "5"})

    assert response.status_code == 200
    assert response.context["filters"].form.errors["near"]
