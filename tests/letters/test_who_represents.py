"""Who represents a postcode: `mailgate where` prints the MP, the lookup refuses what it cannot place,
and the name matching never has to guess between two constituencies."""
from __future__ import annotations

from datetime import date

import pytest

from processors.letters.constituencies import match_area, normal_name
from processors.letters.representation import NoConstituency, representatives_of
from store import uk_postcodes


@pytest.mark.parametrize("postcode, line", [
    ("LL65 3LA", "MP            Alys Prydderch (Red Party) <write-alys-prydderch@foi.test>"),  # Ynys Môn
    ("SW1A 0AA", "MP            Hugo Fairweather (Blue Party) <write-hugo-fairweather@foi.test>"),
    ("HS1 2WZ", "MP            Calum MacLeod (Green Leaf Party) <write-calum-macleod@foi.test>"),
    ("CF6 2AQ", "MP            Gethin ap Rhys (Blue Party): does not accept email; write to Swyddfa'r Etholaeth, "
                "1 Heol Enghraifft, Caerdydd"),
])
def test_where_prints_the_mp_of_a_postcode(members, postcode, line):
    assert line in members("where", postcode).output


def test_where_prints_the_welsh_name_and_only_the_current_mp(members):
    out = members("where", "CB1 5RE").output
    assert "MP            Tom Ashdown (Green Leaf Party) <write-tom-ashdown@foi.test>" in out
    assert "Edith Former" not in out
    assert "constituency  Ynys Môn (W07000112, 2024 boundaries)" in members("where", "LL65 3LA").output
    assert "Cardiff West / Gorllewin Caerdydd (W07000092" in members("where", "CF6 2AQ").output


def test_a_constituency_without_an_imported_mp_says_so(members):
    assert "MP            none imported for this constituency (`mailgate import representatives`)" in \
        members("where", "BH9 2LE").output


def test_northern_ireland_is_refused_with_a_sentence(members):
    out = members("where", "BT7 1NN", expect=1).output
    assert "BT7 1NN is a Northern Ireland postcode" in " ".join(out.split())
    with members.session() as session, pytest.raises(NoConstituency) as refused:
        representatives_of(session, "bt71nn", date(2025, 1, 1))
    assert str(refused.value).startswith("BT7 1NN is a Northern Ireland postcode: the constituency data mailgate ships "
                                         "covers Great Britain only")


def test_a_postcode_of_no_postcode_area_gets_a_sentence(members):
    with members.session() as session, pytest.raises(NoConstituency) as refused:
        representatives_of(session, "ZZ1 1ZZ", date(2025, 1, 1))
    assert str(refused.value) == "I couldn't find the postcode ZZ1 1ZZ: there is no postcode area 'ZZ' in the UK."


@pytest.mark.parametrize("postcode", ["GY1 1WR", "JE2 3AB", "IM1 1AA"])
def test_the_channel_islands_and_the_isle_of_man_have_no_mp_at_westminster(members, postcode):
    assert uk_postcodes.council_for(postcode) is None  # what the council data already says
    with members.session() as session, pytest.raises(NoConstituency) as refused:
        representatives_of(session, postcode, date(2025, 1, 1))
    assert str(refused.value) == (f"{postcode} is not in a Westminster constituency in mailgate's data (the Channel "
                                  "Islands, the Isle of Man and some non-geographic postcodes are not).")


def test_representatives_of_a_postcode(members):
    with members.session() as session:
        seat, [mp] = representatives_of(session, "ll65 3la", date(2025, 1, 1))
    assert (seat.name, mp.slug, mp.email) == ("Ynys Môn", "alys-prydderch", "alys.prydderch@parliament.example")


def test_no_two_constituencies_share_a_normal_name_so_a_name_match_is_never_a_guess():
    names = [normal_name(n) for seat in uk_postcodes.constituencies() for n in {seat.name, seat.name_cy} if n]
    assert len(names) == len(set(names)) > 632  # English names, and Welsh ones for Wales


@pytest.mark.parametrize("area_id, name, codes, gss, how", [
    ("E14000639", "Cities of London and Westminster", (), "E14001172", "name"),  # a 2010 code: the name decides
    ("x", "Gorllewin Abertawe", (), "W07000108", "name"),
    ("x", "Merthyr Tydfil ac Aberdar", (), "W07000099", "name"),  # â of the Welsh name
    ("x", "Nowhere", ("ons:W07000112",), "W07000112", "GSS code"),
    ("x", "Westminster North", (), None, "no 2024 constituency"),  # abolished in 2024
])
def test_area_matching_rules(area_id, name, codes, gss, how):
    found = match_area(area_id, name, codes)
    assert (found.constituency.gss if found.constituency else None) == gss
    assert found.how.startswith(how)
