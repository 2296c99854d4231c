"""`mailgate import bodies`: councils and their areas from GeoJSON, every bad feature named at once."""
from __future__ import annotations

import json

from sqlmodel import select

from store.models import BodyArea, Counterpart
from tests.cli_home import SAMPLE_AUTHORITIES, SAMPLE_BODIES


def write(tmp_path, features, name="bodies.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def feature(slug, name="A Council", geometry=None, **properties):
    return {"type": "Feature", "properties": {"slug": slug, "name": name, **properties}, "geometry": geometry}


def square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_the_sample_imports_and_a_council_that_is_an_foi_authority_is_the_same_row(mailgate):
    mailgate("import", "authorities", SAMPLE_AUTHORITIES)
    with mailgate.session() as session:
        before = session.exec(select(Counterpart).where(Counterpart.slug == "borsetshire-council")).one()
    out = mailgate("import", "bodies", SAMPLE_BODIES).output
    assert "2 created, 1 updated, 0 unchanged" in out  # the county was already there, as an FOI authority
    with mailgate.session() as session:
        county = session.exec(select(Counterpart).where(Counterpart.slug == "borsetshire-council")).one()
        assert county.id == before.id
        assert county.email == "information.requests@borsetshire.gov.example"  # no email in the file: kept
        areas = {area.counterpart_id: area for area in session.exec(select(BodyArea)).all()}
        assert areas[county.id].gss_codes == ["E07000008", "E07000012"]
        assert json.loads(areas[county.id].geometry)["type"] == "Polygon"
        assert len(areas) == 3
    assert "0 created, 0 updated, 3 unchanged" in mailgate("import", "bodies", SAMPLE_BODIES).output


def test_a_reimport_updates_names_emails_codes_and_areas(mailgate, tmp_path):
    mailgate("import", "bodies", write(tmp_path, [feature("north-council", "North", square(0, 0, 1, 1), gss="E1")]))
    changed = write(tmp_path, [feature("north-council", "North Council", square(0, 0, 2, 2), gss=["E1", "E2"],
                                       email="info@north.gov.example"), feature("no-area-council", "Codes Only",
                                                                                gss="E3")], "changed.geojson")
    assert "1 created, 1 updated, 0 unchanged" in mailgate("import", "bodies", changed).output
    with mailgate.session() as session:
        north = session.exec(select(Counterpart).where(Counterpart.slug == "north-council")).one()
        assert (north.name, north.email) == ("North Council", "info@north.gov.example")
        assert session.get(BodyArea, north.id).gss_codes == ["E1", "E2"]
        assert json.loads(session.get(BodyArea, north.id).geometry)["coordinates"][0][2] == [2, 2]
        codes_only = session.exec(select(Counterpart).where(Counterpart.slug == "no-area-council")).one()
        assert session.get(BodyArea, codes_only.id).geometry == ""


def test_every_bad_feature_is_named_by_index_and_property_and_nothing_is_written(mailgate, tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    path = write(tmp_path, [
        feature("good-council", geometry=square(0, 0, 1, 1)),
        feature("Bad Slug"),
        feature("no-name", name=""),
        feature("long-name", name="Council " * 40),
        feature("bad-gss", gss=42),
        feature("bad-email", email="not an address"),
        feature("a-point", geometry={"type": "Point", "coordinates": [0, 0]}),
        feature("bowtie", geometry=bowtie),
        feature("good-council"),
        "not a feature",
    ])
    err = mailgate("import", "bodies", path, expect=1).output
    expected = [
        "features[1].properties.slug: 'Bad Slug' must be lower-case letters",
        "features[2].properties.name: is missing",
        "features[3].properties.name: is 319 characters; at most 300",
        "features[4].properties.gss: 42 must be a code such as \"E07000123\"",
        "features[5].properties.email: 'not an address' is not an email address",
        "features[6].geometry: must be a Polygon, a MultiPolygon or null, not 'Point'",
        "features[7].geometry: is not a valid Polygon: Self-intersection",
        "features[8].properties.slug: 'good-council' is already used by features[0]",
        "features[9]: must be a GeoJSON Feature",
    ]
    for message in expected:
        assert f"{path}: {message}" in err, err
    with mailgate.session() as session:
        assert session.exec(select(Counterpart)).all() == []


def test_not_json_names_the_line(mailgate, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature",,}\n ]}\n')
    assert f"{path}:3: not JSON" in mailgate("import", "bodies", path, expect=1).output
    path.write_text('{"type": "Feature"}')
    assert "must be a GeoJSON FeatureCollection" in mailgate("import", "bodies", path, expect=1).output
