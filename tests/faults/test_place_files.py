"""Hostile place files: huge, endless, undecodable or geometrically broken imports are refused with the
FILE:LINE (or feature and property) to fix, and reading them holds a bounded number of bytes.

An operator imports files from elsewhere (ONS boundaries, a council's CSV, a national postcode
list): a 50 MB file, a line without end, Latin-1 text, a polygon that crosses itself, a million
positions, JSON nested beyond reason or numbers JSON does not allow. tracemalloc counts the bytes
Python holds at the peak; nothing is timed.
"""
from __future__ import annotations

import json
import tracemalloc

import pytest
from sqlmodel import select

from processors.places import import_bodies as bodies_module
from processors.places import import_postcodes as postcodes_module
from processors.places.import_contacts import import_contacts
from processors.places.import_postcodes import import_postcodes
from store.authorities import ImportError_
from store.models import BodyArea, PostcodePoint

MB = 2**20


def sparse(path, size):
    """A file of `size` zero bytes that takes no disk space or time to make."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


def peak_while(action) -> tuple[int, Exception | None]:
    tracemalloc.start()
    try:
        action()
        raised = None
    except ImportError_ as exc:
        raised = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, raised


@pytest.mark.parametrize("kind, name", [("bodies", "huge.geojson"), ("contacts", "huge.csv")])
def test_a_50_mb_file_is_refused_before_it_is_read(mailgate, tmp_path, kind, name):
    path = sparse(tmp_path / name, 50 * MB)
    err = mailgate("import", kind, path, expect=1).output
    assert f"{path}: 52,428,800 bytes is more than the" in err
    if kind == "bodies":
        assert "use generalised boundaries" in err


def test_a_50_mb_postcode_file_without_line_ends_is_read_a_bounded_piece_at_a_time(mailgate, tmp_path):
    path = sparse(tmp_path / "postcodes.csv", 50 * MB)  # national lists are large: this one is streamed
    with mailgate.session() as session:
        peak, raised = peak_while(lambda: import_postcodes(session, path))
        assert session.exec(select(PostcodePoint)).all() == []
    assert str(raised) == f"{path}:1: the line is longer than 8,192 bytes"
    assert peak < MB


def test_a_large_postcode_file_is_imported_in_bounded_memory(mailgate, tmp_path, monkeypatch):
    monkeypatch.setattr(postcodes_module, "BATCH", 500)  # 40 batches
    path = tmp_path / "postcodes.csv"
    postcodes = [f"XX{i // 1000} {i % 10}{chr(65 + i // 10 % 26)}{chr(65 + i // 260 % 26)}" for i in range(20_000)]
    path.write_text("postcode,lat,lon\n" + "".join(f"{p},51.{i},-1.{i}\n" for i, p in enumerate(postcodes)))
    del postcodes
    with mailgate.session() as session:
        peak, raised = peak_while(lambda: import_postcodes(session, path))
        session.commit()
        assert raised is None
        assert session.get(PostcodePoint, "XX199XY").lat == 51.19999
    print(f"\npeak {peak:,} bytes importing {path.stat().st_size:,} bytes of postcodes")
    assert peak < 3 * MB  # a batch at a time, not the file (its 20,000 rows as dicts would be ~12 MB)


def test_non_utf8_and_nul_lines_are_named_with_the_other_bad_lines(mailgate, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"body,category,email\nnowhere,Litter,a@b.example\n"
                     + "nowhere,Caf\u00e9 litter,a@b.example\n".encode("latin-1") + b"x,\x00y,z\n")
    err = mailgate("import", "contacts", path, expect=1).output
    assert f"{path}:2: no body 'nowhere'" in err
    assert f"{path}:3: not UTF-8 (byte 0xe9 at column 12): save the file as UTF-8" in err
    assert f"{path}:4: the line contains NUL bytes" in err


def test_an_overlong_csv_line_is_named_and_skipped_without_being_held(mailgate, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"body,category,email\n" + b"a" * (3 * MB) + b"\nnowhere,Litter,a@b.example\n")
    with mailgate.session() as session:
        peak, raised = peak_while(lambda: import_contacts(session, path))
    assert f"{path}:2: the line is longer than 8,192 bytes" in str(raised)
    assert f"{path}:3: no body 'nowhere'" in str(raised)
    assert peak < MB


def bodies_file(tmp_path, *geometries):
    features = [{"type": "Feature", "properties": {"slug": f"body-{i}", "name": f"Body {i}"}, "geometry": g}
                for i, g in enumerate(geometries)]
    path = tmp_path / "bodies.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_invalid_polygons_are_refused_each_with_why(mailgate, tmp_path):
    ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    path = bodies_file(
        tmp_path,
        {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]},  # a bow tie
        {"type": "Polygon", "coordinates": [ring, [[2, 2], [3, 2], [3, 3], [2, 3], [2, 2]]]},  # a hole outside
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},  # three positions
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, "a"], [0, 0]]]},
        {"type": "MultiPolygon", "coordinates": [[ring], [[[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5], [0.5, 0.5]]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 200], [0, 0]]]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [ring]},  # the one good feature
    )
    err = " ".join(mailgate("import", "bodies", path, expect=1).output.split())
    for message in ["features[0].geometry: is not a valid Polygon: Self-intersection",
                    "features[1].geometry: is not a valid Polygon: Hole lies outside shell",
                    "features[2].geometry: a ring has 3 positions; it needs at least 4",
                    'features[3].geometry: [1, "a"] is not a [longitude, latitude] position',
                    "features[4].geometry: is not a valid MultiPolygon: Self-intersection",
                    "features[5].geometry: position [1.0, 200.0] is not [longitude, latitude] in degrees",
                    "features[6].geometry: coordinates must be non-empty lists"]:
        assert f"{path}: {message}" in err, err
    assert "features[7]" not in err
    with mailgate.session() as session:
        assert session.exec(select(BodyArea)).all() == []


def test_numbers_json_does_not_allow_and_nesting_beyond_reason_are_refused(mailgate, tmp_path):
    path = tmp_path / "nan.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"slug": "a",'
                    ' "name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[NaN, 0], [1, 0], [1, 1], [NaN, 0]]]}}]}')
    assert "not GeoJSON: NaN is not a number GeoJSON allows" in mailgate("import", "bodies", path, expect=1).output
    path.write_text("[" * 200_000 + "]" * 200_000)
    assert f"{path}: not GeoJSON: nested too deeply" in mailgate("import", "bodies", path, expect=1).output


def test_too_many_positions_in_a_feature_or_a_file_are_refused(mailgate, tmp_path, monkeypatch):
    monkeypatch.setattr(bodies_module, "MAX_POSITIONS_PER_FEATURE", 1000)
    monkeypatch.setattr(bodies_module, "MAX_POSITIONS", 2000)
    circle = [[round(0.001 * i, 3), 0.0] for i in range(600)]  # positions counted before any geometry work
    ring = [[0, 0], *circle[1:], [0.5, 0.5], [0, 0]]
    path = bodies_file(tmp_path, {"type": "Polygon", "coordinates": [ring * 2]},
                       {"type": "Polygon", "coordinates": [ring]}, {"type": "Polygon", "coordinates": [ring]},
                       {"type": "Polygon", "coordinates": [ring]})
    err = mailgate("import", "bodies", path, expect=1).output
    assert f"{path}: features[0].geometry: has more than 1,000 positions; use generalised boundaries" in err
    assert f"{path}: features[2]: the file has more than 2,000 coordinate positions in all" in err
    assert "features[3]" not in err  # the file stops being read there
