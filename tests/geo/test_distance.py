import pytest

from geo.distance import km_between, near
from geo.models import Municipality, Neighbourhood

DELFT_CENTRE = (52.0116, 4.3571)


@pytest.mark.django_db
def test_near_prefilters_by_box_and_sorts_by_exact_distance(gazetteer):
    # given every neighbourhood of the country
    everything = list(Neighbourhood.objects.active())
    # when asking for those within 1.5 km of Delft's Markt
    found = near(Neighbourhood.objects.active(), *DELFT_CENTRE, 1.5)
    # then exactly those a full scan finds, nearest first, with their distance
    expected = sorted(
        (km_between(DELFT_CENTRE, (n.lat, n.lon)), n.code)
        for n in everything
        if km_between(DELFT_CENTRE, (n.lat, n.lon)) <= 1.5
    )
    assert [n.code for n in found] == [code for _, code in expected]
    assert found[0].distance_km == pytest.approx(expected[0][0])
    assert all(n.code.startswith("BU0503") for n in found)


@pytest.mark.django_db
def test_queryset_near_and_bounding_box(gazetteer):
    box = Neighbourhood.objects.active().in_bounding_box(*DELFT_CENTRE, 1.0)
    assert 0 < box.count() < 40
    nearest = Neighbourhood.objects.filter(municipality__code="GM0503").near(*DELFT_CENTRE, 1.0)
    assert nearest and nearest[0].distance_km < 0.5


@pytest.mark.django_db
def test_merged_municipality_knows_its_successor(gazetteer):
    appingedam = Municipality.objects.get(code="GM0003")
    assert appingedam.current.code == "GM1979"
    assert not Municipality.objects.current().filter(code="GM0003").exists()
    assert (
        Neighbourhood.objects.in_municipality("gm1979").filter(code__startswith="BU0003").exists()
    )
    assert Municipality.objects.get(code="GM0518").current.code == "GM0518"
