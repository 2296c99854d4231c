"""The data and software a reader's pages are made from, credited on the archive's about page.

One list, in one place: a change that brings in data (a postcode table, a list of authorities from
somewhere else) adds its credit here, and the about page shows it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Credit:
    what: str        # what it gives the site, in a reader's words
    source: str      # who made it
    licence: str
    url: str = ""    # where to read more (http(s) only)


# The wording the ONS Postcode Directory's licence asks for, shown as it is (store/uk_postcodes.py,
# the data's README and the about page all take it from here).
UK_POSTCODES_ATTRIBUTION = ("Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal "
                            "Mail copyright and database right; Source: Office for National Statistics licensed "
                            "under the Open Government Licence v.3.0.")

CREDITS: tuple[Credit, ...] = (
    Credit("The sample list of authorities", "made up by the mailgate project for demonstrations: fictional bodies, "
           "addresses under .example", "AGPL-3.0-or-later, as mailgate"),
    Credit("Public holidays used to count working days to a deadline", "the python-holidays project", "MIT",
           "https://github.com/vacanza/holidays"),
    Credit("Which council and which 2024 constituency a Great Britain postcode is in",
           "mySociety's mini-postcode-lookup (© 2024 mySociety), built from the ONS Postcode Directory. "
           + UK_POSTCODES_ATTRIBUTION, "MIT; the ONS data under the Open Government Licence v.3.0",
           "https://www.ons.gov.uk/methodology/geography/geographicalproducts/postcodeproducts"),
    Credit("The search box and its index", "Pagefind, by CloudCannon", "MIT", "https://pagefind.app/"),
)
