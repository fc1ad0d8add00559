import pytest

from geo.text import clean_district_name, clean_municipality_name, fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("'s-Gravenhage", "s gravenhage"),
        ("s Gravenhage", "s gravenhage"),
        ("’s-Hertogenbosch", "s hertogenbosch"),
        ("Súdwest-Fryslân", "sudwest fryslan"),
        ("Sûdwest Fryslân", "sudwest fryslan"),
        ("  Den   HAAG ", "den haag"),
        ("Schilderswijk, Den Haag", "schilderswijk den haag"),
        ("IJsselstein", "ijsselstein"),
        ("Ĳsselstein", "ijsselstein"),
        ("Babyloniënbroek", "babylonienbroek"),
        ("Buytenwegh - De Leyens", "buytenwegh de leyens"),
        ("", ""),
    ],
)
def test_fold_ignores_case_accents_and_punctuation(text, folded):
    # given a name as people or sources spell it / when folded / then one canonical form
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("Wijk 29 Schildersbuurt", "Schildersbuurt"),
        ("Wijk 00 Zuidwestelijk deel der gemeente", "Zuidwestelijk deel der gemeente"),
        ("Wijk 01", "Wijk 01"),
        ("Wijk bij Duurstede", "Wijk bij Duurstede"),
        ("Centrum", "Centrum"),
    ],
)
def test_district_names_lose_their_number(name, clean):
    assert clean_district_name(name) == clean


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("Gemeente Den Haag", "Den Haag"),
        ("Assen Municipality", "Assen"),
        ("Ameland Municipalitye", "Ameland"),
        ("Katwijk Municipalty", "Katwijk"),
        ("Groningen. Municipality", "Groningen"),
        ("Kaag en Braassem  Municipality", "Kaag en Braassem"),
        ("Gemeente 's-Hertogenbosch", "'s-Hertogenbosch"),
        ("Waadhoeke", "Waadhoeke"),
    ],
)
def test_geonames_municipality_labels_are_cleaned(name, clean):
    assert clean_municipality_name(name) == clean
