import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from geo.errors import PlaceNotFound
from geo.loader import Sources, ensure_gazetteer, load_gazetteer
from geo.models import District, GazetteerLoad, Municipality, Neighbourhood, PostcodeArea
from geo.selectors import resolve_place

DATA = Path(__file__).parent / "data"
NL = {"lat": (50.75, 53.56), "lon": (3.35, 7.23)}
HAAGLANDEN = {
    "GM0518": ("Den Haag", 44, 114),
    "GM0503": ("Delft", 13, None),
    "GM0637": ("Zoetermeer", 9, None),
    "GM0603": ("Rijswijk", 9, None),
    "GM1783": ("Westland", 10, None),
    "GM1916": ("Leidschendam-Voorburg", 12, None),
    "GM1926": ("Pijnacker-Nootdorp", 3, None),
    "GM1842": ("Midden-Delfland", 2, None),
    "GM0629": ("Wassenaar", 2, None),
}


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Municipality, District, Neighbourhood, PostcodeArea)
    }


@pytest.mark.django_db
def test_the_whole_country_is_loaded(gazetteer, gazetteer_load):
    # given the shipped files, loaded once for the session / then every unit is there
    assert gazetteer_load.counts["neighbourhoods"] == 12005
    assert gazetteer_load.counts["districts"] == 2746
    assert gazetteer_load.counts["postcodes"] > 4000
    assert Municipality.objects.current().count() == 342
    assert Municipality.objects.filter(merged_into__isnull=False).count() == 84
    assert not Neighbourhood.objects.filter(lat__isnull=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(HAAGLANDEN))
def test_every_haaglanden_municipality_is_complete(gazetteer, code):
    name, districts, neighbourhoods = HAAGLANDEN[code]
    municipality = Municipality.objects.get(code=code)
    assert municipality.name == name
    assert municipality.merged_into is None
    assert municipality.districts.count() == districts
    if neighbourhoods is not None:
        assert municipality.neighbourhoods.count() == neighbourhoods


@pytest.mark.django_db
def test_den_haag_districts_and_neighbourhoods_have_points_in_the_netherlands(gazetteer):
    places = [*District.objects.filter(municipality__code="GM0518")]
    places += Neighbourhood.objects.filter(municipality__code="GM0518")
    assert len(places) == 44 + 114
    for place in places:
        assert NL["lat"][0] < place.lat < NL["lat"][1], place
        assert NL["lon"][0] < place.lon < NL["lon"][1], place
    # and every district has a (2024) boundary
    assert not District.objects.filter(municipality__code="GM0518", boundary=None).exists()


@pytest.mark.django_db
def test_haaglanden_matches_the_reference_tables(gazetteer):
    # given the decoded reference tables of the nine municipalities (shipped with the data)
    with (DATA / "haaglanden_buurt_2014.csv").open(encoding="utf-8") as handle:
        buurten = list(csv.DictReader(handle))
    with (DATA / "haaglanden_pc4.csv").open(encoding="utf-8") as handle:
        postcodes = list(csv.DictReader(handle))
    loaded = {n.code: n for n in Neighbourhood.objects.select_related("district", "municipality")}
    # then every neighbourhood has its name, district, municipality and point (within ~50 m)
    assert len(buurten) == 421
    for row in buurten:
        neighbourhood = loaded[row["statcode"]]
        assert neighbourhood.name == " ".join(row["statnaam"].split())
        assert neighbourhood.district.code == row["wijkcode"]
        assert neighbourhood.municipality.code == row["gemeentecode"]
        assert abs(neighbourhood.lat - float(row["lat"])) < 0.0005
        assert abs(neighbourhood.lon - float(row["lon"])) < 0.0008
    # and every PC4 lies in its municipality, mapped to a neighbourhood of that municipality
    pc4s = {
        p.code: p
        for p in PostcodeArea.objects.select_related(
            "municipality", "nearest_neighbourhood__municipality"
        )
    }
    for row in postcodes:
        postcode = pc4s[row["pc4"]]
        assert postcode.municipality.code == row["gemeentecode"], row
        assert postcode.nearest_neighbourhood.municipality.code == row["gemeentecode"], row


