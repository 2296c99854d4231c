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


CREDITS: tuple[Credit, ...] = (
    Credit("The sample list of authorities", "made up by the mailgate project for demonstrations: fictional bodies, "
           "addresses under .example", "AGPL-3.0-or-later, as mailgate"),
    Credit("Public holidays used to count working days to a deadline", "the python-holidays project", "MIT",
           "https://github.com/vacanza/holidays"),
    Credit("The search box and its index", "Pagefind, by CloudCannon", "MIT", "https://pagefind.app/"),
)
