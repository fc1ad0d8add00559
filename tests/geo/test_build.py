"""The derivation rules of geo.build on small, made-up records."""

import json

from geo.build import build_gazetteer
from geo.sources import (
    CuratedName,
    PlaceRecord,
    PostcodeRecord,
    read_curated_names,
    read_geonames_postcodes,
    read_places,
)


def _postcode(pc4, place, digits, lat, lon, name="Gemeente X"):
    return PostcodeRecord(pc4, place, name, digits, lat, lon)


def _build(neighbourhoods, districts, postcodes, curated=None, boundaries=None):
    return build_gazetteer(
        neighbourhoods=neighbourhoods,
        districts=districts,
        postcodes=postcodes,
        boundaries=boundaries or {},
        curated=curated or {},
    )


def test_merged_municipality_gets_its_successor_from_the_postcodes():
    # given a 2014 municipality GM0003 that GeoNames no longer has; its postcodes are GM1979's
    neighbourhoods = [
        PlaceRecord("BU00030000", "Centrum", 53.32, 6.86),
        PlaceRecord("BU19790000", "Elders", 53.40, 6.70),
    ]
    districts = [
        PlaceRecord("WK000300", "Wijk 00", 53.32, 6.86),
        PlaceRecord("WK197900", "Wijk 00 Elders", 53.40, 6.70),
    ]
    postcodes = [
        _postcode("9901", "Appingedam", "1979", 53.321, 6.859, "Eemsdelta Municipality"),
        _postcode("9902", "Appingedam", "1979", 53.325, 6.862, "Eemsdelta Municipality"),
    ]
    # when built
    gazetteer = _build(neighbourhoods, districts, postcodes)
    # then the old municipality exists, merged into the new, named after its postcodes (noted)
    old = gazetteer.municipalities["GM0003"]
    assert old.merged_into == "GM1979"
    assert old.name == "Appingedam"
    assert any("GM0003" in note for note in gazetteer.notes)
    assert gazetteer.municipalities["GM1979"].name == "Eemsdelta"
    assert gazetteer.postcodes["9901"].municipality == "GM1979"
    assert gazetteer.postcodes["9901"].neighbourhood == "BU00030000"


def test_curated_names_override_and_keep_the_source_name_findable():
    neighbourhoods = [PlaceRecord("BU05182915", "Schildersbuurt-West", 52.068, 4.300)]
    districts = [PlaceRecord("WK051829", "Wijk 29 Schildersbuurt", 52.067, 4.305)]
    postcodes = [_postcode("2525", "'s-Gravenhage", "0518", 52.0638, 4.3023, "Gemeente Den Haag")]
    curated = {
        "WK051829": CuratedName("WK051829", "Schilderswijk", ("Schildersbuurt",)),
        "GM0518": CuratedName("GM0518", "Den Haag", ("'s-Gravenhage",)),
    }
    gazetteer = _build(neighbourhoods, districts, postcodes, curated)
    district = gazetteer.districts["WK051829"]
    assert district.name == "Schilderswijk"
    assert district.aliases == ["Schildersbuurt", "Wijk 29 Schildersbuurt"]
    assert gazetteer.municipalities["GM0518"].name == "Den Haag"
    assert gazetteer.municipalities["GM0518"].aliases == ["'s-Gravenhage"]


def test_a_neighbourhood_without_district_gets_one_made_from_its_code():
    # given a buurt file newer than the wijk file
    neighbourhoods = [PlaceRecord("BU05039901", "Nieuwbouw", 52.0, 4.35)]
    gazetteer = _build(neighbourhoods, [], [_postcode("2611", "Delft", "0503", 52.01, 4.36)])
    district = gazetteer.districts["WK050399"]
    assert (district.name, district.municipality) == ("Wijk 99", "GM0503")
    assert any("WK050399" in note for note in gazetteer.notes)


