"""`mailgate import postcodes`: coordinates (and other countries' postcodes), every bad line named at once."""
from __future__ import annotations

from sqlmodel import select

from processors.places import import_postcodes as postcodes_module
from store.models import PostcodePoint


def test_import_then_reimport_updates_and_counts_new_ones(mailgate, tmp_path):
    path = tmp_path / "postcodes.csv"
    path.write_text("postcode,lat,lon\nsw1a 0aa,51.4998,-0.1247\nM1 1AE,53.4794,-2.2453\n")
    assert "2 postcodes imported, 2 of them new" in mailgate("import", "postcodes", path).output
    path.write_text("Postcode,Lat,Lon,Area\nSW1A0AA,51.5,-0.125,E09000033\n75001,48.8625,2.3364,FR-75056\n")
    assert "2 postcodes imported, 1 of them new" in mailgate("import", "postcodes", path).output
    with mailgate.session() as session:
        rows = {row.key: row for row in session.exec(select(PostcodePoint)).all()}
    assert (rows["SW1A0AA"].postcode, rows["SW1A0AA"].lat, rows["SW1A0AA"].area) == ("SW1A 0AA", 51.5, "E09000033")
    assert (rows["75001"].lon, rows["75001"].area) == (2.3364, "FR-75056")
    assert rows["M11AE"].lat == 53.4794


def test_every_bad_line_is_named_and_nothing_is_written(mailgate, tmp_path):
    path = tmp_path / "postcodes.csv"
    path.write_text("postcode,lat,lon,area\nAB1 2CD,57.1,-2.1,\n!!,57.1,-2.1,\nAB1 2CE,91,-2.1,\n"
                    "AB1 2CF,57.1,east,\nAB1 2CG,nan,-2.1,\nAB1 2CH,57.1,-2.1,not a code\n")
    err = mailgate("import", "postcodes", path, expect=1).output
    for line, message in [(3, "'!!' is not a postcode"), (4, "lat '91' must be a latitude in degrees"),
                          (5, "lon 'east' must be a longitude"), (6, "lat 'nan' must be a latitude"),
                          (7, "area 'not a code' is not an area code")]:
        assert f"{path}:{line}: {message}" in err, err
    with mailgate.session() as session:
        assert session.exec(select(PostcodePoint)).all() == []


def test_a_file_longer_than_one_batch_is_written_in_batches(mailgate, tmp_path, monkeypatch):
    monkeypatch.setattr(postcodes_module, "BATCH", 7)
    path = tmp_path / "postcodes.csv"
    path.write_text("postcode,lat,lon\n" + "".join(f"ZZ{i} 1AA,50.{i},-1.{i}\n" for i in range(30)))
    assert "30 postcodes imported, 30 of them new" in mailgate("import", "postcodes", path).output
    with mailgate.session() as session:
        assert session.get(PostcodePoint, "ZZ291AA").lat == 50.29
