"""Print a country's public holidays, one ISO date per line, for store/foi_states.py.

    python -m store.holiday_dates GB 2026 2029     # 2026, 2027 and 2028

The holidays package imports the rules of every country it knows (about 300
modules, some 17 MB) to answer for one, so mailgate asks it in a short-lived
process like this one and keeps only the dates. A country it does not know has
no public holidays here: deadlines then count weekends only.
"""
from __future__ import annotations

import sys
from datetime import date


def main(argv: list[str]) -> int:
    if len(argv) != 4 or not argv[2].isdigit() or not argv[3].isdigit():
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    import holidays

    country, first_year, end_year = argv[1], int(argv[2]), int(argv[3])
    try:
        dates: dict[date, str] = holidays.country_holidays(country, years=range(first_year, end_year))
    except NotImplementedError:
        dates = {}
    print("\n".join(sorted(day.isoformat() for day in dates)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
