"""`mailgate import contacts`: which body takes which category, every bad line named at once (FILE:LINE)."""
from __future__ import annotations

from sqlmodel import select

from store.models import BodyContact, Counterpart
from tests.cli_home import SAMPLE_CONTACTS


def test_the_sample_contacts_with_several_emails_and_keywords(sample):
    with sample.session() as session:
        felpersham = session.exec(select(Counterpart).where(Counterpart.slug == "felpersham-council")).one()
        tipping = session.exec(select(BodyContact).where(BodyContact.counterpart_id == felpersham.id,
                                                         BodyContact.category == "Fly-tipping")).one()
        assert tipping.emails == ["waste@felpersham.gov.example", "enforcement@felpersham.gov.example"]
        assert tipping.keywords == ["fly tipping", "flytipping", "dumped"]
        assert len(session.exec(select(BodyContact)).all()) == 6
    assert "0 created, 0 updated, 6 unchanged" in sample("import", "contacts", SAMPLE_CONTACTS).output


def test_a_reimport_updates_a_category_in_place(sample, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("Body,Category,Email\nborchester-council,graffiti,  paint@borchester.gov.example \n"
                    "borchester-council,Abandoned vehicles,cars@borchester.gov.example\n")
    assert "1 created, 1 updated, 0 unchanged" in sample("import", "contacts", path).output
    with sample.session() as session:
        rows = session.exec(select(BodyContact).where(BodyContact.category.in_(["graffiti", "Abandoned vehicles"]))).all()
        assert sorted((r.category, r.emails[0]) for r in rows) == [
            ("Abandoned vehicles", "cars@borchester.gov.example"), ("graffiti", "paint@borchester.gov.example")]


def test_every_bad_line_is_named_and_nothing_is_written(sample, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("body,category,email,keywords\n"
                    "borchester-council,Litter,litter@borchester.gov.example,\n"
                    "nowhere-council,Litter,a@b.example,\n"
                    "borchester-council,,a@b.example,\n"
                    "borchester-council,Dog fouling,not-an-address,\n"
                    "\n"
                    "borchester-council,litter,again@borchester.gov.example,\n"
                    "felpersham-council,Litter,,\n")
    err = sample("import", "contacts", path, expect=1).output
    for line, message in [(3, "no body 'nowhere-council': import it first"), (4, "the category must be 1 to 100"),
                          (5, "'not-an-address' is not an email address"),
                          (7, "'borchester-council' already has the category 'litter' on line 2"),
                          (8, "no email address")]:
        assert f"{path}:{line}: {message}" in err, err
    with sample.session() as session:
        assert session.exec(select(BodyContact).where(BodyContact.category == "Litter")).all() == []


def test_a_header_without_the_columns_is_refused(sample, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("slug,category\nborchester-council,Litter\n")
    assert f"{path}:1: the header must include body,category,email; missing body, email" in \
        sample("import", "contacts", path, expect=1).output
