"""Places lookups per second: postcodes in the shipped GB data, and points in councils' areas with the
STRtree against a linear scan of every area (the baseline), measured in the same run.

    python bench/places.py [--bodies 400] [--vertices 400] [--points 20000]

The areas are a grid of jagged polygons (400 by default: Great Britain has ~360 lower-tier
councils), imported through `mailgate import bodies`'s own code into a temporary SQLite store.
The postcodes are the 100,000 real ones of tests/data/places/onspd_sample_100k.csv. The figures
are in docs/places.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from processors.places.import_bodies import import_bodies  # noqa: E402
from processors.places.index import area_index  # noqa: E402
from processors.places.lookup import find_place  # noqa: E402
from store import uk_postcodes  # noqa: E402
from store.migrate import upgrade  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "places" / "onspd_sample_100k.csv"


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}/s"


def jagged_cell(x0: float, y0: float, size: float, vertices: int, rng: random.Random) -> dict:
    """A cell of the grid as a star-ish polygon: `vertices` points at varying radius around its centre."""
    cx, cy = x0 + size / 2, y0 + size / 2
    ring = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        radius = size / 2 * (0.75 + 0.25 * rng.random())
        ring.append([round(cx + radius * math.cos(angle), 6), round(cy + radius * math.sin(angle), 6)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def bench_postcodes() -> None:
    postcodes = [row["pcd"] for row in csv.DictReader(SAMPLE.open(encoding="utf-8"))]
    start = time.perf_counter()
    uk_postcodes.council_for("SW1A 0AA")
    uk_postcodes.constituency_for("SW1A 0AA")
    print(f"postcode data loaded (both files, first use): {time.perf_counter() - start:.3f} s")
    for name, lookup in (("council", lambda p: uk_postcodes.council_for(p, northern_ireland=True)),
                         ("constituency", uk_postcodes.constituency_for)):
        start = time.perf_counter()
        for postcode in postcodes:
            try:
                lookup(postcode)
            except uk_postcodes.PostcodeNotFound:
                pass
        print(f"postcode → {name:<13}{rate(len(postcodes), time.perf_counter() - start)}  ({len(postcodes):,} real postcodes)")


def bench_points(bodies: int, vertices: int, points: int) -> None:
    rng = random.Random(12)
    side = math.ceil(math.sqrt(bodies))
    size = 0.1
    features = [{"type": "Feature", "properties": {"slug": f"council-{i}", "name": f"Council {i}", "gss": f"X{i:08d}"},
                 "geometry": jagged_cell(-3 + (i % side) * size, 51 + (i // side) * size, size, vertices, rng)}
                for i in range(bodies)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bodies.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        url = f"sqlite:///{Path(folder) / 'store.db'}"
        upgrade(url)
        engine = sa.create_engine(url)
        with Session(engine) as session:
            start = time.perf_counter()
            import_bodies(session, path)
            session.commit()
            print(f"import of {bodies} bodies × {vertices} vertices ({path.stat().st_size / 2**20:.1f} MB): "
                  f"{time.perf_counter() - start:.2f} s")
            start = time.perf_counter()
            index = area_index(session)
            print(f"index built: {time.perf_counter() - start:.3f} s")
            queries = [(51 + rng.random() * side * size, -3 + rng.random() * side * size) for _ in range(points)]
            start = time.perf_counter()
            tree_hits = [index.containing(lat, lon) for lat, lon in queries]
            tree = time.perf_counter() - start
            scanned = queries[: max(1, points // 20)]  # the scan is slow: a twentieth of the points
            start = time.perf_counter()
            scan_hits = [index.containing_by_scan(lat, lon) for lat, lon in scanned]
            scan = (time.perf_counter() - start) * len(queries) / len(scanned)
            assert scan_hits == tree_hits[: len(scanned)], "the tree and the scan disagree"
            covered = sum(bool(hits) for hits in tree_hits)
            print(f"point → areas, STRtree    {rate(len(queries), tree)}  ({covered:,} of {len(queries):,} inside an area)")
            print(f"point → areas, scan       {rate(len(queries), scan)}  (baseline: every area tested)")
            print(f"STRtree / scan: {scan / tree:.0f}× as many lookups per second")
            start = time.perf_counter()
            for lat, lon in queries[:2000]:
                find_place(session, f"{lat:.5f},{lon:.5f}")
            print(f"find_place(point) end to end (store stamp, bodies' names)  {rate(2000, time.perf_counter() - start)}")
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=400)
    parser.add_argument("--vertices", type=int, default=400)
    parser.add_argument("--points", type=int, default=20000)
    args = parser.parse_args()
    bench_postcodes()
    bench_points(args.bodies, args.vertices, args.points)
    return 0


if __name__ == "__main__":
    sys.exit(main())
