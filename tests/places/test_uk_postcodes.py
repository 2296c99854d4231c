"""The shipped GB postcode data, read by store/uk_postcodes.py: agreement with ONS, the README's
examples, what is refused and why, and that the data is read from an installed wheel."""
from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from store import uk_postcodes
from store.uk_postcodes import NorthernIrelandPostcode, PostcodeNotFound, constituency_for, council_for

SAMPLE = Path(__file__).parent.parent / "data" / "places" / "onspd_sample_100k.csv"
ROOT = Path(__file__).parent.parent.parent
# ONS's pseudo-codes for the Channel Islands and the Isle of Man: places with no GB council.
NO_COUNCIL = {"L99999999", "M99999999", ""}


def test_councils_agree_with_the_ons_sample():
    rows = list(csv.DictReader(SAMPLE.open(encoding="utf-8")))
    agree = 0
    for row in rows:
        try:  # this use is statistical: ONS allows Northern Ireland postcodes for it
            council = council_for(row["pcd"], northern_ireland=True)
        except PostcodeNotFound:
            council = None
        expected = "" if row["oslaua"] in NO_COUNCIL else row["oslaua"]
        agree += (council.gss if council else "") == expected
    print(f"\nuk postcodes: {agree} of {len(rows)} sample rows agree ({agree / len(rows):.2%})")
    assert len(rows) == 100_000
    assert agree >= 99_600


@pytest.mark.parametrize("postcode, council, constituency", [
    ("SW1A 0AA", ("E09000033", "Westminster"), ("UKPARL.2025.CLW", "Cities of London and Westminster")),
    ("M1 1AE", ("E08000003", "Manchester"), ("UKPARL.2025.MCT", "Manchester Central")),
    ("cf101ep", ("W06000015", "Cardiff"), ("UKPARL.2025.CFP", "Cardiff South and Penarth")),
])
def test_the_readme_examples(postcode, council, constituency):
    found = council_for(postcode)
    assert (found.gss, found.name) == council
    seat = constituency_for(postcode)
    assert (seat.key, seat.name) == constituency


def test_welsh_names_and_gss_codes_of_constituencies():
    seat = constituency_for("CF10 1EP")
    assert (seat.gss, seat.name_cy) == ("W07000091", "De Caerdydd a Phenarth")


@pytest.mark.parametrize("text", ["hello", "SW1A", "SW1A 0A", "12345", "SW1A 0AAA", "S 1AA", ""])
def test_a_malformed_postcode_is_not_found_with_what_one_looks_like(text):
    with pytest.raises(PostcodeNotFound, match=r"couldn't find .*looks like SW1A 1AA"):
        council_for(text)


def test_a_postcode_in_an_area_that_does_not_exist_is_not_found():
    assert uk_postcodes.normalise("zz1 1zz") == "ZZ1 1ZZ"  # the shape is right…
    with pytest.raises(PostcodeNotFound, match="no postcode area 'ZZ'"):
        council_for("ZZ1 1ZZ")
    with pytest.raises(PostcodeNotFound, match="no postcode area 'ZZ'"):
        constituency_for("ZZ1 1ZZ")
    assert uk_postcodes.area_letters_exist("SW") and uk_postcodes.area_letters_exist("m")
    assert not uk_postcodes.area_letters_exist("QQ")


def test_northern_ireland_postcodes_are_refused_with_the_reason():
    with pytest.raises(NorthernIrelandPostcode, match="BT7 1NN is a Northern Ireland postcode.*Great Britain only"):
        constituency_for("BT7 1NN")
    with pytest.raises(NorthernIrelandPostcode, match="statistics only"):
        council_for("BT7 1NN")
    # allowed for statistics, and then the data does know it (Belfast)
    assert council_for("BT7 1NN", northern_ireland=True).gss == "N09000003"


def test_channel_islands_and_isle_of_man_have_no_council():
    assert council_for("JE2 3AB") is None
    assert council_for("IM1 1AA") is None


def test_each_file_is_read_once_per_process():
    uk_postcodes._ranges.cache_clear()
    for postcode in ("SW1A 0AA", "M1 1AE", "CF10 1EP", "EH1 1YZ"):
        council_for(postcode)
        constituency_for(postcode)
    assert uk_postcodes._ranges.cache_info().misses == 2  # la_ranges.json and pcon2024_ranges.json


def test_the_data_version_names_the_shipped_files_by_checksum():
    folder = resources.files("store.data.uk_postcodes")
    for name in ("la_ranges.json", "pcon2024_ranges.json"):
        digest = hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()[:8]
        assert f"{name} sha256:{digest}" in uk_postcodes.DATA_VERSION


def test_the_attribution_ships_beside_the_data():
    readme = resources.files("store.data.uk_postcodes").joinpath("README.md").read_text(encoding="utf-8")
    assert uk_postcodes.ATTRIBUTION.replace("\n", " ") in " ".join(readme.split())
    assert "MIT licence" in readme


def test_an_installed_wheel_reads_its_own_data(tmp_path):
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("mailgate", "processors", "store", "web_archive", "templates"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel, = (tmp_path / "dist").glob("mailgate-*.whl")
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                                str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    # -P: not the working directory first; PYTHONPATH puts the installed copy before the editable one
    script = ("import store.uk_postcodes as u; print(u.__file__); print(u.council_for('SW1A 0AA').name);"
              " print(u.constituency_for('M1 1AE').name); from importlib import resources;"
              " print(resources.files('mailgate.data').joinpath('sample_representatives.json').is_file())")
    run = subprocess.run([sys.executable, "-P", "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    module_file, council, constituency, sample_mps = run.stdout.splitlines()
    assert module_file.startswith(str(target))
    assert (council, constituency) == ("Westminster", "Manchester Central")
    assert sample_mps == "True"  # the demo's representatives (docs/letters.md) ship too