@pytest.mark.django_db
def test_loading_twice_changes_nothing(gazetteer):
    # given the loaded gazetteer
    before = _counts()
    loads = GazetteerLoad.objects.count()
    schilderswijk = District.objects.get(code="WK051829")
    # when loaded again
    result = load_gazetteer()
    # then the same rows, updated in place, and one more load recorded
    assert _counts() == before
    assert sum(result.deactivated.values()) == 0
    assert District.objects.get(code="WK051829").pk == schilderswijk.pk
    assert GazetteerLoad.objects.count() == loads + 1
    assert ensure_gazetteer() is None


@pytest.mark.django_db
def test_a_newer_file_replaces_the_old_one_through_the_command(gazetteer, tmp_path):
    # given "newer" CBS files: Schilderswijk is split in two, with a new neighbourhood
    buurten = {
        "type": "FeatureCollection",
        "features": [
            _point("BU05182915", "Schildersbuurt-West", 52.0684, 4.2997),
            _point("BU05182999", "Nieuwe Haagse Buurt", 52.0700, 4.3050),
        ],
    }
    wijken = {
        "type": "FeatureCollection",
        "features": [_point("WK051829", "Wijk 29 X", 52.07, 4.30)],
    }
    (tmp_path / "buurten.geojson").write_text(json.dumps(buurten))
    (tmp_path / "wijken.geojson").write_text(json.dumps(wijken))
    (tmp_path / "pc.tsv").write_text(
        "NL\t2525\t's-Gravenhage\tZuid-Holland\t11\tGemeente Den Haag\t0518\t\t\t"
        "52.0638\t4.3023\t\n"
    )
    out = StringIO()
    # when the command loads them instead of the shipped files
    call_command(
        "load_gazetteer",
        neighbourhoods=tmp_path / "buurten.geojson",
        districts=tmp_path / "wijken.geojson",
        postcodes=tmp_path / "pc.tsv",
        no_boundaries=True,
        stdout=out,
    )
    # then the new places are found, and the ones no longer listed are kept but inactive
    assert "neighbourhoods: 2" in out.getvalue()
    assert resolve_place("Nieuwe Haagse Buurt").neighbourhood.code == "BU05182999"
    assert Neighbourhood.objects.active().count() == 2
    assert Neighbourhood.objects.filter(code="BU05180170", active=False).exists()
    assert PostcodeArea.objects.get(code="2525").nearest_neighbourhood.code in {
        "BU05182915",
        "BU05182999",
    }
    assert not PostcodeArea.objects.get(code="2611").active
    with pytest.raises(PlaceNotFound, match="2611"):
        resolve_place("2611")


@pytest.mark.django_db
def test_command_reports_a_missing_file(gazetteer, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_gazetteer", postcodes=tmp_path / "missing.tsv", stdout=StringIO())


@pytest.mark.django_db
def test_command_if_empty_does_nothing_when_loaded(gazetteer):
    out = StringIO()
    call_command("load_gazetteer", if_empty=True, stdout=out)
    assert "already loaded" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Municipality, {"code": "GM518", "name": "x"}),
        (Municipality, {"code": "GM0999", "name": "x", "lat": 91.0, "lon": 4.0}),
        (PostcodeArea, {"code": "0123", "lat": 52.0, "lon": 4.0}),
        (PostcodeArea, {"code": "1234", "lat": 52.0, "lon": 400.0}),
    ],
)
def test_database_refuses_malformed_codes_and_points(model, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def _point(code, name, lat, lon):
    return {
        "type": "Feature",
        "properties": {"statcode": code, "statnaam": name},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def test_default_sources_exist():
    for path in vars(Sources()).values():
        assert path.is_file(), path
