"""`mailgate import representatives`: the sample Popolo file, re-import, and every problem named by its JSON path."""
from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from processors.letters.representation import representatives_in
from store.models import Counterpart
from store.representatives import Representative, RepresentativeSeat
from tests.letters.conftest import SAMPLE_REPRESENTATIVES


def test_the_sample_prints_each_address_and_the_area_no_constituency_matched(mailgate):
    out = mailgate("import", "representatives", SAMPLE_REPRESENTATIVES).output
    assert "14 created, 0 updated, 0 unchanged" in out
    assert "write-alys-prydderch@foi.test  Alys Prydderch: Ynys Mon (W07000112)" in out
    assert "write-hugo-fairweather@foi.test  Hugo Fairweather: Cities of London & Westminster (E14001172)" in out
    assert "write-zoe-marchbank@foi.test  Zoë Marchbank" in out  # the address without the diaeresis
    assert ("gethin-ap-rhys (does not accept email; post: Swyddfa'r Etholaeth, 1 Heol Enghraifft, Caerdydd)  "
            "Gethin ap Rhys: Gorllewin Caerdydd (W07000092)") in out
    assert "write-edith-former@foi.test  Edith Former: no current seat" in out  # her membership ended in May 2024
    assert ("unmatched area areas[12] 'Borsetshire North': no 2024 constituency has the code or the name "
            "'Borsetshire North'") in out
    assert out.count("unmatched area") == 1


def test_each_area_finds_its_constituency_by_code_or_by_a_normalised_name(members):
    with members.session() as session:
        seats = {seat.area_name: seat.constituency_gss for seat in session.exec(select(RepresentativeSeat)).all()}
    assert seats == {
        "Ynys Mon": "W07000112",                        # Ynys Môn, without its circumflex
        "Gorllewin Caerdydd": "W07000092",              # Cardiff West by its Welsh name
        "Montgomeryshire & Glyndwr": "W07000102",       # "&" and ŵ
        "Cities of London & Westminster": "E14001172",  # by its GSS identifier
        "South Cambridgeshire": "E14001481",            # a GSS code as the area's id
        "Cambridge": "E14001149",
        "Brighton Kemptown & Peacehaven": "E14001129",
        "Queens Park and Maida Vale": "E14001435",      # Queen's, without the apostrophe
        "Ashton under Lyne": "E14001070",               # Ashton-under-Lyne
        "NA H-EILEANAN AN IAR": "S14000027",            # case
        "Stoke Central": "E14001520",                   # "gss:E14001520": the code wins over a name
        "Caerfyrddin": "W07000087",
        "Borsetshire North": "",                        # fictional: kept, matched to nothing
    }


def test_only_current_memberships_count_by_the_day_asked(members):
    with members.session() as session:
        on_the_day = [r.name for r in representatives_in(session, "E14001149", date(2024, 7, 4))]
        before = [r.name for r in representatives_in(session, "E14001149", date(2024, 5, 30))]
        between = [r.name for r in representatives_in(session, "E14001149", date(2024, 6, 15))]
        partial = [r.name for r in representatives_in(session, "E14001070", date(2024, 1, 1))]  # start "2024"
        not_yet = [r.name for r in representatives_in(session, "E14001481", date(2024, 6, 30))]  # start "2024-07"
    assert on_the_day == ["Tom Ashdown"]
    assert before == ["Edith Former"]   # the end date is her last day
    assert between == []                # dissolution to election: no MP
    assert partial == ["Grace Whitworth"] and not_yet == []


def test_a_representative_without_email_is_kept_with_the_postal_address(members):
    with members.session() as session:
        [gethin] = representatives_in(session, "W07000092", date(2025, 1, 1))
        [hugo] = representatives_in(session, "E14001172", date(2025, 1, 1))
    assert not gethin.accepts_email and gethin.email == ""
    assert gethin.postal_address == "Swyddfa'r Etholaeth, 1 Heol Enghraifft, Caerdydd"
    assert gethin.party == "Blue Party"
    assert hugo.email == "hugo.fairweather@parliament.example"  # from contact_details


