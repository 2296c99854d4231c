"""`mailgate where`: the lookup as an operator (and the report flow) sees it, on the fictional sample.

Borchester (x -2.0..-1.9) and Felpersham (x -1.9..-1.8, with a hole at x -1.87..-1.83,
y 52.03..52.07) are neighbouring districts, lat 52.0..52.1; Borsetshire is the county over
both. Their gss codes are Cambridge's and South Cambridgeshire's, so real postcodes there
(from the ONS sample, tests/data/places/) route to them by code.
"""
from __future__ import annotations

import pytest

from processors.places import index as places_index
from processors.places.lookup import find_place, responsible_for
from tests.cli_home import SAMPLE_BODIES


def test_a_point_finds_the_district_and_the_county_and_contacts_decide_the_tier(sample):
    out = sample("where", "52.05,-1.95").output
    assert "borchester-council: Borchester City Council (by its area)" in out
    assert "borsetshire-council: Borsetshire County Council (by its area)" in out
    assert "felpersham-council" not in out
    assert "Fly-tipping: borchester-council <envcrime@borchester.gov.example>" in out
    assert "Potholes: borsetshire-council <highways@borsetshire.gov.example>" in out
    tipping = sample("where", "52.05,-1.81", "--category", "fly-tipping").output
    assert "felpersham-council <waste@felpersham.gov.example, enforcement@felpersham.gov.example>" in tipping
    assert "borchester" not in tipping


def test_a_real_postcode_routes_by_its_gss_code_two_tiers_decided_by_category(sample):
    out = sample("where", "CB23", "7RE", "-c", "Potholes").output  # the words of a postcode, unquoted
    assert "council       South Cambridgeshire District Council (E07000012)" in out
    assert "constituency  South Cambridgeshire (E14001481, 2024 boundaries)" in out
    assert "felpersham-council: Felpersham District Council (by area code E07000012)" in out
    assert "Potholes      borsetshire-council <highways@borsetshire.gov.example>" in out
    assert "Fly-tipping   borchester-council" in sample("where", "cb15re", "-c", "FLY-TIPPING").output
    assert "sha256:" in out  # which data routed it


def test_a_point_in_the_hole_or_outside_every_body_is_covered_by_none(sample):
    for place in ("52.05,-1.85", "40.0,-3.7"):
        assert "none: no imported body covers this place" in sample("where", place).output
    err = sample("where", "52.05,-1.85", "-c", "Potholes", expect=1).output
    assert "no body covering 52.05,-1.85 takes 'Potholes'; categories here: none" in err


def test_a_category_nobody_there_takes_lists_those_that_are_taken(sample):
    err = sample("where", "CB3 0DU", "-c", "Noise", expect=1).output
    assert "no body covering CB3 0DU takes 'Noise'; categories here: Fly-tipping, Graffiti, Potholes, Street lights" \
        in err


@pytest.mark.parametrize("place, message", [
    ("ZZ1 1ZZ", "I couldn't find the postcode ZZ1 1ZZ: there is no postcode area 'ZZ'"),
    ("hello there", "I couldn't find the postcode 'hello there'"),
    ("BT7 1NN", "BT7 1NN is a Northern Ireland postcode: the Office for National Statistics allows those for "
                "statistics only"),
    ("95.0,10.0", "95.0,10.0 is not a latitude,longitude pair"),
])
def test_what_cannot_be_placed_gets_a_sentence(sample, place, message):
    assert message in " ".join(sample("where", place, expect=1).output.split())


def test_imported_coordinates_place_a_postcode_by_the_areas(sample, tmp_path):
    path = tmp_path / "postcodes.csv"
    # CB3 0DU's code is Borchester's; these coordinates (fictional) are in Felpersham: the area decides
    path.write_text("postcode,lat,lon,area\nCB3 0DU,52.05,-1.81,\n1012 AB,52.01,-1.99,NL-0363\n")
    assert "2 postcodes imported, 2 of them new" in sample("import", "postcodes", path).output
    out = sample("where", "cb30du").output
    assert "point         52.05,-1.81" in out and "felpersham-council: Felpersham District Council (by its area)" in out
    assert "borchester-council" not in out
    assert "council       Cambridge City Council (E07000008)" in out  # what ONS says, shown alongside
    dutch = sample("where", "1012AB").output
    assert "postcode      1012 AB" in dutch and "borchester-council" in dutch and "constituency" not in dutch


def test_the_index_is_built_once_and_rebuilt_only_when_an_import_changes_the_areas(sample, tmp_path):
    with sample.session() as session:
        builds = places_index.BUILDS["count"]
        for place in ("52.05,-1.95", "52.05,-1.81", "CB1 5RE", "SG8 0NJ"):
            find_place(session, place)
        assert places_index.BUILDS["count"] == builds + 1
        assert "3 unchanged" in sample("import", "bodies", SAMPLE_BODIES).output
        session.rollback()
        find_place(session, "CB1 5RE")
        assert places_index.BUILDS["count"] == builds + 1  # the import changed nothing
        moved = tmp_path / "moved.geojson"
        moved.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"slug": '
                         '"borchester-council", "name": "Borchester City Council", "gss": "E07000008"}, "geometry": '
                         '{"type": "Polygon", "coordinates": [[[10, 10], [11, 10], [11, 11], [10, 10]]]}}]}')
        sample("import", "bodies", moved)
        session.rollback()  # a new transaction sees the import
        place = find_place(session, "52.05,-1.95")
        assert places_index.BUILDS["count"] == builds + 2
        assert [body.slug for body in place.bodies] == ["borsetshire-council"]
        assert [r.body.slug for r in responsible_for(session, find_place(session, "10.2,10.8"), "graffiti")] == [
            "borchester-council"]


def test_the_tree_and_a_linear_scan_agree_on_a_grid(sample):
    with sample.session() as session:
        index = places_index.area_index(session)
        points = [(52.0 + i / 40, -2.02 + j / 40) for i in range(5) for j in range(10)]
        assert all(index.containing(*p) == index.containing_by_scan(*p) for p in points)
        assert sum(bool(index.containing(*p)) for p in points) > 20  # the grid does cross the areas


def test_with_a_point_bodies_with_areas_go_by_area_and_bodies_without_by_code(sample, tmp_path):
    bodies = tmp_path / "codes-only.geojson"
    bodies.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"slug": '
                      '"cambs-fire", "name": "Fire Authority", "gss": ["E07000008", "E07000012"]}, "geometry": null}]}')
    sample("import", "bodies", bodies)
    postcodes = tmp_path / "postcodes.csv"
    postcodes.write_text("postcode,lat,lon\nCB3 0DU,52.05,-1.81\n")  # coordinates in Felpersham
    sample("import", "postcodes", postcodes)
    out = sample("where", "CB3 0DU").output
    assert "cambs-fire: Fire Authority (by area code E07000008)" in out
    assert "felpersham-council: Felpersham District Council (by its area)" in out
    assert "borchester-council" not in out  # its code matches, but it has an area and the point is not in it
    assert "cambs-fire" not in sample("where", "52.05,-1.81").output  # a bare point has no code
