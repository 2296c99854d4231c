"""The imports (the postcodes' upsert is dialect-specific) and the lookup on PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from processors.places.import_bodies import import_bodies
from processors.places.import_contacts import import_contacts
from processors.places.import_postcodes import import_postcodes
from processors.places.lookup import find_place, responsible_for
from store.migrate import upgrade
from store.models import PostcodePoint
from tests.cli_home import SAMPLE_BODIES, SAMPLE_CONTACTS

pytestmark = pytest.mark.postgres_redis


def test_imports_and_lookup_on_postgresql(postgres_url, tmp_path):
    upgrade(postgres_url)
    engine = sa.create_engine(postgres_url)
    postcodes = tmp_path / "postcodes.csv"
    postcodes.write_text("postcode,lat,lon\nCB3 0DU,52.05,-1.81\nZZ9 9ZZ,0,0\n")
    with Session(engine) as session:
        assert import_bodies(session, SAMPLE_BODIES).created == 3
        assert import_contacts(session, SAMPLE_CONTACTS).created == 6
        assert import_postcodes(session, postcodes).created == 2
        postcodes.write_text("postcode,lat,lon\ncb30du,52.05,-1.95\n")
        assert import_postcodes(session, postcodes).created == 0  # updated in place
        session.commit()
        assert session.get(PostcodePoint, "CB30DU").lon == -1.95
        place = find_place(session, "CB3 0DU")
        assert [b.slug for b in place.bodies] == ["borchester-council", "borsetshire-council"]
        assert [r.body.slug for r in responsible_for(session, place, "street lights")] == ["borsetshire-council"]
        assert [r.body.slug for r in responsible_for(session, find_place(session, "SG8 0NJ"), "Fly-tipping")] == [
            "felpersham-council"]
    engine.dispose()