def test_re_import_changes_nothing_then_updates_in_place_keeping_the_address(members, tmp_path):
    assert "0 created, 0 updated, 14 unchanged" in members("import", "representatives", SAMPLE_REPRESENTATIVES).output
    document = json.loads(SAMPLE_REPRESENTATIVES.read_text())
    alys = next(p for p in document["persons"] if p["id"] == "p-alys")
    alys["name"], alys["email"] = "Alys Prydderch-Jones", "alys.pj@parliament.example"
    for membership in document["memberships"]:
        if membership["person_id"] == "p-tom" and "area_id" in membership:
            membership["end_date"] = "2025-03-01"  # a by-election
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    out = members("import", "representatives", changed).output
    assert "0 created, 2 updated, 12 unchanged" in out
    assert "write-alys-prydderch@foi.test  Alys Prydderch-Jones" in out  # the address people know stays
    with members.session() as session:
        counterpart = session.exec(select(Counterpart).where(Counterpart.slug == "alys-prydderch")).one()
        assert counterpart.email == "alys.pj@parliament.example"
        assert len(session.exec(select(Representative)).all()) == 14
        assert representatives_in(session, "E14001149", date(2025, 3, 2)) == []


def test_a_name_already_used_by_an_authority_gets_a_numbered_slug(sample, tmp_path):
    path = tmp_path / "mp.json"
    path.write_text(json.dumps({"persons": [{"id": "x1", "name": "Borsetshire Council", "email": "b@parliament.example"}],
                                "memberships": []}))
    assert "write-borsetshire-council-2@foi.test  Borsetshire Council: no current seat" in \
        sample("import", "representatives", path).output


def test_every_problem_is_named_by_its_json_path_and_nothing_is_written(mailgate, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({
        "persons": [{"id": "a", "name": "Ann"}, {"id": "a", "name": "Ann Again"}, {"name": "No Id"},
                    {"id": "d", "name": "Dee", "email": "not-an-address"},
                    {"id": "e", "name": "Eve", "contact_details": [{"type": "email", "value": "e@x.example, f@x.example"}]}],
        "organizations": [{"id": "commons", "name": "House of Commons"}],
        "areas": [{"id": "w1", "name": "Wrexham"}],
        "memberships": [{"person_id": "zz", "area_id": "w1"}, {"person_id": "a", "area_id": "nowhere"},
                        {"person_id": "a", "area_id": "w1", "organization_id": "lords"},
                        {"person_id": "a", "area_id": "w1", "start_date": "2024-13-01"},
                        {"person_id": "a", "area_id": "w1", "start_date": "2024-07-04", "end_date": "2020"}],
    }))
    out = mailgate("import", "representatives", path, expect=1).output
    for expected in ("persons[1].id: 'a' is already used by persons[0]", "persons[2].id: is missing",
                     "persons[3].email: 'not-an-address' is not an email address",
                     "persons[4].contact_details[0].value: 'e@x.example, f@x.example' is not an email address",
                     "memberships[0].person_id: 'zz' is not the id of any of persons[]",
                     "memberships[1].area_id: 'nowhere' is not the id of any of areas[]",
                     "memberships[2].organization_id: 'lords' is not the id of any of organizations[]",
                     "memberships[3].start_date: '2024-13-01' is not a date such as 2024-07-04",
                     "memberships[4].end_date: 2020-12-31 is before the start_date 2024-07-04"):
        assert f"{path}: {expected}" in out
    with mailgate.session() as session:
        assert session.exec(select(Counterpart)).all() == []


def test_a_file_that_is_not_popolo_says_what_it_must_be(mailgate, tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    assert "must be a Popolo JSON object with a list of \"persons\"" in \
        mailgate("import", "representatives", path, expect=1).output


def test_posts_give_memberships_their_area_as_in_theyworkforyou_files(mailgate, tmp_path):
    path = tmp_path / "posts.json"
    path.write_text(json.dumps({
        "persons": [{"id": "uk.org.publicwhip/person/1", "name": "Rhian Example", "email": "rhian@parliament.example"}],
        "posts": [{"id": "uk.org.publicwhip/cons/1", "area": {"name": "Wrecsam"}}],
        "memberships": [{"person_id": "uk.org.publicwhip/person/1", "post_id": "uk.org.publicwhip/cons/1",
                         "start_date": "2024-07-04"}]}))
    assert "write-rhian-example@foi.test  Rhian Example: Wrecsam (W07000111)" in \
        mailgate("import", "representatives", path).output
