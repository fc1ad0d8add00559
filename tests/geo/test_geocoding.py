"""Resolving what people type: the cases of the issue, and the errors that replace guesses."""

import pytest
from geopy.distance import geodesic
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.errors import PlaceNotFound, Reason
from geo.geocoders import GazetteerGeocoder, get_geocoder
from geo.selectors import resolve_place, reverse_place, suggest_places

DELFT_CENTRE = (52.0116, 4.3571)  # Markt


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "kind"), [("2525", "pc4"), ("2525 AB", "pc6"), ("2525ab", "pc6")])
def test_postcodes_resolve_to_den_haag_in_schilderswijk(gazetteer, text, kind):
    # when a PC4 or a full postcode is resolved
    place = resolve_place(text)
    # then Den Haag, a neighbourhood in district Schilderswijk, and a point
    assert place.kind == kind
    assert (place.municipality.code, place.municipality.name) == ("GM0518", "Den Haag")
    assert (place.district.code, place.district.name) == ("WK051829", "Schilderswijk")
    assert place.neighbourhood.code.startswith("BU051829")
    assert place.pc4 == "2525"
    assert geodesic(place.point, (52.066, 4.303)).km < 1.5
    # and the full postcode is not kept
    assert "AB" not in place.label


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Schilderswijk",
        "schilderswijk",
        "SCHILDERSWIJK",
        "Den Haag Schilderswijk",
        "Schilderswijk, Den Haag",
        "Schilderswijk ('s-Gravenhage)",
        "s-Gravenhage Schilderswijk",
        "Schildersbuurt",
        "WK051829",
    ],
)
def test_schilderswijk_resolves_however_it_is_written(gazetteer, text):
    place = resolve_place(text)
    assert place.kind == "district"
    assert place.label == "Schilderswijk, Den Haag"
    assert place.district.code == "WK051829"
    # a district resolves to the neighbourhood at its heart
    assert place.neighbourhood.code.startswith("BU051829")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Den Haag",
        "den haag",
        "'s-Gravenhage",
        "s-Gravenhage",
        "'s Gravenhage",
        "The Hague",
        "gemeente Den Haag",
        "GM0518",
    ],
)
def test_den_haag_by_every_common_name(gazetteer, text):
    place = resolve_place(text)
    assert (place.kind, place.municipality.code, place.label) == (
        "municipality",
        "GM0518",
        "Den Haag",
    )
    assert place.neighbourhood is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Delft", "GM0503"),
        ("Zoetermeer", "GM0637"),
        ("Rijswijk", "GM0603"),
        ("Westland", "GM1783"),
        ("Leidschendam-Voorburg", "GM1916"),
        ("leidschendam voorburg", "GM1916"),
        ("Pijnacker-Nootdorp", "GM1926"),
        ("Midden-Delfland", "GM1842"),
        ("Wassenaar", "GM0629"),
        ("Súdwest-Fryslân", "GM1900"),
        ("Sudwest Fryslan", "GM1900"),
        ("Den Bosch", "GM0796"),
    ],
)
def test_municipalities_by_name(gazetteer, text, expected):
    assert resolve_place(text).municipality.code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Transvaalkwartier", "Transvaalkwartier, Den Haag"),
        ("Scheveningen", "Scheveningen, Den Haag"),
        ("Ypenburg", "Ypenburg, Den Haag"),
        ("Naaldwijk", "Naaldwijk, Westland"),
        ("Centrum, Delft", "Centrum, Delft"),
        ("Voorburg", "Voorburg, Leidschendam-Voorburg"),
        ("Schildersbuurt-West", "Schildersbuurt-West, Den Haag"),
        ("BU05182915", "Schildersbuurt-West, Den Haag"),
    ],
)
def test_haaglanden_places_by_name(gazetteer, text, label):
    place = resolve_place(text)
    assert place.label == label
    assert place.neighbourhood is not None