def test_postcode_rows_that_disagree_are_resolved_by_numeric_neighbours_or_skipped():
    # given 2324 listed in Leiden and (wrongly) Amersfoort, and 9999 in four far-apart places
    neighbourhoods = [
        PlaceRecord("BU05460000", "Leiden", 52.16, 4.49),
        PlaceRecord("BU03070000", "Amersfoort", 52.16, 5.39),
    ]
    postcodes = [
        _postcode("2321", "Leiden", "0546", 52.15, 4.48),
        _postcode("2323", "Leiden", "0546", 52.14, 4.47),
        _postcode("2324", "Amersfoort", "0307", 52.16, 5.39),
        _postcode("2324", "Leiden", "0546", 52.15, 4.47),
        _postcode("9999", "A", "0001", 53.35, 6.60),
        _postcode("9999", "B", "0002", 51.19, 5.98),
        _postcode("9999", "C", "0003", 51.94, 4.54),
        _postcode("9999", "D", "0004", 52.50, 6.11),
    ]
    gazetteer = _build(neighbourhoods, [], postcodes)
    assert gazetteer.postcodes["2324"].municipality == "GM0546"
    assert "9999" not in gazetteer.postcodes
    assert any("9999" in note for note in gazetteer.notes)


def test_boundary_attaches_only_where_the_label_point_fits(tmp_path):
    square = {
        "type": "Polygon",
        "coordinates": [[[4.0, 52.0], [4.1, 52.0], [4.1, 52.1], [4.0, 52.1], [4.0, 52.0]]],
    }
    boundaries = {
        "WK000101": PlaceRecord("WK000101", "Binnen", 52.05, 4.05, square),
        "WK000102": PlaceRecord("WK000102", "Elders", 52.05, 4.05, square),
    }
    districts = [
        PlaceRecord("WK000101", "Wijk 01 Binnen", 52.05, 4.05),
        PlaceRecord("WK000102", "Wijk 02 Ver weg", 52.5, 4.5),
    ]
    gazetteer = _build([], districts, [], boundaries=boundaries)
    assert gazetteer.districts["WK000101"].boundary == square
    assert gazetteer.districts["WK000102"].boundary is None


def test_readers_accept_topojson_and_geojson(tmp_path):
    # given the same place as quantised TopoJSON and as a GeoJSON polygon
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.001, 0.001], "translate": [4.0, 52.0]},
        "objects": {
            "labels": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Point",
                        "coordinates": [300, 70],
                        "properties": {"statcode": "BU05180001", "statnaam": "Een"},
                    }
                ],
            }
        },
    }
    polygon = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"statcode": "WK051800", "statnaam": "Wijk 00 Twee"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[4.2, 52.0], [4.4, 52.0], [4.4, 52.2], [4.2, 52.2], [4.2, 52.0]]
                    ],
                },
            }
        ],
    }
    (tmp_path / "b.topojson").write_text(json.dumps(topo))
    (tmp_path / "w.geojson").write_text(json.dumps(polygon))
    [point] = read_places(tmp_path / "b.topojson", prefix="BU")
    [area] = read_places(tmp_path / "w.geojson", prefix="WK")
    assert (point.code, point.name, point.lat, point.lon) == ("BU05180001", "Een", 52.07, 4.3)
    assert (area.lat, area.lon) == (52.1, 4.3)
    assert area.geometry["type"] == "Polygon"


def test_geonames_and_curated_readers(tmp_path):
    (tmp_path / "pc.tsv").write_text(
        "NL\t2525\t's-Gravenhage\tZuid-Holland\t11\tGemeente Den Haag\t0518\t\t\t"
        "52.0638\t4.3023\t\n"
    )
    (tmp_path / "names.csv").write_text(
        "# a comment\ncode,name,aliases,merged_into,note\n"
        "GM0518,Den Haag,'s-Gravenhage|The Hague,,\n"
    )
    [record] = read_geonames_postcodes(tmp_path / "pc.tsv")
    assert (record.pc4, record.municipality_digits, record.lat) == ("2525", "0518", 52.0638)
    names = read_curated_names(tmp_path / "names.csv")
    assert names["GM0518"].aliases == ("'s-Gravenhage", "The Hague")