@pytest.mark.django_db
def test_a_merged_municipality_resolves_to_todays(gazetteer):
    # given Appingedam, merged into Eemsdelta since the 2014 division
    place = resolve_place("9901")
    assert place.municipality.name == "Eemsdelta"
    assert place.neighbourhood.code.startswith("BU0003")
    assert resolve_place("Appingedam").label == "Appingedam, Eemsdelta"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9999 ZZ", Reason.UNKNOWN_POSTCODE),
        ("1000", Reason.UNKNOWN_POSTCODE),
        ("12345", Reason.MALFORMED_POSTCODE),
        ("0123 AB", Reason.MALFORMED_POSTCODE),
        ("2525 SS", Reason.MALFORMED_POSTCODE),
        ("2525 A", Reason.MALFORMED_POSTCODE),
        ("2525 AB 12", Reason.MALFORMED_POSTCODE),
        ("25", Reason.MALFORMED_POSTCODE),
        ("", Reason.EMPTY),
        ("   ", Reason.EMPTY),
        ("Atlantis", Reason.UNKNOWN_NAME),
        ("x" * 500, Reason.UNKNOWN_NAME),
        ("Centrum", Reason.AMBIGUOUS),
        ("Bergen", Reason.AMBIGUOUS),
        ("2611 Den Haag", Reason.POSTCODE_MISMATCH),
        ("GM9999", Reason.UNKNOWN_CODE),
    ],
)
def test_bad_input_gets_a_clear_error_not_a_guess(gazetteer, text, reason):
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place(text)
    assert caught.value.reason == reason
    assert caught.value.code == "place_not_found"
    assert caught.value.message


@pytest.mark.django_db
def test_error_messages_say_what_was_wrong(gazetteer):
    def message(text):
        with pytest.raises(PlaceNotFound) as caught:
            resolve_place(text)
        return caught.value.message

    assert "not a Dutch postcode" in message("12345")
    assert "9999 does not exist" in message("9999 ZZ")
    assert "Atlantis" in message("Atlantis")
    ambiguous = message("Centrum")
    assert "Centrum, Den Haag" in ambiguous and "add the municipality" in ambiguous


@pytest.mark.django_db
def test_nearest_neighbourhood_of_delft_centre_is_in_delft(gazetteer):
    place = reverse_place(*DELFT_CENTRE)
    assert place.municipality.code == "GM0503"
    assert place.neighbourhood.code.startswith("BU0503")
    assert place.distance_km < 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lat", "lon", "reason"),
    [
        (48.8566, 2.3522, Reason.OUT_OF_RANGE),
        (52.3, 3.0, Reason.OUT_OF_RANGE),
        (float("nan"), 4.0, Reason.INVALID_POINT),
    ],
)
def test_points_outside_the_netherlands_are_not_guessed(gazetteer, lat, lon, reason):
    with pytest.raises(PlaceNotFound) as caught:
        reverse_place(lat, lon)
    assert caught.value.reason == reason


@pytest.mark.django_db
def test_gazetteer_geocoder_speaks_geopy(gazetteer):
    geocoder = get_geocoder()
    assert isinstance(geocoder, GazetteerGeocoder)
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("2525 AB")
    assert isinstance(location, Location)
    assert location.raw["municipality_code"] == "GM0518"
    assert location.raw["district_code"] == "WK051829"
    assert location.raw["neighbourhood_code"].startswith("BU051829")
    assert location.raw["pc4"] == "2525"
    assert location.raw["kind"] == "pc6"
    # every namesake with exactly_one=False, Haaglanden's first
    centres = geocoder.geocode("Centrum", exactly_one=False)
    assert len(centres) > 20
    assert centres[0].raw["municipality_code"] in {"GM0518", "GM0503", "GM0637"}
    # reverse takes geopy's point forms
    assert geocoder.reverse("52.0116, 4.3571").raw["municipality_code"] == "GM0503"
    nearest = geocoder.reverse(DELFT_CENTRE, exactly_one=False)
    assert len(nearest) == 5
    distances = [loc.raw["distance_km"] for loc in nearest]
    assert distances == sorted(distances)


@pytest.mark.django_db
def test_autocomplete_suggests_schilderswijk_first(gazetteer):
    suggestions = suggest_places("schild")
    assert suggestions[0].label == "Schilderswijk, Den Haag"
    assert len(suggestions) == 10
    assert len({s.label for s in suggestions}) == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("delf", "Delft"),
        ("den haag schild", "Schilderswijk, Den Haag"),
        ("transv", "Transvaalkwartier, Den Haag"),
        ("s-grav", "Den Haag"),
        ("2525", "2525 Den Haag"),
        ("252", "2521 Den Haag"),
    ],
)
def test_autocomplete(gazetteer, text, first):
    assert suggest_places(text)[0].label == first


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "s", "  ", "99999", "zzzzqqq"])
def test_autocomplete_of_nothing_is_empty(gazetteer, text):
    assert suggest_places(text) == []
